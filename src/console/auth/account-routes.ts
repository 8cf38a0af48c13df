import { Hono, type Context } from 'hono';
import { deleteCookie } from 'hono/cookie';
import type { z } from 'zod';
import { getVolunteer, listVolunteers, volunteerChange, volunteerInput, type Volunteer } from '../../handoff/volunteers.js';
import type { Db } from '../../storage/database.js';
import { addAccount, issueSignInLink, removeAccount, signInUrl, updateAccount, type Actor, type RemoveAccountOptions } from './accounts.js';
import { revokeCredential } from './credentials.js';
import { requireCoordinator, SESSION_COOKIE } from './middleware.js';
import { signedOutPage } from './pages.js';

export interface AccountRoutesDeps {
  db: Db;
  now: () => Date;
  /** PUBLIC_URL, the base of the sign-in links made here (else the request's own origin). */
  publicUrl?: string;
  /** How a removed account's cases go back to the queue (the handoff service's, which tells the group). */
  releaseCases?: RemoveAccountOptions['releaseCases'];
}

/**
 * The signed-in side of accounts (mounted at /console, behind `authenticate()`):
 * - `POST /sign-out` ends the browser session;
 * - `GET /api/me` → `{ volunteer, auth: 'session' | 'token', csrfToken? }` (the console's script reads
 *   its CSRF token here, scripts check their token);
 * - coordinators only, under `/api/volunteers`: `GET /` → `{ volunteers: [{ id, name, email, role,
 *   languages }] }`; `POST /` `{ name, email, languages, role, telegramId? }` → 201 `{ volunteer,
 *   signInLink }`; `PATCH /:id` `{ name?, languages?, role?, telegramId? }` → `{ volunteer }`;
 *   `DELETE /:id` (or `POST /:id/remove`) → `{ volunteer, releasedCases }` (the cases it held go back to the queue); `POST /:id/sign-in-link` → 201
 *   `{ signInLink }` for an account whose session ended. Bad input: 400 `{ error }` naming the field;
 *   an e-mail or Telegram id already in use, or the last coordinator: 409.
 */
export function createAccountRoutes(deps: AccountRoutesDeps): Hono {
  const { db, now, publicUrl, releaseCases } = deps;
  const routes = new Hono();
  const actor = (c: Context): Actor => ({ by: c.var.volunteer.id, via: 'console', now: now() });
  const linkFor = (c: Context, token: string) => signInUrl(publicUrl ?? new URL(c.req.url).origin, token);

  routes.post('/sign-out', async (c) => {
    const auth = c.var.auth;
    if (auth.kind !== 'session') {
      return c.json({ error: 'sign-out ends a browser session; an API token is revoked with npm run volunteers -- revoke' }, 400);
    }
    await revokeCredential(db, auth.credentialId, now());
    deleteCookie(c, SESSION_COOKIE, { path: '/console' });
    return c.html(signedOutPage());
  });

  routes.get('/api/me', (c) => {
    const auth = c.var.auth;
    return c.json({
      volunteer: describe(c.var.volunteer),
      auth: auth.kind,
      ...(auth.kind === 'session' ? { csrfToken: auth.csrfToken } : {}),
    });
  });

  const coordinators = new Hono();
  coordinators.use(requireCoordinator());

  coordinators.get('/', async (c) => {
    const volunteers = await listVolunteers(db);
    return c.json({ volunteers: volunteers.map(({ id, name, email, role, languages }) => ({ id, name, email, role, languages })) });
  });

  coordinators.post('/', async (c) => {
    const input = await readInput(c, volunteerInput);
    if (!input.ok) return c.json({ error: input.error }, 400);
    const added = await addAccount(db, input.data, actor(c));
    switch (added.status) {
      case 'added':
        return c.json({ volunteer: describe(added.volunteer), signInLink: linkFor(c, added.signInToken) }, 201);
      case 'email-taken':
        return c.json({ error: 'an account with this e-mail address already exists', volunteer: brief(added.volunteer) }, 409);
      case 'telegram-taken':
        return c.json({ error: 'another account has this Telegram id', volunteer: brief(added.volunteer) }, 409);
      default: {
        const never: never = added;
        return never;
      }
    }
  });

  coordinators.patch('/:id', async (c) => {
    const id = idParam(c);
    if (id === undefined) return c.json({ error: 'id: must be a volunteer id' }, 400);
    const input = await readInput(c, volunteerChange);
    if (!input.ok) return c.json({ error: input.error }, 400);
    const updated = await updateAccount(db, id, input.data, actor(c));
    switch (updated.status) {
      case 'updated':
        return c.json({ volunteer: describe(updated.volunteer) });
      case 'not-found':
        return c.json({ error: 'no such volunteer' }, 404);
      case 'telegram-taken':
        return c.json({ error: 'another account has this Telegram id', volunteer: brief(updated.volunteer) }, 409);
      case 'last-coordinator':
        return c.json({ error: 'the last coordinator must stay a coordinator: make someone else one first' }, 409);
      default: {
        const never: never = updated;
        return never;
      }
    }
  });

  const remove = async (c: Context) => {
    const id = idParam(c);
    if (id === undefined) return c.json({ error: 'id: must be a volunteer id' }, 400);
    const removed = await removeAccount(db, id, actor(c), releaseCases ? { releaseCases } : {});
    switch (removed.status) {
      case 'removed':
        return c.json({ volunteer: describe(removed.volunteer), releasedCases: removed.releasedCases });
      case 'not-found':
        return c.json({ error: 'no such volunteer' }, 404);
      case 'last-coordinator':
        return c.json({ error: 'the last coordinator cannot be removed: make someone else a coordinator first' }, 409);
      default: {
        const never: never = removed;
        return never;
      }
    }
  };
  coordinators.delete('/:id', remove);
  // For a plain HTML form, which can only POST.
  coordinators.post('/:id/remove', remove);

  coordinators.post('/:id/sign-in-link', async (c) => {
    const id = idParam(c);
    if (id === undefined) return c.json({ error: 'id: must be a volunteer id' }, 400);
    const volunteer = await getVolunteer(db, id);
    if (!volunteer) return c.json({ error: 'no such volunteer' }, 404);
    const token = await issueSignInLink(db, volunteer, actor(c));
    return c.json({ signInLink: linkFor(c, token) }, 201);
  });

  routes.route('/api/volunteers', coordinators);
  return routes;
}

/** An account as the API shows it (never its credentials). */
function describe(v: Volunteer) {
  return { id: v.id, name: v.name, email: v.email, role: v.role, languages: v.languages, telegramUserId: v.telegramUserId };
}

function brief(v: Volunteer) {
  return { id: v.id, name: v.name };
}

function idParam(c: Context): number | undefined {
  const raw = c.req.param('id') ?? '';
  return /^[1-9]\d{0,9}$/.test(raw) && Number(raw) <= 2_147_483_647 ? Number(raw) : undefined;
}

type Parsed<T> = { ok: true; data: T } | { ok: false; error: string };

/** The JSON body through its schema; every problem named (`email: must be …; languages.0: …`). */
async function readInput<S extends z.ZodType>(c: Context, schema: S): Promise<Parsed<z.output<S>>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    return { ok: false, error: 'the body must be a JSON object' };
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return { ok: true, data: parsed.data };
  return {
    ok: false,
    error: parsed.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'body'}: ${issue.message}`).join('; '),
  };
}
