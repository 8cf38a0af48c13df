import { Api } from 'grammy';
import { describe, expect } from 'vitest';
import { test } from '../../../test/support/fixtures.js';
import { failures, type FakeTelegramApi } from '../../../test/support/fake-telegram-api.js';
import type { OutboxPayload } from '../../core/messages.js';
import type { Delivery } from '../../outbox/sender.js';
import { createTelegramSender } from './sender.js';

let fake: FakeTelegramApi;
test.beforeEach(({ telegramApi }) => {
  fake = telegramApi;
});

let nextId = 1;
const delivery = (payload: OutboxPayload, personKey = '4242'): Delivery => ({
  id: nextId++,
  channel: 'telegram',
  personKey,
  personId: 1,
  payload,
  attempt: 1,
  lastInboundAt: null,
  deliveredParts: [],
});
const hello: OutboxPayload = { message: { kind: 'text', text: 'Bonjour' }, locale: 'fr', direction: 'ltr' };

function sender(apiRoot = fake.url) {
  // The real grammY client, pointed at the fake server.
  return createTelegramSender(new Api(fake.token, { apiRoot }));
}

describe('Telegram sender', () => {
  test('sends and returns the message ids', async () => {
    const outcome = await sender().send(delivery(hello));
    const [message] = fake.sent();
    expect(message).toMatchObject({ chatId: '4242', text: 'Bonjour' });
    expect(outcome).toEqual({ status: 'sent', externalIds: [String(message!.messageId)] });
  });

  test('sends the keyboard with the message', async () => {
    const payload: OutboxPayload = {
      message: { kind: 'choices', text: 'Langue ?', choices: [{ id: 'lang.fr', label: 'Français' }] },
      locale: 'fr',
      direction: 'ltr',
    };
    await sender().send(delivery(payload));
    expect(fake.sent()[0]?.replyMarkup).toEqual({ inline_keyboard: [[{ text: 'Français', callback_data: 'c:lang.fr' }]] });
  });

  test('429: retries when Telegram says, then sends', async () => {
    fake.failNext('sendMessage', failures.tooManyRequests(7));
    const s = sender();
    const d = delivery(hello);
    expect(await s.send(d)).toEqual({
      status: 'retry',
      reason: '429 Too Many Requests: retry after 7',
      retryAfterMs: 7000,
    });
    expect(fake.sent()).toEqual([]);
    expect(await s.send({ ...d, attempt: 2 })).toMatchObject({ status: 'sent' });
    expect(fake.sent()).toHaveLength(1);
  });

  test('403 blocked or deactivated: the person is unreachable', async () => {
    fake.failNext('sendMessage', failures.blocked(), failures.deactivated());
    expect(await sender().send(delivery(hello))).toEqual({
      status: 'unreachable',
      reason: '403 Forbidden: bot was blocked by the user',
    });
    expect(await sender().send(delivery(hello))).toEqual({
      status: 'unreachable',
      reason: '403 Forbidden: user is deactivated',
    });
  });

  test('400 "message is not modified" counts as sent', async () => {
    fake.failNext('sendMessage', failures.notModified());
    expect(await sender().send(delivery(hello))).toEqual({ status: 'sent', externalIds: [] });
  });

  test('other 400s fail the row with Telegram’s description', async () => {
    fake.failNext('sendMessage', failures.badRequest('Bad Request: chat not found'));
    expect(await sender().send(delivery(hello))).toEqual({ status: 'failed', reason: '400 Bad Request: chat not found' });
  });

  test('5xx (as an API error or a bare gateway page) retries with the outbox backoff', async () => {
    fake.failNext('sendMessage', failures.serverError(), failures.badGateway());
    const first = await sender().send(delivery(hello));
    expect(first).toEqual({ status: 'retry', reason: '500 Internal Server Error' });
    const second = await sender().send(delivery(hello));
    expect(second.status).toBe('retry');
    expect(second).not.toHaveProperty('retryAfterMs');
  });

  test('a dropped connection or a server that is gone retries, without the token in the reason', async () => {
    fake.failNext('sendMessage', failures.disconnect());
    const dropped = await sender().send(delivery(hello));
    expect(dropped.status).toBe('retry');

    // Nothing listens on port 9 of 127.0.0.1 (discard): the connection is refused.
    const refused = await sender('http://127.0.0.1:9').send(delivery(hello));
    expect(refused.status).toBe('retry');
    for (const outcome of [dropped, refused]) {
      expect((outcome as { reason: string }).reason).toMatch(/^network: /);
      expect(JSON.stringify(outcome)).not.toContain(fake.token);
    }
  });

  test('a payload Telegram cannot take fails without a call', async () => {
    const outcome = await sender().send(delivery({ ...hello, message: { kind: 'text', text: ' ' } }));
    expect(outcome).toEqual({ status: 'failed', reason: 'the message text is empty' });
    expect(fake.calls).toEqual([]);
  });

  test('sends a long message in parts, in order, and does not resend delivered parts on retry', async () => {
    const paragraph = 'Vous pouvez demander un interprète, un médecin et un avocat. '.repeat(30).trim();
    const long = Array.from({ length: 6 }, () => paragraph).join('\n\n');
    const d = delivery({ ...hello, message: { kind: 'text', text: long } });
    const s = sender();

    // Part 1 goes, part 2 is throttled: the row is retried later, knowing part 1 went out.
    fake.failNext('sendMessage', failures.pass(), failures.tooManyRequests(1));
    const first = await s.send(d);
    expect(first).toMatchObject({ status: 'retry', retryAfterMs: 1000, deliveredParts: [String(fake.sent()[0]!.messageId)] });
    expect(fake.sent()).toHaveLength(1);

    // The retry (here by another sender, as another instance would) starts at part 2.
    const deliveredParts = (first as { deliveredParts: string[] }).deliveredParts;
    const second = await sender().send({ ...d, attempt: 2, deliveredParts });
    const parts = fake.sent().map((m) => m.text);
    expect(parts.length).toBeGreaterThanOrEqual(3);
    expect(second).toEqual({ status: 'sent', externalIds: expect.any(Array) });
    // One id per part, part 1 included, and part 1 was sent once.
    expect((second as { externalIds: string[] }).externalIds).toHaveLength(parts.length);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(4096);
    expect(parts.join('\n\n')).toBe(long);
  });
});
