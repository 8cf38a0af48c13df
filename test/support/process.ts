import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * Relais as a real process (the compiled server, as `npm start` runs it), for the tests that stop it
 * with a signal or kill it outright.
 */
export interface RelaisProcess {
  child: ReturnType<typeof spawn>;
  url: string;
  output(): string;
  exited: Promise<number | null>;
  /** Resolves when /healthz answers 200 (or rejects after `ms`). */
  healthy(ms?: number): Promise<void>;
  /** Kills it if still running and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export async function startRelaisProcess(env: Record<string, string>): Promise<RelaisProcess> {
  const port = env.PORT ?? String(await freePort());
  const child = spawn(process.execPath, ['dist/node/server.js'], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env, PORT: port },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  return {
    child,
    url,
    output: () => out,
    exited,
    async healthy(ms = 30_000) {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        const health = await fetch(`${url}/healthz`).catch(() => undefined);
        if (health?.status === 200) return;
        if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`the server did not become healthy in ${ms} ms:\n${out}`);
    },
    async stop(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
