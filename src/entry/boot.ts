import { join } from 'node:path';
import { createApp, type AppDeps, type RelaisApp } from '../app.js';
import { ConfigError, parseConfig, type Config } from '../config/config.js';
import { loadContent } from '../content/index.js';
import { createLogger, loggerOptions, type Logger } from '../logger.js';
import { openDatabase, type DatabaseHandle } from '../storage/database.js';
import { migrateDatabase } from '../storage/migrate.js';
import { DatabaseInUseError, lockDataDir } from './data-dir-lock.js';
import { graphFetch } from '../channels/whatsapp/node-transport.js';

export interface BootedRelais {
  config: Config;
  logger: Logger;
  database: DatabaseHandle;
  relais: RelaisApp;
  /** How long opening the database, migrating and building the app took. */
  startupMs: number;
  /** Stops the periodic sweep, waits for deferred work, closes the database. */
  close(): Promise<void>;
}

export interface BootOptions {
  /** Overrides for the parsed configuration (the terminal chat forces the web channel on). */
  configure?: (config: Config) => Config;
  /** Run the outbox/inbox sweep on an interval (the server does; one-shot tools do not). */
  sweep?: boolean;
  logger?: Logger;
  channelOptions?: AppDeps['channelOptions'];
}

/**
 * Everything a Node process needs before it serves: configuration (throws ConfigError naming every bad
 * variable), the database (PGlite in DATA_DIR without DATABASE_URL) with migrations applied, the app.
 * Shared by the server, the terminal chat and Telegram long polling.
 */
export async function bootRelais(env: NodeJS.ProcessEnv, options: BootOptions = {}): Promise<BootedRelais> {
  const started = performance.now();
  let config = parseConfig(env);
  if (options.configure) config = options.configure(config);
  const logger = options.logger ?? createLogger(config.logLevel, undefined, {}, loggerOptions(config));

  const database = await openRelaisDatabase(config);
  const relais = createApp({
    config,
    database,
    content: loadContent(),
    logger,
    channelOptions: { ...options.channelOptions, whatsapp: { fetch: graphFetch(), ...options.channelOptions?.whatsapp } },
  });
  const startupMs = Math.round(performance.now() - started);

  let timer: ReturnType<typeof setInterval> | undefined;
  let sweeping: Promise<unknown> = Promise.resolve();
  if (options.sweep) {
    timer = setInterval(() => {
      // One sweep at a time in this process; other instances are kept apart by SKIP LOCKED.
      sweeping = sweeping
        .then(() => relais.sweep())
        .catch((error: unknown) => logger.error('sweep.failed', { error }));
    }, config.outbox.sweepIntervalMs);
    timer.unref();
  }

  return {
    config,
    logger,
    database,
    relais,
    startupMs,
    async close() {
      if (timer) clearInterval(timer);
      await sweeping;
      await relais.background.drain();
      await database.close();
    },
  };
}

/**
 * The database as every Node process opens it: postgres.js on DATABASE_URL, else PGlite in
 * DATA_DIR/pglite, locked to this process until `close()` (a second process gets
 * `DatabaseInUseError`); migrations applied.
 */
export async function openRelaisDatabase(config: Config, options: { maxConnections?: number } = {}): Promise<DatabaseHandle> {
  let release = async () => {};
  let database: DatabaseHandle;
  if (config.databaseUrl) {
    database = await openDatabase({ url: config.databaseUrl, ...options });
  } else {
    const dataDir = join(config.dataDir, 'pglite');
    release = await lockDataDir(dataDir);
    database = await openDatabase({ dataDir }).catch(async (error: unknown) => {
      await release();
      throw error;
    });
  }
  const close = database.close.bind(database);
  database.close = async () => {
    try {
      await close();
    } finally {
      await release();
    }
  };
  try {
    await migrateDatabase(database);
  } catch (error) {
    await database.close().catch(() => {});
    throw error;
  }
  return database;
}

/**
 * `bootRelais` for a command-line process: a bad configuration prints every problem and exits 1, as
 * does an embedded database held by another process.
 */
export async function bootOrExit(env: NodeJS.ProcessEnv, options: BootOptions = {}): Promise<BootedRelais> {
  try {
    return await bootRelais(env, options);
  } catch (error) {
    if (!(error instanceof ConfigError) && !(error instanceof DatabaseInUseError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
