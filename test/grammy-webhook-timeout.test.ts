import { Bot, webhookCallback } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { afterEach, describe, expect, it } from 'vitest';
import { FAKE_BOT_INFO, FAKE_BOT_TOKEN, telegramUpdates as u } from './support/fake-telegram-api.js';

/**
 * grammY answers a webhook whose update takes too long with "Request timed out" (Relais then answers
 * 503 and Telegram redelivers). When that update's work fails afterwards (a database query that was
 * waiting for PostgreSQL to come back, and gave up), nothing may be left unhandled: an unhandled
 * rejection ends the Node process. patches/grammy+1.46.0.patch fixes grammY's timeout for that.
 */

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
});

describe('grammY webhook timeout', () => {
  it('times the request out, then lets the late failure of its update go without an unhandled rejection', async () => {
    process.on('unhandledRejection', onUnhandled);
    const bot = new Bot(FAKE_BOT_TOKEN, { botInfo: FAKE_BOT_INFO as UserFromGetMe });
    let failed!: () => void;
    const failedLate = new Promise<void>((resolve) => (failed = resolve));
    bot.use(async () => {
      await new Promise((resolve) => setTimeout(resolve, 60));
      setTimeout(failed, 0);
      throw new Error('the database gave up after the webhook timed out');
    });
    const handle = webhookCallback(bot, 'std/http', { timeoutMilliseconds: 20 });
    const request = new Request('http://relais.test/webhooks/telegram', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(u.text(1, 42, '/start', 'fr')),
    });

    await expect(handle(request)).rejects.toThrow(/timed out/);
    await failedLate;
    // Unhandled rejections are reported after the microtask queue drains: give them a turn or two.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(unhandled).toEqual([]);
  });
});
