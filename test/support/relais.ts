import { createApp, type AppDeps, type RelaisApp } from '../../src/app.js';
import { parseConfig, type Config } from '../../src/config/config.js';
import { loadContent } from '../../src/content/index.js';
import { createLogger, type Logger } from '../../src/logger.js';
import type { Db } from '../../src/storage/database.js';
import { freshDatabase } from './database.js';

export interface TestRelais {
  relais: RelaisApp;
  app: RelaisApp['app'];
  db: Db;
  config: Config;
  /** Lines the app logged (JSON), to check what does and does not reach the logs. */
  logs: string[];
  request(path: string, init?: RequestInit): Promise<Response>;
  /** Waits for work deferred after responses (processing, delivery) to finish. */
  settle(): Promise<void>;
  sweep(): ReturnType<RelaisApp['sweep']>;
}

export interface StartRelaisOptions {
  /** Environment variables as an operator would set them (LOG_LEVEL defaults to debug, captured). */
  env?: Record<string, string>;
  now?: () => Date;
  channelOptions?: AppDeps['channelOptions'];
}

let content: ReturnType<typeof loadContent> | undefined;

/**
 * The real app on the worker's real database (emptied first), as `npm start` builds it, with logs
 * captured instead of printed. Only the far side of the network is ever faked (by the caller).
 */
export async function startRelais(options: StartRelaisOptions = {}): Promise<TestRelais> {
  const database = await freshDatabase();
  const config = parseConfig({ LOG_LEVEL: 'debug', ...options.env });
  const logs: string[] = [];
  const logger: Logger = createLogger(config.logLevel, (line) => logs.push(line));
  content ??= loadContent();
  const relais = createApp({
    config,
    database,
    content,
    logger,
    ...(options.now ? { now: options.now } : {}),
    ...(options.channelOptions ? { channelOptions: options.channelOptions } : {}),
  });
  return {
    relais,
    app: relais.app,
    db: database.db,
    config,
    logs,
    request: async (path, init) => relais.app.request(path, init),
    settle: () => relais.background.drain(),
    sweep: () => relais.sweep(),
  };
}
