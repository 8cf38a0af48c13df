/** Relais works in French time: office hours, deadlines and the dates it writes are Paris time. */
export const TIME_ZONE = 'Europe/Paris';

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const clock = new Intl.DateTimeFormat('en-CA', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  weekday: 'short',
  hourCycle: 'h23',
});

/** The date, weekday and minutes of the day in Paris at an instant. */
export function parisClock(at: Date): { date: string; weekday: number; minutes: number } {
  const parts = Object.fromEntries(clock.formatToParts(at).map((p) => [p.type, p.value]));
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: WEEKDAYS.indexOf(String(parts.weekday).toLowerCase().slice(0, 3) as Weekday),
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

/** The instant of a Paris wall-clock time (summer time handled: the offset is read for that day). */
export function parisInstant(date: string, minutesOfDay: number): Date {
  const guess = new Date(`${date}T00:00:00Z`).getTime() + minutesOfDay * 60_000;
  // Paris is UTC+1 or UTC+2: correct the guess by the offset seen at that moment.
  for (const offsetHours of [1, 2]) {
    const candidate = new Date(guess - offsetHours * 3_600_000);
    const seen = parisClock(candidate);
    if (seen.date === date && seen.minutes === minutesOfDay) return candidate;
  }
  return new Date(guess - 3_600_000);
}
