import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeTelegramApi } from '../support/fake-telegram-api.js';
import { freePort, startRelaisProcess } from '../support/process.js';

/**
 * `npm start` as an operator runs it: a real process, its embedded database in a fresh folder (or
 * TEST_DATABASE_URL's server), stopped with SIGTERM.
 */

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function start(env: Record<string, string>) {
  return startRelaisProcess(env).then((server) => {
    cleanups.push(() => server.stop());
    return server;
  });
}

describe('the Node server', () => {
  it('starts (embedded database, or TEST_DATABASE_URL), serves, and stops cleanly on SIGTERM', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'relais-server-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const port = await freePort();
    const databaseUrl = process.env.TEST_DATABASE_URL;
    const server = await start({ PORT: String(port), DATA_DIR: dataDir, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) });

    await server.healthy();
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(await health.json()).toMatchObject({ database: { status: 'up', driver: databaseUrl ? 'postgres' : 'pglite' } });
    expect(server.output()).toContain(`/chat`);
    expect(server.output()).toContain(`/console`);

    // A request in flight when SIGTERM arrives is still answered.
    const inFlight = fetch(`http://127.0.0.1:${port}/chat/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ session: 'shutdown-test', id: 'shutdown-1', start: '', language: 'fr' }),
    });
    await new Promise((r) => setTimeout(r, 20));
    server.child.kill('SIGTERM');
    expect((await inFlight).status).toBe(200);
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('"event":"server.stopped"');
  });

  it('refuses to start on a bad configuration, naming every wrong variable', async () => {
    const server = await startRelaisProcess({ PORT: 'abc', TELEGRAM_BOT_TOKEN: '123:short', DATABASE_URL: 'mysql://x' });
    expect(await server.exited).toBe(1);
    const output = server.output();
    expect(output).toContain('PORT:');
    expect(output).toContain('TELEGRAM_BOT_TOKEN:');
    expect(output).toContain('TELEGRAM_WEBHOOK_SECRET: required to turn Telegram on');
    expect(output).toContain('DATABASE_URL:');
  });

  it('warns at start-up when the volunteers’ Telegram group cannot be used, and serves anyway', async () => {
    const fake = await startFakeTelegramApi();
    cleanups.push(() => fake.close());
    fake.addGroup(-1001234567890, { bot: { status: 'member', canManageTopics: false } });
    const dataDir = await mkdtemp(join(tmpdir(), 'relais-server-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const databaseUrl = process.env.TEST_DATABASE_URL;
    const server = await start({
      DATA_DIR: dataDir,
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_WEBHOOK_SECRET: 'start-up-secret',
      TELEGRAM_API_ROOT: fake.url,
      TELEGRAM_VOLUNTEER_CHAT_ID: '-1001234567890',
    });
    await server.healthy();
    const deadline = Date.now() + 10_000;
    while (!server.output().includes('Cases still work from the console') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(server.output()).toContain(
      "Warning: the volunteers' Telegram group cannot be used: the bot is not an admin of the group: make it an admin allowed to manage topics. Cases still work from the console.",
    );
    expect(server.output()).not.toContain(fake.token);
  });
});
