import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie } from 'hono/cookie';
import { secureHeaders } from 'hono/secure-headers';
import { constantTimeEqual } from '../../core/constant-time.js';
import type { Volunteer } from '../../handoff/volunteers.js';
import type { DbOrTx } from '../../storage/database.js';
import { findApiToken, findSession } from './credentials.js';
import { notSignedInPage, throttledPage } from './pages.js';
import { clientAddress, type Throttle } from './throttle.js';

/**
 * The console's gate, as Hono middleware factories (each returns a named function):
 * - `consoleSecurityHeaders()` on everything under /console;
 * - `authenticate()` on everything but the sign-in routes and static assets: a session cookie (with
 *   its CSRF token on every request that changes something) or `Authorization: Bearer <API token>`;
 * - `requireCoordinator()` in front of the coordinators' routes.
 *
 * After `authenticate()`, handlers read `c.var.volunteer` (who is asking) and `c.var.auth` (how).
 */

/** How the request was authenticated. A session carries the CSRF token its pages must embed. */
export type ConsoleAuth =
  | { kind: 'session'; credentialId: number; csrfToken: string }
  | { kind: 'token'; credentialId: number };

declare module 'hono' {
  interface ContextVariableMap {
    /** The signed-in volunteer (set by `authenticate()`). */
    volunteer: Volunteer;
    auth: ConsoleAuth;
  }
}

/** The session cookie's name (Path=/console, HttpOnly, SameSite=Lax, Secure over https). */
export const SESSION_COOKIE = 'relais_session';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether a request is for the JSON API (answered in JSON) rather than a page (answered in HTML). */
export type IsApi = (c: Context) => boolean;
export const isConsoleApi: IsApi = (c) => c.req.path === '/console/api' || c.req.path.startsWith('/console/api/');

export interface AuthenticateOptions {
  db: DbOrTx;
  throttle: Throttle;
  now?: () => Date;
  isApi?: IsApi;
}

/**
 * Lets a volunteer through with a valid session cookie or API token, and sets `c.var.volunteer` and
 * `c.var.auth`. A removed account's credentials no longer work. Refusals: 401 (JSON `{ error }` under
 * /console/api, a page saying how to get a sign-in link elsewhere); 403 for a session request that
 * changes something without its CSRF token; 429 for a client that sent too many bad API tokens.
 * Authenticated responses are never cached (`Cache-Control: no-store`).
 */
export function authenticate(options: AuthenticateOptions): MiddlewareHandler {
  const { db, throttle, now = () => new Date(), isApi = isConsoleApi } = options;

  const refuse = (c: Context, reason: string) => {
    c.header('Cache-Control', 'no-store');
    if (isApi(c)) {
      c.header('WWW-Authenticate', 'Bearer realm="Relais console"');
      return c.json({ error: reason }, 401);
    }
    return c.html(notSignedInPage(reason), 401);
  };

  return async function authenticate(c, next) {
    const authorization = c.req.header('authorization');
    if (authorization !== undefined) {
      // A bearer token wins over a cookie: a script says explicitly who it is.
      const client = clientAddress(c);
      const verdict = await throttle.check(client);
      if (verdict.status === 'throttled') {
        c.header('Retry-After', String(verdict.retryAfterSeconds));
        return isApi(c)
          ? c.json({ error: 'too many failed attempts: try again later' }, 429)
          : c.html(throttledPage(verdict.retryAfterSeconds), 429);
      }
      const token = /^Bearer +([^\s]+) *$/i.exec(authorization)?.[1];
      const found = token ? await findApiToken(db, token, now()) : undefined;
      if (!found) {
        await throttle.fail(client);
        return refuse(c, token ? 'unknown or revoked API token' : 'the Authorization header must be "Bearer <API token>"');
      }
      c.set('volunteer', found.volunteer);
      c.set('auth', { kind: 'token', credentialId: found.credentialId });
    } else {
      const cookie = getCookie(c, SESSION_COOKIE);
      const session = cookie ? await findSession(db, cookie, now()) : undefined;
      if (!session) {
        // An ended session's cookie is of no use any more: drop it so the browser stops sending it.
        if (cookie) deleteCookie(c, SESSION_COOKIE, { path: '/console' });
        return refuse(c, cookie ? 'your session has ended: sign in again' : 'you are not signed in');
      }
      // A cookie goes with every request the browser makes, whoever wrote the page that made it: a
      // change must prove it comes from our own page by echoing the session's CSRF token.
      if (!SAFE_METHODS.has(c.req.method)) {
        const given = c.req.header('x-csrf-token') ?? (await formField(c, '_csrf'));
        if (given === undefined || !constantTimeEqual(given, session.csrfToken)) {
          c.header('Cache-Control', 'no-store');
          return c.json({ error: 'missing or wrong CSRF token' }, 403);
        }
      }
      c.set('volunteer', session.volunteer);
      c.set('auth', { kind: 'session', credentialId: session.credentialId, csrfToken: session.csrfToken });
    }
    await next();
    c.header('Cache-Control', 'no-store');
  };
}

/** A field of a form body (urlencoded or multipart); other bodies are left for the handler to read. */
async function formField(c: Context, name: string): Promise<string | undefined> {
  const type = c.req.header('content-type') ?? '';
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type)) return undefined;
  try {
    // Hono keeps the parsed body, so the handler can still read the form.
    const value = (await c.req.parseBody())[name];
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Coordinators only: a volunteer gets 403 (`{ error }` under /console/api, a short page elsewhere). */
export function requireCoordinator(options: { isApi?: IsApi } = {}): MiddlewareHandler {
  const { isApi = isConsoleApi } = options;
  return async function requireCoordinator(c, next) {
    const volunteer = c.get('volunteer') as Volunteer | undefined;
    if (volunteer?.role !== 'coordinator') {
      const error = volunteer ? 'only coordinators may do this' : 'you are not signed in';
      if (isApi(c)) return c.json({ error }, volunteer ? 403 : 401);
      return c.text(error, volunteer ? 403 : 401);
    }
    await next();
  };
}

/**
 * The console's security headers: a CSP allowing only our own scripts (inline styles are allowed,
 * inline scripts are not), no framing (clickjacking), no MIME sniffing, and no Referer — a sign-in
 * URL carries its secret, and a page must not hand it to the next site. HSTS is left to the TLS proxy
 * in front of Relais, which knows whether the whole domain is https.
 */
export function consoleSecurityHeaders(): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      frameAncestors: ["'none'"],
      formAction: ["'self'"],
      baseUri: ["'none'"],
    },
    xFrameOptions: 'DENY',
    referrerPolicy: 'no-referrer',
    xContentTypeOptions: true,
    strictTransportSecurity: false,
  });
}
