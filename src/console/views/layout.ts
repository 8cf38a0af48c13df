import type { Context } from 'hono';
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { ASSET_VERSION } from '../assets.js';
import { csrfField } from '../auth/pages.js';
import type { Flash } from '../flash.js';

/**
 * The frame of every signed-in page: the navigation (coordinators see their pages too), the flash
 * message of the last action, and the page's body. Styles and the script are our own static files
 * (the CSP allows no inline script); everything works without the script, which only keeps pages live.
 */

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export type Section = 'queue' | 'case' | 'canned' | 'volunteers' | 'audit';

export interface PageOptions {
  title: string;
  section: Section;
  flash?: Flash | undefined;
  body: Html;
}

export function layout(c: Context, page: PageOptions): Html {
  const me = c.var.volunteer;
  const coordinator = me.role === 'coordinator';
  const link = (section: Section, href: string, label: string) =>
    html`<a href="${href}"${page.section === section ? html` aria-current="page"` : ''}>${label}</a>`;
  return html`<!doctype html>
<html lang="en" dir="ltr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${page.title} · Relais console</title>
<link rel="stylesheet" href="/console/assets/console.css?v=${ASSET_VERSION}">
<script src="/console/assets/console.js?v=${ASSET_VERSION}" defer></script>
</head>
<body>
<header class="top">
<nav aria-label="Console">
${link('queue', '/console', 'Queue')}
${link('canned', '/console/canned', 'Canned replies')}
${coordinator ? html`${link('volunteers', '/console/volunteers', 'Volunteers')} ${link('audit', '/console/audit', 'Audit log')}` : ''}
</nav>
<form method="post" action="/console/sign-out" class="who">${csrfField(c)}<span>${me.name}${coordinator ? ' (coordinator)' : ''}</span> <button type="submit" class="link">Sign out</button></form>
</header>
${page.flash ? html`<p class="flash flash-${page.flash.kind}" role="${page.flash.kind === 'error' ? 'alert' : 'status'}">${page.flash.text}</p>` : ''}
${page.body}
</body></html>`;
}

/** A page for a signed-in volunteer who may not see this (a coordinators' page). */
export function forbiddenPage(c: Context, what: string): Html {
  return layout(c, {
    title: 'Coordinators only',
    section: 'queue',
    body: html`<main><h1>Coordinators only</h1><p>${what} Ask a coordinator if you need it.</p></main>`,
  });
}

export function notFoundPage(c: Context, text: string): Html {
  return layout(c, { title: 'Not found', section: 'queue', body: html`<main><h1>Not found</h1><p>${text}</p><p><a href="/console">Back to the queue</a></p></main>` });
}

/** The CSRF field, and the version of the case the page showed (a stale form is refused). */
export function formGuard(c: Context, version?: string): Html {
  return html`${csrfField(c)}${version ? html`<input type="hidden" name="version" value="${version}">` : ''}`;
}
