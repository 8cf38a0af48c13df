import { describe, expect } from 'vitest';
import { telegramUpdates as u } from '../support/fake-telegram-api.js';
import { test } from '../support/fixtures.js';
import { startRelais } from '../support/relais.js';

const SECRET = 'metrics-secret';

/** Reads the counters `/metrics` exposes. */
async function counters(request: (path: string) => Promise<Response>) {
  const text = await (await request('/metrics')).text();
  const read = (name: string) => Number(new RegExp(`^${name}\\{[^}]*\\} (\\d+)$`, 'm').exec(text)?.[1]);
  return { statements: read('relais_db_statements_total'), transactions: read('relais_db_transactions_total') };
}

describe('/metrics', () => {
  test('counts the statements and transactions of the durable path, which stay few per update', async ({ telegramApi }) => {
    const relais = await startRelais({
      env: { TELEGRAM_BOT_TOKEN: telegramApi.token, TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_API_ROOT: telegramApi.url },
    });
    const post = (update: unknown) =>
      relais.request('/webhooks/telegram', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
        body: JSON.stringify(update),
      });
    const before = await counters(relais.request);
    expect(before.statements).toBeGreaterThanOrEqual(0);

    // One update alone: one statement before the answer, then one transaction to apply it, then delivery.
    const start = await counters(relais.request);
    expect((await post(u.text(1, 5001, 'asile', 'fr'))).status).toBe(200);
    await relais.settle();
    const alone = await counters(relais.request);
    // The record (1), one transaction of 11 statements to apply (lock the person; read events,
    // conversation and case; write state, transcript, outbox, person, held rows, event, counts), and
    // 2 or 3 for delivery (claim, settle, a last empty claim).
    expect(alone.transactions - start.transactions).toBe(1);
    expect(alone.statements - start.statements).toBeLessThanOrEqual(15);

    // Forty people at once share transactions: far fewer statements per update than alone.
    await Promise.all(Array.from({ length: 40 }, (_, i) => post(u.text(100 + i, 6000 + i, 'asile', 'fr'))));
    await relais.settle();
    const burst = await counters(relais.request);
    const perUpdate = (burst.statements - alone.statements) / 40;
    expect(perUpdate).toBeLessThan(4);
    expect((burst.transactions - alone.transactions) / 40).toBeLessThan(0.5);
    expect(telegramApi.sent().filter((m) => Number(m.chatId) >= 6000).length).toBeGreaterThanOrEqual(40);
  });
});
