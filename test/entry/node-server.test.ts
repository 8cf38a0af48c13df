import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * `npm start` as an operator runs it: a real process, its embedded database in a fresh folder (or
 * TEST_DATABASE_URL's server), stopped with SIGTERM.
 */

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['dist/node/server.js'], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  cleanups.push(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
  });
  return { child, output: () => out, exited };
}

describe('the Node server', () => {
  it('starts (embedded database, or TEST_DATABASE_URL), serves, and stops cleanly on SIGTERM', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'relais-server-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const port = await freePort();
    const databaseUrl = process.env.TEST_DATABASE_URL;
    const server = start({ PORT: String(port), DATA_DIR: dataDir, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) });

    let health: Response | undefined;
    for (let i = 0; i < 200 && !health; i++) {
      await new Promise((r) => setTimeout(r, 100));
      health = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
    }
    expect(health?.status).toBe(200);
    expect(await health!.json()).toMatchObject({ database: { status: 'up', driver: databaseUrl ? 'postgres' : 'pglite' } });
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
    const server = start({ PORT: 'abc', TELEGRAM_BOT_TOKEN: '123:short', DATABASE_URL: 'mysql://x' });
    expect(await server.exited).toBe(1);
    const output = server.output();
    expect(output).toContain('PORT:');
    expect(output).toContain('TELEGRAM_BOT_TOKEN:');
    expect(output).toContain('TELEGRAM_WEBHOOK_SECRET: required to turn Telegram on');
    expect(output).toContain('DATABASE_URL:');
  });
});
