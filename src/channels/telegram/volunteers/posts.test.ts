import { describe, expect, it } from 'vitest';
import type { CaseView } from '../../../handoff/cases.js';
import { cardText, topicName, TOPIC_NAME_MAX } from './posts.js';

const view = (over: Partial<CaseView> = {}): CaseView => ({
  id: 12,
  status: 'open',
  urgent: false,
  deadlineAt: null,
  locale: 'ar',
  channel: 'whatsapp',
  place: null,
  openedAt: '2026-11-30T09:00:00.000Z',
  lastPersonMessageAt: null,
  claimedBy: null,
  claimedAt: null,
  card: {},
  reason: 'asked',
  topicId: null,
  outcome: null,
  closedAt: null,
  needsInterpreter: false,
  ...over,
});

describe('topic names', () => {
  it('say urgency, case number, language and a known place, then who holds it', () => {
    expect(topicName(view())).toBe('#12 · ar');
    expect(topicName(view({ urgent: true, card: { placeKind: 'waiting-zone', place: 'roissy' } }))).toBe('🔴 #12 · ar · Roissy');
    expect(topicName(view({ card: { placeKind: 'land-border' }, claimedBy: { id: 1, name: 'Chloé' } }))).toBe('#12 · ar · land border · ✋ Chloé');
    expect(topicName(view({ locale: null }))).toBe('#12 · ?');
  });

  it('never carry what the person typed: a place in their words shows only as its kind', () => {
    const name = topicName(view({ card: { placeKind: 'waiting-zone', place: 'Roissy avec mon fils Ahmed +33612345678' } }));
    expect(name).toBe('#12 · ar · waiting zone');
  });

  it('fit Telegram’s 128 characters whatever the holder’s name', () => {
    const name = topicName(view({ id: 2_147_483_647, urgent: true, card: { place: 'le-perthus' }, claimedBy: { id: 1, name: 'Ж'.repeat(100) } }));
    expect(name.length).toBeLessThanOrEqual(TOPIC_NAME_MAX);
    expect(name.startsWith('🔴 #2147483647 · ar · Le Perthus · ✋ ЖЖ')).toBe(true);
    expect(name.endsWith('…')).toBe(true);
  });
});

describe('the card', () => {
  it('shows what the intake learnt and the conversation before the case, within one message', () => {
    const long = 'x'.repeat(1_000);
    const text = cardText(
      view({
        urgent: true,
        needsInterpreter: true,
        card: { writer: 'relative', placeKind: 'waiting-zone', place: 'orly', deadlineKind: 'flight', deadlineAt: '2026-12-01T13:00:00.000Z', consent: true },
      }),
      Array.from({ length: 40 }, (_, i) => ({ id: i, at: '2026-11-30T08:00:00.000Z', author: i % 2 ? ('bot' as const) : ('person' as const), text: `${i} ${long}`, ...(i % 2 ? { french: `fr ${i}` } : {}) })),
    );
    expect(text).toContain('🔴 URGENT — Case #12');
    expect(text).toContain('Language: ar · WhatsApp · no volunteer reads it: interpreter needed');
    expect(text).toContain('Who writes: someone close to them');
    expect(text).toContain('Where: waiting zone — Orly');
    expect(text).toContain('Deadline: flight, Tue 1 Dec, 14:00 Paris time');
    // The bot's lines in French; the person's cut; the latest kept.
    expect(text).toContain('🤖 fr 39');
    expect(text).toContain(`👤 38 ${'x'.repeat(100)}`);
    expect(text).not.toContain('👤 0 ');
    expect(text.length).toBeLessThanOrEqual(4096);
  });

  it('says when the person kept their answers private', () => {
    expect(cardText(view({ card: { consent: false } }), [])).toContain('The person kept their answers to the intake private.');
  });
});
