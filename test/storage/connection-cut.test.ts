import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { NO_SERVER_REASON, serverUrl } from '../support/postgres-server.js';
import { startTcpProxy } from '../support/tcp-proxy.js';

/**
 * postgres.js when connections are cut under load (PostgreSQL restarting, a failover, a NAT dropping
 * the flow): every query resolves or rejects with a connection error, none hangs, the process does
 * not crash, and the same client works again afterwards. Unpatched, postgres.js 3.4.9 ends the process
 * with `TypeError: Cannot read properties of null (reading 'write')` from `nextWrite` (see
 * patches/postgres+3.4.9.patch); the load runs in a child process (test/support/postgres-cut-load.ts
 * says why) and this test reads its exit code and report.
 */

const url = await serverUrl();

interface LoadReport {
  build: string;
  cuts: number;
  connectionsCut: number;
  resolved: number;
  rejected: Record<string, number>;
  wrongValues: number;
  unexpected: string[];
  hung: number;
  afterwards: string;
}

async function runLoad(build: 'esm' | 'cjs'): Promise<{ code: number | null; report?: LoadReport; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/postgres-cut-load.ts'], {
    env: { ...process.env, CUT_DATABASE_URL: url!, CUT_BUILD: build },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const [code] = (await once(child, 'exit')) as [number | null];
  const line = stdout.trim().split('\n').pop();
  return { code, stderr, ...(line?.startsWith('{') ? { report: JSON.parse(line) as LoadReport } : {}) };
}

describe('the installed dependencies are patched', () => {
  it('has every hunk of patches/ applied, in src/, cjs/src/ and cf/src/ (npm ci runs the postinstall)', async () => {
    const child = spawn(process.execPath, ['scripts/patch-dependencies.mjs', '--check'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(output).toMatch(/postgres@3\.4\.9: 0 file\(s\) to patch, 6 already/);
    expect(code).toBe(0);
  });
});

describe.skipIf(!url)(`postgres.js through a proxy that cuts every connection${url ? '' : ` (${NO_SERVER_REASON})`}`, () => {
  it.each(['esm', 'cjs'] as const)(
    'survives repeated cuts under load and settles every query (%s build)',
    async (build) => {
      const { code, report, stderr } = await runLoad(build);
      // An uncaught exception would be exit 1 with its stack on stderr: show it.
      expect(stderr.split('\n').filter((l) => /Error|at /.test(l)).slice(0, 8).join('\n')).toBe('');
      expect(report, 'the child printed its report').toBeDefined();
      expect(report!.unexpected, 'only connection errors').toEqual([]);
      expect(report!.hung, 'no query left pending').toBe(0);
      expect(report!.wrongValues, 'no query answered with another one’s result').toBe(0);
      expect(report!.afterwards, 'the same client works once the network is back').toBe('ok');
      // The cuts did hit queries in flight (else the test proves nothing), and most queries still ran.
      expect(report!.connectionsCut).toBeGreaterThan(0);
      expect(Object.values(report!.rejected).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
      expect(report!.resolved).toBeGreaterThan(0);
      expect(code).toBe(0);
    },
    120_000,
  );
});

describe('the fault-injection proxy', () => {
  it('forwards bytes, cuts live connections on both sides, and refuses new ones while paused', async () => {
    // A tiny echo server stands in for the far side.
    const upstreamClosed: string[] = [];
    const echo = net.createServer((s) => {
      s.on('error', () => {});
      s.on('close', () => upstreamClosed.push('closed'));
      s.pipe(s);
    });
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    const proxy = await startTcpProxy({ targetHost: '127.0.0.1', targetPort: (echo.address() as net.AddressInfo).port });
    try {
      const client = net.connect(proxy.port, proxy.host);
      const errors: string[] = [];
      client.on('error', (e: NodeJS.ErrnoException) => errors.push(e.code ?? e.message));
      await once(client, 'connect');
      client.write('ping');
      const [data] = (await once(client, 'data')) as [Buffer];
      expect(data.toString()).toBe('ping');
      expect(proxy.connections).toBe(1);

      // events.once would reject on the 'error' that comes first: wait for 'close' itself.
      const clientClosed = new Promise((r) => client.once('close', r));
      expect(proxy.cutAll()).toBe(1);
      await clientClosed;
      expect(errors).toEqual(['ECONNRESET']);
      await expect.poll(() => upstreamClosed.length).toBe(1);
      expect(proxy.connections).toBe(0);

      proxy.pause();
      const refused = net.connect(proxy.port, proxy.host);
      refused.on('error', () => {});
      await new Promise((r) => refused.once('close', r));
      expect(proxy.connections).toBe(0);

      proxy.resume();
      const again = net.connect(proxy.port, proxy.host);
      await once(again, 'connect');
      again.write('pong');
      const [back] = (await once(again, 'data')) as [Buffer];
      expect(back.toString()).toBe('pong');
      again.destroy();
      expect(proxy.rewrite('postgres://u:p@db.example:5432/x?sslmode=disable')).toBe(
        `postgres://u:p@127.0.0.1:${proxy.port}/x?sslmode=disable`,
      );
    } finally {
      await proxy.close();
      await new Promise<void>((r) => echo.close(() => r()));
    }
  });
});
