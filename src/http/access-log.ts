import type { MiddlewareHandler } from 'hono';
import { withLogContext, type Logger } from '../logger.js';

/**
 * One log line per request, and the request id on every line logged for it — including lines from
 * the work it defers (async context follows promises). Needs `requestId()` before it.
 */
export function accessLog(logger: Logger): MiddlewareHandler {
  return function accessLog(c, next) {
    return withLogContext({ requestId: c.get('requestId') }, async () => {
      const started = performance.now();
      await next();
      // The path only: query strings can carry tokens (WhatsApp's hub.verify_token).
      logger.info('http.request', {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
      });
    });
  };
}
