/**
 * `npm run bench`: Relais's webhooks next to two references measured in the same run, each server in a
 * process of its own on a fresh database, so that its memory and its event loop are its own:
 *
 *   bare    plain Hono + postgres.js (or PGlite), one INSERT per request: the ceiling
 *   grammY  an idiomatic grammY bot: webhookCallback, sessions in PostgreSQL (storage-psql), reply inline
 *   Relais  `node dist/node/server.js`, Telegram and WhatsApp webhooks, replies through its outbox
 *
 * Around them, each in its own process: the fake Bot API and Graph API (bench/fake-platforms.ts), a
 * counting proxy in front of PostgreSQL (bench/pg-wire-proxy.ts), the load generator (bench/load.ts).
 * This process only orchestrates, samples /proc and queries PostgreSQL's statistics.
 *
 * Figures are printed, never asserted: the machine is shared and noisy, and a figure means something
 * only beside its references measured in the same run — hence the ratios.
 *
 *   npm run bench -- [--requests 5000] [--connections 32] [--people 5000] [--text asile]
 *                    [--rate 300] [--seconds 10] [--open-connections 256]
 *                    [--only postgres|pglite] [--scenarios bare,grammy,telegram,whatsapp]
 *                    [--open <scenarios>|none] [--repeat 1] [--direct]
 *   BENCH_DATABASE_URL=postgres://… (default postgres://postgres@127.0.0.1:5432/test)
 *   BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" (Node flags for the servers measured)
 */
import { PGlite } from '@electric-sql/pglite';
import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FAKE_BOT_TOKEN } from '../test/support/fake-telegram-api.js';
import { whatsappEnv } from '../test/support/whatsapp-fixtures.js';
import type { FakeCounts } from './fake-platforms.js';
import type { LoadResult, LoadSpec, TargetKind } from './load.js';
import type { WireCounts } from './pg-wire-proxy.js';
import {
  backendPids,
  connectAdmin,
  dropOrphans,
  END_STATE_SQL,
  freshDatabase,
  OPEN_WORK_SQL,
  probe,
  throughProxy,
  transactionCounts,
  waitNoBackends,
  withDatabase,
  type Probe,
  type Sql,
} from './postgres-admin.js';
import {
  cleanUpAll,
  cpuMs,
  forkHelper,
  freePort,
  installExitHandlers,
  interrupted,
  machineCpu,
  onCleanup,
  ROOT,
  rssMiB,
  sleep,
  spawnServer,
  stop,
} from './processes.js';
import { printReport, type CpuShare, type MeasuredRow, type Row } from './report.js';
import { readyMessage, rpcClient } from './rpc.js';

const ALL: TargetKind[] = ['bare', 'grammy', 'telegram', 'whatsapp'];
const LABELS: Record<TargetKind, string> = {
  bare: 'bare Hono + 1 INSERT',
  grammy: 'grammY + storage-psql',
  telegram: 'Relais Telegram',
  whatsapp: 'Relais WhatsApp',
};
const SECRET = 'bench-secret';
/** Idle time after start-up before measuring: RSS settles, and PostgreSQL flushes statistics within ~1 s of a backend going idle. */
const IDLE_MS = 1_500;
/** "RSS after 10 s of load": the peak over the first 10 s of a run. */
const RSS_WINDOW_MS = 10_000;
/** Giving up on delivery when nothing moved for this long. */
const STALL_MS = 60_000;

function parseOptions() {
  const { values: args } = parseArgs({
    options: {
      requests: { type: 'string', default: '5000' },
      connections: { type: 'string', default: '32' },
      people: { type: 'string', default: '5000' },
      text: { type: 'string', default: 'asile' },
      rate: { type: 'string', default: '300' },
      seconds: { type: 'string', default: '10' },
      'open-connections': { type: 'string', default: '256' },
      only: { type: 'string' },
      scenarios: { type: 'string', default: ALL.join(',') },
      open: { type: 'string' },
      repeat: { type: 'string', default: '1' },
      direct: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });

  if (args.help) {
    console.log(readFileSync(new URL(import.meta.url), 'utf8').split('*/')[0]!.replace(/^\/\*\*|^ \* ?/gm, ''));
    process.exit(0);
  }

  const positive = (name: string, text: string) => {
    const n = Number(text);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number (got ${text})`);
    return n;
  };
  const kinds = (text: string, option: string): TargetKind[] => {
    if (text === 'none') return [];
    const list = text.split(',').map((s) => s.trim()).filter(Boolean);
    for (const k of list) if (!ALL.includes(k as TargetKind)) throw new Error(`--${option}: unknown scenario ${k} (${ALL.join(', ')})`);
    return ALL.filter((k) => list.includes(k));
  };

  const options = {
    requests: Math.round(positive('requests', args.requests!)),
    connections: Math.round(positive('connections', args.connections!)),
    people: Math.round(positive('people', args.people!)),
    text: args.text!,
    rate: positive('rate', args.rate!),
    seconds: positive('seconds', args.seconds!),
    openConnections: Math.round(positive('open-connections', args['open-connections']!)),
    scenarios: kinds(args.scenarios!, 'scenarios'),
    open: [] as TargetKind[],
    repeat: Math.round(positive('repeat', args.repeat!)),
    direct: args.direct!,
  };
  // The open loop runs for the same scenarios unless told otherwise.
  options.open = args.open ? kinds(args.open, 'open') : options.scenarios;
  if (args.only && args.only !== 'postgres' && args.only !== 'pglite') throw new Error('--only takes postgres or pglite');
  const databases = (['postgres', 'pglite'] as const).filter((d) => !args.only || args.only === d);
  return { options, databases };
}

let parsed: ReturnType<typeof parseOptions>;
try {
  parsed = parseOptions();
} catch (error) {
  console.error(`npm run bench: ${error instanceof Error ? error.message : error} (--help lists the options)`);
  process.exit(2);
}
const { options, databases } = parsed;
const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

type Db = 'postgres' | 'pglite';

/** The long-lived helpers: fakes for the whole bench, the proxy while PostgreSQL is measured. */
interface Helpers {
  fakes: { child: ChildProcess; call: ReturnType<typeof rpcClient>; telegram: string; graph: string };
  proxy?: { child: ChildProcess; call: ReturnType<typeof rpcClient>; port: number };
  admin?: Sql;
}

async function main() {
  installExitHandlers();
  const cores = availableParallelism();
  console.log(
    `Relais bench — Node ${process.version}, ${cores} cores; closed loop ${options.requests} requests over ` +
      `${options.connections} connections, ${options.people} people, text "${options.text}"; open loop ` +
      `${options.rate}/s for ${options.seconds} s.`,
  );

  const relaisWanted = options.scenarios.some((k) => k === 'telegram' || k === 'whatsapp');
  if (relaisWanted) {
    // Production runs the compiled server; so does the bench (no TypeScript loader in its memory).
    execFileSync(process.execPath, ['scripts/build-node.mjs'], { cwd: ROOT, stdio: 'inherit' });
  }

  const fakesChild = forkHelper('fake-platforms.ts');
  const fakeUrls = await readyMessage<{ telegram: string; graph: string }>(fakesChild, 'the fake platforms');
  const helpers: Helpers = { fakes: { child: fakesChild, call: rpcClient(fakesChild), ...fakeUrls } };

  const rows: Row[] = [];
  const skipped: string[] = [];
  for (const db of databases) {
    if (db === 'postgres') {
      try {
        helpers.admin = await connectAdmin(PG_URL);
      } catch (error) {
        skipped.push(`PostgreSQL skipped: cannot reach ${redact(PG_URL)} (${error instanceof Error ? error.message : error}).`);
        console.log(skipped.at(-1));
        continue;
      }
      const admin = helpers.admin;
      onCleanup(() => admin.end({ timeout: 5 }));
      const orphans = await dropOrphans(admin);
      if (orphans.length) console.log(`(dropped ${orphans.length} database(s) left by an earlier bench that was killed)`);
      if (!options.direct) {
        const target = new URL(PG_URL);
        const child = forkHelper('pg-wire-proxy.ts', { PROXY_TARGET: `${target.hostname}:${target.port || 5432}` });
        const { port } = await readyMessage<{ port: number }>(child, 'the PostgreSQL proxy');
        helpers.proxy = { child, call: rpcClient(child), port };
      }
    }
    // Rounds interleave the scenarios (A B C A B C…), so that a neighbour's burst of work on this shared
    // machine spreads over all of them instead of landing on one; the report takes medians.
    const runs = new Map<string, MeasuredRow[]>();
    for (let round = 1; round <= options.repeat; round++) {
      for (const mode of ['closed', 'open'] as const) {
        for (const kind of mode === 'closed' ? options.scenarios : options.open) {
          // storage-psql speaks only to PostgreSQL: the reference has no embedded mode.
          if (kind === 'grammy' && db === 'pglite') continue;
          const tag = options.repeat > 1 ? ` [${round}/${options.repeat}]` : '';
          process.stdout.write(`  ${db.padEnd(8)} ${mode.padEnd(6)} ${LABELS[kind].padEnd(22)}${tag} … `);
          let row: MeasuredRow;
          try {
            row = await measure(db, kind, mode, helpers);
          } catch (error) {
            if (interrupted) throw error;
            // One scenario failing (a server that does not start…) should not cost the others their figures.
            const message = error instanceof Error ? error.message : String(error);
            console.log(`failed\n${message.replace(/^/gm, '    ')}`);
            skipped.push(`${LABELS[kind]}, ${db}, ${mode} loop${tag}: failed — ${message.split('\n')[0]}`);
            continue;
          }
          const key = `${mode}|${kind}`;
          runs.set(key, [...(runs.get(key) ?? []), row]);
          console.log(
            `${row.updatesPerSecond.toFixed(0)} updates/s, HTTP p50 ${row.p50.toFixed(1)} ms, p99 ${row.p99.toFixed(1)} ms` +
              (row.problems.length ? ` (${row.problems.join('; ')})` : ''),
          );
        }
      }
    }
    for (const mode of ['closed', 'open'] as const) {
      for (const kind of mode === 'closed' ? options.scenarios : options.open) {
        const measured = runs.get(`${mode}|${kind}`);
        if (measured) rows.push(median(measured));
        else if (mode === 'closed') rows.push(notApplicable(db, kind, mode, kind === 'grammy' && db === 'pglite' ? 'n/a' : 'failed'));
      }
    }
    if (helpers.proxy) {
      await stop(helpers.proxy.child, 2_000);
      delete helpers.proxy;
    }
  }
  console.log('');
  printReport(rows, { ...options, cores, direct: options.direct }, skipped);
}

/** Several runs of one scenario as one row: the median of each figure, every problem kept. */
function median(runs: MeasuredRow[]): MeasuredRow {
  if (runs.length === 1) return runs[0]!;
  const mid = <T>(pick: (r: T) => number, list: T[]) => {
    const v = list.map(pick).sort((a, b) => a - b);
    return v.length % 2 ? v[(v.length - 1) / 2]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
  };
  const first = runs[0]!;
  const out: MeasuredRow = { ...first, problems: [] };
  for (const key of Object.keys(first) as Array<keyof MeasuredRow>) {
    if (typeof first[key] === 'number') (out as unknown as Record<string, number>)[key] = mid((r) => r[key] as number, runs);
  }
  out.runs = runs.length;
  const cpu = { ...first.cpu };
  for (const key of Object.keys(cpu) as Array<keyof CpuShare>) cpu[key] = mid((r) => r.cpu[key], runs);
  out.cpu = cpu;
  runs.forEach((r, i) => out.problems.push(...r.problems.map((p) => `run ${i + 1}: ${p}`)));
  return out;
}

function notApplicable(db: Db, kind: TargetKind, mode: 'closed' | 'open', why: 'n/a' | 'failed'): Row {
  return { db, kind, label: LABELS[kind], mode, applicable: false, why };
}

/** One run: a fresh database, a fresh server, the load, then the wait until every reply is delivered. */
async function measure(db: Db, kind: TargetKind, mode: 'closed' | 'open', helpers: Helpers): Promise<MeasuredRow> {
  const problems: string[] = [];
  const { fakes, proxy, admin } = helpers;
  const logDir = mkdtempSync(join(tmpdir(), 'relais-bench-'));
  const removeLogDir = onCleanup(() => rmSync(logDir, { recursive: true, force: true }));
  const logFile = join(logDir, 'server.log');

  // A fresh database: a new PostgreSQL database, or a new PGlite folder.
  let dbEnv: Record<string, string>;
  let pgName: string | undefined;
  let dropDb: (() => Promise<void>) | undefined;
  if (db === 'postgres') {
    const fresh = await freshDatabase(admin!);
    pgName = fresh.name;
    dropDb = fresh.drop;
    const direct = withDatabase(PG_URL, fresh.name);
    dbEnv = { DATABASE_URL: proxy ? throughProxy(direct, proxy.port) : direct };
  } else {
    dbEnv = { DATA_DIR: join(logDir, 'data') };
  }

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const telegramEnv = { TELEGRAM_BOT_TOKEN: FAKE_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_API_ROOT: fakes.telegram };
  const isRelais = kind === 'telegram' || kind === 'whatsapp';
  const server = spawnServer(
    isRelais ? ['dist/node/server.js'] : [`bench/${kind === 'bare' ? 'bare-server' : 'grammy-bot'}.mjs`],
    {
      PORT: String(port),
      ...dbEnv,
      ...(kind === 'bare' ? {} : telegramEnv),
      ...(isRelais
        ? {
            ...whatsappEnv(fakes.graph),
            LOG_LEVEL: 'warn',
            SIMULATOR_ENABLED: 'false',
            // Delivery is started by each update; the sweep only catches what fell through. At 1 s it
            // never holds the end of a run back, and costs a few statements a second.
            OUTBOX_SWEEP_INTERVAL_MS: '1000',
            NODE_ENV: 'production',
          }
        : {}),
    },
    logFile,
  );
  const generator = forkHelper('load.ts');

  try {
    await waitReady(server, base, isRelais ? '/healthz' : '/', logFile);
    await readyMessage(generator, 'the load generator');
    const load = rpcClient(generator);

    const spec: LoadSpec = {
      base,
      kind,
      mode,
      requests: options.requests,
      connections: options.connections,
      rate: options.rate,
      seconds: options.seconds,
      openConnections: options.openConnections,
      people: options.people,
      text: options.text,
      runTag: (Date.now() % 100_000) + 1,
      secret: SECRET,
      timeoutMs: 120_000,
    };
    const total = await load<number>('prepare', spec);

    // Idle: the server has started and done nothing since. Counters start from here.
    await sleep(IDLE_MS);
    const rssIdle = rssMiB(server.pid!);
    const commitsBefore = pgName ? await transactionCounts(admin!, pgName) : undefined;
    await proxy?.call('reset');
    await fakes.call('reset');
    const metricsBefore = await readMetrics(base);
    const cpu = cpuMeter(server, generator, helpers, pgName);
    await cpu.start();

    // RSS under load: sampled every 100 ms over the first 10 s of the run.
    let rssLoaded = rssIdle;
    const loadStart = performance.now();
    const sampler = setInterval(() => {
      if (performance.now() - loadStart <= RSS_WINDOW_MS) rssLoaded = Math.max(rssLoaded, rssMiB(server.pid!) || 0);
    }, 100);

    let result: LoadResult;
    let delivery: Delivery;
    let pgProbe: Probe | undefined;
    try {
      result = await load<LoadResult>('run');
      if (pgName) pgProbe = probe(withDatabase(PG_URL, pgName));
      delivery = await waitDelivered(kind, db, result, fakes, pgProbe, server);
    } finally {
      clearInterval(sampler);
    }
    // The probe's own backend is the bench's, not the server's.
    const probePid = pgProbe ? (await pgProbe.query<{ pid: number }>('select pg_backend_pid() as pid'))[0]?.pid : undefined;
    const cpuUsed = await cpu.stop(probePid);
    const metricsAfter = await readMetrics(base);
    const wire = proxy ? await proxy.call<WireCounts>('counts') : undefined;
    const fakeCounts = await fakes.call<FakeCounts>('counts');
    const firstReplies = new Map(await fakes.call<Array<[string, number]>>('firstReplies'));

    // Stop the server cleanly (PGlite writes its files; PostgreSQL backends exit and flush statistics).
    await stop(server);
    await pgProbe?.end();

    let commits = NaN;
    let statements = NaN;
    let transactions = NaN;
    if (pgName) {
      if (!(await waitNoBackends(admin!, pgName))) problems.push('backends still connected: commits may be undercounted');
      const after = await transactionCounts(admin!, pgName);
      // Not the server's: the bench's own checks, and the transaction each new backend makes at start-up.
      commits = after.commits - commitsBefore!.commits - (pgProbe?.transactions ?? 0) - (wire?.connections ?? 0);
      if (after.rollbacks > commitsBefore!.rollbacks) problems.push(`${after.rollbacks - commitsBefore!.rollbacks} rollbacks`);
      const endState = await verifyPostgres(kind, pgName, result);
      if (endState) problems.push(endState);
    } else {
      const endState = await verifyPglite(kind, join(logDir, 'data', 'pglite'), result);
      if (endState) problems.push(endState);
    }
    if (metricsBefore && metricsAfter) {
      statements = metricsAfter.statements - metricsBefore.statements;
      transactions = metricsAfter.transactions - metricsBefore.transactions;
    }

    const errors = Object.entries(result.errors);
    if (errors.length) problems.push(`errors: ${errors.map(([k, n]) => `${n}× ${k}`).join(', ')}`);
    if (!delivery.complete) problems.push(delivery.note ?? 'not every update was delivered');
    if (fakeCounts.telegramFailures + fakeCounts.whatsappFailures > 0)
      problems.push(`${fakeCounts.telegramFailures + fakeCounts.whatsappFailures} failed platform calls`);
    if (wire?.encrypted) problems.push(`${wire.encrypted} TLS connections not counted`);
    // Relais's own count against the wire's, once it has one: each checks the other. drizzle counts the
    // statements inside a transaction, not its BEGIN and COMMIT, which the wire sees.
    if (wire && Number.isFinite(statements) && Number.isFinite(transactions)) {
      const expected = statements + 2 * transactions;
      if (Math.abs(expected - wire.statements) > 0.02 * wire.statements) {
        problems.push(
          `Relais /metrics counts ${statements} statements in and out of ${transactions} transactions ` +
            `(${expected} with their BEGIN and COMMIT), the wire ${wire.statements}`,
        );
      }
    }

    const updates = result.ok;
    const replies = kind === 'whatsapp' ? fakeCounts.whatsappSends : kind === 'bare' ? NaN : fakeCounts.telegramSends;
    const replyLatencies = replyLatency(result, firstReplies, kind);
    return {
      db,
      kind,
      label: LABELS[kind],
      mode,
      applicable: true,
      runs: 1,
      sent: total,
      updates,
      httpPerSecond: (updates / (result.lastAnswerAt - result.firstSendAt)) * 1000,
      updatesPerSecond: (updates / (delivery.lastDeliveryAt - result.firstSendAt)) * 1000,
      p50: result.p50,
      p99: result.p99,
      max: result.max,
      replyP50: replyLatencies.p50,
      replyP99: replyLatencies.p99,
      statementsPerUpdate: wire ? wire.statements / updates : statements / updates,
      roundTripsPerUpdate: wire ? wire.roundTrips / updates : NaN,
      commitsPerUpdate: pgName ? commits / updates : transactions / updates,
      countsFrom: wire ? 'wire' : metricsBefore ? 'metrics' : 'none',
      poolPeak: wire?.peakOpen ?? NaN,
      replies,
      rssIdle,
      rssLoaded,
      cpu: cpuUsed,
      // From the last scheduled request to the last delivery: the backlog left when the stream stopped.
      drainSeconds:
        mode === 'open' ? Math.max(0, delivery.lastDeliveryAt - (result.firstSendAt + ((total - 1) * 1000) / options.rate)) / 1000 : NaN,
      dispatchLagP99: result.dispatchLagP99 ?? NaN,
      problems,
    };
  } catch (error) {
    throw new Error(`${LABELS[kind]} on ${db}: ${error instanceof Error ? error.message : error}\n${tail(logFile)}`);
  } finally {
    await stop(server, 5_000);
    await stop(generator, 2_000);
    await dropDb?.();
    rmSync(logDir, { recursive: true, force: true });
    removeLogDir();
  }
}

interface Delivery {
  /** Wall clock of the last reply delivered (bare: of the last INSERT answered). */
  lastDeliveryAt: number;
  complete: boolean;
  note?: string;
}

/**
 * Waits until every update accepted is committed and its replies delivered:
 *   bare    the INSERT is committed before the 200, so the last answer is the last commit;
 *   grammY  the reply is sent before the 200; the fake must have one per update;
 *   Relais  on PostgreSQL, no event left 'received' and no outbox row 'pending'/'sending' (queried);
 *           on PGlite (one process owns the database), every person has a reply and no new reply came
 *           for a second; the end state is then checked in the database once the server has stopped.
 */
async function waitDelivered(
  kind: TargetKind,
  db: Db,
  result: LoadResult,
  fakes: Helpers['fakes'],
  pgProbe: Probe | undefined,
  server: ChildProcess,
): Promise<Delivery> {
  if (kind === 'bare') return { lastDeliveryAt: result.lastAnswerAt, complete: true };
  const people = new Set(result.sends.map(([person]) => person)).size;
  // Done = the last reply delivered and the last update committed: grammY writes its session after the
  // reply and before answering, so its last answer can come after its last reply.
  const lastAt = (c: FakeCounts) => Math.max(c.lastSendAt ?? 0, result.lastAnswerAt);
  let lastProgress = performance.now();
  let lastSeen = -1;
  for (;;) {
    if (server.exitCode !== null || server.signalCode !== null) {
      return { lastDeliveryAt: NaN, complete: false, note: `the server exited (${server.signalCode ?? server.exitCode})` };
    }
    const counts = await fakes.call<FakeCounts>('counts');
    const sends = kind === 'whatsapp' ? counts.whatsappSends : counts.telegramSends;
    const reached = kind === 'whatsapp' ? counts.whatsappRecipients : counts.telegramChats;
    if (kind === 'grammy' && sends >= result.ok) return { lastDeliveryAt: lastAt(counts), complete: true };
    if (kind !== 'grammy') {
      if (db === 'postgres') {
        const [open] = await pgProbe!.query<{ inbound: number; outbox: number }>(OPEN_WORK_SQL);
        const remaining = (open?.inbound ?? 1) + (open?.outbox ?? 1);
        if (remaining === 0) {
          const after = await fakes.call<FakeCounts>('counts');
          return { lastDeliveryAt: lastAt(after), complete: true };
        }
      } else if (reached >= people && performance.now() - lastProgress >= 1_000) {
        return { lastDeliveryAt: lastAt(counts), complete: true };
      }
    }
    if (sends !== lastSeen) {
      lastSeen = sends;
      lastProgress = performance.now();
    } else if (performance.now() - lastProgress > STALL_MS) {
      return {
        lastDeliveryAt: lastAt(counts),
        complete: false,
        note: `gave up: ${sends} replies, ${reached} of ${people} people reached, nothing new for ${STALL_MS / 1000} s`,
      };
    }
    await sleep(kind === 'grammy' || db === 'pglite' ? 100 : 50);
  }
}

/** After the run, in the database itself: nothing left open, everything applied and delivered. */
async function verifyPostgres(kind: TargetKind, name: string, result: LoadResult): Promise<string | undefined> {
  const check = postgresCheck(withDatabase(PG_URL, name));
  try {
    return await endStateProblems(kind, result, check);
  } finally {
    await check.end();
  }
}

async function verifyPglite(kind: TargetKind, dir: string, result: LoadResult): Promise<string | undefined> {
  const pglite = await PGlite.create(dir);
  try {
    return await endStateProblems(kind, result, {
      query: async <T>(text: string) => (await pglite.query<T>(text)).rows,
    });
  } finally {
    await pglite.close();
  }
}

function postgresCheck(url: string) {
  const p = probe(url);
  return { query: <T extends object>(text: string) => p.query<T>(text), end: p.end };
}

async function endStateProblems(
  kind: TargetKind,
  result: LoadResult,
  db: { query: <T extends object>(text: string) => Promise<T[]> },
): Promise<string | undefined> {
  const accepted = result.ok;
  if (kind === 'grammy') {
    // One session per chat that wrote.
    const people = new Set(result.sends.map(([person]) => person)).size;
    const [row] = await db.query<{ n: number }>('select count(*)::int as n from sessions');
    return row && row.n < people ? `${row.n} sessions for ${people} people` : undefined;
  }
  if (kind === 'bare') {
    const [row] = await db.query<{ n: number }>('select count(*)::int as n from bench_bare');
    return row && row.n !== accepted ? `${row.n} rows for ${accepted} answers` : undefined;
  }
  const rows = await db.query<{ tbl: string; status: string; n: number }>(END_STATE_SQL);
  const n = (tbl: string, status: string) => rows.find((r) => r.tbl === tbl && r.status === status)?.n ?? 0;
  const notes: string[] = [];
  if (n('inbound_events', 'processed') < accepted) notes.push(`${n('inbound_events', 'processed')} of ${accepted} events applied`);
  for (const [tbl, status] of [
    ['inbound_events', 'received'],
    ['inbound_events', 'failed'],
    ['outbox', 'pending'],
    ['outbox', 'sending'],
    ['outbox', 'failed'],
    ['outbox', 'held'],
  ] as const) {
    if (n(tbl, status) > 0) notes.push(`${n(tbl, status)} ${tbl === 'outbox' ? 'outbox rows' : 'events'} ${status}`);
  }
  return notes.length ? notes.join(', ') : undefined;
}

/** Relais's own counters at GET /metrics, when it has them (Prometheus text). */
async function readMetrics(base: string): Promise<{ statements: number; transactions: number } | undefined> {
  try {
    const res = await fetch(`${base}/metrics`);
    if (!res.ok) return undefined;
    const text = await res.text();
    const sum = (name: string) => {
      let total = NaN;
      for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})?\\s+([0-9.eE+-]+)`, 'gm'))) {
        total = (Number.isNaN(total) ? 0 : total) + Number(m[1]);
      }
      return total;
    };
    const statements = sum('relais_db_statements_total');
    if (Number.isNaN(statements)) return undefined;
    return { statements, transactions: sum('relais_db_transactions_total') };
  } catch {
    return undefined;
  }
}

/** First reply per update, when each person sent exactly one update (else a reply cannot be matched). */
function replyLatency(result: LoadResult, firstReplies: Map<string, number>, kind: TargetKind) {
  if (kind === 'bare') return { p50: NaN, p99: NaN };
  const persons = new Set(result.sends.map(([p]) => p));
  if (persons.size !== result.sends.length) return { p50: NaN, p99: NaN };
  const latencies: number[] = [];
  for (const [person, at] of result.sends) {
    const replied = firstReplies.get(person);
    // An update never answered counts as infinitely late, so p99 cannot hide it.
    latencies.push(replied === undefined ? Infinity : replied - at);
  }
  latencies.sort((a, b) => a - b);
  const pick = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { p50: pick(0.5), p99: pick(0.99) };
}

/**
 * CPU used during a run by each process involved, and by the whole machine (the rest is other tenants,
 * the kernel, this orchestrator). PostgreSQL's share is its backends serving the run's database.
 */
function cpuMeter(server: ChildProcess, generator: ChildProcess, helpers: Helpers, pgName: string | undefined) {
  const pids = () => ({
    server: [server.pid!],
    generator: [generator.pid!],
    fakes: [helpers.fakes.child.pid!],
    proxy: helpers.proxy ? [helpers.proxy.child.pid!] : [],
  });
  let startCpu = new Map<number, number>();
  let startMachine = machineCpu();
  let startWall = 0;
  const backends = async () => (pgName && helpers.admin ? await backendPids(helpers.admin, pgName) : []);
  return {
    async start() {
      startCpu = new Map();
      for (const pid of [...Object.values(pids()).flat(), ...(await backends())]) startCpu.set(pid, cpuMs(pid));
      startMachine = machineCpu();
      startWall = performance.now();
    },
    async stop(excludedBackend?: number): Promise<CpuShare> {
      const wall = performance.now() - startWall;
      const machine = machineCpu();
      const used = (list: number[]) => list.reduce((sum, pid) => sum + Math.max(0, (cpuMs(pid) || 0) - (startCpu.get(pid) ?? 0)), 0);
      const p = pids();
      const share: CpuShare = {
        wallMs: wall,
        server: used(p.server),
        postgres: used((await backends()).filter((pid) => pid !== excludedBackend)),
        generator: used(p.generator),
        fakes: used(p.fakes),
        proxy: used(p.proxy),
        machineBusy: machine.busy - startMachine.busy,
        machineTotal: machine.busy + machine.idle + machine.steal - (startMachine.busy + startMachine.idle + startMachine.steal),
        steal: machine.steal - startMachine.steal,
      };
      return share;
    },
  };
}

/** Waits until the server answers HTTP (Relais: its health check says 200). */
async function waitReady(server: ChildProcess, base: string, path: string, logFile: string): Promise<void> {
  const until = performance.now() + 60_000;
  while (performance.now() < until) {
    if (server.exitCode !== null || server.signalCode !== null) {
      throw new Error(`the server exited (${server.signalCode ?? server.exitCode}) before it was ready`);
    }
    try {
      const res = await fetch(base + path);
      await res.arrayBuffer();
      if (path === '/' || res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  throw new Error(`the server was not ready within 60 s\n${tail(logFile)}`);
}

function tail(file: string): string {
  try {
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    return lines.length ? `--- server output (last lines) ---\n${lines.slice(-20).join('\n')}` : '';
  } catch {
    return '';
  }
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

try {
  await main();
} catch (error) {
  if (!interrupted) console.error(`\nbench failed: ${error instanceof Error ? error.message : error}`);
  process.exitCode = interrupted ? 130 : 1;
} finally {
  await cleanUpAll();
}
process.exit(process.exitCode ?? 0);
