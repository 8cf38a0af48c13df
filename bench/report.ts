/**
 * The bench's printout: one table per database (closed loop), the ratios that give those figures
 * their meaning, the open-loop runs, where the CPU went, and a legend.
 */
import type { TargetKind } from './load.js';

export interface CpuShare {
  wallMs: number;
  /** CPU ms used during the run by each process (PostgreSQL: the backends serving the run's database). */
  server: number;
  postgres: number;
  generator: number;
  fakes: number;
  proxy: number;
  /** CPU ms the whole machine was busy (all cores), out of `machineTotal`; `steal`: taken by the hypervisor. */
  machineBusy: number;
  machineTotal: number;
  steal: number;
}

interface RowBase {
  db: 'postgres' | 'pglite';
  kind: TargetKind;
  label: string;
  mode: 'closed' | 'open';
}

export interface NotApplicableRow extends RowBase {
  applicable: false;
  /** `n/a`: the scenario does not exist on this database; `failed`: see the problems. */
  why: 'n/a' | 'failed';
}

export interface MeasuredRow extends RowBase {
  applicable: true;
  /** How many runs this row is the median of (--repeat). */
  runs: number;
  sent: number;
  /** Updates the server accepted (2xx). */
  updates: number;
  httpPerSecond: number;
  /** Updates committed and their replies delivered, per second, from the first request to the last delivery. */
  updatesPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  replyP50: number;
  replyP99: number;
  statementsPerUpdate: number;
  roundTripsPerUpdate: number;
  commitsPerUpdate: number;
  /** Where statements and commits came from: the wire proxy, Relais's /metrics, or nowhere. */
  countsFrom: 'wire' | 'metrics' | 'none';
  /** Most PostgreSQL connections the server had open at once. */
  poolPeak: number;
  replies: number;
  rssIdle: number;
  rssLoaded: number;
  cpu: CpuShare;
  /** Open loop: seconds from the last scheduled request to the last reply delivered. */
  drainSeconds: number;
  /** Open loop: how late the generator dispatched (p99, ms): above a few ms, it was itself starved. */
  dispatchLagP99: number;
  problems: string[];
}

export type Row = MeasuredRow | NotApplicableRow;

export interface ReportOptions {
  requests: number;
  connections: number;
  people: number;
  text: string;
  rate: number;
  seconds: number;
  openConnections: number;
  cores: number;
  direct: boolean;
  repeat: number;
}

const NA = 'n/a';
const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : NA);
const ms = (n: number) => (n === Infinity ? '∞' : !Number.isFinite(n) ? NA : n < 10 ? n.toFixed(1) : Math.round(n).toLocaleString('en-US'));
const dec = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : NA);
const ratio = (a: number, b: number) => {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return NA;
  const x = a / b;
  return `${x >= 10 ? x.toFixed(0) : x >= 1 ? x.toFixed(1) : x.toPrecision(2)}×`;
};

function table(header: string[], rows: string[][], leftColumns = 1): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < leftColumns ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function printReport(rows: Row[], o: ReportOptions, skipped: string[]): void {
  const out: string[] = [];
  const closed = rows.filter((r) => r.mode === 'closed');
  const open = rows.filter((r): r is MeasuredRow => r.mode === 'open' && r.applicable);
  const measured = rows.filter((r): r is MeasuredRow => r.applicable);

  for (const db of ['postgres', 'pglite'] as const) {
    const here = closed.filter((r) => r.db === db);
    if (here.length === 0) continue;
    out.push(
      `${db === 'postgres' ? 'PostgreSQL' : 'PGlite'} — closed loop: ${o.requests.toLocaleString('en-US')} updates, ` +
        `${o.connections} connections, ${o.people.toLocaleString('en-US')} people, "${o.text}"` +
        (o.repeat > 1 ? `; medians of ${o.repeat} interleaved runs` : ''),
    );
    out.push(
      table(
        ['', 'HTTP/s', 'updates/s', 'p50 ms', 'p99 ms', 'reply p50', 'reply p99', 'stmts/upd', 'RT/upd', 'commits/upd', 'replies', 'RSS idle', 'RSS 10s', 'CPU ms/upd', 'PG ms/upd'],
        here.map((r) =>
          r.applicable
            ? [
                r.label,
                int(r.httpPerSecond),
                int(r.updatesPerSecond),
                ms(r.p50),
                ms(r.p99),
                ms(r.replyP50),
                ms(r.replyP99),
                dec(r.statementsPerUpdate),
                dec(r.roundTripsPerUpdate),
                dec(r.commitsPerUpdate),
                int(r.replies),
                int(r.rssIdle),
                int(r.rssLoaded),
                dec(r.cpu.server / r.updates),
                db === 'postgres' ? dec(r.cpu.postgres / r.updates) : 'in server',
              ]
            : [r.label, ...Array<string>(14).fill(r.why)],
        ),
      ),
    );
    const find = (kind: TargetKind) => here.find((r): r is MeasuredRow => r.kind === kind && r.applicable);
    const refs = [find('grammy'), find('bare')].filter((r): r is MeasuredRow => r !== undefined);
    const relais = [find('telegram'), find('whatsapp')].filter((r): r is MeasuredRow => r !== undefined);
    if (refs.length && relais.length) {
      out.push('');
      out.push(
        table(
          ['ratios', 'updates/s', 'HTTP p50', 'HTTP p99', 'reply p50', 'stmts/upd', 'commits/upd', 'RSS 10s', 'CPU ms/upd', 'PG ms/upd'],
          relais.flatMap((r) =>
            refs.map((ref) => [
              `${r.label} ÷ ${ref.kind === 'bare' ? 'bare' : 'grammY'}`,
              ratio(r.updatesPerSecond, ref.updatesPerSecond),
              ratio(r.p50, ref.p50),
              ratio(r.p99, ref.p99),
              ref.kind === 'bare' ? '' : ratio(r.replyP50, ref.replyP50),
              ratio(r.statementsPerUpdate, ref.statementsPerUpdate),
              ratio(r.commitsPerUpdate, ref.commitsPerUpdate),
              ratio(r.rssLoaded, ref.rssLoaded),
              ratio(r.cpu.server / r.updates, ref.cpu.server / ref.updates),
              db === 'postgres' ? ratio(r.cpu.postgres / r.updates, ref.cpu.postgres / ref.updates) : NA,
            ]),
          ),
        ),
      );
    }
    out.push('');
  }

  if (open.length) {
    out.push(`Open loop — ${o.rate}/s for ${o.seconds} s (${Math.round(o.rate * o.seconds)} updates), up to ${o.openConnections} connections; latency from the scheduled time`);
    out.push(
      table(
        ['', 'answered/s', 'p50 ms', 'p99 ms', 'max ms', 'reply p50', 'reply p99', 'updates/s', 'drain s', 'RSS 10s', 'errors'],
        open.map((r) => [
          `${r.label}, ${r.db === 'postgres' ? 'PostgreSQL' : 'PGlite'}`,
          int(r.httpPerSecond),
          ms(r.p50),
          ms(r.p99),
          ms(r.max),
          ms(r.replyP50),
          ms(r.replyP99),
          int(r.updatesPerSecond),
          dec(r.drainSeconds, 1),
          int(r.rssLoaded),
          int(r.sent - r.updates),
        ]),
      ),
    );
    out.push('');
  }

  if (measured.length) {
    out.push(`Where the CPU went — average cores busy during each run (the machine has ${o.cores})`);
    out.push(
      table(
        ['', 'wall s', 'machine', 'server', 'PG', 'generator', 'fakes', 'proxy', 'other', 'steal', 'gen. lag p99'],
        measured.map((r) => {
          const c = r.cpu;
          const cores = (cpu: number) => dec(cpu / c.wallMs, 2);
          const known = c.server + c.postgres + c.generator + c.fakes + c.proxy;
          return [
            `${r.label}, ${r.db === 'postgres' ? 'PG' : 'PGlite'}, ${r.mode}`,
            dec(c.wallMs / 1000, 1),
            cores(c.machineBusy),
            cores(c.server),
            r.db === 'postgres' ? cores(c.postgres) : 'in server',
            cores(c.generator),
            cores(c.fakes),
            r.db === 'postgres' && !o.direct ? cores(c.proxy) : NA,
            cores(Math.max(0, c.machineBusy - known)),
            cores(c.steal),
            r.mode === 'open' ? ms(r.dispatchLagP99) : '',
          ];
        }),
      ),
    );
    const busy = measured.filter((r) => Math.max(0, r.cpu.machineBusy - (r.cpu.server + r.cpu.postgres + r.cpu.generator + r.cpu.fakes + r.cpu.proxy)) / r.cpu.wallMs > 0.25);
    if (busy.length) {
      out.push(
        `Note: in ${busy.length} of ${measured.length} runs, work outside the bench kept more than a quarter of a core busy ` +
          '(column other: other tenants, the kernel, this orchestrator).\nThose runs are slowed unevenly: trust the ratios more than the absolute figures, and re-run on a quiet machine.',
      );
    }
    out.push('');
  }

  const problems = measured.filter((r) => r.problems.length);
  if (problems.length || skipped.length) {
    out.push('Problems');
    for (const line of skipped) out.push(`  ${line}`);
    for (const r of problems) out.push(`  ${r.label}, ${r.db}, ${r.mode} loop: ${r.problems.join('; ')}`);
    out.push('');
  }

  const pools = measured.filter((r) => r.db === 'postgres' && Number.isFinite(r.poolPeak) && r.mode === 'closed');
  out.push(
    [
      'Legend',
      '  Each server runs alone in its own process on a fresh database; the load generator, the fake platforms and the',
      '  PostgreSQL proxy run in processes of their own. Figures are from this run on this machine: compare rows, not runs.',
      '  HTTP/s       webhook answers (2xx) per second, first request to last answer.',
      '  updates/s    updates committed and their replies delivered to the fake platform, per second, from the first',
      '               request to the last delivery (bare: its INSERT committed, before its answer).',
      '  p50/p99      webhook answer latency (closed loop: from sending; open loop: from the scheduled time).',
      '  reply p50/99 from sending an update to the first reply reaching the fake platform (needs one update per person).',
      '               Relais answers the webhook before processing, so in the closed loop its backlog waits in the',
      '               database and reply latency grows along the run; the open loop shows it at a fixed rate.',
      '  stmts/upd    statements per update: Query + Execute messages on the PostgreSQL wire (PGlite: Relais /metrics).',
      '  RT/upd       round trips per update: Query + Sync messages (each is a request the client waits for).',
      '  commits/upd  transactions committed in the run\'s database (pg_stat_database.xact_commit; every autocommitted',
      '               statement is one; the bench\'s own checks and each new connection\'s start-up transaction are',
      '               subtracted). PGlite: Relais\'s relais_db_transactions_total at /metrics, when present.',
      '  replies      messages delivered to the fake platform (Relais may answer in several messages).',
      '  RSS          the server process\'s resident memory (MiB, VmRSS): idle, 1.5 s after start-up; 10s, the peak over',
      '               the first 10 s of load (the whole run when it is shorter; the open loop is 10 s at a fixed rate).',
      '  CPU ms/upd   the server process\'s CPU time per update (with PGlite, the database runs inside it). Less',
      '               sensitive than throughput to other work on the machine: the steadiest figure of a noisy run.',
      '  PG ms/upd    CPU time per update of the PostgreSQL backends serving the server\'s connections.',
      '  ratios       Relais ÷ reference, same run: below 1× is fewer updates/s, above 1× is more time, work or memory.',
      '  n/a          not measured: grammY\'s storage-psql has no PGlite mode; PGlite has no wire to count.',
      ...(pools.length
        ? [`  DB pools     most PostgreSQL connections open at once: ${pools.map((r) => `${r.label} ${r.poolPeak}`).join(', ')}.`]
        : []),
      ...(o.direct ? ['  --direct     servers connected to PostgreSQL without the counting proxy: no wire counts.'] : []),
    ].join('\n'),
  );
  console.log(out.join('\n'));
}
