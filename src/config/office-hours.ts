import { z } from 'zod';
import { parisClock, parisInstant, WEEKDAYS as DAYS, type Weekday as Day } from '../core/time.js';

/**
 * When the association's volunteers answer: a weekly schedule and holidays, in French time
 * (Europe/Paris), from configuration. The engine tells a person honestly what happens next from it:
 * "a volunteer will answer here, usually within an hour" in office hours; "we are back Monday at
 * 09:00" outside them.
 *
 *   OFFICE_HOURS="mon-fri 09:00-18:00; sat 10:00-13:00"
 *   OFFICE_HOLIDAYS="2026-12-25, 2027-01-01"
 */


/** Minutes since midnight, Paris time. */
interface Span {
  from: number;
  to: number;
}

export interface OfficeHours {
  /** Open spans per weekday (0 = Sunday). Empty everywhere: no schedule, always "as soon as we can". */
  week: Span[][];
  /** Closed days, `YYYY-MM-DD` in Paris time. */
  holidays: Set<string>;
}

export type Availability = { open: true } | { open: false; reopensAt: Date | undefined };

const TIME = /^([01]?\d|2[0-3]):([0-5]\d)$/;

/** Parses `OFFICE_HOURS`; throws with a sentence naming the part that is wrong. */
export function parseOfficeHours(schedule: string | undefined, holidays: string | undefined): OfficeHours {
  const week: Span[][] = DAYS.map(() => []);
  for (const part of (schedule ?? '').split(';').map((p) => p.trim()).filter(Boolean)) {
    const match = /^([a-z]{3})(?:-([a-z]{3}))?\s+(\S+)-(\S+)$/i.exec(part);
    if (!match) throw new Error(`"${part}" is not "mon-fri 09:00-18:00"`);
    const [, first, last, fromText, toText] = match as unknown as [string, string, string | undefined, string, string];
    const start = DAYS.indexOf(first.toLowerCase() as Day);
    const end = DAYS.indexOf((last ?? first).toLowerCase() as Day);
    if (start < 0 || end < 0) throw new Error(`"${part}": days are ${DAYS.join(', ')}`);
    const from = minutes(fromText);
    const to = toText === '24:00' ? 24 * 60 : minutes(toText);
    if (from === undefined || to === undefined || to <= from) throw new Error(`"${part}": hours are HH:MM-HH:MM, the end after the start`);
    for (let d = start; ; d = (d + 1) % 7) {
      week[d]!.push({ from, to });
      if (d === end) break;
    }
  }
  const days = new Set<string>();
  for (const day of (holidays ?? '').split(',').map((d) => d.trim()).filter(Boolean)) {
    if (!z.iso.date().safeParse(day).success) throw new Error(`"${day}" is not a date written YYYY-MM-DD`);
    days.add(day);
  }
  return { week, holidays: days };
}

function minutes(text: string): number | undefined {
  const match = TIME.exec(text);
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}

/** Whether volunteers answer now and, if not, when they are back (undefined: no schedule at all). */
export function availability(hours: OfficeHours, now: Date): Availability {
  if (hours.week.every((spans) => spans.length === 0)) return { open: true };
  const here = parisClock(now);
  if (!hours.holidays.has(here.date) && hours.week[here.weekday]!.some((s) => s.from <= here.minutes && here.minutes < s.to)) {
    return { open: true };
  }
  // The next opening: today later, or one of the next 14 days (holidays skipped).
  for (let ahead = 0; ahead <= 14; ahead++) {
    const day = parisClock(new Date(now.getTime() + ahead * 86_400_000));
    if (hours.holidays.has(day.date)) continue;
    const starts = hours.week[day.weekday]!.map((s) => s.from).filter((from) => ahead > 0 || from > here.minutes);
    if (starts.length === 0) continue;
    return { open: false, reopensAt: parisInstant(day.date, Math.min(...starts)) };
  }
  return { open: false, reopensAt: undefined };
}
