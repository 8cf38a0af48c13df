import { describe, expect } from 'vitest';
import { test } from '../../../test/support/fixtures.js';
import { failures, type FakeGraphApi } from '../../../test/support/fake-graph-api.js';
import { TEST_ACCESS_TOKEN } from '../../../test/support/whatsapp-fixtures.js';
import type { OutboxPayload } from '../../core/messages.js';
import type { Delivery } from '../../outbox/sender.js';
import { WhatsAppApiError, createWhatsAppClient } from './client.js';
import { createWhatsAppSender, outcomeForError } from './sender.js';

const now = new Date('2026-11-28T12:00:00Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);
let fake: FakeGraphApi;

test.beforeEach(({ graphApi }) => {
  fake = graphApi;
});

function delivery(payload: Partial<OutboxPayload> & Pick<OutboxPayload, 'message'>, over: Partial<Delivery> = {}): Delivery {
  return {
    id: 1,
    channel: 'whatsapp',
    personKey: '33612345678',
    personId: 1,
    payload: { locale: 'fr', direction: 'ltr', ...payload },
    attempt: 1,
    deliveredParts: [],
    lastInboundAt: hoursAgo(1),
    ...over,
  };
}

function sender(reengageTemplate?: { name: string; languages: Record<string, string> }) {
  const client = createWhatsAppClient({ accessToken: TEST_ACCESS_TOKEN, phoneNumberId: '42', apiBase: fake.url, graphVersion: 'v23.0' });
  return createWhatsAppSender(client, reengageTemplate ? { reengageTemplate } : {}, () => ({ button: 'Choisir', section: 'Options' }), {
    now: () => now,
  });
}

const hello = { message: { kind: 'text' as const, text: 'Bonjour' } };

describe('WhatsApp sender', () => {
  test('sends within the window and returns the wamids', async () => {
    const outcome = await sender().send(delivery(hello));
    expect(outcome).toEqual({ status: 'sent', externalIds: [fake.sent()[0]!.wamid] });
  });

  test('sends every part of a split message, in order, and returns all wamids', async () => {
    const text = ['A'.repeat(3000), 'B'.repeat(3000), 'C'.repeat(3000)].join('\n\n');
    const outcome = await sender().send(delivery({ message: { kind: 'text', text } }));
    expect(outcome.status).toBe('sent');
    expect(fake.sent().map((c) => (c.body.text as { body: string }).body[0])).toEqual(['A', 'B', 'C']);
    expect(outcome).toEqual({ status: 'sent', externalIds: fake.sent().map((c) => c.wamid) });
  });

  test('holds without calling the API outside the 24-hour window or when the person never wrote', async () => {
    expect(await sender().send(delivery(hello, { lastInboundAt: hoursAgo(25) }))).toMatchObject({ status: 'held' });
    expect(await sender().send(delivery(hello, { lastInboundAt: hoursAgo(24) }))).toMatchObject({ status: 'held' });
    expect(await sender().send(delivery(hello, { lastInboundAt: null }))).toMatchObject({ status: 'held' });
    expect(fake.calls).toHaveLength(0);
    expect(await sender().send(delivery(hello, { lastInboundAt: hoursAgo(23.9) }))).toMatchObject({ status: 'sent' });
  });

  test('retries on throttling with Retry-After, then succeeds', async () => {
    fake.failNextSends(failures.throttled(130429, 3));
    const s = sender();
    expect(await s.send(delivery(hello))).toEqual({
      status: 'retry',
      reason: expect.stringContaining('130429'),
      retryAfterMs: 3000,
    });
    expect(await s.send(delivery(hello, { attempt: 2 }))).toMatchObject({ status: 'sent' });
  });

  test.each([4, 80007, 130429, 131048, 131056, 133016])('throttling code %i is a retry with advice even without Retry-After', async (code) => {
    fake.failNextSends(failures.throttled(code));
    const outcome = await sender().send(delivery(hello));
    expect(outcome).toMatchObject({ status: 'retry' });
    expect(outcome.status === 'retry' && outcome.retryAfterMs).toBeGreaterThan(0);
  });

  test('retries 5xx and network failures', async () => {
    fake.failNextSends(failures.serverError(502), failures.network());
    expect(await sender().send(delivery(hello))).toMatchObject({ status: 'retry', reason: expect.stringContaining('502') });
    expect(await sender().send(delivery(hello))).toMatchObject({ status: 'retry' });
  });

  test('holds on 131047 (the window closed on Meta’s side)', async () => {
    fake.failNextSends(failures.reengagement());
    expect(await sender().send(delivery(hello))).toMatchObject({ status: 'held', reason: expect.stringContaining('131047') });
  });

  test('fails permanently with Meta’s reason (131026 undeliverable is failed, not unreachable)', async () => {
    fake.failNextSends(failures.permanent(131026, 'Message Undeliverable'));
    expect(await sender().send(delivery(hello))).toEqual({
      status: 'failed',
      reason: 'WhatsApp error 131026 [HTTP 400]: (#131026) Message Undeliverable',
    });
    fake.failNextSends(failures.permanent(131009, 'Parameter value is not valid'));
    expect(await sender().send(delivery(hello))).toMatchObject({ status: 'failed', reason: expect.stringContaining('131009') });
  });

  test('fails a row whose content does not fit, without calling the API', async () => {
    const outcome = await sender().send(
      delivery({ message: { kind: 'choices', text: 'Q', choices: [{ id: 'a', label: 'Libellé bien trop long pour un bouton' }] } }),
    );
    expect(outcome).toMatchObject({ status: 'failed', reason: expect.stringContaining('reply buttons allow 20') });
    expect(fake.calls).toHaveLength(0);
  });

  test('sends to a BSUID with `recipient`', async () => {
    await sender().send(delivery(hello, { personKey: 'FR.13491208655302741918' }));
    expect(fake.sent()[0]!.body).toMatchObject({ recipient: 'FR.13491208655302741918' });
    expect(fake.sent()[0]!.body).not.toHaveProperty('to');
  });

  describe('sendInvite', () => {
    const template = { name: 'relais_reprise', languages: { fr: 'fr', ar: 'ar', en: 'en_US' } };

    test('sends the re-engagement template in the person’s language', async () => {
      const outcome = await sender(template).sendInvite!(delivery({ ...hello, locale: 'ar', direction: 'rtl' }, { lastInboundAt: hoursAgo(48) }));
      expect(outcome).toMatchObject({ status: 'sent' });
      expect(fake.sent()[0]!.body).toMatchObject({
        type: 'template',
        template: { name: 'relais_reprise', language: { code: 'ar' } },
      });
    });

    test('falls back to French when the locale has no template language', async () => {
      await sender(template).sendInvite!(delivery({ ...hello, locale: 'ti', direction: 'ltr' }));
      expect(fake.sent()[0]!.body).toMatchObject({ template: { language: { code: 'fr' } } });
    });

    test('fails clearly when no template is configured', async () => {
      expect(await sender().sendInvite!(delivery(hello))).toEqual({
        status: 'failed',
        reason: expect.stringContaining('WHATSAPP_REENGAGE_TEMPLATE'),
      });
      expect(fake.calls).toHaveLength(0);
    });

    test('retries a throttled template; a template refused with 131047 is a failure, not a hold', async () => {
      fake.failNextSends(failures.throttled(131056, 1), failures.reengagement());
      expect(await sender(template).sendInvite!(delivery(hello))).toMatchObject({ status: 'retry', retryAfterMs: 1000 });
      expect(await sender(template).sendInvite!(delivery(hello))).toMatchObject({ status: 'failed' });
    });
  });
});

describe('outcomeForError', () => {
  test('retries an expired token for a while instead of failing the person’s messages', () => {
    const expired = new WhatsAppApiError(401, 'Error validating access token', { code: 190 });
    expect(outcomeForError(expired, 'message')).toMatchObject({ status: 'retry', retryAfterMs: 300_000 });
  });
  test('retries Meta’s "try again" codes', () => {
    expect(outcomeForError(new WhatsAppApiError(400, 'Something went wrong', { code: 131000 }), 'message')).toMatchObject({ status: 'retry' });
  });
});
