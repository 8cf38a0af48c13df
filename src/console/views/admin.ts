import type { Context } from 'hono';
import { html } from 'hono/html';
import type { Content } from '../../content/index.js';
import { LOCALES, type LocaleCode } from '../../core/locales.js';
import type { CannedReply } from '../../handoff/canned.js';
import type { Volunteer } from '../../handoff/volunteers.js';
import { parisTime } from '../format.js';
import { formGuard, type Html } from './layout.js';

/** The coordinators' pages (volunteers, the audit log) and the canned replies everyone reads. */

function languageBoxes(content: Content, name: string, checked: readonly LocaleCode[], idPrefix: string): Html {
  return html`${LOCALES.map((code) => {
    const info = content.locales[code];
    return html`<label class="inline" for="${idPrefix}-${code}"><input type="checkbox" id="${idPrefix}-${code}" name="${name}" value="${code}"${checked.includes(code) ? html` checked` : ''}> <span lang="${code}" dir="${info.direction}">${info.nativeName}</span></label>`;
  })}`;
}

export interface VolunteersView {
  volunteers: Volunteer[];
  /** How many cases each holds now. */
  holding: Map<number, number>;
  content: Content;
  /** A sign-in link just made: shown on this answer only. */
  link?: { name: string; url: string };
  /** The add form as it was sent, when it was refused. */
  draft?: { name?: string; email?: string; languages?: LocaleCode[]; role?: string; telegramId?: string };
}

export function volunteersBody(c: Context, view: VolunteersView): Html {
  const me = c.var.volunteer;
  const d = view.draft ?? {};
  return html`<main>
<h1>Volunteers</h1>
${view.link
    ? html`<section aria-labelledby="link-title"><h2 id="link-title">Sign-in link for ${view.link.name}</h2>
<p class="link-once">${view.link.url}</p>
<p class="hint">Shown once, valid 24 hours, works once. Send it privately (not in a group). If it is lost, make a new one below.</p></section>`
    : ''}
<ol class="cases">${view.volunteers.map(
    (v) => html`<li class="case" id="volunteer-${v.id}">
<div class="title"><strong>${v.name}</strong> <span class="muted">${v.email}</span> ${v.role === 'coordinator' ? html`<span class="badge status">coordinator</span>` : ''}</div>
<p class="muted">answers in ${v.languages.map((code, i) => html`${i > 0 ? ', ' : ''}<span lang="${code}" dir="${view.content.locales[code].direction}">${view.content.locales[code].nativeName}</span>`)} · ${v.telegramUserId ? `Telegram id ${v.telegramUserId} · ` : ''}holds ${view.holding.get(v.id) ?? 0} case(s)</p>
<details><summary>Languages and role</summary>
<form method="post" action="/console/volunteers/${v.id}" class="stack">${formGuard(c)}
<div>${languageBoxes(view.content, 'languages', v.languages, `lang-${v.id}`)}</div>
<label for="role-${v.id}">Role</label>
<select id="role-${v.id}" name="role"><option value="volunteer"${v.role === 'volunteer' ? html` selected` : ''}>volunteer</option><option value="coordinator"${v.role === 'coordinator' ? html` selected` : ''}>coordinator</option></select>
<button type="submit">Save ${v.name}</button>
</form></details>
<div class="actions">
<form method="post" action="/console/volunteers/${v.id}/sign-in-link">${formGuard(c)}<button type="submit">New sign-in link</button></form>
${v.id !== me.id
        ? html`<form method="post" action="/console/volunteers/${v.id}/remove">${formGuard(c)}<button type="submit" class="danger">Remove ${v.name}</button></form>`
        : ''}
</div>
</li>`,
  )}</ol>
<h2>Add a volunteer</h2>
<form method="post" action="/console/volunteers" class="stack">${formGuard(c)}
<label for="new-name">Name</label><input type="text" id="new-name" name="name" maxlength="100" required value="${d.name ?? ''}">
<label for="new-email">E-mail <span class="hint">(a name for the account: Relais sends no e-mail)</span></label><input type="email" id="new-email" name="email" maxlength="254" required value="${d.email ?? ''}">
<fieldset><legend>Languages they answer in</legend>${languageBoxes(view.content, 'languages', d.languages ?? ['fr'], 'new-lang')}</fieldset>
<label for="new-role">Role</label>
<select id="new-role" name="role"><option value="volunteer">volunteer</option><option value="coordinator"${d.role === 'coordinator' ? html` selected` : ''}>coordinator</option></select>
<label for="new-telegram">Telegram user id <span class="hint">(optional: for the volunteers’ group)</span></label><input type="text" id="new-telegram" name="telegramId" inputmode="numeric" value="${d.telegramId ?? ''}">
<button type="submit" class="primary">Add and make a sign-in link</button>
</form>
</main>`;
}

export interface CannedView {
  canned: CannedReply[];
  content: Content;
  /** The add form as it was sent, when it was refused. */
  draft?: { key?: string; locale?: string; title?: string; text?: string };
}

export function cannedBody(c: Context, view: CannedView): Html {
  const coordinator = c.var.volunteer.role === 'coordinator';
  const keys = [...new Set(view.canned.map((r) => r.key))];
  const d = view.draft ?? {};
  return html`<main>
<h1>Canned replies</h1>
<p class="hint">One text per language under each key. A volunteer picks a key; the person gets the text in their language. A language without its text is never replaced by French: the volunteer is told, and writes the reply themselves.</p>
${keys.length === 0 ? html`<p class="muted">No canned reply yet.${coordinator ? ' Add the first one below.' : ''}</p>` : ''}
${keys.map((key) => {
    const entries = view.canned.filter((r) => r.key === key);
    const missing = LOCALES.filter((code) => !entries.some((r) => r.locale === code));
    return html`<section class="canned-entry" id="canned-${key}"><h2><code>${key}</code></h2>
${entries.map((r) => {
      const info = view.content.locales[r.locale];
      return html`<div class="canned-locale"><p><strong><span lang="${r.locale}" dir="${info.direction}">${info.nativeName}</span></strong> · <span lang="${r.locale}" dir="${info.direction}">${r.title}</span></p>
<p lang="${r.locale}" dir="${info.direction}" style="white-space: pre-wrap">${r.text}</p>
${coordinator
        ? html`<details><summary>Edit ${key} (${r.locale})</summary>
<form method="post" action="/console/canned" class="stack">${formGuard(c)}<input type="hidden" name="key" value="${r.key}"><input type="hidden" name="locale" value="${r.locale}">
<label for="t-${key}-${r.locale}">Title</label><input type="text" id="t-${key}-${r.locale}" name="title" maxlength="80" required value="${r.title}" lang="${r.locale}" dir="${info.direction}">
<label for="x-${key}-${r.locale}">Text</label><textarea id="x-${key}-${r.locale}" name="text" maxlength="4000" required lang="${r.locale}" dir="${info.direction}">${r.text}</textarea>
<button type="submit">Save</button></form>
<form method="post" action="/console/canned/${r.key}/${r.locale}/delete">${formGuard(c)}<button type="submit" class="danger">Delete ${key} in ${info.englishName}</button></form>
</details>`
        : ''}</div>`;
    })}
${missing.length > 0 ? html`<p class="missing">Not yet in: ${missing.map((code) => view.content.locales[code].englishName).join(', ')}</p>` : ''}
</section>`;
  })}
${coordinator
    ? html`<h2>Add or replace a reply</h2>
<form method="post" action="/console/canned" class="stack">${formGuard(c)}
<label for="new-key">Key <span class="hint">(a-z, 0-9 and -; the same key in each language)</span></label>
<input type="text" id="new-key" name="key" list="canned-keys" maxlength="40" required value="${d.key ?? ''}">
<datalist id="canned-keys">${keys.map((k) => html`<option value="${k}"></option>`)}</datalist>
<label for="new-locale">Language</label>
<select id="new-locale" name="locale">${LOCALES.map((code) => html`<option value="${code}"${d.locale === code ? html` selected` : ''}>${view.content.locales[code].nativeName} (${view.content.locales[code].englishName})</option>`)}</select>
<label for="new-title">Title</label><input type="text" id="new-title" name="title" maxlength="80" required value="${d.title ?? ''}">
<label for="new-text">Text</label><textarea id="new-text" name="text" maxlength="4000" required dir="auto">${d.text ?? ''}</textarea>
<button type="submit" class="primary">Save the reply</button>
</form>`
    : ''}
</main>`;
}

export interface AuditView {
  entries: { id: number; at: string; volunteer: { id: number; name: string } | null; action: string; caseId: number | null; detail: Record<string, unknown> | null }[];
  caseId?: number;
  now: Date;
  /** The id to page back from, when there may be older entries. */
  older?: number;
}

const ACTIONS: Record<string, string> = {
  'reveal-identifier': 'saw the person’s identifier',
  'volunteer.added': 'added an account',
  'volunteer.updated': 'changed an account',
  'volunteer.removed': 'removed an account',
  'volunteer.signed-in': 'signed in',
  'sign-in-link.created': 'made a sign-in link',
  'api-token.created': 'made an API token',
  'credentials.revoked': 'revoked credentials',
  'canned.saved': 'saved a canned reply',
  'canned.removed': 'deleted a canned reply',
};

export function auditBody(view: AuditView): Html {
  return html`<main>
<h1>Audit log${view.caseId ? ` · case #${view.caseId}` : ''}</h1>
<p class="hint">Who saw a person’s number or chat id (when, which case), and every change to the accounts and canned replies. Newest first.</p>
<form method="get" action="/console/audit" class="actions"><label class="inline" for="audit-case">Case</label><input type="text" id="audit-case" name="case" inputmode="numeric" value="${view.caseId ?? ''}" style="width: 6rem"><button type="submit">Filter</button>${view.caseId ? html` <a href="/console/audit">all</a>` : ''}</form>
${view.entries.length === 0
    ? html`<p class="muted">Nothing recorded${view.caseId ? ' for this case' : ''}.</p>`
    : html`<div class="scroll"><table><thead><tr><th>When</th><th>Who</th><th>What</th><th>Case</th><th>Detail</th></tr></thead><tbody>
${view.entries.map(
        (e) => html`<tr><td><time datetime="${e.at}">${parisTime(e.at, view.now)}</time></td><td>${e.volunteer?.name ?? html`<span class="muted">server</span>`}</td><td>${ACTIONS[e.action] ?? e.action}</td><td>${e.caseId ? html`<a href="/console/cases/${e.caseId}">#${e.caseId}</a>` : ''}</td><td><code>${e.detail ? JSON.stringify(e.detail) : ''}</code></td></tr>`,
      )}
</tbody></table></div>`}
${view.older ? html`<p><a href="/console/audit?before=${view.older}${view.caseId ? `&case=${view.caseId}` : ''}">Older entries</a></p>` : ''}
</main>`;
}
