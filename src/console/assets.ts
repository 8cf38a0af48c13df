import { Hono, type Context } from 'hono';

/**
 * The console's two static files, kept as strings so the Worker serves them without a file system:
 * the style sheet and the script. Public (mounted above `authenticate()`): they hold no secret and
 * nothing about anyone. Each page names them with `?v=<hash of their content>`, so they can be cached
 * for a year and a new release is fetched at once.
 */

export const CONSOLE_CSS = `:root { color-scheme: light dark; --line: #8885; --muted: #8889; --urgent: #c0142c; --ok: #1d7a3a; --note: #e8b4002e; --me: #2d6cdf1f; --focus: #2d6cdf; }
* { box-sizing: border-box; }
body { font: 16px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans Arabic", "Noto Sans Ethiopic", sans-serif; margin: 0; }
a { color: inherit; }
header.top { display: flex; flex-wrap: wrap; gap: .25rem 1rem; align-items: center; justify-content: space-between; padding: .5rem .75rem; border-bottom: 1px solid var(--line); }
header.top nav { display: flex; flex-wrap: wrap; gap: .25rem .9rem; }
header.top nav a[aria-current] { font-weight: 700; text-decoration: none; }
header.top .who { margin: 0; font-size: .9rem; }
main, .flash { max-width: 52rem; margin: 0 auto; padding: .75rem; }
main { padding-bottom: 3rem; }
h1 { font-size: 1.35rem; margin: .25rem 0 .5rem; }
h2 { font-size: 1.1rem; margin: 1.25rem 0 .5rem; }
.flash { margin-top: .75rem; border-inline-start: 4px solid var(--ok); background: #1d7a3a14; }
.flash-error { border-color: var(--urgent); background: #c0142c14; }
.muted, .hint { color: var(--muted); font-size: .9rem; }
button, select, input, textarea { font: inherit; }
button { padding: .45rem .9rem; cursor: pointer; border-radius: .35rem; border: 1px solid var(--line); background: #8882; }
button.primary { background: var(--focus); color: #fff; border-color: var(--focus); }
button.danger { border-color: var(--urgent); color: var(--urgent); }
button.link { border: 0; background: none; padding: 0; text-decoration: underline; }
textarea, input[type=text], input[type=email], select { width: 100%; padding: .45rem; border: 1px solid var(--line); border-radius: .35rem; background: transparent; }
textarea { min-height: 6rem; }
label { display: block; margin: .5rem 0 .2rem; font-weight: 600; }
label.inline { display: inline-flex; gap: .3rem; align-items: center; margin: .15rem .75rem .15rem 0; font-weight: 400; }
label.inline input { width: auto; }
.tabs { display: flex; flex-wrap: wrap; gap: .25rem; margin: .5rem 0 .75rem; padding: 0; list-style: none; }
.tabs a { display: inline-block; padding: .3rem .7rem; border: 1px solid var(--line); border-radius: 1rem; text-decoration: none; }
.tabs a[aria-current] { background: var(--focus); border-color: var(--focus); color: #fff; }
.cases { list-style: none; padding: 0; margin: 0; }
.case { border: 1px solid var(--line); border-radius: .5rem; padding: .6rem .75rem; margin-bottom: .6rem; }
.case.urgent { border-color: var(--urgent); border-inline-start-width: 5px; }
.case.mine { background: var(--me); }
.case .title { display: flex; flex-wrap: wrap; gap: .35rem .6rem; align-items: baseline; }
.case .title a { font-weight: 700; }
.case .facts { margin: .3rem 0 0; padding: 0; list-style: none; display: flex; flex-wrap: wrap; gap: .1rem 1rem; font-size: .95rem; }
.case form { margin-top: .5rem; }
.badge { display: inline-block; font-size: .75rem; font-weight: 700; letter-spacing: .02em; padding: .05rem .45rem; border-radius: .6rem; border: 1px solid currentColor; text-transform: uppercase; }
.badge.urgent { color: var(--urgent); }
.badge.interpreter { color: #a15c00; }
.badge.status { color: var(--muted); }
.deadline-soon { color: var(--urgent); font-weight: 600; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; align-items: flex-end; margin: .5rem 0; }
.actions form { display: flex; flex-wrap: wrap; gap: .4rem; align-items: center; margin: 0; }
.actions select { width: auto; max-width: 100%; }
details.card { border: 1px solid var(--line); border-radius: .5rem; padding: .4rem .75rem; }
details.card summary { cursor: pointer; font-weight: 600; }
dl.facts { display: grid; grid-template-columns: minmax(7rem, max-content) 1fr; gap: .2rem .75rem; margin: .5rem 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.identifier strong { font-family: ui-monospace, monospace; user-select: all; }
ol.transcript { list-style: none; padding: 0; margin: 0; }
.msg { margin: .45rem 0; padding: .45rem .65rem; border-radius: .5rem; border: 1px solid var(--line); max-width: 100%; }
.msg .meta { font-size: .8rem; color: var(--muted); display: flex; flex-wrap: wrap; gap: .1rem .5rem; }
.msg .who { font-weight: 700; }
.msg p { margin: .15rem 0 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.msg-person { margin-inline-end: 2.5rem; }
.msg-bot { margin-inline-end: 2.5rem; background: #8881; }
.msg-volunteer { margin-inline-start: 2.5rem; background: var(--me); }
.msg-note { background: var(--note); border-style: dashed; }
.msg-system { margin-inline-start: 2.5rem; font-style: italic; }
.msg .french { margin-top: .3rem; padding-top: .25rem; border-top: 1px dotted var(--line); font-size: .85rem; color: var(--muted); }
.msg .french .label { font-size: .75rem; text-transform: uppercase; }
.msg.fresh { outline: 2px solid var(--focus); }
@media (min-width: 44rem) {
  .msg.has-french { display: grid; grid-template-columns: 1fr 1fr; column-gap: 1rem; }
  .msg.has-french .meta { grid-column: 1 / -1; }
  .msg.has-french .french { margin-top: .15rem; padding-top: 0; border-top: 0; border-inline-start: 1px dotted var(--line); padding-inline-start: .75rem; }
}
.delivery { font-weight: 600; }
.delivery-queued, .delivery-held { color: #a15c00; }
.delivery-delivered, .delivery-read { color: var(--ok); }
.delivery-failed { color: var(--urgent); }
.live-notice { border: 1px solid var(--focus); border-radius: .5rem; padding: .5rem .75rem; }
form.stack > * { margin-bottom: .4rem; }
.compose { border-top: 1px solid var(--line); margin-top: 1rem; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { text-align: start; padding: .35rem .4rem; border-bottom: 1px solid var(--line); vertical-align: top; }
.scroll { overflow-x: auto; }
.link-once { font-family: ui-monospace, monospace; overflow-wrap: anywhere; user-select: all; padding: .5rem; border: 1px dashed var(--line); }
.canned-entry { border: 1px solid var(--line); border-radius: .5rem; padding: .5rem .75rem; margin-bottom: .6rem; }
.missing { color: var(--muted); font-style: italic; }
`;

export const CONSOLE_JS = `// Relais console: keeps the queue and the case page live. Every page works without it (plain forms).
(() => {
  'use strict';
  const live = document.getElementById('live');
  if (!live || !window.fetch) return;
  const POLL_MS = 3000;
  const REFRESH_MS = 60000;
  const FINAL = new Set(['read', 'failed']);
  const DELIVERY = {
    queued: 'queued', sent: 'sent', delivered: 'delivered', read: 'read',
    held: 'held: outside WhatsApp\\u2019s 24-hour window, it goes when the person writes again', failed: 'failed',
  };
  const clock = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  const get = async (url, accept) => fetch(url, { headers: { accept }, credentials: 'same-origin', cache: 'no-store' });

  const notice = (text, reload) => {
    let box = document.getElementById('live-notice');
    if (!box) {
      box = document.createElement('p');
      box.id = 'live-notice';
      box.className = 'live-notice';
      box.setAttribute('role', 'status');
      live.prepend(box);
    }
    box.hidden = false;
    box.textContent = text + ' ';
    if (reload) {
      const a = document.createElement('a');
      a.href = location.pathname;
      a.textContent = 'Reload the page';
      box.append(a);
    }
  };

  // The person is typing a reply or choosing in a list: do not swap the page under their fingers.
  const busy = () => {
    const el = document.activeElement;
    return !!el && el !== document.body && /^(TEXTAREA|INPUT|SELECT)$/.test(el.tagName);
  };

  async function refreshMain() {
    const response = await get(location.pathname + location.search, 'text/html');
    if (!response.ok) return false;
    const doc = new DOMParser().parseFromString(await response.text(), 'text/html');
    const fresh = doc.getElementById('live');
    if (!fresh) return false;
    live.replaceChildren(...Array.from(fresh.childNodes, (node) => document.importNode(node, true)));
    for (const [key, value] of Object.entries(fresh.dataset)) live.dataset[key] = value;
    return true;
  }

  async function pollQueue() {
    let known = live.dataset.version;
    let refreshed = Date.now();
    for (;;) {
      await sleep(POLL_MS);
      if (document.hidden) continue;
      try {
        const response = await get('/console/api/queue-version', 'application/json');
        if (response.status === 401) return notice('Your session has ended: sign in again with a new link.', false);
        if (!response.ok) continue;
        const { version } = await response.json();
        if ((version !== known || Date.now() - refreshed > REFRESH_MS) && !busy() && (await refreshMain())) {
          known = version;
          refreshed = Date.now();
        }
      } catch {
        // Offline for a moment: the next round tries again.
      }
    }
  }

  // --- The case page: new lines appended, delivery states updated -------------------------------

  const versionOf = (c) => c.status + '-' + (c.claimedBy ? c.claimedBy.id : 0) + '-' + (c.closedAt ? Date.parse(c.closedAt) : 0);

  function whoOf(m) {
    const name = m.volunteer ? m.volunteer.name : 'A volunteer';
    switch (m.author) {
      case 'person': return 'Person';
      case 'bot': return 'Bot';
      case 'volunteer': return name;
      case 'note': return 'Internal note \\u00b7 ' + name;
      default: return 'Automatic message';
    }
  }

  function element(tag, attrs, text) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) if (value !== undefined) el.setAttribute(key, value);
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function badge(delivery) {
    const reason = delivery.reason ? ': ' + delivery.reason : '';
    return element('span', { class: 'delivery delivery-' + delivery.state }, (DELIVERY[delivery.state] || delivery.state) + reason);
  }

  function render(m) {
    const locale = live.dataset.locale;
    const dir = live.dataset.dir;
    const li = element('li', { class: 'msg msg-' + m.author + (m.french ? ' has-french' : ''), id: 'm-' + m.id, 'data-id': String(m.id) });
    if (m.delivery) li.dataset.state = m.delivery.state;
    const meta = element('div', { class: 'meta' });
    meta.append(element('span', { class: 'who' }, whoOf(m)), ' ', element('time', { datetime: m.at }, clock.format(new Date(m.at))));
    if (m.delivery) meta.append(' ', badge(m.delivery));
    li.append(meta);
    const attrs =
      m.author === 'bot' || m.author === 'system' ? { lang: locale, dir } : m.author === 'person' ? { lang: locale, dir: 'auto' } : { dir: 'auto' };
    li.append(element('p', { class: 'text', ...attrs }, m.text));
    if (m.french) {
      const french = element('div', { class: 'french' });
      french.append(element('span', { class: 'label' }, 'French source'), element('p', { lang: 'fr', dir: 'ltr' }, m.french));
      li.append(french);
    }
    return li;
  }

  function upsert(list, m) {
    const existing = document.getElementById('m-' + m.id);
    if (!existing) {
      const li = render(m);
      li.classList.add('fresh');
      list.append(li);
      const empty = document.getElementById('transcript-empty');
      if (empty) empty.hidden = true;
      return;
    }
    if (m.delivery && existing.dataset.state !== m.delivery.state) {
      existing.dataset.state = m.delivery.state;
      const old = existing.querySelector('.delivery');
      if (old) old.replaceWith(badge(m.delivery));
      else existing.querySelector('.meta').append(' ', badge(m.delivery));
    }
  }

  // From which line to ask again: the last one, or the oldest recent reply still on its way.
  function since(list) {
    const items = Array.from(list.querySelectorAll('li.msg'));
    let from = items.length ? Number(items[items.length - 1].dataset.id) : 0;
    for (const li of items.slice(-30)) {
      if (li.dataset.state && !FINAL.has(li.dataset.state)) from = Math.min(from, Number(li.dataset.id) - 1);
    }
    return from;
  }

  function describe(c) {
    const me = Number(live.dataset.me);
    if (c.status === 'closed') return 'This case was closed.';
    if (c.status === 'open') return 'This case is back in the queue: nobody holds it.';
    return c.claimedBy && c.claimedBy.id === me ? 'You hold this case now.' : (c.claimedBy ? c.claimedBy.name : 'Someone') + ' holds this case now.';
  }

  async function pollCase() {
    const list = document.getElementById('transcript');
    if (!list) return;
    const id = live.dataset.case;
    for (;;) {
      await sleep(POLL_MS);
      if (document.hidden) continue;
      try {
        const response = await get('/console/api/cases/' + id + '?after=' + since(list), 'application/json');
        if (response.status === 401) return notice('Your session has ended: sign in again with a new link.', false);
        if (response.status === 404) return notice('This case no longer exists (the person may have erased their data).', false);
        if (!response.ok) continue;
        const body = await response.json();
        for (const m of body.messages) upsert(list, m);
        if (versionOf(body.case) !== live.dataset.version) notice(describe(body.case), true);
      } catch {
        // Offline for a moment: the next round tries again.
      }
    }
  }

  if (live.dataset.poll === 'queue') pollQueue();
  if (live.dataset.poll === 'case') pollCase();
})();
`;

/** FNV-1a of the files: the `?v=` of their URLs. */
function fingerprint(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(36);
}

export const ASSET_VERSION = fingerprint(CONSOLE_CSS + CONSOLE_JS);

/** `GET /assets/console.js` and `/assets/console.css`, public and cached for a year (the URL changes with them). */
export function createAssetRoutes(): Hono {
  const routes = new Hono();
  const serve = (body: string, type: string) => (c: Context) => {
    c.header('Content-Type', type);
    c.header('Cache-Control', 'public, max-age=31536000, immutable');
    return c.body(body);
  };
  routes.get('/assets/console.js', serve(CONSOLE_JS, 'text/javascript; charset=utf-8'));
  routes.get('/assets/console.css', serve(CONSOLE_CSS, 'text/css; charset=utf-8'));
  return routes;
}
