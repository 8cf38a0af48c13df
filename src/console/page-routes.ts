import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { html } from 'hono/html';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import type { GroupCheck } from '../channels/telegram/volunteers/check.js';
import type { Content } from '../content/index.js';
import { describeInbound } from '../core/messages.js';
import { isLocale, type LocaleCode } from '../core/locales.js';
import { cannedReplySchema, listCannedReplies } from '../handoff/canned.js';
import { queueVersion } from '../handoff/cases.js';
import type { Handoff } from '../handoff/service.js';
import { getVolunteer, listVolunteers, volunteerChange, volunteerInput } from '../handoff/volunteers.js';
import { listUnprocessed } from '../inbound/events.js';
import { listUndelivered } from '../outbox/rows.js';
import type { Db } from '../storage/database.js';
import {
  caseIdOf,
  closeInput,
  deleteCanned,
  noteInput,
  replyInput,
  saveCanned,
  transferInput,
  type CaseActions,
  type Refusal,
} from './actions.js';
import { auditEntries } from './api.js';
import { addAccount, issueSignInLink, removeAccount, signInUrl, updateAccount, type Actor, type RemoveAccountOptions } from './auth/accounts.js';
import { isHttps } from './auth/sign-in.js';
import { setFlash, takeFlash, type Flash } from './flash.js';
import { OUTCOME_LABELS, localeLabel } from './format.js';
import { field, parseWith, readForm } from './input.js';
import { auditBody, cannedBody, volunteersBody, type VolunteersView } from './views/admin.js';
import { caseBody, type CasePageView } from './views/case-page.js';
import { forbiddenPage, layout, notFoundPage, type Html } from './views/layout.js';
import { queueBody, TABS, type Tab } from './views/queue.js';

export interface PageRoutesDeps {
  db: Db;
  content: Content;
  handoff: Handoff;
  actions: CaseActions;
  now: () => Date;
  publicUrl?: string;
  releaseCases?: RemoveAccountOptions['releaseCases'];
  /** The volunteers' Telegram group, when one is configured: the queue says when it cannot be used. */
  volunteersGroup?: { status(): Promise<GroupCheck> };
}

/**
 * The console's pages (mounted at /console, behind `authenticate()`): the queue, a case, the canned
 * replies, and for coordinators the volunteers and the audit log. Forms post with the CSRF field and
 * redirect back with a flash message (post/redirect/get). Two kinds of answer are rendered on the POST
 * itself instead: a refused reply or note, so the text typed is kept, and what must never sit in a
 * cookie or a URL (a person's identifier, a new sign-in link).
 */
export function createPageRoutes(deps: PageRoutesDeps): Hono {
  const { db, content, handoff, actions, now, publicUrl, releaseCases, volunteersGroup } = deps;
  const pages = new Hono();

  const flash = (c: Context, kind: Flash['kind'], text: string) => setFlash(c, { kind, text }, isHttps(c, publicUrl));
  const back = (c: Context, to: string, kind: Flash['kind'], text: string) => {
    flash(c, kind, text);
    return c.redirect(to, 303);
  };
  const render = (c: Context, title: string, section: Parameters<typeof layout>[1]['section'], body: Html, status: ContentfulStatusCode = 200, shown?: Flash) =>
    c.html(layout(c, { title, section, body, flash: shown ?? takeFlash(c) }), status);

  const coordinatorsOnly = (what: string): MiddlewareHandler =>
    async function coordinatorsOnly(c, next) {
      if (c.var.volunteer.role !== 'coordinator') return c.html(forbiddenPage(c, what), 403);
      await next();
    };

  // --- The queue ------------------------------------------------------------------------------------

  pages.get('/', async (c) => {
    const me = c.var.volunteer;
    const requested = c.req.query('tab');
    const tab: Tab = TABS.includes(requested as Tab) ? (requested as Tab) : 'open';
    const open = await handoff.queue('open', me);
    const claimed = await handoff.queue('claimed', me);
    const mine = claimed.filter((k) => k.claimedBy?.id === me.id);
    const cases = tab === 'open' ? open : tab === 'claimed' ? claimed : tab === 'mine' ? mine : await handoff.queue('closed', me);
    const body = queueBody(c, {
      tab,
      cases,
      counts: { open: open.length, claimed: claimed.length, mine: mine.length },
      version: await queueVersion(db),
      problems: await problems(db, volunteersGroup),
      now: now(),
      content,
    });
    return render(c, 'Queue', 'queue', body);
  });

  // --- A case ---------------------------------------------------------------------------------------

  /** The case page, on a GET or as the answer to a refused form (with what was typed, and why). */
  async function casePage(c: Context, caseId: number, extra: Partial<Pick<CasePageView, 'draft' | 'revealed'>> = {}, status: ContentfulStatusCode = 200, shown?: Flash) {
    const found = await actions.view(caseId);
    if (!found.ok) return c.html(notFoundPage(c, found.error), 404);
    const coordinator = c.var.volunteer.role === 'coordinator';
    const body = caseBody(c, {
      case: found.case,
      messages: found.messages,
      canned: await listCannedReplies(db),
      volunteers: coordinator ? await listVolunteers(db) : [],
      now: now(),
      content,
      ...extra,
    });
    return render(c, `Case #${caseId}`, 'case', body, status, shown);
  }

  const casePath = (id: number) => `/console/cases/${id}`;
  const noSuchCase = (c: Context) => c.html(notFoundPage(c, `There is no case “${c.req.param('id')}”.`), 404);

  pages.get('/cases/:id', async (c) => {
    const id = caseIdOf(c.req.param('id'));
    if (id === undefined) return noSuchCase(c);
    return casePage(c, id);
  });

  /** Where a form asked to go back to: the queue (a tab of it) or the case; nowhere else. */
  const backTo = (form: Record<string, string | string[]>, fallback: string) => {
    const asked = field(form, 'back');
    return asked && /^\/console(\?tab=[a-z]+|\/cases\/\d+)?$/.test(asked) ? asked : fallback;
  };

  pages.post('/cases/:id/claim', async (c) => {
    const id = caseIdOf(c.req.param('id'));
    if (id === undefined) return noSuchCase(c);
    const form = await readForm(c);
    const done = await actions.claim(c.var.volunteer, id, field(form, 'version'));
    if (!done.ok) return back(c, backTo(form, casePath(id)), 'error', done.error);
    return back(c, casePath(id), 'ok', done.fresh ? `You hold case #${id} now: the person is waiting for your first message.` : `You already held case #${id}.`);
  });

  pages.post('/cases/:id/release', async (c) => {
    const id = caseIdOf(c.req.param('id'));
    if (id === undefined) return noSuchCase(c);
    const form = await readForm(c);
    const done = await actions.release(c.var.volunteer, id, field(form, 'version'));
    if (!done.ok) return back(c, casePath(id), 'error', done.error);
    return back(c, casePath(id), 'ok', `Case #${id} is back in the queue.`);
  });

  pages.post('/cases/:id/transfer', async (c) => {
    const id = caseIdOf(c.req.param('id'));
    if (id === undefined) return noSuchCase(c);
    if (c.var.volunteer.role !== 'coordinator') return c.html(forbiddenPage(c, 'Only coordinators hand cases to someone else.'), 403);
    const form = await readForm(c);
    const input = parseWith(transferInput, { volunteerId: field(form, 'volunteerId') });
    if (!input.ok) return back(c, casePath(id), 'error', input.error);
    const done = await actions.transfer(c.var.volunteer, id, input.data.volunteerId, field(form, 'version'));
    if (!done.ok) return back(c, casePath(id), 'error', done.error);
    return back(c, casePath(id), 'ok', `Case #${id} is now held by ${done.case.claimedBy?.name ?? 'them'}.`);
  });

  pages.post('/cases/:id/messages', async (c) => {
    const id = caseIdOf(c.req.param('id'));
    if (id === undefined) return noSuchCase(c);
    const form = await readForm(c);
    const raw = { text: field(form, 'text'), canned: field(form, 'canned') };
    const draft = { reply: raw.text ?? '' };
    const input = parseWith(replyInput, raw);
    if (!input.ok) return casePage(c, id, { draft }, 400, { kind: 'error', text: `Nothing was sent: ${input.error}.` });
    const done = await actions.reply(c.var.volunteer, id, input.data);
    if (!done.ok) return refusedForm(c, id, done, { draft });
    return back(c, `${casePath(id)}#m-${done.message.id}`, 'ok', 'Your reply is on its way to the person: its state shows beside it.');
  });

  pages.post('/cases/:id/notes', async (c) => {
    const id = caseIdOf(c.req.param('id'));
    if (id === undefined) return noSuchCase(c);
    const form = await readForm(c);
    const text = field(form, 'text') ?? '';
    const input = parseWith(noteInput, { text });
    if (!input.ok) return casePage(c, id, { draft: { note: text } }, 400, { kind: 'error', text: `The note was not saved: ${input.error}.` });
    const done = await actions.note(c.var.volunteer, id, input.data.text);
    if (!done.ok) return refusedForm(c, id, done, { draft: { note: text } });
    return back(c, `${casePath(id)}#m-${done.message.id}`, 'ok', 'Note added. The person does not see it.');
  });

  pages.post('/cases/:id/close', async (c) => {
    const id = caseIdOf(c.req.param('id'));
    if (id === undefined) return noSuchCase(c);
    const form = await readForm(c);
    const input = parseWith(closeInput, { outcome: field(form, 'outcome') });
    if (!input.ok) return back(c, casePath(id), 'error', `The case was not closed: ${input.error}.`);
    const done = await actions.close(c.var.volunteer, id, input.data.outcome, field(form, 'version'));
    if (!done.ok) return back(c, casePath(id), 'error', done.error);
    const language = localeLabel(content, done.case.locale).english;
    return back(c, casePath(id), 'ok', `Case #${id} is closed (${OUTCOME_LABELS[input.data.outcome]}). The person gets the closing message in ${language}.`);
  });

  pages.post('/cases/:id/reopen', async (c) => {
    const id = caseIdOf(c.req.param('id'));
    if (id === undefined) return noSuchCase(c);
    const form = await readForm(c);
    const done = await actions.reopen(c.var.volunteer, id, field(form, 'version'));
    if (!done.ok) return back(c, casePath(id), 'error', done.error);
    return back(c, casePath(id), 'ok', `Case #${id} is open again, in the queue.`);
  });

  // The identifier is shown on this answer only: a redirect would have to carry it in a cookie or a URL.
  pages.post('/cases/:id/reveal', async (c) => {
    const id = caseIdOf(c.req.param('id'));
    if (id === undefined) return noSuchCase(c);
    const done = await actions.reveal(c.var.volunteer, id);
    if (!done.ok) return back(c, casePath(id), 'error', done.error);
    return casePage(c, id, { revealed: { identifier: done.identifier, kind: done.kind } });
  });

  /** A refused reply or note: the case page again, with the text typed and the reason. */
  function refusedForm(c: Context, id: number, refusal: Refusal, extra: Pick<CasePageView, 'draft'>) {
    if (refusal.status === 404) return c.html(notFoundPage(c, refusal.error), 404);
    return casePage(c, id, extra, refusal.status as ContentfulStatusCode, { kind: 'error', text: refusal.error });
  }

  // --- Canned replies: everyone reads, coordinators write --------------------------------------------

  const cannedPage = async (c: Context, draft?: Record<string, string | undefined>, status: ContentfulStatusCode = 200, shown?: Flash) =>
    render(c, 'Canned replies', 'canned', cannedBody(c, { canned: await listCannedReplies(db), content, ...(draft ? { draft } : {}) }), status, shown);

  pages.get('/canned', (c) => cannedPage(c));

  pages.post('/canned', coordinatorsOnly('Only coordinators edit canned replies.'), async (c) => {
    const form = await readForm(c);
    const raw = { key: field(form, 'key'), locale: field(form, 'locale'), title: field(form, 'title'), text: field(form, 'text') };
    const input = parseWith(cannedReplySchema, raw);
    if (!input.ok) return cannedPage(c, raw, 400, { kind: 'error', text: `Not saved: ${input.error}.` });
    await saveCanned(db, input.data, c.var.volunteer, now());
    const language = localeLabel(content, input.data.locale).english;
    return back(c, `/console/canned#canned-${input.data.key}`, 'ok', `Saved: “${input.data.key}” in ${language}.`);
  });

  pages.post('/canned/:key/:locale/delete', coordinatorsOnly('Only coordinators edit canned replies.'), async (c) => {
    const target = parseWith(cannedReplySchema.pick({ key: true, locale: true }), c.req.param());
    if (!target.ok) return back(c, '/console/canned', 'error', target.error);
    const gone = await deleteCanned(db, target.data, c.var.volunteer, now());
    const language = localeLabel(content, target.data.locale).english;
    return gone
      ? back(c, '/console/canned', 'ok', `Deleted: “${target.data.key}” in ${language}.`)
      : back(c, '/console/canned', 'error', `There was no “${target.data.key}” in ${language} (deleted meanwhile?).`);
  });

  // --- Volunteers (coordinators) ---------------------------------------------------------------------

  const accounts = new Hono();
  accounts.use(coordinatorsOnly('Only coordinators manage volunteers.'));
  const actor = (c: Context): Actor => ({ by: c.var.volunteer.id, via: 'console', now: now() });
  const linkFor = (c: Context, token: string) => signInUrl(publicUrl ?? new URL(c.req.url).origin, token);

  const volunteersPage = async (c: Context, extra: Pick<VolunteersView, 'link' | 'draft'> = {}, status: ContentfulStatusCode = 200, shown?: Flash) => {
    const volunteers = await listVolunteers(db);
    const holding = new Map<number, number>();
    for (const k of await handoff.queue('claimed')) if (k.claimedBy) holding.set(k.claimedBy.id, (holding.get(k.claimedBy.id) ?? 0) + 1);
    return render(c, 'Volunteers', 'volunteers', volunteersBody(c, { volunteers, holding, content, ...extra }), status, shown);
  };

  const languagesOf = (form: Record<string, string | string[]>) => {
    const value = form.languages;
    return value === undefined ? [] : Array.isArray(value) ? value : [value];
  };

  accounts.get('/', (c) => volunteersPage(c));

  // The new link is shown on this answer only (never in a cookie or a URL).
  accounts.post('/', async (c) => {
    const form = await readForm(c);
    const telegramId = field(form, 'telegramId')?.trim();
    const raw = { name: field(form, 'name'), email: field(form, 'email'), languages: languagesOf(form), role: field(form, 'role'), ...(telegramId ? { telegramId } : {}) };
    const draft = { ...raw, languages: raw.languages.filter(isLocale) as LocaleCode[], ...(telegramId ? { telegramId } : {}) };
    const input = parseWith(volunteerInput, raw);
    if (!input.ok) return volunteersPage(c, { draft }, 400, { kind: 'error', text: `Not added: ${input.error}.` });
    const added = await addAccount(db, input.data, actor(c));
    switch (added.status) {
      case 'added':
        return volunteersPage(c, { link: { name: added.volunteer.name, url: linkFor(c, added.signInToken) } }, 201, {
          kind: 'ok',
          text: `${added.volunteer.name} ${added.reactivated ? 'is back' : 'was added'}. Send them the sign-in link below.`,
        });
      case 'email-taken':
        return volunteersPage(c, { draft }, 409, { kind: 'error', text: `Not added: ${added.volunteer.name} already has the e-mail ${input.data.email}.` });
      case 'telegram-taken':
        return volunteersPage(c, { draft }, 409, { kind: 'error', text: `Not added: ${added.volunteer.name} already has this Telegram id.` });
      default: {
        const never: never = added;
        return never;
      }
    }
  });

  const volunteerId = (c: Context) => caseIdOf(c.req.param('id'));

  accounts.post('/:id', async (c) => {
    const id = volunteerId(c);
    if (id === undefined) return back(c, '/console/volunteers', 'error', 'There is no such volunteer.');
    const form = await readForm(c);
    const input = parseWith(volunteerChange, { languages: languagesOf(form), role: field(form, 'role') });
    if (!input.ok) return back(c, '/console/volunteers', 'error', `Not saved: ${input.error}.`);
    const updated = await updateAccount(db, id, input.data, actor(c));
    switch (updated.status) {
      case 'updated':
        return back(c, '/console/volunteers', 'ok', `Saved: ${updated.volunteer.name} answers in ${updated.volunteer.languages.join(', ')}, as ${updated.volunteer.role}.`);
      case 'not-found':
        return back(c, '/console/volunteers', 'error', 'There is no such volunteer (removed meanwhile?).');
      case 'telegram-taken':
        return back(c, '/console/volunteers', 'error', `${updated.volunteer.name} already has this Telegram id.`);
      case 'last-coordinator':
        return back(c, '/console/volunteers', 'error', 'The last coordinator must stay a coordinator: make someone else one first.');
      default: {
        const never: never = updated;
        return never;
      }
    }
  });

  accounts.post('/:id/sign-in-link', async (c) => {
    const id = volunteerId(c);
    const volunteer = id === undefined ? undefined : await getVolunteer(db, id);
    if (!volunteer) return back(c, '/console/volunteers', 'error', 'There is no such volunteer (removed meanwhile?).');
    const token = await issueSignInLink(db, volunteer, actor(c));
    return volunteersPage(c, { link: { name: volunteer.name, url: linkFor(c, token) } }, 201, { kind: 'ok', text: `A new sign-in link for ${volunteer.name} is below.` });
  });

  accounts.post('/:id/remove', async (c) => {
    const id = volunteerId(c);
    if (id === undefined) return back(c, '/console/volunteers', 'error', 'There is no such volunteer.');
    const removed = await removeAccount(db, id, actor(c), releaseCases ? { releaseCases } : {});
    switch (removed.status) {
      case 'removed': {
        const cases = removed.releasedCases;
        const released = cases.length === 0 ? '' : ` The case${cases.length > 1 ? 's' : ''} they held (${cases.map((n) => `#${n}`).join(', ')}) ${cases.length > 1 ? 'are' : 'is'} back in the queue.`;
        return back(c, '/console/volunteers', 'ok', `${removed.volunteer.name} was removed: their sessions and links no longer work.${released}`);
      }
      case 'not-found':
        return back(c, '/console/volunteers', 'error', 'There is no such volunteer (removed already?).');
      case 'last-coordinator':
        return back(c, '/console/volunteers', 'error', 'The last coordinator cannot be removed: make someone else a coordinator first.');
      default: {
        const never: never = removed;
        return never;
      }
    }
  });

  pages.route('/volunteers', accounts);

  // --- The audit log (coordinators) ------------------------------------------------------------------

  const auditQuery = z.object({
    case: z.coerce.number().int().positive().optional().catch(undefined),
    before: z.coerce.number().int().positive().optional().catch(undefined),
  });

  pages.get('/audit', coordinatorsOnly('Only coordinators read the audit log.'), async (c) => {
    const query = auditQuery.safeParse(c.req.query());
    const q = query.success ? query.data : {};
    const limit = 100;
    const entries = await auditEntries(db, { limit, ...(q.case ? { caseId: q.case } : {}), ...(q.before ? { before: q.before } : {}) });
    const older = entries.length === limit ? entries.at(-1)?.id : undefined;
    return render(c, 'Audit log', 'audit', auditBody({ entries, now: now(), ...(q.case ? { caseId: q.case } : {}), ...(older ? { older } : {}) }));
  });

  return pages;
}

/**
 * What everyone should see on the queue: a volunteers' group the bot cannot use (cases still work here,
 * and what was meant for the group waits), messages that did not go, and those never answered.
 */
async function problems(db: Db, volunteersGroup?: { status(): Promise<GroupCheck> }): Promise<Html> {
  const group = await volunteersGroup?.status();
  const stuck = await listUndelivered(db);
  const unprocessed = await listUnprocessed(db);
  const stamp = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');
  const why = (s: (typeof stuck)[number]) =>
    s.status !== 'held' ? 'failed' : s.channel === 'telegram-group' ? 'held (waiting for the bot’s rights in the volunteers’ group)' : 'held (waiting for the person to write)';
  return html`${group && group.status !== 'ok'
    ? html`<p class="flash flash-error" role="alert"><strong>The volunteers’ Telegram group cannot be used:</strong> ${group.problem}. Cases work here as usual; posts for the group wait and go out once it is fixed (<code>npm run telegram:webhook -- --info</code> checks it).</p>`
    : ''}
${stuck.length > 0
    ? html`<h2>Messages not delivered (${stuck.length})</h2><div class="scroll"><table><thead><tr><th>#</th><th>State</th><th>Channel</th><th>Attempts</th><th>Reason</th><th>Written (UTC)</th></tr></thead><tbody>
${stuck.map(
        (s) => html`<tr><td>${s.id}</td><td>${why(s)}</td><td>${s.channel}</td><td>${s.attempts}</td><td>${s.lastError ?? ''}</td><td>${stamp(s.createdAt)}</td></tr>`,
      )}
</tbody></table></div>`
    : ''}
${unprocessed.length > 0
    ? html`<h2>Messages received but not answered (${unprocessed.length})</h2><div class="scroll"><table><thead><tr><th>#</th><th>Channel</th><th>What they sent</th><th>Why</th><th>Received (UTC)</th></tr></thead><tbody>
${unprocessed.map(
        (u) => html`<tr><td>${u.id}</td><td>${u.channel}</td><td>${u.payload ? describeInbound(u.payload) : ''}</td><td>${u.lastError ?? ''}</td><td>${stamp(u.receivedAt)}</td></tr>`,
      )}
</tbody></table></div>`
    : ''}`;
}
