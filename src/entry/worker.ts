import type { ExecutionContext } from 'hono';
import { createApp, type RelaisApp } from '../app.js';
import { ConfigError, parseConfig } from '../config/config.js';
import { loadContent } from '../content/index.js';
import { createLogger, loggerOptions } from '../logger.js';
import { openRequestScopedPostgres, type RequestScopedDatabase } from '../storage/request-scoped.js';

/**
 * The Cloudflare Workers entry: the same `createApp` as Node, on PostgreSQL through Hyperdrive.
 * Migrations are applied from a deployment machine with `npm run db:migrate`, never here.
 */

export interface WorkerEnv {
  /** Hyperdrive binding in front of PostgreSQL (wrangler.toml). */
  HYPERDRIVE?: { connectionString: string };
  [variable: string]: unknown;
}

interface Isolate {
  /** The bindings it was built from: a deploy that changes one gets a new app. */
  key: string;
  relais: RelaisApp;
  database: RequestScopedDatabase;
}

// Pure data, parsed once per isolate.
const content = loadContent();
let isolate: Isolate | undefined;

/**
 * The app, its configuration, its logger (one log tag key) and its channels (the bot's identity)
 * are built once per isolate and kept while the bindings stay the same. The database connection is
 * the exception: Workers let only the request that opened a socket use it, so each request opens its
 * own client (Hyperdrive keeps the real connections warm) — see `openRequestScopedPostgres`.
 */
function isolateFor(env: WorkerEnv): Isolate {
  const url = env.HYPERDRIVE?.connectionString ?? (typeof env.DATABASE_URL === 'string' ? env.DATABASE_URL : undefined);
  const strings = Object.fromEntries(Object.entries(env).filter(([, v]) => typeof v === 'string'));
  const key = JSON.stringify([url, Object.entries(strings).sort()]);
  if (isolate?.key === key) return isolate;

  const config = parseConfig({ ...strings, ...(url ? { DATABASE_URL: url } : {}) });
  if (!config.databaseUrl) {
    throw new ConfigError([{ variable: 'HYPERDRIVE', message: 'a Hyperdrive binding (or DATABASE_URL) is required on Workers' }]);
  }
  const database = openRequestScopedPostgres(config.databaseUrl, 5);
  const relais = createApp({
    config,
    database,
    content,
    logger: createLogger(config.logLevel, undefined, {}, loggerOptions(config)),
    // A batch or a delivery round must not outlive the request whose connection it uses.
    shareWorkAcrossRequests: false,
  });
  isolate = { key, relais, database };
  return isolate;
}

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    let current: Isolate;
    try {
      current = isolateFor(env);
    } catch (error) {
      if (error instanceof ConfigError) {
        console.error(error.message);
        return new Response(error.message, { status: 500 });
      }
      throw error;
    }
    const { relais, database } = current;
    const { result, close } = database.scope(async () => {
      const response = await relais.app.fetch(request, env, ctx);
      // Deferred work (processing, delivery) was handed to waitUntil; the connection closes after it.
      ctx.waitUntil(relais.background.drain().finally(close));
      return response;
    });
    return result;
  },

  /** Cron Trigger: the periodic sweep (unprocessed events, due and expired outbox rows). */
  async scheduled(_event: unknown, env: WorkerEnv, ctx: ExecutionContext): Promise<void> {
    const { relais, database } = isolateFor(env);
    const { result, close } = database.scope(() => relais.sweep());
    ctx.waitUntil(result.finally(close));
  },
};
