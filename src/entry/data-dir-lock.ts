import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * One process at a time on an embedded database. PGlite keeps the database in its own memory and
 * writes it to the folder now and then; a second process opening the same folder gets no error at all
 * (tried with PGlite 0.5: both open, each sees only its own writes) and the two overwrite each other's
 * files. So each Node process takes this lock before opening the folder: a file holding its pid,
 * created atomically, removed on close, and taken over when the process that wrote it is gone (a crash,
 * kill -9).
 */

/** The embedded database is held by another live process. */
export class DatabaseInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `The embedded database in ${dataDir} is in use by another Relais process (pid ${pid}), probably the server: ` +
        'only one process at a time can open it. Stop that process and try again, or use PostgreSQL (DATABASE_URL).',
    );
    this.name = 'DatabaseInUseError';
  }
}

/**
 * Takes the folder's lock, `<dataDir>.lock` beside it (PGlite wants its own folder to itself);
 * resolves to its release. Throws `DatabaseInUseError`.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  await mkdir(dirname(dataDir), { recursive: true });
  const path = `${dataDir.replace(/[\\/]+$/, '')}.lock`;
  const mine = `${process.pid}\n`;
  // Written aside, then linked into place: `link` fails if the lock exists, and a reader never sees a
  // half-written file.
  const draft = `${path}.${process.pid}`;
  await writeFile(draft, mine);
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await link(draft, path);
        return async () => {
          if ((await readFile(path, 'utf8').catch(() => '')) === mine) await unlink(path).catch(() => {});
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const held = await readFile(path, 'utf8').catch(() => '');
      const pid = Number.parseInt(held, 10);
      // A pid equal to ours is a previous life of this process's slot (a container restarted as pid 1).
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) throw new DatabaseInUseError(dataDir, pid);
      // Left by a process that died: take it over, unless someone else just did.
      if ((await readFile(path, 'utf8').catch(() => '')) === held) await unlink(path).catch(() => {});
    }
    throw new Error(`Could not take the lock ${path}: another process keeps taking it.`);
  } finally {
    await unlink(draft).catch(() => {});
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
