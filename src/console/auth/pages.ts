import type { Context } from 'hono';
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

/**
 * The few HTML pages of signing in and out. No script (the CSP allows only our own files), inline
 * styles only. Every text a volunteer reads here says what to do next.
 */

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** Where to get a new link: said on every page that refuses one. */
const HOW_TO_GET_A_LINK = html`<p>Ask a coordinator for a new sign-in link: they make one in the console
(Volunteers), or on the server with <code>npm run volunteers -- link --email you@example.org</code>.</p>`;

function page(title: string, body: Html): Html {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · Relais console</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 32rem; padding: 1.5rem 1rem; }
  button { font: inherit; padding: .5rem 1.25rem; cursor: pointer; }
  code { background: #8882; padding: 0 .2rem; }
</style></head>
<body>
<h1>${title}</h1>
${body}
</body></html>`;
}

/** GET of a valid link: a button, because only the POST uses the link (previews only GET). */
export function signInPage(name: string, action: string): Html {
  return page(
    `Sign in as ${name}`,
    html`<p>This link signs you in to the Relais volunteer console. It works once.</p>
<form method="post" action="${action}"><button type="submit">Sign in as ${name}</button></form>`,
  );
}

export function linkRefusedPage(status: 'unknown' | 'used' | 'expired' | 'revoked'): Html {
  const why = {
    unknown: 'This sign-in link does not exist. Check that it was copied whole.',
    used: 'This sign-in link has already been used: each link works only once.',
    expired: 'This sign-in link has expired: links are valid for 24 hours.',
    revoked: 'This sign-in link no longer works: it was withdrawn.',
  }[status];
  return page('This link does not work', html`<p>${why}</p>${HOW_TO_GET_A_LINK}`);
}

export function notSignedInPage(reason: string): Html {
  return page(
    'Please sign in',
    html`<p>${reason[0]?.toUpperCase()}${reason.slice(1)}. The volunteer console opens with a personal sign-in link.</p>${HOW_TO_GET_A_LINK}`,
  );
}

export function throttledPage(retryAfterSeconds: number): Html {
  return page('Too many attempts', html`<p>Too many sign-in attempts from your network. Try again in ${retryAfterSeconds} seconds.</p>`);
}

export function crossSitePage(): Html {
  return page('Sign-in refused', html`<p>This sign-in form was sent from another site. Open the link itself and press the button.</p>`);
}

export function signedOutPage(): Html {
  return page('Signed out', html`<p>You are signed out of the Relais volunteer console.</p>${HOW_TO_GET_A_LINK}`);
}

/**
 * The hidden CSRF field for a form the console renders for a signed-in volunteer: every POST form
 * needs it (`<form method="post">${csrfField(c)}…`). Scripts send `X-CSRF-Token` instead.
 */
export function csrfField(c: Context): Html {
  const auth = c.get('auth');
  return html`<input type="hidden" name="_csrf" value="${auth?.kind === 'session' ? auth.csrfToken : ''}">`;
}
