import { describe, expect, it } from 'vitest';
import worker, { type WorkerEnv } from '../../src/entry/worker.js';
import { NO_SERVER_REASON, serverUrl } from '../support/postgres-server.js';

/**
 * The Worker entry, run in Node (the same code workerd runs; `npm run smoke:worker` runs it under
 * workerd itself). It needs PostgreSQL: TEST_DATABASE_URL, else the local server if there is one.
 */
const url = (await serverUrl()) ?? '';

function context() {
  const pending: Promise<unknown>[] = [];
  return {
    ctx: { waitUntil: (p: Promise<unknown>) => void pending.push(p), passThroughOnException() {}, props: {} },
    done: () => Promise.all(pending),
  };
}

async function statements(env: WorkerEnv): Promise<number> {
  const { ctx, done } = context();
  const response = await worker.fetch(new Request('http://relais.test/metrics'), env, ctx as never);
  await done();
  return Number(/relais_db_statements_total\{[^}]*\} (\d+)/.exec(await response.text())![1]);
}

async function health(env: WorkerEnv): Promise<number> {
  const { ctx, done } = context();
  const response = await worker.fetch(new Request('http://relais.test/healthz'), env, ctx as never);
  await done();
  return response.status;
}

describe.skipIf(!url)(`the Worker entry${url ? '' : ` (${NO_SERVER_REASON})`}`, () => {
  it('builds its app once per isolate, opens a connection per request, and rebuilds when a binding changes', async () => {
    const env: WorkerEnv = { HYPERDRIVE: { connectionString: url }, LOG_LEVEL: 'silent', SIMULATOR_ENABLED: 'true' };
    const first = await statements(env);
    expect(await health(env)).toBe(200);
    expect(await health(env)).toBe(200);
    // The same app served all three: its counters kept the two health checks' statements.
    expect(await statements(env)).toBe(first + 2);
    // A changed binding (a new secret, another log level) gets a new app, with new counters.
    const changed = { ...env, LOG_LEVEL: 'error' };
    expect(await statements(changed)).toBe(0);
    expect(await health(changed)).toBe(200);
    expect(await statements(changed)).toBe(1);
  });
});
