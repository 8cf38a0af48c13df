import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect } from 'vitest';
import { test } from '../../../test/support/fixtures.js';
import { failures, startFakeGraphApi, type FakeGraphApi } from '../../../test/support/fake-graph-api.js';
import { TEST_ACCESS_TOKEN } from '../../../test/support/whatsapp-fixtures.js';
import {
  WhatsAppApiError,
  WhatsAppNetworkError,
  WhatsAppPayloadError,
  createWhatsAppClient,
  parseRetryAfter,
  recipientFor,
  type WhatsAppClient,
} from './client.js';
import { graphFetch } from './node-transport.js';

const TOKEN = TEST_ACCESS_TOKEN;

// Workers and tests use the platform's fetch; the Node server sends through node-fetch (node-transport.ts).
const TRANSPORTS = [
  ['the built-in fetch', {}],
  ['node-fetch, as the Node server sends', { fetch: graphFetch() }],
] as const;

describe.each(TRANSPORTS)('over %s', (_, transport) => {
  let fake: FakeGraphApi;
  let client: WhatsAppClient;

  test.beforeEach(({ graphApi }) => {
    fake = graphApi;
    client = createWhatsAppClient({ accessToken: TOKEN, phoneNumberId: '1234567', apiBase: fake.url, graphVersion: 'v23.0', ...transport });
  });

  describe('createWhatsAppClient against the fake Graph API', () => {
    test('sends text with the bearer token to /{version}/{phone-number-id}/messages and returns the wamid', async () => {
      const ids = await client.sendText({ to: '33612345678' }, 'Bonjour');
      expect(ids).toEqual([expect.stringMatching(/^wamid\./)]);
      expect(fake.calls).toHaveLength(1);
      const call = fake.calls[0]!;
      expect(call).toMatchObject({ version: 'v23.0', phoneNumberId: '1234567', authorization: `Bearer ${TOKEN}` });
      expect(call.body).toEqual({
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: '33612345678',
        type: 'text',
        text: { body: 'Bonjour' },
      });
    });

    test('sends reply buttons, a list and a template; sends to a BSUID through `recipient`', async () => {
      await client.sendReplyButtons({ to: '33612345678' }, 'Que voulez-vous savoir ?', [
        { id: 'a', title: 'Mes droits' },
        { id: 'b', title: 'Un bénévole' },
      ]);
      await client.sendList(recipientFor('FR.13491208655302741918'), {
        body: 'Choisissez un sujet',
        button: 'Choisir',
        sectionTitle: 'Options',
        rows: [{ id: 'r1', title: 'Zone d’attente', description: 'Roissy, Orly…' }],
      });
      await client.sendTemplate({ to: '33612345678' }, { name: 'relais_reprise', languageCode: 'fr' });
      const [buttons, list, template] = fake.calls.map((c) => c.body);
      expect(buttons).toMatchObject({
        type: 'interactive',
        interactive: { type: 'button', action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'Mes droits' } }, {}] } },
      });
      expect(list).toMatchObject({
        recipient: 'FR.13491208655302741918',
        interactive: { type: 'list', action: { button: 'Choisir', sections: [{ title: 'Options', rows: [{ id: 'r1' }] }] } },
      });
      expect(list).not.toHaveProperty('to');
      expect(template).toMatchObject({
        type: 'template',
        template: { name: 'relais_reprise', language: { code: 'fr', policy: 'deterministic' } },
      });
    });

    test('marks a message read', async () => {
      await client.markRead('wamid.ABC');
      expect(fake.reads()[0]!.body).toEqual({ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.ABC' });
    });

    test('validates every body before sending: an over-long label never reaches the API', async () => {
      await expect(
        client.sendReplyButtons({ to: '33612345678' }, 'Body', [{ id: 'a', title: 'Un libellé beaucoup trop long' }]),
      ).rejects.toThrow(/reply\.title: button title must be at most 20 characters/);
      await expect(client.sendText({ to: '33612345678' }, 'x'.repeat(4097))).rejects.toBeInstanceOf(WhatsAppPayloadError);
      await expect(
        client.sendReplyButtons({ to: '33612345678' }, 'Body', [
          { id: 'a', title: 'Oui' },
          { id: 'b', title: 'Oui' },
        ]),
      ).rejects.toThrow(/unique/);
      await expect(client.sendText({ to: '+33 6 12' }, 'Bonjour')).rejects.toThrow(/digits/);
      await expect(client.sendTemplate({ to: '33612345678' }, { name: 'Bad Name', languageCode: 'fr' })).rejects.toThrow(/template/);
      expect(fake.calls).toHaveLength(0);
    });

    test('counts characters, not UTF-16 units: 20 emoji or Arabic letters fit a button title', async () => {
      await client.sendReplyButtons({ to: '33612345678' }, 'نص', [
        { id: 'a', title: '😀'.repeat(20) },
        { id: 'b', title: 'ا'.repeat(20) },
      ]);
      expect(fake.sent()).toHaveLength(1);
    });

    test('parses Meta errors: HTTP status, code, subcode, details and Retry-After', async () => {
      fake.failNextSends(failures.throttled(131056, 7));
      const error = (await client.sendText({ to: '33612345678' }, 'Bonjour').catch((e: unknown) => e)) as WhatsAppApiError;
      expect(error).toBeInstanceOf(WhatsAppApiError);
      expect(error.httpStatus).toBe(429);
      expect(error.code).toBe(131056);
      expect(error.retryAfterMs).toBe(7000);
      expect(error.message).toContain('pair rate limit');
      expect(error.reason).toMatch(/^WhatsApp error 131056 \[HTTP 429\]/);

      fake.failNextSends({ status: 400, body: { error: { message: 'Invalid parameter', type: 'OAuthException', code: 100, error_subcode: 2494010, fbtrace_id: 'X' } } });
      const invalid = (await client.sendText({ to: '33612345678' }, 'x').catch((e: unknown) => e)) as WhatsAppApiError;
      expect(invalid).toMatchObject({ httpStatus: 400, code: 100, subcode: 2494010 });

      fake.failNextSends(failures.reengagement());
      const window = (await client.sendText({ to: '33612345678' }, 'x').catch((e: unknown) => e)) as WhatsAppApiError;
      expect(window.code).toBe(131047);
      expect(window.reason).toContain('24 hours');
    });

    test('a 5xx without a JSON body is still a typed error; a dropped connection is a network error', async () => {
      fake.failNextSends(failures.serverError(503, 2));
      const error = (await client.sendText({ to: '33612345678' }, 'x').catch((e: unknown) => e)) as WhatsAppApiError;
      expect(error).toBeInstanceOf(WhatsAppApiError);
      expect(error).toMatchObject({ httpStatus: 503, code: undefined, retryAfterMs: 2000 });

      fake.failNextSends(failures.network());
      await expect(client.sendText({ to: '33612345678' }, 'x')).rejects.toBeInstanceOf(WhatsAppNetworkError);
    });

    test('a wrong token gets error 190', async () => {
      const other = createWhatsAppClient({ accessToken: 'wrong', phoneNumberId: '1234567', apiBase: fake.url, graphVersion: 'v23.0', ...transport });
      await expect(other.sendText({ to: '33612345678' }, 'x')).rejects.toMatchObject({ httpStatus: 401, code: 190 });
    });

    test('a server that never answers is a network error once the timeout has passed', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const c = createWhatsAppClient({ accessToken: TOKEN, phoneNumberId: '1', apiBase: `http://127.0.0.1:${port}`, graphVersion: 'v23.0', timeoutMs: 200, ...transport });
      await expect(c.sendText({ to: '33612345678' }, 'x')).rejects.toBeInstanceOf(WhatsAppNetworkError);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  test('an unreachable server is a network error', async () => {
      const closed = await startFakeGraphApi();
      await closed.close();
      const c = createWhatsAppClient({ accessToken: TOKEN, phoneNumberId: '1', apiBase: closed.url, graphVersion: 'v23.0', ...transport });
      await expect(c.sendText({ to: '33612345678' }, 'x')).rejects.toBeInstanceOf(WhatsAppNetworkError);
    });
  });

  describe('parseRetryAfter', () => {
    test('reads seconds and HTTP dates', () => {
      expect(parseRetryAfter('30')).toBe(30_000);
      expect(parseRetryAfter('1.5')).toBe(1500);
      const now = Date.parse('2026-11-28T10:00:00Z');
      expect(parseRetryAfter('Sat, 28 Nov 2026 10:00:20 GMT', () => now)).toBe(20_000);
      expect(parseRetryAfter('Sat, 28 Nov 2026 09:00:00 GMT', () => now)).toBe(0);
      expect(parseRetryAfter('soon')).toBeUndefined();
      expect(parseRetryAfter(null)).toBeUndefined();
    });
  });

  describe('recipientFor', () => {
    test('sends to digits as `to` and to a BSUID as `recipient`', () => {
      expect(recipientFor('33612345678')).toEqual({ to: '33612345678' });
      expect(recipientFor('FR.13491208655302741918')).toEqual({ recipient: 'FR.13491208655302741918' });
    });
  });
});
