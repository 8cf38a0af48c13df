import type { Handler } from 'hono';
import type { Logger } from '../logger.js';
import type { DatabaseHandle } from '../storage/database.js';

/** `GET /healthz`: 200 with the database's status when it answers within 3 s, 503 otherwise. */
export function healthHandler(database: DatabaseHandle, logger: Logger): Handler {
  return async function health(c) {
    try {
      await withTimeout(database.ping(), 3_000);
      return c.json({ status: 'ok', database: { status: 'up', driver: database.driver } });
    } catch (error) {
      logger.warn('health.database_down', { error });
      return c.json({ status: 'degraded', database: { status: 'down', driver: database.driver } }, 503);
    }
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
