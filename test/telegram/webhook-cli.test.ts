import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect } from 'vitest';
import { test } from '../support/fixtures.js';
import { type FakeTelegramApi } from '../support/fake-telegram-api.js';

const run = promisify(execFile);
const SECRET = 'cli-secret_0123456789';

let fake: FakeTelegramApi;
test.beforeEach(({ telegramApi }) => {
  fake = telegramApi;
});

/** Runs `npm run telegram:webhook -- <args>` as an operator would, against the fake Bot API. */
async function webhookCli(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['dist/node/telegram-webhook.js', ...args], {
      env: {
        PATH: process.env.PATH ?? '',
        TELEGRAM_BOT_TOKEN: fake.token,
        TELEGRAM_WEBHOOK_SECRET: SECRET,
        TELEGRAM_API_ROOT: fake.url,
        PUBLIC_URL: 'https://relais.example.org',
        ...env,
      },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('npm run telegram:webhook', () => {
  test('sets the webhook with the secret and allowed updates, drops pending updates on request, prints the info', async () => {
    const result = await webhookCli(['--drop-pending-updates']);
    expect(result.code).toBe(0);
    expect(fake.webhook()).toEqual({
      url: 'https://relais.example.org/webhooks/telegram',
      secretToken: SECRET,
      allowedUpdates: ['message', 'callback_query', 'my_chat_member'],
    });
    expect(fake.succeeded('setWebhook')[0]).toMatchObject({ drop_pending_updates: true });
    expect(result.stdout).toContain('Webhook set (pending updates dropped).');
    expect(result.stdout).toContain('https://relais.example.org/webhooks/telegram');
    expect(result.stdout).toContain('@RelaisTestBot');
    // Neither the token nor the secret reach the terminal.
    for (const output of [result.stdout, result.stderr]) {
      expect(output).not.toContain(fake.token);
      expect(output).not.toContain(SECRET);
    }
  });

  test('--info only prints, --delete removes the webhook', async () => {
    expect((await webhookCli(['--info'])).code).toBe(0);
    expect(fake.succeeded('setWebhook')).toEqual([]);
    await webhookCli([]);
    const deleted = await webhookCli(['--delete']);
    expect(deleted.code).toBe(0);
    expect(fake.webhook()).toBeUndefined();
    expect(deleted.stdout).toContain('(none: the bot is not on a webhook)');
  });

  test('says what is missing instead of calling Telegram', async () => {
    const noUrl = await webhookCli([], { PUBLIC_URL: '' });
    expect(noUrl.code).toBe(1);
    expect(noUrl.stderr).toContain('PUBLIC_URL');
    const unknown = await webhookCli(['--frobnicate']);
    expect(unknown.code).toBe(2);
    expect(fake.calls).toEqual([]);
  });

  test('--info says whether the volunteers’ group can be used, and what to fix', async () => {
    const group = -1001234567890;
    const env = { TELEGRAM_VOLUNTEER_CHAT_ID: String(group) };
    fake.addGroup(group, { title: 'Bénévoles', bot: { status: 'administrator', canManageTopics: false } });
    const refused = await webhookCli(['--info'], env);
    expect(refused.code).toBe(0);
    expect(refused.stderr).toContain("Warning: the volunteers' Telegram group cannot be used: the bot may not manage topics in the group");
    expect(refused.stderr).toContain('Cases still work from the console.');

    fake.setBotRights(group, { status: 'administrator', canManageTopics: true });
    const ready = await webhookCli(['--info'], env);
    expect(ready.stdout).toContain("Volunteers' Telegram group: ready (“Bénévoles”");

    const missing = await webhookCli(['--info'], { TELEGRAM_VOLUNTEER_CHAT_ID: '-100999' });
    expect(missing.stderr).toContain('the bot is not in the group, or TELEGRAM_VOLUNTEER_CHAT_ID is wrong');
  });
});
