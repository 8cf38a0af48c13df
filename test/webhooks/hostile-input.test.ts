import { eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { inboundEvents, messages } from '../../src/storage/schema.js';
import { telegramUpdates as u } from '../support/fake-telegram-api.js';
import { test } from '../support/fixtures.js';
import { startRelais, type TestRelais } from '../support/relais.js';
import { signedInit, wa, webhookOf, whatsappEnv } from '../support/whatsapp-fixtures.js';

/**
 * Whatever an authenticated platform sends, the answer is a 2xx (recorded, cleaned) or a 4xx with a
 * reason — never a 5xx, which would have the platform resend the same update forever (a poison
 * message). NUL characters and lone surrogates used to fail the insert (PostgreSQL refuses them in
 * JSON and text); a fuzz of malformed updates checks the rest.
 */

const SECRET = 'hostile-input-secret';
let relais: TestRelais;

async function startBoth(telegramUrl: string, graphUrl: string) {
  relais = await startRelais({
    env: { TELEGRAM_BOT_TOKEN: '123456789:AAFakeTokenForRelaisTests_abcdefgh', TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_API_ROOT: telegramUrl, ...whatsappEnv(graphUrl) },
  });
}

const postTelegram = (body: unknown) =>
  relais.request('/webhooks/telegram', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** A small deterministic generator, so a failing case can be replayed. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return state / 0x1_0000_0000;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  return { next, pick };
}

const NASTY_STRINGS = ['\u0000', 'a\u0000b', '\ud83d', 'x\udc00y', '\u0007\u001b[31m', '', ' ', '\u202e', '﷽'.repeat(50), 'é'.repeat(5000), '🙂'.repeat(3000), '{"a":1}', '\\u0000', 'null'];
const NASTY_VALUES = [null, true, false, 0, -1, 1.5, 2 ** 53, -(2 ** 63), 'text', [], {}, [1, 'a'], { id: 'x' }];

/** Replaces a random path of a valid update with a nasty value or string. */
function mutate(update: Record<string, unknown>, r: ReturnType<typeof random>): unknown {
  const copy = structuredClone(update);
  const paths: { holder: Record<string, unknown>; key: string }[] = [];
  const walk = (value: unknown) => {
    if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        paths.push({ holder: value as Record<string, unknown>, key });
        walk(inner);
      }
    }
  };
  walk(copy);
  for (let n = 0; n < 1 + Math.floor(r.next() * 3); n++) {
    const { holder, key } = r.pick(paths);
    if (r.next() < 0.15) delete holder[key];
    else holder[key] = r.next() < 0.5 ? r.pick(NASTY_STRINGS) : r.pick(NASTY_VALUES);
  }
  return copy;
}

describe('hostile input with valid credentials', () => {
  test('Telegram: NUL and lone surrogates in the text and the names are recorded cleaned and answered', async ({ telegramApi, graphApi }) => {
    await startBoth(telegramApi.url, graphApi.url);
    const update = u.text(9_000_001, 77_001, 'asile\u0000 \ud83d', 'fr');
    (update.message.from as Record<string, unknown>).first_name = 'Am\u0000ina \udc00';
    const response = await postTelegram(update);
    expect(response.status).toBe(200);
    await relais.settle();
    const said = await relais.db.select({ text: messages.text }).from(messages).where(eq(messages.author, 'person'));
    expect(said.map((m) => m.text)).toEqual(['asile \ufffd']);
    expect(telegramApi.sent().filter((m) => m.chatId === '77001').length).toBeGreaterThan(0);
  });

  test('WhatsApp: the same, through a signed batch', async ({ telegramApi, graphApi }) => {
    await startBoth(telegramApi.url, graphApi.url);
    const person = { waId: '33612340001', name: 'Nul\u0000le \ud83d' };
    const response = await relais.request('/webhooks/whatsapp', signedInit(webhookOf(wa.text(person, 'bonjour\u0000\udc00'))));
    expect(response.status).toBe(200);
    await relais.settle();
    const said = await relais.db.select({ text: messages.text }).from(messages).where(eq(messages.author, 'person'));
    expect(said.map((m) => m.text)).toEqual(['bonjour\ufffd']);
  });

  test('a fuzz of 600 malformed updates never gets a 5xx, and the service still answers after', async ({ telegramApi, graphApi }) => {
    await startBoth(telegramApi.url, graphApi.url);
    const r = random(20261129);
    const statuses = new Map<number, number>();
    const seen = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
    for (let i = 0; i < 300; i++) {
      const base = r.pick([
        () => u.text(9_100_000 + i, 80_000 + i, r.pick(['asile', 'menu', '/start zone-attente']), 'fr'),
        () => u.callback(9_100_000 + i, 80_000 + i, 'c:nav:menu'),
        () => u.myChatMember(9_100_000 + i, 80_000 + i, 'kicked'),
        () => u.groupText(9_100_000 + i, -100_123, 80_000 + i, 'hello', 'supergroup'),
      ])() as unknown as Record<string, unknown>;
      const response = await postTelegram(mutate(base, r));
      seen(response.status);
      expect(response.status, `telegram case ${i}`).toBeLessThan(500);
    }
    for (let i = 0; i < 300; i++) {
      const body = webhookOf(wa.text({ waId: `3361234${String(i).padStart(4, '0')}` }, r.pick(['bonjour', 'asile', '1'])));
      const response = await relais.request('/webhooks/whatsapp', signedInit(mutate(body as Record<string, unknown>, r)));
      seen(response.status);
      expect(response.status, `whatsapp case ${i}`).toBeLessThan(500);
    }
    await relais.settle();
    // Both kinds of answer happened: the fuzz reached the recording path, not only the refusals.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(50);
    expect([...statuses.keys()].some((s) => s >= 400 && s < 500)).toBe(true);
    // Nothing recorded is left unprocessed by an error, and a normal message is still answered.
    expect(await relais.db.select().from(inboundEvents).where(eq(inboundEvents.status, 'failed'))).toEqual([]);
    expect((await postTelegram(u.text(9_999_999, 99_001, 'asile', 'fr'))).status).toBe(200);
    await relais.settle();
    expect(telegramApi.sent().some((m) => m.chatId === '99001')).toBe(true);
  });
});
