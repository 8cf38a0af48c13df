import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { recordAudit } from '../../privacy/audit.js';
import type { Db } from '../../storage/database.js';
import { consumeSignInLink, createSession, findSignInLink, revokeSessionToken, SESSION_MAX_MS } from './credentials.js';
import { SESSION_COOKIE } from './middleware.js';
import { crossSitePage, linkRefusedPage, signInPage, throttledPage } from './pages.js';
import { clientAddress, type Throttle } from './throttle.js';

export interface SignInDeps {
  db: Db;
  throttle: Throttle;
  now: () => Date;
  /** PUBLIC_URL: an https one makes the cookie Secure even when TLS ends at a proxy. */
  publicUrl?: string;
}

/**
 * The public routes of signing in (mounted at /console, in front of `authenticate()`):
 * - `GET /sign-in/:token` shows "Sign in as <name>" and a button. It does not use the link: chat apps
 *   fetch a URL to preview it, and that fetch must not burn the volunteer's only link.
 * - `POST /sign-in/:token` uses the link (once), opens a session, sets the `relais_session` cookie and
 *   redirects to /console.
 * A used, expired or withdrawn link gets 410, an unknown one 404, each with a page saying to ask a
 * coordinator for a new one. Every refusal counts against the client's throttle, checked first.
 */
export function createSignInRoutes(deps: SignInDeps): Hono {
  const { db, throttle, now, publicUrl } = deps;
  const routes = new Hono();

  routes.get('/sign-in/:token', async (c) => {
    c.header('Cache-Control', 'no-store');
    const client = clientAddress(c);
    const verdict = await throttle.check(client);
    if (verdict.status === 'throttled') return throttled(c, verdict.retryAfterSeconds);
    const link = await findSignInLink(db, c.req.param('token'), now());
    if (link.status !== 'valid') {
      await throttle.fail(client);
      return c.html(linkRefusedPage(link.status), link.status === 'unknown' ? 404 : 410);
    }
    return c.html(signInPage(link.volunteer.name, c.req.path));
  });

  routes.post('/sign-in/:token', async (c) => {
    c.header('Cache-Control', 'no-store');
    const client = clientAddress(c);
    const verdict = await throttle.check(client);
    if (verdict.status === 'throttled') return throttled(c, verdict.retryAfterSeconds);
    // Login CSRF: another site must not sign a visitor in to an account of its choosing.
    if (!fromThisSite(c, publicUrl)) return c.html(crossSitePage(), 403);

    const at = now();
    const outcome = await db.transaction(async (tx) => {
      const used = await consumeSignInLink(tx, c.req.param('token'), at);
      if (used.status !== 'consumed') return used;
      const session = await createSession(tx, used.volunteer.id, at);
      await recordAudit(tx, { volunteerId: used.volunteer.id, action: 'volunteer.signed-in', at });
      return { ...used, session };
    });
    if (outcome.status !== 'consumed') {
      await throttle.fail(client);
      return c.html(linkRefusedPage(outcome.status), outcome.status === 'unknown' ? 404 : 410);
    }

    // Signing in over an older session (another account, the same one) ends that session.
    const previous = getCookie(c, SESSION_COOKIE);
    if (previous) await revokeSessionToken(db, previous, at);
    setCookie(c, SESSION_COOKIE, outcome.session.token, {
      path: '/console',
      httpOnly: true,
      sameSite: 'Lax',
      secure: isHttps(c, publicUrl),
      // The browser may keep it as long as the server could accept it; the server ends it sooner when idle.
      maxAge: Math.floor(SESSION_MAX_MS / 1000),
    });
    return c.redirect('/console', 303);
  });

  return routes;
}

function throttled(c: Context, retryAfterSeconds: number) {
  c.header('Retry-After', String(retryAfterSeconds));
  return c.html(throttledPage(retryAfterSeconds), 429);
}

/** https, as the browser sees it: PUBLIC_URL says so, or the request (or the TLS proxy's header) does. */
export function isHttps(c: Context, publicUrl: string | undefined): boolean {
  if (publicUrl?.startsWith('https:')) return true;
  if (new URL(c.req.url).protocol === 'https:') return true;
  // Trusting this header is harmless: a client that lies only gets a cookie it cannot send over http.
  return c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase() === 'https';
}

/**
 * Whether a form was sent from one of our own pages. `Sec-Fetch-Site` says so in current browsers;
 * `Origin` is checked when it names a site (our pages send `Origin: null`, as their Referrer-Policy
 * is no-referrer). Clients that send neither (curl, old browsers) pass: the link is the secret.
 */
function fromThisSite(c: Context, publicUrl: string | undefined): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = c.req.header('origin');
  if (origin === undefined || origin === 'null') return true;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  const ours = [c.req.header('host'), c.req.header('x-forwarded-host')?.split(',')[0]?.trim(), new URL(c.req.url).host];
  if (publicUrl) ours.push(new URL(publicUrl).host);
  return ours.includes(host);
}
