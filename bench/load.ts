/**
 * The load generator of `npm run bench`, in a process of its own so that it never shares an event loop
 * with the server it measures. undici's Pool is the client (keep-alive, one request in flight per
 * connection, no pipelining: what webhook senders do).
 *
 * Every body is built and signed before the clock starts (`prepare`), so HMAC signing and JSON
 * serialisation are not charged to the run.
 *
 *   closed loop: `connections` workers, each sends its next request when its previous one is answered;
 *                latency = answer − send.
 *   open loop:   request i is due at start + i/rate whether or not earlier ones were answered (as a
 *                platform delivering a steady stream does); latency = answer − *scheduled* time, so a
 *                server that falls behind is charged for the queue it builds (no coordinated omission).
 *
 * Forked by bench/run.ts; IPC ops `prepare(spec)`, `run()`.
 */
import { Pool } from 'undici';
import { telegramUpdates } from '../test/support/fake-telegram-api.js';
import { signedInit, wa, webhookOf } from '../test/support/whatsapp-fixtures.js';
import { serveRpc } from './rpc.js';

export type TargetKind = 'bare' | 'grammy' | 'telegram' | 'whatsapp';

export interface LoadSpec {
  base: string;
  kind: TargetKind;
  mode: 'closed' | 'open';
  /** Closed loop: how many requests, over how many connections. */
  requests: number;
  connections: number;
  /** Open loop: requests per second for `seconds`, over up to `openConnections` connections. */
  rate: number;
  seconds: number;
  openConnections: number;
  people: number;
  text: string;
  /** Makes update ids and wamids unique across runs. */
  runTag: number;
  /** Telegram's webhook secret (Relais, grammY). */
  secret: string;
  /** A request not answered within this is counted as a timeout. */
  timeoutMs: number;
}

export interface LoadResult {
  sent: number;
  /** Answered 2xx. */
  ok: number;
  /** Non-2xx answers by status, and failures (timeouts, resets) by kind. */
  errors: Record<string, number>;
  /** Wall-clock (ms since the epoch) of the first send and of the last answer. */
  firstSendAt: number;
  lastAnswerAt: number;
  /** Latency percentiles over the 2xx answers, in ms. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Open loop: how late the generator itself dispatched requests behind schedule (its own lag), p99 / max ms. */
  dispatchLagP99?: number;
  dispatchLagMax?: number;
  /**
   * Per request: the person it came from and when it was sent (open loop: scheduled), wall clock. The
   * orchestrator matches them with the fake platforms' first reply per person for reply latency.
   */
  sends: Array<[person: string, at: number]>;
}

interface Prepared {
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  person: string;
}

const wallNow = () => performance.timeOrigin + performance.now();
let spec: LoadSpec | undefined;
let prepared: Prepared[] = [];

function prepare(s: LoadSpec): number {
  spec = s;
  const total = s.mode === 'closed' ? s.requests : Math.round(s.rate * s.seconds);
  prepared = Array.from({ length: total }, (_, i) => build(s, i));
  return total;
}

function build(s: LoadSpec, i: number): Prepared {
  const person = i % s.people;
  if (s.kind === 'whatsapp') {
    // Numbers like 33600000123, a wamid that is unique across runs: one message per POST.
    const waId = `336${String(person).padStart(8, '0')}`;
    const init = signedInit(webhookOf(wa.text({ waId }, s.text, { id: `wamid.BENCH${s.runTag}x${i}` })));
    return {
      path: '/webhooks/whatsapp',
      headers: init.headers as Record<string, string>,
      body: Buffer.from(init.body as string),
      person: waId,
    };
  }
  const chatId = 100_000 + person;
  const update = telegramUpdates.text(s.runTag * 10_000_000 + i + 1, chatId, s.text, 'fr');
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (s.kind !== 'bare') headers['x-telegram-bot-api-secret-token'] = s.secret;
  const path = s.kind === 'bare' ? '/' : s.kind === 'grammy' ? '/webhook' : '/webhooks/telegram';
  return { path, headers, body: Buffer.from(JSON.stringify(update)), person: String(chatId) };
}

async function run(): Promise<LoadResult> {
  if (!spec) throw new Error('prepare first');
  const s = spec;
  const pool = new Pool(s.base, {
    connections: s.mode === 'closed' ? s.connections : s.openConnections,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    headersTimeout: s.timeoutMs,
    bodyTimeout: s.timeoutMs,
  });
  const latencies = new Float64Array(prepared.length);
  const sends: Array<[string, number]> = new Array(prepared.length);
  let ok = 0;
  let lastAnswerAt = 0;
  const errors: Record<string, number> = {};
  const fail = (kind: string) => void (errors[kind] = (errors[kind] ?? 0) + 1);

  /** Sends request i; `from` (performance.now()) is when it was sent or, open loop, due. */
  async function one(i: number, from: number): Promise<void> {
    const r = prepared[i]!;
    try {
      const { statusCode, body } = await pool.request({ path: r.path, method: 'POST', headers: r.headers, body: r.body });
      await body.dump();
      const now = performance.now();
      lastAnswerAt = Math.max(lastAnswerAt, performance.timeOrigin + now);
      if (statusCode >= 200 && statusCode < 300) latencies[ok++] = now - from;
      else fail(`HTTP ${statusCode}`);
    } catch (error) {
      lastAnswerAt = Math.max(lastAnswerAt, wallNow());
      fail((error as { code?: string }).code ?? (error as Error).name);
    }
  }

  let firstSendAt = 0;
  let dispatchLag: Float64Array | undefined;
  if (s.mode === 'closed') {
    let next = 0;
    firstSendAt = wallNow();
    const worker = async () => {
      while (next < prepared.length) {
        const i = next++;
        const t0 = performance.now();
        sends[i] = [prepared[i]!.person, performance.timeOrigin + t0];
        await one(i, t0);
      }
    };
    await Promise.all(Array.from({ length: Math.min(s.connections, prepared.length) }, worker));
  } else {
    const interval = 1000 / s.rate;
    const start = performance.now() + 20;
    firstSendAt = performance.timeOrigin + start;
    const lag = new Float64Array(prepared.length);
    dispatchLag = lag;
    const inFlight: Promise<void>[] = [];
    await new Promise<void>((resolve) => {
      let i = 0;
      const tick = () => {
        const now = performance.now();
        // Everything due by now goes out now, each timed from its own due time.
        while (i < prepared.length && start + i * interval <= now) {
          const due = start + i * interval;
          lag[i] = now - due;
          sends[i] = [prepared[i]!.person, performance.timeOrigin + due];
          inFlight.push(one(i, due));
          i++;
        }
        if (i < prepared.length) setTimeout(tick, Math.max(0, start + i * interval - performance.now()));
        else resolve();
      };
      setTimeout(tick, Math.max(0, start - performance.now()));
    });
    await Promise.all(inFlight);
  }
  await pool.close();

  const sorted = latencies.subarray(0, ok).sort();
  const pick = (values: Float64Array, q: number) =>
    values.length === 0 ? NaN : values[Math.min(values.length - 1, Math.floor(q * values.length))]!;
  const lagSorted = dispatchLag?.sort();
  return {
    sent: prepared.length,
    ok,
    errors,
    firstSendAt,
    lastAnswerAt,
    p50: pick(sorted, 0.5),
    p90: pick(sorted, 0.9),
    p99: pick(sorted, 0.99),
    max: sorted.length ? sorted[sorted.length - 1]! : NaN,
    ...(lagSorted ? { dispatchLagP99: pick(lagSorted, 0.99), dispatchLagMax: lagSorted[lagSorted.length - 1]! } : {}),
    sends,
  };
}

serveRpc({
  prepare: (arg) => prepare(arg as LoadSpec),
  run: () => run(),
});
process.send!({ ready: true });
