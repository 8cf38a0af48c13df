import { afterEach, beforeEach, describe, expect } from 'vitest';
import { test } from '../support/fixtures.js';
import { failures, type FakeGraphApi } from '../support/fake-graph-api.js';
import { startRelais, type TestRelais } from '../support/relais.js';
import { wa, webhookOf, whatsappEnv, type WaPerson } from '../support/whatsapp-fixtures.js';
import type { OutboxPayload } from '../../src/core/messages.js';
import { lastOffer, outboxRows, peopleRows, postWebhook, sentTo, textOf, type Offered } from './helpers.js';
import { loadContent } from '../../src/content/index.js';
import { enqueueOutbound } from '../../src/outbox/rows.js';

/**
 * Whole conversations over WhatsApp, end to end: signed webhooks in, the real engine and content, our
 * real client out to a fake Graph API. The tests follow whatever the content offers (they tap the
 * buttons and list rows the bot actually sent) so that they keep working when the content changes.
 */

let fake: FakeGraphApi;
let relais: TestRelais;
let clock: Date;
const HOUR = 3_600_000;

const fatima: WaPerson = { waId: '33612345678', name: 'Fatima' };
const karim: WaPerson = { waId: '212612345678', bsuid: 'MA.13491208655302741918', name: 'Karim' };

const ARABIC = /[\u0600-\u06ff]/;
const content = loadContent();

test.beforeEach(({ graphApi }) => {
  fake = graphApi;
});
// Work deferred by one test must not reach the fake during the next.
afterEach(() => relais?.settle());

async function start(extraEnv: Record<string, string> = {}) {
  fake.reset();
  clock = new Date('2026-11-28T09:00:00Z');
  relais = await startRelais({
    env: whatsappEnv(fake.url, extraEnv),
    now: () => clock,
    channelOptions: { whatsapp: { now: () => clock } },
  });
}

async function say(person: WaPerson, event: ReturnType<typeof wa.text>) {
  const res = await postWebhook(relais, webhookOf(event));
  expect(res.status).toBe(200);
  await relais.settle();
}

/** Taps one option of the last interactive message (a button or a list row, whichever was sent). */
async function tap(person: WaPerson, offer: Offered, pick: (o: { id: string; title: string }) => boolean = () => true) {
  const option = offer.options.find(pick) ?? offer.options[0]!;
  const event = offer.kind === 'button' ? wa.buttonReply(person, option.id, option.title, { at: clock }) : wa.listReply(person, option.id, option.title, { at: clock });
  await say(person, event);
  return option;
}

/**
 * Talks with the bot by taps only, for up to `steps` taps, preferring options that were not tapped yet.
 * Returns which kinds of interactive messages were used.
 */
async function converse(person: WaPerson, steps: number) {
  const kinds = new Set<Offered['kind']>();
  const tapped = new Set<string>();
  for (let i = 0; i < steps; i++) {
    const offer = lastOffer(fake, person);
    if (!offer) break;
    const before = sentTo(fake, person).length;
    const option = await tap(person, offer, (o) => !tapped.has(o.id));
    tapped.add(option.id);
    kinds.add(offer.kind);
    // Every tap gets an answer.
    expect(sentTo(fake, person).length).toBeGreaterThan(before);
  }
  return kinds;
}

describe('a whole conversation over WhatsApp', () => {
  beforeEach(() => start());

  test('in French, by buttons and list rows, every message within WhatsApp’s limits', async () => {
    await say(fatima, wa.text(fatima, "Bonjour, j'ai été refoulé à Menton", { at: clock }));
    expect(sentTo(fake, fatima).length).toBeGreaterThan(0);
    const kinds = await converse(fatima, 6);
    // The content offers both: menus of 4+ topics as lists, short follow-ups as reply buttons.
    expect([...kinds].sort()).toEqual(['button', 'list']);

    for (const call of sentTo(fake, fatima)) {
      expect(call.body.to).toBe(fatima.waId);
      const i = call.body.interactive as { type: string; action: { button?: string } } | undefined;
      if (i?.type === 'list') expect(i.action.button).toBe(content.text('fr', 'list.button'));
    }
    // Every inbound message was marked read.
    expect(fake.reads().length).toBeGreaterThanOrEqual(2);
    const rows = await outboxRows(relais);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    expect(rows.every((r) => r.payload.locale === 'fr' && r.payload.direction === 'ltr')).toBe(true);
  });

  test('in Arabic (right to left), keyed by the business-scoped user id', async () => {
    await say(karim, wa.text(karim, 'مرحبا، تم رفض دخولي إلى فرنسا', { at: clock }));
    // If the bot asks for a language first, pick Arabic.
    const first = lastOffer(fake, karim);
    const arabic = (o: { id: string; title: string }) => o.id.endsWith(':ar') || ARABIC.test(o.title);
    if (first?.options.some(arabic)) await tap(karim, first, arabic);
    await converse(karim, 5);

    const calls = sentTo(fake, karim);
    expect(calls.length).toBeGreaterThan(2);
    for (const call of calls) {
      expect(call.body.recipient).toBe(karim.bsuid);
      expect(call.body).not.toHaveProperty('to');
    }
    // Once Arabic is chosen, every message is rendered right to left, lists with Arabic words.
    const rows = await outboxRows(relais);
    const last = rows.at(-1)!;
    expect(last.payload).toMatchObject({ locale: 'ar', direction: 'rtl' });
    const lists = calls.filter((c) => (c.body.interactive as { type?: string } | undefined)?.type === 'list');
    expect(lists.length).toBeGreaterThan(0);
    expect((lists.at(-1)!.body.interactive as { action: { button: string } }).action.button).toBe(content.text('ar', 'list.button'));
    const [person] = await peopleRows(relais);
    expect(person!.externalKey).toBe(karim.bsuid);
  });
});

describe('the 24-hour window', () => {
  beforeEach(() => start({ WHATSAPP_REENGAGE_TEMPLATE: 'relais_reprise', WHATSAPP_TEMPLATE_LANGUAGES: 'fr=fr,ar=ar,en=en_US' }));

  /** Two messages a volunteer writes to the person (the handoff work puts them in the outbox). */
  async function volunteerWrites(texts: string[]) {
    const [person] = await peopleRows(relais);
    const payloads: OutboxPayload[] = texts.map((text) => ({ message: { kind: 'text', text }, locale: 'fr', direction: 'ltr' }));
    await enqueueOutbound(relais.db, person!.id, 'whatsapp', payloads, clock);
  }

  test('holds messages after 24 h, invites once with the template, and releases them in order when the person writes', async () => {
    await say(fatima, wa.text(fatima, 'Bonjour', { at: clock }));
    const firstReplies = sentTo(fake, fatima).length;
    expect(firstReplies).toBeGreaterThan(0);

    clock = new Date(clock.getTime() + 25 * HOUR);
    await volunteerWrites(['Message 1 du bénévole', 'Message 2 du bénévole']);
    await relais.sweep();
    await relais.sweep(); // a second sweep must not invite again

    const afterHold = sentTo(fake, fatima).slice(firstReplies);
    expect(afterHold.map((c) => c.body.type)).toEqual(['template']);
    expect(afterHold[0]!.body).toMatchObject({ template: { name: 'relais_reprise', language: { code: 'fr' } } });
    const held = (await outboxRows(relais)).filter((r) => r.status === 'held');
    expect(held).toHaveLength(2);
    expect(held[0]!.lastError).toMatch(/24-hour window/);

    // The person answers the invitation: the window opens and the held messages go out first, in order.
    clock = new Date(clock.getTime() + HOUR);
    await say(fatima, wa.templateButton(fatima, 'Continuer', 'Continuer', { at: clock }));
    const released = sentTo(fake, fatima).slice(firstReplies + 1).map(textOf);
    expect(released.slice(0, 2)).toEqual(['Message 1 du bénévole', 'Message 2 du bénévole']);
    expect(released.length).toBeGreaterThan(2); // then the bot's own answer
    expect((await outboxRows(relais)).every((r) => r.status === 'sent')).toBe(true);
    expect(sentTo(fake, fatima).filter((c) => c.body.type === 'template')).toHaveLength(1);
  });

  test('treats error 131047 from the API like a closed window', async () => {
    fake.failNextSends(failures.reengagement());
    await say(fatima, wa.text(fatima, 'Bonjour', { at: clock }));
    const rows = await outboxRows(relais);
    expect(rows[0]).toMatchObject({ status: 'held', lastError: expect.stringContaining('131047') });
    // The invitation went out instead.
    expect(sentTo(fake, fatima).map((c) => c.body.type)).toEqual(['template']);
  });

  test('holds a message Meta accepted but later reported outside the window (131047 status), then releases it', async () => {
    await say(fatima, wa.text(fatima, 'Bonjour', { at: clock }));
    const rows = await outboxRows(relais);
    const last = rows.at(-1)!;
    const wamid = last.externalIds!.at(-1)!;
    const before = sentTo(fake, fatima).length;

    const res = await postWebhook(
      relais,
      webhookOf(wa.status(wamid, 'failed', fatima, { code: 131047, title: 'Re-engagement message' })),
    );
    expect(res.status).toBe(200);
    await relais.settle();
    expect((await outboxRows(relais)).find((r) => r.id === last.id)).toMatchObject({
      status: 'held',
      lastError: expect.stringContaining('131047'),
    });
    // The invitation went out instead.
    expect(sentTo(fake, fatima).slice(before).map((c) => c.body.type)).toEqual(['template']);

    // The person writes back: the held message goes out again, before the answer to what they wrote.
    clock = new Date(clock.getTime() + HOUR);
    await say(fatima, wa.text(fatima, 'menu', { at: clock }));
    const again = sentTo(fake, fatima).slice(before + 1).map(textOf);
    expect(again[0]).toBe(textOf(sentTo(fake, fatima)[before - 1]!));
    expect((await outboxRows(relais)).every((r) => r.status === 'sent')).toBe(true);
  });
});
