import { afterEach, beforeEach, describe, expect } from 'vitest';
import { test } from '../support/fixtures.js';
import { failures, type FakeGraphApi } from '../support/fake-graph-api.js';
import { startRelais, type TestRelais } from '../support/relais.js';
import {
  TEST_VERIFY_TOKEN,
  metaJson,
  signLikeMeta,
  wa,
  webhookBody,
  webhookOf,
  whatsappEnv,
  type WaPerson,
} from '../support/whatsapp-fixtures.js';
import { inboundRows, outboxRows, peopleRows, postWebhook, sentTo } from './helpers.js';

/**
 * The WhatsApp webhook end to end: the real app on the real database, our real client, and only
 * Meta's side faked (a local Graph API server reached through WHATSAPP_API_BASE).
 */

let fake: FakeGraphApi;
let relais: TestRelais;
let clock: Date;

const fatima: WaPerson = { waId: '33612345678', name: 'Fatima' };
const karim: WaPerson = { waId: '212612345678', bsuid: 'MA.13491208655302741918', name: 'Karim' };
const nour: WaPerson = { bsuid: 'AF.98765432109876543210', name: 'Nour' };

test.beforeEach(({ graphApi }) => {
  fake = graphApi;
});
// Work deferred by one test must not reach the fake during the next.
afterEach(() => relais?.settle());
beforeEach(async () => {
  fake.reset();
  clock = new Date('2026-11-28T09:00:00Z');
  relais = await startRelais({
    env: whatsappEnv(fake.url),
    now: () => clock,
    channelOptions: { whatsapp: { now: () => clock } },
  });
});

describe('GET /webhooks/whatsapp (subscription handshake)', () => {
  test('echoes hub.challenge as plain text when the verify token matches', async () => {
    const res = await relais.request(
      `/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${TEST_VERIFY_TOKEN}&hub.challenge=1158201444`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('1158201444');
  });

  test.each([
    ['a wrong token', `hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`],
    ['another mode', `hub.mode=unsubscribe&hub.verify_token=${TEST_VERIFY_TOKEN}&hub.challenge=1`],
    ['no challenge', `hub.mode=subscribe&hub.verify_token=${TEST_VERIFY_TOKEN}`],
    ['nothing', ''],
  ])('answers 403 to %s', async (_, query) => {
    const res = await relais.request(`/webhooks/whatsapp?${query}`);
    expect(res.status).toBe(403);
  });

  test('never logs the verify token', async () => {
    await relais.request(`/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${TEST_VERIFY_TOKEN}&hub.challenge=1`);
    expect(relais.logs.join('\n')).not.toContain(TEST_VERIFY_TOKEN);
  });
});

describe('POST /webhooks/whatsapp', () => {
  test('refuses a forged or unsigned request with 401 and stores nothing', async () => {
    const body = webhookOf(wa.text(fatima, 'Bonjour'));
    const forged = await postWebhook(relais, body, { appSecret: 'not-the-app-secret' });
    const unsigned = await postWebhook(relais, body, { signature: null });
    const garbage = await postWebhook(relais, body, { signature: 'sha256=deadbeef' });
    expect([forged.status, unsigned.status, garbage.status]).toEqual([401, 401, 401]);
    await relais.settle();
    expect(await inboundRows(relais)).toHaveLength(0);
    expect(await peopleRows(relais)).toHaveLength(0);
    expect(fake.calls).toHaveLength(0);
  });

  test('refuses a signed body that is not a WhatsApp webhook with 400 and a reason', async () => {
    const notJson = '{"object":';
    const res1 = await relais.request('/webhooks/whatsapp', {
      method: 'POST',
      headers: { 'x-hub-signature-256': signLikeMeta(notJson) },
      body: notJson,
    });
    expect(res1.status).toBe(400);
    expect(await res1.json()).toMatchObject({ reason: expect.stringContaining('JSON') });

    const wrongShape = { object: 'page', entry: [] };
    const res2 = await postWebhook(relais, wrongShape);
    expect(res2.status).toBe(400);
    expect(await res2.json()).toMatchObject({ error: 'malformed webhook', reason: expect.stringContaining('object') });

    const noId = webhookOf(wa.text(fatima, 'x'));
    delete (noId.entry[0]!.changes[0] as { value: { messages: Record<string, unknown>[] } }).value.messages[0]!.id;
    const res3 = await postWebhook(relais, noId);
    expect(res3.status).toBe(400);
    expect(await res3.json()).toMatchObject({ reason: expect.stringMatching(/messages\.0\.id/) });
    expect(await inboundRows(relais)).toHaveLength(0);
  });

  test.each([
    ['French accents', "J'ai été refoulé à Menton", fatima],
    ['Arabic', 'تم رفض دخولي في منطقة الانتظار', karim],
    ['emoji', 'Aidez-moi 🙏😢', fatima],
  ])('accepts %s whether the bytes are escaped or plain UTF-8 (signed like Meta)', async (_, text, person) => {
    const escaped = await postWebhook(relais, webhookOf(wa.text(person, text)), { wire: 'escaped' });
    const plain = await postWebhook(relais, webhookOf(wa.text(person, `${text} !`)), { wire: 'utf8' });
    expect([escaped.status, plain.status]).toEqual([200, 200]);
    const rows = await inboundRows(relais);
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => r.personKey)).toEqual([person.bsuid ?? person.waId, person.bsuid ?? person.waId]);
  });

  test('answers 200 at once and replies after; marks the message read; never logs the text or the number', async () => {
    const res = await postWebhook(relais, webhookOf(wa.text(fatima, "J'ai été refoulé à Menton", { id: 'wamid.IN1', at: clock })));
    expect(res.status).toBe(200);
    await relais.settle();
    const replies = sentTo(fake, fatima);
    expect(replies.length).toBeGreaterThan(0);
    expect(fake.reads().map((c) => c.body.message_id)).toEqual(['wamid.IN1']);
    const logs = relais.logs.join('\n');
    expect(logs).not.toContain('refoul');
    expect(logs).not.toContain(fatima.waId);
  });

  test('handles a batched POST from three people over several entries and changes', async () => {
    const body = webhookBody(
      [
        [wa.text(fatima, 'Bonjour', { at: clock }), wa.text(karim, 'مرحبا', { at: clock })],
        [wa.text(nour, 'سلام', { at: clock })],
        [wa.text(fatima, 'Je suis à Roissy', { at: clock })],
      ],
      { entries: 2 },
    );
    expect(body.entry).toHaveLength(2);
    const res = await postWebhook(relais, body);
    expect(res.status).toBe(200);
    await relais.settle();

    expect((await inboundRows(relais)).map((r) => r.personKey).sort()).toEqual(
      ['33612345678', '33612345678', 'AF.98765432109876543210', 'MA.13491208655302741918'].sort(),
    );
    const keys = (await peopleRows(relais)).map((p) => p.externalKey).sort();
    expect(keys).toEqual(['33612345678', 'AF.98765432109876543210', 'MA.13491208655302741918'].sort());
    for (const person of [fatima, karim, nour]) expect(sentTo(fake, person).length).toBeGreaterThan(0);
    // Karim has a BSUID: we answer it through `recipient`, never through his phone number.
    expect(fake.sent().some((c) => c.body.to === karim.waId)).toBe(false);
    expect(fake.reads()).toHaveLength(4);
  });

  test('treats a duplicate (Meta retrying) as a no-op', async () => {
    const body = webhookOf(wa.text(fatima, 'Bonjour', { id: 'wamid.DUP', at: clock }));
    expect((await postWebhook(relais, body)).status).toBe(200);
    await relais.settle();
    const sends = fake.sent().length;
    expect((await postWebhook(relais, body)).status).toBe(200);
    await relais.settle();
    expect(await inboundRows(relais)).toHaveLength(1);
    expect(fake.sent().length).toBe(sends);
  });

  test('answers an unsupported media message politely, in a message of its own', async () => {
    expect((await postWebhook(relais, webhookOf(wa.image(fatima, { at: clock })))).status).toBe(200);
    await relais.settle();
    const rows = await inboundRows(relais);
    expect(rows).toHaveLength(1);
    expect(sentTo(fake, fatima).length).toBeGreaterThan(0);
  });

  test('skips system notices and statuses without failing the batch', async () => {
    const res = await postWebhook(relais, webhookOf(wa.system(fatima), wa.status('wamid.OUT', 'delivered', fatima)));
    expect(res.status).toBe(200);
    await relais.settle();
    // Nothing recorded: a delivered status only lands on its outbox row (here there is none).
    expect(await inboundRows(relais)).toHaveLength(0);
    expect(fake.sent()).toHaveLength(0);
  });

  test('keeps delivered and read statuses on the reply they are about', async () => {
    await postWebhook(relais, webhookOf(wa.text(fatima, 'Bonjour', { at: clock })));
    await relais.settle();
    const [row] = await outboxRows(relais);
    const wamid = row!.externalIds![0]!;
    await postWebhook(relais, webhookOf(wa.status(wamid, 'delivered', fatima)));
    expect((await outboxRows(relais))[0]!.deliveredAt).toBeInstanceOf(Date);
    expect((await outboxRows(relais))[0]!.readAt).toBeNull();
    await postWebhook(relais, webhookOf(wa.status(wamid, 'read', fatima)));
    expect((await outboxRows(relais))[0]!.readAt).toBeInstanceOf(Date);
  });

  test('retries a throttled reply with backoff and Retry-After, then sends it', async () => {
    fake.failNextSends(failures.throttled(130429, 30));
    await postWebhook(relais, webhookOf(wa.text(fatima, 'Bonjour', { at: clock })));
    await relais.settle();
    const [first] = await outboxRows(relais);
    expect(first).toMatchObject({ status: 'pending', lastError: expect.stringContaining('130429') });
    expect(first!.nextAttemptAt.getTime() - clock.getTime()).toBeGreaterThanOrEqual(30_000);
    expect(fake.sent()).toHaveLength(0);

    clock = new Date(clock.getTime() + 60_000);
    await relais.sweep();
    const rows = await outboxRows(relais);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    expect(sentTo(fake, fatima).length).toBe(rows.length);
  });

  test('131026 reported by a status: the row fails and the person is unreachable until they write again', async () => {
    await postWebhook(relais, webhookOf(wa.text(fatima, 'Bonjour', { at: clock })));
    await relais.settle();
    const [row] = await outboxRows(relais);
    expect(row!.status).toBe('sent');
    const wamid = row!.externalIds![0]!;

    const status = wa.status(wamid, 'failed', fatima, { code: 131026, title: 'Message undeliverable', details: 'Receiver is incapable of receiving this message' });
    expect((await postWebhook(relais, webhookOf(status))).status).toBe(200);
    // Meta retries; the status is applied once and the answer stays 200.
    expect((await postWebhook(relais, webhookOf(status))).status).toBe(200);
    await relais.settle();
    const [after] = await outboxRows(relais);
    expect(after).toMatchObject({
      status: 'failed',
      lastError: 'unreachable: 131026 Message undeliverable: Receiver is incapable of receiving this message',
    });
    const [person] = await peopleRows(relais);
    expect(person!.unreachableAt).not.toBeNull();

    // The person writes again, later: they are reachable, and answered.
    clock = new Date(clock.getTime() + 60_000);
    const before = sentTo(fake, fatima).length;
    await postWebhook(relais, webhookOf(wa.text(fatima, 'menu', { at: clock })));
    await relais.settle();
    expect((await peopleRows(relais))[0]!.unreachableAt).toBeNull();
    expect(sentTo(fake, fatima).length).toBeGreaterThan(before);
  });

  test('another failure reported by a status fails the row with Meta’s reason', async () => {
    await postWebhook(relais, webhookOf(wa.text(fatima, 'Bonjour', { at: clock })));
    await relais.settle();
    const [row] = await outboxRows(relais);
    const status = wa.status(row!.externalIds![0]!, 'failed', fatima, { code: 131000, title: 'Something went wrong' });
    expect((await postWebhook(relais, webhookOf(status))).status).toBe(200);
    await relais.settle();
    expect((await outboxRows(relais))[0]).toMatchObject({ status: 'failed', lastError: expect.stringMatching(/^131000 Something went wrong/) });
    expect((await peopleRows(relais))[0]!.unreachableAt).toBeNull();
  });

  test('ignores updates for another phone number of the same app', async () => {
    const body = webhookBody([[wa.text(fatima, 'Bonjour')]], { phoneNumberId: '999999' });
    expect((await postWebhook(relais, body)).status).toBe(200);
    await relais.settle();
    expect(await inboundRows(relais)).toHaveLength(0);
  });

  test('rejects a body signed over something else (tampered after signing)', async () => {
    const body = webhookOf(wa.text(fatima, 'Bonjour'));
    const signature = signLikeMeta(metaJson(body));
    const tampered = metaJson(body).replace('Bonjour', 'Bonsoir');
    const res = await relais.request('/webhooks/whatsapp', { method: 'POST', headers: { 'x-hub-signature-256': signature }, body: tampered });
    expect(res.status).toBe(401);
    await relais.settle();
    // Refused before anything was read: nothing recorded, nothing sent.
    expect(await inboundRows(relais)).toHaveLength(0);
    expect(fake.calls).toEqual([]);
  });
});
