import { Api } from 'grammy';
import { describe, expect } from 'vitest';
import { test } from '../../../test/support/fixtures.js';
import { type FakeTelegramApi } from '../../../test/support/fake-telegram-api.js';
import { describeWebhookInfo, setTelegramWebhook } from './webhook-setup.js';

let fake: FakeTelegramApi;
test.beforeEach(({ telegramApi }) => {
  fake = telegramApi;
});

describe('setTelegramWebhook', () => {
  test('points Telegram at /webhooks/telegram with the secret and the updates Relais reads', async () => {
    const api = new Api(fake.token, { apiRoot: fake.url });
    const info = await setTelegramWebhook(api, {
      publicUrl: 'https://relais.example.org/',
      secretToken: 'the-secret_123',
      dropPendingUpdates: true,
    });
    expect(fake.succeeded('setWebhook')).toEqual([
      {
        url: 'https://relais.example.org/webhooks/telegram',
        secret_token: 'the-secret_123',
        allowed_updates: ['message', 'callback_query', 'my_chat_member'],
        drop_pending_updates: true,
      },
    ]);
    expect(info).toMatchObject({
      url: 'https://relais.example.org/webhooks/telegram',
      allowed_updates: ['message', 'callback_query', 'my_chat_member'],
    });
  });

  test('keeps pending updates unless told otherwise', async () => {
    await setTelegramWebhook(new Api(fake.token, { apiRoot: fake.url }), {
      publicUrl: 'https://relais.example.org',
      secretToken: 's',
    });
    expect(fake.succeeded('setWebhook')[0]).toMatchObject({ drop_pending_updates: false });
  });

  test('describes the webhook without the token or the secret', () => {
    const lines = describeWebhookInfo({
      url: 'https://relais.example.org/webhooks/telegram',
      has_custom_certificate: false,
      pending_update_count: 3,
      allowed_updates: ['message'],
      last_error_date: 1_764_316_800,
      last_error_message: 'Wrong response from the webhook: 401 Unauthorized',
    }).join('\n');
    expect(lines).toContain('pending updates:      3');
    expect(lines).toContain('2025-11-28T08:00:00.000Z Wrong response from the webhook: 401 Unauthorized');
    expect(lines).not.toContain(fake.token);
  });
});
