import { getConnInfo } from '@hono/node-server/conninfo';
import { and, eq, lt, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import type { DbOrTx } from '../../storage/database.js';
import { signInAttempts } from '../../storage/schema.js';

/**
 * Sign-in throttling: failed attempts (an unknown, used or expired link, a bad API token) are counted
 * per client and minute in `sign_in_attempts`; past `limit` in the current minute the client gets 429
 * before its token is even looked up. The secrets are 256 random bits, so guessing is hopeless anyway:
 * this keeps a script from hammering the database, and makes a leaked-link probe noisy.
 */

export const FAILED_ATTEMPTS_PER_MINUTE = 10;
/** Counts older than this are deleted (at most once a minute per process). */
const KEEP_MS = 60 * 60 * 1000;

export type ThrottleVerdict = { status: 'allowed' } | { status: 'throttled'; retryAfterSeconds: number };

export interface Throttle {
  /** Whether this client may try now (call before looking a token up). */
  check(client: string): Promise<ThrottleVerdict>;
  /** Counts one failed attempt. */
  fail(client: string): Promise<void>;
}

export function createThrottle(deps: { db: DbOrTx; now: () => Date; limit?: number }): Throttle {
  const { db, now, limit = FAILED_ATTEMPTS_PER_MINUTE } = deps;
  let lastPurgeMinute = 0;
  return {
    async check(client) {
      const at = now();
      const minute = startOfMinute(at);
      const [row] = await db
        .select({ count: signInAttempts.count })
        .from(signInAttempts)
        .where(and(eq(signInAttempts.client, client), eq(signInAttempts.minute, minute)));
      if (!row || row.count < limit) return { status: 'allowed' };
      return { status: 'throttled', retryAfterSeconds: Math.max(1, Math.ceil((minute.getTime() + 60_000 - at.getTime()) / 1000)) };
    },
    async fail(client) {
      const minute = startOfMinute(now());
      await db
        .insert(signInAttempts)
        .values({ client, minute, count: 1 })
        .onConflictDoUpdate({ target: [signInAttempts.client, signInAttempts.minute], set: { count: sql`${signInAttempts.count} + 1` } });
      if (minute.getTime() !== lastPurgeMinute) {
        lastPurgeMinute = minute.getTime();
        await db.delete(signInAttempts).where(lt(signInAttempts.minute, new Date(minute.getTime() - KEEP_MS)));
      }
    },
  };
}

function startOfMinute(at: Date): Date {
  return new Date(Math.floor(at.getTime() / 60_000) * 60_000);
}

/** The Node server's bindings (@hono/node-server passes the request's `incoming` message as env). */
interface NodeBindings {
  incoming?: { socket?: unknown };
  server?: { incoming?: { socket?: unknown } };
}

/**
 * Who is asking, for throttling.
 * - On Node, the socket's address; when that address is a proxy on this machine or a private network
 *   (loopback, 10/8, 172.16/12, 192.168/16, fc00::/7), the hop that proxy recorded: the *last* entry
 *   of `X-Forwarded-For`. Entries before it were written by the client and are not trusted (a client
 *   could otherwise name a new address on each attempt and never be throttled).
 * - Elsewhere (Workers), Cloudflare's `CF-Connecting-IP`, which a client cannot set.
 * Behind two proxies (a CDN, then a local one) every client counts as the CDN: the limits are then
 * shared, which slows down legitimate sign-ins under attack but never lets a guesser through faster.
 */
export function clientAddress(c: Context): string {
  const env = c.env as NodeBindings | undefined;
  if (env?.incoming?.socket || env?.server?.incoming?.socket) {
    const socket = getConnInfo(c).remote.address ?? 'unknown';
    const forwarded = c.req.header('x-forwarded-for');
    if (forwarded && isLocalOrPrivate(socket)) {
      const last = forwarded.split(',').map((hop) => hop.trim()).filter(Boolean).at(-1);
      if (last) return last;
    }
    return socket;
  }
  return c.req.header('cf-connecting-ip')?.trim() || 'unknown';
}

export function isLocalOrPrivate(address: string): boolean {
  const v4 = address.replace(/^::ffff:/i, '');
  if (/^\d+\.\d+\.\d+\.\d+$/.test(v4)) {
    const [a, b] = v4.split('.').map(Number) as [number, number];
    return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
  }
  const v6 = address.toLowerCase();
  return v6 === '::1' || /^f[cd][0-9a-f]{2}:/.test(v6);
}
