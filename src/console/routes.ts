import { Hono } from 'hono';
import type { Config } from '../config/config.js';
import type { GroupCheck } from '../channels/telegram/volunteers/check.js';
import type { Content } from '../content/index.js';
import type { Handoff } from '../handoff/service.js';
import type { Logger } from '../logger.js';
import { listUndelivered } from '../outbox/rows.js';
import type { Db } from '../storage/database.js';
import { createCaseActions } from './actions.js';
import { createCaseApi } from './api.js';
import { createAssetRoutes } from './assets.js';
import { createAccountRoutes } from './auth/account-routes.js';
import { authenticate, consoleSecurityHeaders } from './auth/middleware.js';
import { createSignInRoutes } from './auth/sign-in.js';
import { createThrottle } from './auth/throttle.js';
import { createLeafletRoutes } from './leaflets.js';
import { createPageRoutes } from './page-routes.js';

export interface ConsoleDeps {
  db: Db;
  config: Config;
  logger: Logger;
  content: Content;
  /** Cases as volunteers work them (shared with the volunteers' group). */
  handoff: Handoff;
  /** The volunteers' Telegram group, when configured (its state is shown on the queue). */
  volunteersGroup?: { status(): Promise<GroupCheck> };
  now?: () => Date;
}

/**
 * The volunteer console (`/console`): the queue, cases, canned replies, and for coordinators the
 * volunteers and the audit log, as server-rendered pages (page-routes.ts) over the JSON API of the
 * handoff contract (api.ts), both calling the same case actions (actions.ts).
 *
 * Access (src/console/auth/): security headers on everything; the sign-in links and the static assets
 * are public; every other route needs a session (cookie + CSRF token on changes) or an API token, and
 * handlers read `c.var.volunteer` and `c.var.auth`. Routes added below `authenticate` are protected.
 */
export function createConsoleRoutes(deps: ConsoleDeps): Hono {
  const { db, config, content, handoff } = deps;
  const now = deps.now ?? (() => new Date());
  const routes = new Hono();
  const throttle = createThrottle({ db, now });
  const publicUrl = config.publicUrl;
  const actions = createCaseActions({ db, content, handoff, now });
  // A removed account's cases go back to the queue, and the volunteers' group is told.
  const releaseCases = handoff.releaseAllHeldBy;

  routes.use(consoleSecurityHeaders());
  routes.route('/', createAssetRoutes());
  routes.route('/', createSignInRoutes({ db, throttle, now, ...(publicUrl ? { publicUrl } : {}) }));
  routes.use(authenticate({ db, throttle, now }));
  routes.route('/leaflets', createLeafletRoutes({ db, config, now }));
  routes.route('/', createAccountRoutes({ db, now, releaseCases, ...(publicUrl ? { publicUrl } : {}) }));
  routes.route('/api', createCaseApi({ db, handoff, actions, now }));
  routes.route('/', createPageRoutes({ db, content, handoff, actions, now, releaseCases, ...(publicUrl ? { publicUrl } : {}), ...(deps.volunteersGroup ? { volunteersGroup: deps.volunteersGroup } : {}) }));

  routes.get('/api/undelivered', async (c) => {
    const rows = await listUndelivered(db);
    return c.json({ undelivered: rows.map(({ id, status, channel, lastError }) => ({ id, status, channel, lastError })).reverse() });
  });

  return routes;
}
