import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseInUseError, lockDataDir } from './data-dir-lock.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function folder() {
  const dir = await mkdtemp(join(tmpdir(), 'relais-lock-'));
  dirs.push(dir);
  return join(dir, 'pglite');
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

describe('lockDataDir', () => {
  it('writes our pid beside the folder and removes it on release', async () => {
    const dataDir = await folder();
    const release = await lockDataDir(dataDir);
    expect(await readFile(`${dataDir}.lock`, 'utf8')).toBe(`${process.pid}\n`);
    await release();
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
  });

  it('refuses a folder held by a live process, naming it', async () => {
    const dataDir = await folder();
    await lockDataDir(dataDir);
    // As another process would have written it: our parent is alive.
    await writeFile(`${dataDir}.lock`, `${process.ppid}\n`);
    const refused = await lockDataDir(dataDir).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DatabaseInUseError);
    expect((refused as DatabaseInUseError).message).toContain(`in use by another Relais process (pid ${process.ppid})`);
  });

  it('takes over a lock left by a process that died (kill -9, a crash)', async () => {
    const dataDir = await folder();
    await lockDataDir(dataDir);
    await writeFile(`${dataDir}.lock`, `${await deadPid()}\n`);
    const release = await lockDataDir(dataDir);
    expect(await readFile(`${dataDir}.lock`, 'utf8')).toBe(`${process.pid}\n`);
    await release();
  });
});
