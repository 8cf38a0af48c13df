import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context, MiddlewareHandler } from 'hono';
import type { Logger } from '../logger.js';

/**
 * Work that runs after a response is sent. On Workers it is handed to `executionCtx.waitUntil` so the
 * isolate stays alive for it; on Node it is tracked so that shutdown (and tests) can wait for it.
 */
export interface Background {
  /**
   * Runs `task` after the response. Without `c`, the request being served is found by itself (the
   * `requestScope` middleware), so deep code — the handoff replying to a person — can defer too.
   */
  defer(c: Context | undefined, task: () => Promise<unknown>): void;
  /** Middleware that lets `defer` find the request it runs in. */
  requestScope(): MiddlewareHandler;
  /** Resolves when every deferred task, including ones deferred meanwhile, has finished. */
  drain(): Promise<void>;
  readonly pending: number;
}

export function createBackground(logger: Logger): Background {
  const running = new Set<Promise<unknown>>();
  const request = new AsyncLocalStorage<Context>();
  // On Node there is never an execution context, and asking Hono for it throws (an Error and its stack
  // on every webhook): learn it once.
  let hasExecutionContext = true;
  return {
    defer(c, task) {
      const promise = Promise.resolve()
        .then(task)
        .catch((error: unknown) => logger.error('background.failed', { error }))
        .finally(() => running.delete(promise));
      running.add(promise);
      if (!hasExecutionContext) return;
      let ctx: { waitUntil(p: Promise<unknown>): void } | undefined;
      const current = c ?? request.getStore();
      try {
        // Hono throws when there is no execution context (Node): then tracking is enough.
        ctx = current?.executionCtx;
      } catch {
        hasExecutionContext = false;
      }
      ctx?.waitUntil(promise);
    },
    requestScope() {
      return function requestScope(c, next) {
        return request.run(c, next);
      };
    },
    async drain() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
    get pending() {
      return running.size;
    },
  };
}
