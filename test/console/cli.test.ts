import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createServerDatabase, dropServerDatabase, NO_SERVER_REASON, serverUrl } from '../support/postgres-server.js';
import { freePort, startRelaisProcess, type RelaisProcess } from '../support/process.js';

/**
 * `npm run volunteers` and the first `npm start` as an operator runs them: real processes (the
 * compiled entries), an embedded database in a fresh folder, the links and tokens they print used
 * against a real server.
 */

const run = promisify(execFile);
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'relais-volunteers-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function volunteers(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['dist/node/volunteers.js', ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function server(env: Record<string, string>): Promise<RelaisProcess> {
  const started = await startRelaisProcess(env);
  cleanups.push(() => started.stop());
  await started.healthy();
  return started;
}

/** Stops a server with SIGTERM and waits for it (it releases the embedded database). */
async function stop(process: RelaisProcess) {
  await process.stop('SIGTERM');
}

const lastLine = (output: string) => output.trimEnd().split('\n').at(-1)!;

/** Uses a printed link on the running server as a browser would: GET the page, POST its form. */
async function useLink(link: string, on: RelaisProcess): Promise<{ page: string; cookie: string }> {
  const path = new URL(link).pathname;
  const page = await fetch(`${on.url}${path}`);
  expect(page.status).toBe(200);
  const posted = await fetch(`${on.url}${path}`, { method: 'POST', redirect: 'manual' });
  expect(posted.status).toBe(303);
  const cookie = /relais_session=[^;]+/.exec(posted.headers.get('set-cookie') ?? '')![0];
  return { page: await page.text(), cookie };
}

describe('npm run volunteers (embedded database)', () => {
  it('add prints a working link; token prints a working token as the last line; revoke ends both; while the server runs it says the database is in use', { timeout: 90_000 }, async () => {
    const port = String(await freePort());
    const env = { DATA_DIR: await tempDir(), PORT: port };

    const added = await volunteers(['add', '--email', 'Amina@Example.org', '--name', 'Amina Diallo', '--languages', 'fr,ar', '--role', 'coordinator'], env);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('Added: Amina Diallo <amina@example.org>, coordinator, languages fr, ar.');
    const link = lastLine(added.stdout);
    expect(link).toMatch(new RegExp(`^http://localhost:${port}/console/sign-in/[A-Za-z0-9_-]{43}$`));

    const issued = await volunteers(['token', '--email', 'amina@example.org'], env);
    expect(issued.code).toBe(0);
    const token = lastLine(issued.stdout);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const taken = await volunteers(['add', '--email', 'amina@example.org', '--name', 'Again'], env);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('An account with amina@example.org already exists');
    const unknown = await volunteers(['token', '--email', 'nobody@example.org'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No active account has the e-mail nobody@example.org');

    const first = await server(env);
    expect(first.output()).not.toContain('Sign in to the console');
    const busy = await volunteers(['list'], env);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain('is in use by another Relais process');
    expect(busy.stderr).toContain('Stop that process and try again');

    const { page, cookie } = await useLink(link, first);
    expect(page).toContain('Sign in as Amina Diallo');
    expect((await fetch(`${first.url}/console`, { headers: { cookie } })).status).toBe(200);
    const listed = await fetch(`${first.url}/console/api/volunteers`, { headers: { authorization: `Bearer ${token}` } });
    expect(listed.status).toBe(200);
    expect(await listed.json()).toEqual({ volunteers: [expect.objectContaining({ email: 'amina@example.org', role: 'coordinator' })] });
    await stop(first);

    const revoked = await volunteers(['revoke', '--email', 'amina@example.org'], env);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain('1 session, 1 API token');

    const second = await server(env);
    expect((await fetch(`${second.url}/console/api/me`, { headers: { cookie } })).status).toBe(401);
    expect((await fetch(`${second.url}/console/api/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
  });

  it('says what is wrong with the command line (exit 2) before opening anything', async () => {
    const env = { DATA_DIR: join(await tempDir(), 'never-created') };
    for (const args of [[], ['frobnicate'], ['add', '--email', 'x@example.org'], ['token'], ['token', '--email', 'x@example.org', '--name', 'X'], ['add', '--bogus']]) {
      const result = await volunteers(args, env);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).not.toBe('');
    }
    const badLanguage = await volunteers(['add', '--email', 'x@example.org', '--name', 'X', '--languages', 'fr,de'], env);
    expect(badLanguage.code).toBe(2);
    expect(badLanguage.stderr).toContain('--languages: must be locale codes among');
    const { existsSync } = await import('node:fs');
    expect(existsSync(env.DATA_DIR)).toBe(false);
  });
});

describe('the first npm start', () => {
  it('on an empty embedded database prints a coordinator sign-in link that works; the next start prints none', { timeout: 60_000 }, async () => {
    const env = { DATA_DIR: await tempDir() };
    const first = await server(env);
    await expect.poll(() => first.output(), { timeout: 5000 }).toContain('Sign in to the console: ');
    const link = /Sign in to the console: (\S+)/.exec(first.output())![1]!;
    expect(link).toMatch(/^http:\/\/localhost:\d+\/console\/sign-in\/[A-Za-z0-9_-]{43}$/);
    const { page, cookie } = await useLink(link, first);
    expect(page).toContain('Sign in as Coordinator');
    const me = (await (await fetch(`${first.url}/console/api/me`, { headers: { cookie } })).json()) as { volunteer: unknown };
    expect(me.volunteer).toMatchObject({ name: 'Coordinator', email: 'coordinator@localhost', role: 'coordinator', languages: ['fr', 'en'] });

    // Throttling on a real socket: from a local proxy, the client is the hop it wrote (the last one).
    const guess = (ip: string) =>
      fetch(`${first.url}/console/sign-in/${'x'.repeat(43)}`, { headers: { 'x-forwarded-for': `forged-${Math.random()}, ${ip}` } });
    // The count is per minute: do not start the eleven guesses just before a minute turns.
    if (new Date().getSeconds() >= 55) await new Promise((r) => setTimeout(r, (61 - new Date().getSeconds()) * 1000));
    for (let i = 0; i < 10; i++) expect((await guess('198.51.100.1')).status).toBe(404);
    expect((await guess('198.51.100.1')).status).toBe(429);
    expect((await guess('198.51.100.2')).status).toBe(404);
    await stop(first);

    const again = await server(env);
    await new Promise((r) => setTimeout(r, 200));
    expect(again.output()).toContain('Volunteer console:');
    expect(again.output()).not.toContain('Sign in to the console');
    expect(again.output()).not.toContain('No coordinator yet');
  });

  it('on PostgreSQL without a coordinator prints how to add one, and none once there is one', { timeout: 60_000 }, async () => {
    const url = await serverUrl();
    if (!url) {
      console.warn(NO_SERVER_REASON);
      return;
    }
    const databaseUrl = await createServerDatabase(url, 'volunteers_cli');
    cleanups.push(() => dropServerDatabase(url, databaseUrl));
    const env = { DATABASE_URL: databaseUrl };
    const first = await server(env);
    await expect.poll(() => first.output(), { timeout: 5000 }).toContain('No coordinator yet: npm run volunteers -- add');
    expect(first.output()).not.toContain('Sign in to the console');
    await stop(first);

    // On PostgreSQL the command works while a server runs.
    const running = await server(env);
    const added = await volunteers(['add', '--email', 'claire@example.org', '--name', 'Claire', '--role', 'coordinator'], env);
    expect(added.code).toBe(0);
    await useLink(lastLine(added.stdout), running);
    await stop(running);

    const later = await server(env);
    await new Promise((r) => setTimeout(r, 200));
    expect(later.output()).not.toContain('No coordinator yet');
  });
});
