import { and, asc, desc, eq, inArray, isNull } from 'drizzle-orm';
import { Hono } from 'hono';
import { basicAuth } from 'hono/basic-auth';
import { html } from 'hono/html';
import { timingSafeEqual } from 'hono/utils/buffer';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Db } from '../storage/database.js';
import { describeInbound } from '../conversation/messages.js';
import { cases, inboundEvents, outbox, people } from '../storage/schema.js';

/**
 * The volunteer console, first room: the queue of cases (urgent first, then oldest) and the messages
 * that could not be delivered (held outside WhatsApp's window, or failed for good). Claiming, replying
 * and canned answers come with the handoff work.
 *
 * Access: HTTP basic auth with CONSOLE_PASSWORD (user name free). Without a password the console is
 * open only in local mode (web chat on, no real channel), so a newcomer can look at it.
 */
export function createConsoleRoutes(deps: { db: Db; config: Config; logger: Logger }): Hono {
  const { db, config } = deps;
  const routes = new Hono();
  const localOnly = !config.telegram && !config.whatsapp;

  if (config.consolePassword) {
    const password = config.consolePassword;
    routes.use(basicAuth({ verifyUser: (_user, given) => timingSafeEqual(given, password), realm: 'Relais console' }));
  } else if (!localOnly) {
    routes.use(async (c) => c.text('The console is closed: set CONSOLE_PASSWORD to open it.', 503));
  }

  routes.get('/', async (c) => {
    const queue = await db
      .select({
        id: cases.id,
        urgent: cases.urgent,
        status: cases.status,
        reason: cases.reason,
        topicId: cases.topicId,
        locale: cases.locale,
        createdAt: cases.createdAt,
        channel: people.channel,
        personId: people.id,
      })
      .from(cases)
      .innerJoin(people, eq(people.id, cases.personId))
      .where(and(inArray(cases.status, ['open', 'claimed']), isNull(cases.closedAt)))
      .orderBy(desc(cases.urgent), asc(cases.createdAt))
      .limit(200);
    const stuck = await db
      .select({
        id: outbox.id,
        status: outbox.status,
        channel: outbox.channel,
        lastError: outbox.lastError,
        attempts: outbox.attempts,
        createdAt: outbox.createdAt,
        personId: outbox.personId,
      })
      .from(outbox)
      .where(inArray(outbox.status, ['held', 'failed']))
      .orderBy(desc(outbox.id))
      .limit(200);

    // Messages the engine could not apply after several attempts: kept, with their text, for a human.
    const unprocessed = await db
      .select({
        id: inboundEvents.id,
        channel: inboundEvents.channel,
        personId: people.id,
        payload: inboundEvents.payload,
        lastError: inboundEvents.lastError,
        receivedAt: inboundEvents.receivedAt,
      })
      .from(inboundEvents)
      .leftJoin(people, and(eq(people.channel, inboundEvents.channel), eq(people.externalKey, inboundEvents.personKey)))
      .where(eq(inboundEvents.status, 'failed'))
      .orderBy(desc(inboundEvents.id))
      .limit(200);

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
<h1>Relais console</h1>
<h2>Queue (${queue.length})</h2>
${queue.length === 0
  ? html`<p class="muted">No one is waiting for a volunteer.</p>`
  : html`<table><thead><tr><th>#</th><th>Urgency</th><th>Why</th><th>Topic</th><th>Language</th><th>Channel</th><th>Person</th><th>Since</th></tr></thead><tbody>
${queue.map(
  (q) => html`<tr><td>${q.id}</td><td class="${q.urgent ? 'urgent' : ''}">${q.urgent ? 'URGENT' : 'normal'}</td><td>${q.reason}</td><td>${q.topicId ?? ''}</td><td>${q.locale ?? ''}</td><td>${q.channel}</td><td>#${q.personId}</td><td>${q.createdAt.toISOString().slice(0, 16).replace('T', ' ')}</td></tr>`,
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
    const rows = await db
      .select({ id: outbox.id, status: outbox.status, channel: outbox.channel, lastError: outbox.lastError })
      .from(outbox)
      .where(inArray(outbox.status, ['held', 'failed']))
      .orderBy(asc(outbox.id));
    return c.json({ undelivered: rows });
  });

  return routes;
}
