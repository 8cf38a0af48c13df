/**
 * The local web chat page: one self-contained document (no build step, no external assets), small
 * enough for a cheap phone. It shows the same replies a Telegram user would see: text, and choices as
 * buttons (typing the number works too). Its own words (header buttons, input, Send) and its direction
 * follow the conversation's language: the page asks `/chat/api/words` once per language it meets.
 */
export const CHAT_PAGE = /* html */ `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Relais — local chat</title>
<style>
  :root { color-scheme: light dark; --accent: #0b6e4f; --bubble: #eef3f1; --mine: #d7ecff; }
  @media (prefers-color-scheme: dark) { :root { --bubble: #1f2a27; --mine: #1d3550; } }
  * { box-sizing: border-box; }
  body { margin: 0; font: 16px/1.45 system-ui, "Noto Sans", "Noto Sans Ethiopic", "Noto Naskh Arabic", sans-serif; display: flex; flex-direction: column; height: 100dvh; }
  header { display: flex; gap: .5rem; align-items: center; padding: .5rem .75rem; border-bottom: 1px solid #8884; }
  header h1 { font-size: 1rem; margin: 0 auto 0 0; }
  header button { font: inherit; font-size: .85rem; padding: .3rem .6rem; border-radius: 1rem; border: 1px solid var(--accent); background: none; color: inherit; cursor: pointer; }
  #log { flex: 1; overflow-y: auto; padding: .75rem; display: flex; flex-direction: column; gap: .5rem; }
  .msg { max-width: 34rem; padding: .55rem .8rem; border-radius: .8rem; background: var(--bubble); white-space: pre-wrap; overflow-wrap: anywhere; }
  .msg.mine { align-self: flex-end; background: var(--mine); }
  .choices { display: flex; flex-wrap: wrap; gap: .4rem; margin-top: .5rem; }
  .choices button { font: inherit; font-size: .9rem; padding: .35rem .7rem; border-radius: 1rem; border: 1px solid var(--accent); background: none; color: inherit; cursor: pointer; text-align: start; }
  .choices button small { display: block; opacity: .75; font-size: .75rem; }
  .choices button:disabled { opacity: .45; cursor: default; }
  form { display: flex; gap: .5rem; padding: .5rem .75rem; border-top: 1px solid #8884; }
  input { flex: 1; font: inherit; padding: .5rem .7rem; border-radius: 1.2rem; border: 1px solid #8888; background: none; color: inherit; }
  form button { font: inherit; padding: .5rem 1rem; border-radius: 1.2rem; border: 0; background: var(--accent); color: white; cursor: pointer; }
  .note { font-size: .8rem; opacity: .7; text-align: center; }
</style>
</head>
<body>
<header>
  <h1>Relais <span class="note" data-word="subtitle">(local chat)</span></h1>
  <button type="button" data-command="menu" data-word="menu">☰ Menu</button>
  <button type="button" data-command="language" data-word="language">🌐 Language</button>
  <button type="button" data-command="volunteer" data-word="volunteer">🙋 Volunteer</button>
</header>
<main id="log" aria-live="polite"></main>
<form id="form" autocomplete="off">
  <input id="text" name="text" placeholder="Type a message or a number" aria-label="Type a message or a number" maxlength="4000">
  <button type="submit" data-word="send">Send</button>
</form>
<script>
(() => {
  const log = document.getElementById('log');
  const form = document.getElementById('form');
  const input = document.getElementById('text');
  const rid = () => Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('');
  const params = new URLSearchParams(location.search);
  let session = localStorage.getItem('relais.session');
  if (!session || params.has('new')) { session = rid(); localStorage.setItem('relais.session', session); localStorage.removeItem('relais.after'); }
  let after = 0;
  let busy = false;

  function bubble(text, mine, dir, lang) {
    const div = document.createElement('div');
    div.className = 'msg' + (mine ? ' mine' : '');
    div.textContent = text;
    if (dir) div.dir = dir;
    if (lang) div.lang = lang;
    log.appendChild(div);
    log.scrollTop = log.scrollHeight;
    return div;
  }

  // The page's own words, per language, fetched once each; the latest language asked wins.
  const words = {};
  let pageLocale = document.documentElement.lang;
  async function useLocale(locale, direction) {
    if (locale === pageLocale) return;
    pageLocale = locale;
    document.documentElement.lang = locale;
    document.documentElement.dir = direction;
    if (!words[locale]) {
      const res = await fetch('/chat/api/words?locale=' + encodeURIComponent(locale)).catch(() => undefined);
      if (!res || !res.ok) return;
      words[locale] = (await res.json()).words;
    }
    if (pageLocale !== locale) return;
    const w = words[locale];
    document.querySelectorAll('[data-word]').forEach((el) => { if (w[el.dataset.word]) el.textContent = w[el.dataset.word]; });
    input.placeholder = w.placeholder;
    input.setAttribute('aria-label', w.placeholder);
  }

  function render(reply) {
    const p = reply.payload;
    const div = bubble(p.message.text, false, p.direction, p.locale);
    useLocale(p.locale, p.direction);
    if (p.message.kind === 'choices') {
      const box = document.createElement('div');
      box.className = 'choices';
      p.message.choices.forEach((choice, i) => {
        const b = document.createElement('button');
        b.type = 'button';
        b.textContent = (i + 1) + '. ' + choice.label;
        if (choice.description) { const s = document.createElement('small'); s.textContent = choice.description; b.appendChild(s); }
        b.addEventListener('click', () => { disableOld(); send({ choice: choice.id }, choice.label); });
        box.appendChild(b);
      });
      div.appendChild(box);
    }
  }

  function disableOld() { log.querySelectorAll('.choices button').forEach((b) => (b.disabled = true)); }

  async function poll() {
    const res = await fetch('/chat/api/messages?session=' + session + '&after=' + after);
    if (!res.ok) return;
    const { replies } = await res.json();
    for (const r of replies) { render(r); after = Math.max(after, r.id); }
  }

  async function send(body, shown) {
    if (busy) return;
    busy = true;
    if (shown) bubble(shown, true);
    try {
      const res = await fetch('/chat/api/messages', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ session, id: rid(), language: navigator.language, ...body }),
      });
      if (!res.ok) bubble('⚠ ' + ((await res.json().catch(() => ({}))).error || res.statusText), false);
      await poll();
    } finally { busy = false; }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    send({ text }, text);
  });
  document.querySelectorAll('[data-command]').forEach((b) =>
    b.addEventListener('click', () => { disableOld(); send({ command: b.dataset.command }, b.textContent); }));

  poll().then(() => { if (after === 0) send(params.get('start') ? { start: params.get('start') } : { start: '' }); });
  setInterval(() => { if (!busy) poll(); }, 4000);
})();
</script>
</body>
</html>
`;
