import { Hono } from 'hono';
import { html } from 'hono/html';
import type { Config } from '../config/config.js';
import type { Content } from '../content/index.js';
import type { Handoff } from '../handoff/service.js';
import type { Logger } from '../logger.js';
import type { Db } from '../storage/database.js';
import { describeInbound } from '../core/messages.js';
import { listOpenCases } from '../handoff/cases.js';
import { listUnprocessed } from '../inbound/events.js';
import { listUndelivered } from '../outbox/rows.js';
import { createCaseActions } from './actions.js';
import { createCaseApi } from './api.js';
import { createAccountRoutes } from './auth/account-routes.js';
import { authenticate, consoleSecurityHeaders } from './auth/middleware.js';
import { csrfField } from './auth/pages.js';
import { createSignInRoutes } from './auth/sign-in.js';
import { createThrottle } from './auth/throttle.js';

/**
 * The volunteer console, first room: the queue of cases (urgent first, then oldest) and the messages
 * that could not be delivered (held outside WhatsApp's window, or failed for good). Claiming, replying
 * and canned answers come with the handoff work.
 *
 * Access (src/console/auth/): security headers on everything; the sign-in links are public; every
 * other route needs a session (cookie + CSRF token on changes) or an API token, and handlers read
 * `c.var.volunteer` and `c.var.auth`. Routes added below `authenticate` are protected; public ones
 * (static assets) go above it.
 */
export function createConsoleRoutes(deps: { db: Db; config: Config; logger: Logger; content: Content; handoff: Handoff; now?: () => Date }): Hono {
  const { db, config, content, handoff } = deps;
  const now = deps.now ?? (() => new Date());
  const routes = new Hono();
  const throttle = createThrottle({ db, now });
  const publicUrl = config.publicUrl;

  routes.use(consoleSecurityHeaders());
  routes.route('/', createSignInRoutes({ db, throttle, now, ...(publicUrl ? { publicUrl } : {}) }));
  routes.use(authenticate({ db, throttle, now }));
  // A removed account's cases go back to the queue, and the volunteers' group is told.
  const releaseCases = handoff.releaseAllHeldBy;
  routes.route('/', createAccountRoutes({ db, now, releaseCases, ...(publicUrl ? { publicUrl } : {}) }));
  routes.route('/api', createCaseApi({ db, handoff, actions: createCaseActions({ db, content, handoff, now }), now }));

  routes.get('/', async (c) => {
    const queue = await listOpenCases(db);
    const stuck = await listUndelivered(db);
    const unprocessed = await listUnprocessed(db);

    return c.html(html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Relais console</title>
<style>
  body { font: 15px/1.4 system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: .75rem; }
  table { border-collapse: collapse; width: 100%; margin-bottom: 1.5rem; }
  th, td { text-align: start; padding: .35rem .5rem; border-bottom: 1px solid #8884; vertical-align: top; }
  .urgent { color: #b00020; font-weight: 600; }
  .muted { opacity: .7; }
</style></head>
<body>
<form method="post" action="/console/sign-out" style="float: inline-end">${csrfField(c)}${c.var.volunteer.name} <button type="submit">Sign out</button></form>
<h1>Relais console</h1>
<h2>Queue (${queue.length})</h2>
${queue.length === 0
  ? html`<p class="muted">No one is waiting for a volunteer.</p>`
  : html`<table><thead><tr><th>#</th><th>Urgency</th><th>Why</th><th>Topic</th><th>Language</th><th>Channel</th><th>Status</th><th>Since</th></tr></thead><tbody>
${queue.map(
  (q) => html`<tr><td>${q.id}</td><td class="${q.urgent ? 'urgent' : ''}">${q.urgent ? 'URGENT' : 'normal'}</td><td>${q.reason}</td><td>${q.topicId ?? ''}</td><td>${q.locale ?? ''}</td><td>${q.channel}</td><td>${q.status}</td><td>${q.openedAt.slice(0, 16).replace('T', ' ')}</td></tr>`,
)}
</tbody></table>`}
<h2>Messages not delivered (${stuck.length})</h2>
${stuck.length === 0
  ? html`<p class="muted">Every message went out.</p>`
  : html`<table><thead><tr><th>#</th><th>State</th><th>Channel</th><th>Person</th><th>Attempts</th><th>Reason</th><th>Written</th></tr></thead><tbody>
${stuck.map(
  (s) => html`<tr><td>${s.id}</td><td>${s.status === 'held' ? 'held (waiting for the person to write)' : 'failed'}</td><td>${s.channel}</td><td>#${s.personId}</td><td>${s.attempts}</td><td>${s.lastError ?? ''}</td><td>${s.createdAt.toISOString().slice(0, 16).replace('T', ' ')}</td></tr>`,
)}
</tbody></table>`}
<h2>Messages received but not answered (${unprocessed.length})</h2>
${unprocessed.length === 0
  ? html`<p class="muted">Every message received was answered.</p>`
  : html`<table><thead><tr><th>#</th><th>Channel</th><th>Person</th><th>What they sent</th><th>Why</th><th>Received</th></tr></thead><tbody>
${unprocessed.map(
  (u) => html`<tr><td>${u.id}</td><td>${u.channel}</td><td>${u.personId ? `#${u.personId}` : ''}</td><td>${u.payload ? describeInbound(u.payload) : ''}</td><td>${u.lastError ?? ''}</td><td>${u.receivedAt.toISOString().slice(0, 16).replace('T', ' ')}</td></tr>`,
)}
</tbody></table>`}
</body></html>`);
  });

  routes.get('/api/undelivered', async (c) => {
    const rows = await listUndelivered(db);
    return c.json({ undelivered: rows.map(({ id, status, channel, lastError }) => ({ id, status, channel, lastError })).reverse() });
  });

  return routes;
}
