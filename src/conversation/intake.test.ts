import { describe, expect, it } from 'vitest';
import { loadContent } from '../content/index.js';
import { formatWait } from '../content/intl.js';
import type { CaseCard } from '../core/handoff.js';
import type { InboundBody } from '../core/messages.js';
import { parisInstant } from '../core/time.js';
import { parseDate, parseTime } from './intake.js';
import type { Availability } from './replies.js';
import { step, type ConversationState, type StepResult } from './index.js';

const content = loadContent();
// Monday 30 November 2026, 10:00 in Paris.
const NOW = new Date('2026-11-30T09:00:00Z');

function conversation(options: { availability?: Availability; caseOf?: () => { status: 'open' | 'claimed'; card: CaseCard } | undefined } = {}) {
  let state: ConversationState | null = null;
  let n = 0;
  const send = (body: InboundBody): StepResult => {
    const kase = options.caseOf?.();
    const result = step(
      state,
      { channel: 'telegram', externalId: String(++n), personKey: 'p', receivedAt: NOW, body },
      {
        content,
        association: {},
        channel: 'telegram',
        now: NOW,
        ...(options.availability ? { availability: options.availability } : {}),
        ...(kase ? { case: kase } : {}),
      },
    );
    state = JSON.parse(JSON.stringify(result.state)) as ConversationState;
    return result;
  };
  const c = {
    send,
    text: (text: string) => send({ kind: 'text', text }),
    tap: (id: string) => send({ kind: 'choice', id }),
    get state() {
      return state!;
    },
  };
  c.send({ kind: 'start' });
  c.tap('lang:fr');
  return c;
}

const texts = (r: StepResult) => r.outbound.map((m) => m.text);
const choices = (r: StepResult) => {
  const last = r.outbound.at(-1);
  return last?.kind === 'choices' ? last.choices.map((c) => c.id) : [];
};
const t = (id: string, values?: Record<string, string>) => content.text('fr', id, values);

describe('the intake after asking for a volunteer', () => {
  it('asks who writes, where, the deadline and consent, each skippable; skipping everything shares nothing', () => {
    const c = conversation();
    const v = c.text('bénévole');
    expect(v.handoff).toMatchObject({ reason: 'asked' });
    expect(texts(v).slice(-2)).toEqual([t('intake.intro'), t('intake.who.ask')]);
    expect(choices(v)).toEqual(['in:who:person', 'in:who:relative', 'in:who:lawyer', 'in:who:other', 'in:skip']);
    const asked: string[] = [];
    let r = v;
    for (let i = 0; i < 10 && c.state.intake; i++) {
      r = c.tap('in:skip');
      asked.push(texts(r).at(-1)!);
    }
    expect(asked).toEqual([t('intake.where.ask'), t('intake.deadline.ask'), t('intake.consent.ask'), t('intake.done.private')]);
    expect(r.card).toEqual({ consent: false });
    expect(c.state.intake).toBeUndefined();
  });

  it('fills the whole card from taps, typed words, a number, a day and a time; a deadline within 48 h makes it urgent', () => {
    const c = conversation();
    c.text('bénévole');
    c.tap('in:who:relative');
    c.text('1'); // where: the first choice, a waiting zone
    const zone = c.text('Terminal 2E');
    expect(texts(zone).at(-1)).toBe(t('intake.deadline.ask'));
    c.tap('in:deadline:flight');
    const day = c.tap('in:day:tomorrow');
    expect(texts(day).at(-1)).toBe(t('intake.time.ask'));
    // Tomorrow is within 48 hours: the case becomes urgent at once.
    expect(day.handoff).toEqual({ urgent: true, reason: 'urgent-deadline' });
    c.text('14h30');
    const done = c.tap('in:consent:yes');
    expect(texts(done)).toEqual([t('intake.done')]);
    expect(done.card).toEqual({
      writer: 'relative',
      placeKind: 'waiting-zone',
      place: 'Terminal 2E',
      deadlineKind: 'flight',
      deadlineAt: parisInstant('2026-12-01', 14 * 60 + 30).toISOString(),
      deadlineTimeKnown: true,
      consent: true,
    });
    // Later requests stay urgent.
    expect(c.text('bénévole').handoff).toMatchObject({ urgent: true });
  });

  it('does not ask what the conversation already showed: the branch read, a card already shared', () => {
    const c = conversation();
    c.tap('t:border');
    const v = c.tap('nav:volunteer');
    // At a land border, the person writing: asked which post, not who writes or where.
    expect(texts(v).at(-1)).toBe(t('intake.border.ask'));
    expect(choices(v)).toContain('in:border:menton');

    const shared: CaseCard = { writer: 'person', placeKind: 'land-border', place: 'menton', deadlineKind: 'other', consent: true };
    const again = conversation({ caseOf: () => ({ status: 'open', card: shared }) });
    const w = again.text('bénévole');
    expect(texts(w).at(-1)).toBe(t('handoff.open'));
    expect(again.state.intake).toBeUndefined();
  });

  it('stops when the person asks something else, keeping what was answered', () => {
    const c = conversation();
    c.text('bénévole');
    c.tap('in:who:person');
    const question = c.text('demander l’asile');
    expect(question.outbound.length).toBeGreaterThan(0);
    expect(texts(question).join('\n')).not.toContain(t('intake.where.ask'));
    expect(c.state.intake).toBeUndefined();
  });

  it('says honestly what happens next: the usual wait in office hours, the reopening and an urgent contact outside', () => {
    const open = conversation({ availability: { open: true, answerMinutes: 120 } });
    expect(texts(open.text('bénévole'))).toContain(t('handoff.open.within', { wait: formatWait('fr', 120) }));
    expect(formatWait('fr', 120)).toMatch(/^2\s+heures$/);
    const closed = conversation({
      availability: { open: false, reopensAt: parisInstant('2026-12-07', 9 * 60), urgentContact: '+33 1 00 00 00 00' },
    });
    const r = closed.text('bénévole');
    expect(texts(r)).toContain(t('handoff.closed', { when: 'lundi 7 décembre à 09:00' }));
    expect(texts(r)).toContain(t('handoff.urgent.contact', { contact: '+33 1 00 00 00 00' }));
  });
});

describe('while a volunteer holds the case', () => {
  it('stays silent and relays what the person writes; answers only the commands that leave', () => {
    let claimed = false;
    const c = conversation({ caseOf: () => (claimed ? { status: 'claimed', card: {} } : { status: 'open', card: {} }) });
    c.text('bénévole');
    claimed = true;
    const message = c.text('Mon frère est arrivé hier à Roissy');
    expect(message.outbound).toEqual([]);
    expect(message.relayed).toBe(true);
    expect(c.state.intake).toBeUndefined();
    expect(c.tap('in:who:person').outbound).toEqual([]);
    expect(c.text('asile').outbound).toEqual([]);
    const menu = c.text('menu');
    expect(menu.relayed).toBe(true);
    expect(texts(menu).length).toBeGreaterThan(0);
    expect(c.text('0').outbound.length).toBeGreaterThan(0);
  });
});

describe('dates and times typed in the intake', () => {
  it('reads a day and a month, this year or next', () => {
    expect(parseDate('24 12', NOW)).toBe('2026-12-24');
    expect(parseDate('3 1', NOW)).toBe('2027-01-03');
    expect(parseDate('3 1 2027', NOW)).toBe('2027-01-03');
    expect(parseDate('31 2', NOW)).toBeUndefined();
    expect(parseDate('demain', NOW)).toBeUndefined();
  });

  it('reads a time', () => {
    expect(parseTime('14 30')).toBe(870);
    expect(parseTime('14h30')).toBe(870);
    expect(parseTime('9h')).toBe(540);
    expect(parseTime('9')).toBe(540);
    expect(parseTime('25 00')).toBeUndefined();
  });
});
