import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { LOCALES } from '../core/locales.js';
import { cannedReplySchema, listCannedReplies } from '../handoff/canned.js';
import { queueVersion } from '../handoff/cases.js';
import type { Handoff } from '../handoff/service.js';
import { volunteerNames } from '../handoff/volunteers.js';
import { readAudit } from '../privacy/audit.js';
import type { Db } from '../storage/database.js';
import {
  afterQuery,
  caseIdOf,
  closeInput,
  deleteCanned,
  noteInput,
  replyInput,
  saveCanned,
  statusQuery,
  transferInput,
  type CaseActions,
  type Refusal,
} from './actions.js';
import { requireCoordinator } from './auth/middleware.js';
import { parseWith, readJson } from './input.js';

export interface CaseApiDeps {
  db: Db;
  handoff: Handoff;
  actions: CaseActions;
  now: () => Date;
}

/**
 * The console's JSON API for cases (DESIGN.md, "Handoff contract"), mounted at /console behind
 * `authenticate()`: a session (with `X-CSRF-Token` on every POST) or a bearer token.
 *
 * | route | answer |
 * |---|---|
 * | `GET /api/cases?status=open\|claimed\|closed` | `{ cases: [Case] }` in queue order for the caller's languages |
 * | `GET /api/cases/:id[?after=<message id>]` | `{ case, messages }` (only the messages after that id) |
 * | `POST /api/cases/:id/claim` | 200 `{ case }`; 409 `{ error, claimedBy }` |
 * | `POST /api/cases/:id/release` | 200 `{ case }`; 403 `{ error, claimedBy }` for someone else's case; 409 when nobody holds it |
 * | `POST /api/cases/:id/transfer` `{ volunteerId }` (coordinators) | 200 `{ case }` |
 * | `POST /api/cases/:id/messages` `{ text }` or `{ canned }` | 202 `{ message }`; 409 not the holder / closed / no such reply in the person's language (`locale`) |
 * | `POST /api/cases/:id/notes` `{ text }` | 201 `{ message }` |
 * | `POST /api/cases/:id/close` `{ outcome }`, `POST /api/cases/:id/reopen` | 200 `{ case }` |
 * | `POST /api/cases/:id/reveal` | `{ identifier, kind, channel }`, recorded in the audit log (the holder or a coordinator) |
 * | `GET /api/queue-version` | `{ version }`: changes whenever a case does (the pages poll it) |
 * | `GET /api/canned[?locale=]`; `POST /api/canned` `{ key, locale, title, text }`, `DELETE /api/canned/:key/:locale` (coordinators) | `{ canned }` |
 * | `GET /api/audit[?before=&limit=&caseId=&action=]` (coordinators) | `{ entries }`, newest first |
 *
 * Bad input: 400 `{ error }` naming the field; an unknown case: 404.
 */
export function createCaseApi(deps: CaseApiDeps): Hono {
  const { db, handoff, actions, now } = deps;
  const api = new Hono();
  const refused = (c: Context, r: Refusal) => c.json({ error: r.error, ...r.detail }, r.status as ContentfulStatusCode);
  const badRequest = (c: Context, error: string) => c.json({ error }, 400);

  /** The case id of the path, or the answer to send instead. */
  const caseId = (c: Context): number | Response => {
    const id = caseIdOf(c.req.param('id'));
    return id ?? c.json({ error: 'id: must be a case id (a positive whole number)' }, 400);
  };

  api.get('/cases', async (c) => {
    const query = parseWith(statusQuery, c.req.query());
    if (!query.ok) return badRequest(c, query.error);
    return c.json({ cases: await handoff.queue(query.data.status, c.var.volunteer) });
  });

  api.get('/cases/:id', async (c) => {
    const id = caseId(c);
    if (id instanceof Response) return id;
    const query = parseWith(afterQuery, c.req.query());
    if (!query.ok) return badRequest(c, query.error);
    const found = await actions.view(id, query.data.after);
    if (!found.ok) return refused(c, found);
    return c.json({ case: found.case, messages: found.messages });
  });

  api.post('/cases/:id/claim', async (c) => {
    const id = caseId(c);
    if (id instanceof Response) return id;
    const done = await actions.claim(c.var.volunteer, id);
    return done.ok ? c.json({ case: done.case }) : refused(c, done);
  });

  api.post('/cases/:id/release', async (c) => {
    const id = caseId(c);
    if (id instanceof Response) return id;
    const done = await actions.release(c.var.volunteer, id);
    return done.ok ? c.json({ case: done.case }) : refused(c, done);
  });

  api.post('/cases/:id/transfer', requireCoordinator(), async (c) => {
    const id = caseId(c);
    if (id instanceof Response) return id;
    const body = await readJson(c, transferInput);
    if (!body.ok) return badRequest(c, body.error);
    const done = await actions.transfer(c.var.volunteer, id, body.data.volunteerId);
    return done.ok ? c.json({ case: done.case }) : refused(c, done);
  });

  api.post('/cases/:id/messages', async (c) => {
    const id = caseId(c);
    if (id instanceof Response) return id;
    const body = await readJson(c, replyInput);
    if (!body.ok) return badRequest(c, body.error);
    const done = await actions.reply(c.var.volunteer, id, body.data);
    return done.ok ? c.json({ message: done.message }, 202) : refused(c, done);
  });

  api.post('/cases/:id/notes', async (c) => {
    const id = caseId(c);
    if (id instanceof Response) return id;
    const body = await readJson(c, noteInput);
    if (!body.ok) return badRequest(c, body.error);
    const done = await actions.note(c.var.volunteer, id, body.data.text);
    return done.ok ? c.json({ message: done.message }, 201) : refused(c, done);
  });

  api.post('/cases/:id/close', async (c) => {
    const id = caseId(c);
    if (id instanceof Response) return id;
    const body = await readJson(c, closeInput);
    if (!body.ok) return badRequest(c, body.error);
    const done = await actions.close(c.var.volunteer, id, body.data.outcome);
    return done.ok ? c.json({ case: done.case }) : refused(c, done);
  });

  api.post('/cases/:id/reopen', async (c) => {
    const id = caseId(c);
    if (id instanceof Response) return id;
    const done = await actions.reopen(c.var.volunteer, id);
    return done.ok ? c.json({ case: done.case }) : refused(c, done);
  });

  api.post('/cases/:id/reveal', async (c) => {
    const id = caseId(c);
    if (id instanceof Response) return id;
    const done = await actions.reveal(c.var.volunteer, id);
    return done.ok ? c.json({ identifier: done.identifier, kind: done.kind, channel: done.channel }) : refused(c, done);
  });

  // Cheap enough to ask every few seconds: one aggregate over the cases table.
  api.get('/queue-version', async (c) => c.json({ version: await queueVersion(db) }));

  // --- Canned replies: everyone reads them; coordinators write them ---------------------------------

  const localeQuery = z.object({ locale: z.enum(LOCALES, { message: `must be one of ${LOCALES.join(', ')}` }).optional() });

  api.get('/canned', async (c) => {
    const query = parseWith(localeQuery, c.req.query());
    if (!query.ok) return badRequest(c, query.error);
    const all = await listCannedReplies(db);
    return c.json({ canned: query.data.locale ? all.filter((r) => r.locale === query.data.locale) : all });
  });

  api.post('/canned', requireCoordinator(), async (c) => {
    const body = await readJson(c, cannedReplySchema);
    if (!body.ok) return badRequest(c, body.error);
    await saveCanned(db, body.data, c.var.volunteer, now());
    const saved = (await listCannedReplies(db)).find((r) => r.key === body.data.key && r.locale === body.data.locale);
    return c.json({ canned: saved });
  });

  api.delete('/canned/:key/:locale', requireCoordinator(), async (c) => {
    const target = parseWith(cannedReplySchema.pick({ key: true, locale: true }), c.req.param());
    if (!target.ok) return badRequest(c, target.error);
    if (!(await deleteCanned(db, target.data, c.var.volunteer, now()))) return c.json({ error: `there is no canned reply "${target.data.key}" in ${target.data.locale}` }, 404);
    return c.json({ removed: target.data });
  });

  // --- The audit log (coordinators) ----------------------------------------------------------------

  const id = z.coerce.number({ message: 'must be a whole number' }).int('must be a whole number').positive('must be positive');
  const auditQuery = z.object({
    before: id.optional(),
    caseId: id.optional(),
    volunteerId: id.optional(),
    action: z.string().max(64).optional(),
    limit: z.coerce.number({ message: 'must be a whole number' }).int().min(1, 'must be 1 to 500').max(500, 'must be 1 to 500').default(100),
  });

  api.get('/audit', requireCoordinator(), async (c) => {
    const query = parseWith(auditQuery, c.req.query());
    if (!query.ok) return badRequest(c, query.error);
    return c.json({ entries: await auditEntries(db, query.data) });
  });

  return api;
}

/** The audit log with the names of who did what (removed accounts included). */
export async function auditEntries(db: Db, query: Parameters<typeof readAudit>[1]) {
  const rows = await readAudit(db, query);
  const names = await volunteerNames(db, rows.flatMap((r) => (r.volunteerId ? [r.volunteerId] : [])));
  return rows.map((r) => ({
    id: r.id,
    at: r.at.toISOString(),
    volunteer: r.volunteerId ? { id: r.volunteerId, name: names.get(r.volunteerId) ?? `#${r.volunteerId}` } : null,
    action: r.action,
    caseId: r.caseId,
    detail: r.detail,
  }));
}
