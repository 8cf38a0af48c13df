import { Hono } from 'hono';
import { html, raw } from 'hono/html';
import { z } from 'zod';
import type { Config } from '../config/config.js';
import { loadContent, SHIPPED_FILES, type Content } from '../content/index.js';
import { leafletMessageId } from '../content/leaflet-texts.js';
import { topicsFileSchema, type TopicsFile } from '../content/schema.js';
import { LOCALES, SOURCE_LOCALE } from '../core/locales.js';
import { LAYOUTS, renderLeafletPage, type LeafletRequest } from '../leaflets/page.js';
import { createReach, type ReachSource } from '../leaflets/reach.js';
import { entryCounts } from '../observatory/counts.js';
import type { DbOrTx } from '../storage/database.js';

/**
 * `/console/leaflets`: coordinators (and any signed-in volunteer) pick an entry point, a language
 * (and French beside it for a poster) and a paper size, see the leaflet as it will print, and print
 * it from the browser. The same pages as `npm run leaflets` writes for a print shop. Below, how many
 * conversations each entry point brought in the last 30 days (anonymous daily counts), so the
 * association sees which posts bring people.
 *
 * Mounted below `authenticate()` (src/console/routes.ts): every route here needs a session or a token.
 * No inline script (the console's CSP): the print button's few lines are `/console/leaflets/print.js`.
 */
export interface LeafletRoutesDeps {
  db: DbOrTx;
  config: Pick<Config, 'leaflets' | 'telegram' | 'association'>;
  now?: () => Date;
  /** The content (default: the shipped content, as the bot uses it). */
  content?: Content;
  topics?: Pick<TopicsFile, 'leaflets'>;
  /** Where leaflets send people (default: from configuration, the bot's username learned from getMe). */
  reach?: ReachSource;
}

/** Days of counts shown under the form. */
export const COUNT_DAYS = 30;

export function createLeafletRoutes(deps: LeafletRoutesDeps): Hono {
  const content = deps.content ?? loadContent();
  const topics = deps.topics ?? topicsFileSchema.parse(SHIPPED_FILES.topics);
  const reach = deps.reach ?? createReach(deps.config);
  const now = deps.now ?? (() => new Date());
  const associationName = deps.config.association.name;
  const routes = new Hono();

  const query = z.object({
    entry: z.enum(topics.leaflets as [string, ...string[]], { message: `entry must be one of ${topics.leaflets.join(', ')}` }),
    locale: z.enum(LOCALES, { message: `locale must be one of ${LOCALES.join(', ')}` }),
    layout: z.enum(LAYOUTS, { message: 'layout must be a6 or a4' }).default('a6'),
    bilingual: z.enum(['1', 'on', 'true']).optional(),
  });

  routes.get('/', async (c) => {
    const since = new Date(now().getTime() - (COUNT_DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
    const [counts, where] = await Promise.all([entryCounts(deps.db, since), reach()]);
    const titleOf = (entry: string) => content.translation(SOURCE_LOCALE, leafletMessageId(entry, 'title'));
    return c.html(html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Leaflets · Relais console</title>
<style>
  body { font: 15px/1.4 system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: .75rem; }
  fieldset { border: 1px solid #8886; margin: 0 0 1rem; }
  label { display: inline-block; margin: .2rem 1rem .2rem 0; }
  select, button { font: inherit; padding: .3rem .6rem; }
  table { border-collapse: collapse; width: 100%; margin-bottom: 1.5rem; }
  th, td { text-align: start; padding: .35rem .5rem; border-bottom: 1px solid #8884; }
  td.n { text-align: end; font-variant-numeric: tabular-nums; }
  .muted { opacity: .7; } .warn { color: #7a4b00; }
</style></head>
<body>
<p><a href="/console">← Console</a></p>
<h1>Leaflets and posters</h1>
<p>Each entry point opens one topic of Relais in the reader's language, on Telegram and on WhatsApp. Pick one, see it, print it
(paper A6 or A4, margins none, scale 100 %). For a print shop: <code>npm run leaflets -- --out DIR</code> writes them all.</p>
${where.telegram.status === 'missing' ? html`<p class="warn">${where.telegram.why}</p>` : ''}
${where.whatsapp.status === 'missing' ? html`<p class="warn">${where.whatsapp.why}</p>` : ''}
<form method="get" action="/console/leaflets/view">
<fieldset><legend>Entry point</legend>
<select name="entry">${topics.leaflets.map((e) => html`<option value="${e}">${titleOf(e)} (${e})</option>`)}</select>
</fieldset>
<fieldset><legend>Language</legend>
<select name="locale">${LOCALES.map((l) => html`<option value="${l}" lang="${l}">${content.locales[l].nativeName} (${content.locales[l].englishName}${content.locales[l].status === 'draft' ? ', draft' : ''})</option>`)}</select>
<label><input type="checkbox" name="bilingual" value="1"> with French (A4 poster)</label>
</fieldset>
<fieldset><legend>Paper</legend>
<label><input type="radio" name="layout" value="a6" checked> A6 card (105 × 148 mm)</label>
<label><input type="radio" name="layout" value="a4"> A4 poster (210 × 297 mm)</label>
</fieldset>
<button type="submit">Show the leaflet</button>
</form>
<h2>Who came through which entry point (last ${COUNT_DAYS} days)</h2>
<p class="muted">First contacts through a leaflet's code or a deep link, counted once per conversation, per channel and language. Anonymous: no person is stored with them.</p>
${counts.length === 0
  ? html`<p class="muted">No one yet.</p>`
  : html`<table><thead><tr><th>Entry point</th><th>Channel</th><th>Language</th><th>Conversations</th></tr></thead><tbody>
${counts.map((r) => html`<tr><td>${r.entry}</td><td>${r.channel}</td><td>${r.locale}</td><td class="n">${r.count}</td></tr>`)}
</tbody></table>`}
</body></html>`);
  });

  routes.get('/view', async (c) => {
    const parsed = query.safeParse(c.req.query());
    if (!parsed.success) {
      return c.html(
        html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Leaflets · Relais console</title></head><body>
<p>${parsed.error.issues.map((i) => i.message).join('; ')}.</p><p><a href="/console/leaflets">Back to the leaflets</a></p></body></html>`,
        400,
      );
    }
    const { entry, locale, layout, bilingual } = parsed.data;
    const request: LeafletRequest = { entry, locale, layout, bilingual: bilingual !== undefined };
    const toolbar = `<p class="toolbar"><a href="/console/leaflets">← Leaflets</a> · <button type="button" data-print>Print</button>
 Print on ${layout === 'a4' ? 'A4' : 'A6'} paper, margins none, scale 100 %. What is in this box is not printed.</p>`;
    const page = renderLeafletPage(content, topics, request, await reach(), {
      ...(associationName ? { associationName } : {}),
      toolbar: `${toolbar}<script src="/console/leaflets/print.js" defer></script>`,
    });
    return c.html(raw(page));
  });

  routes.get('/print.js', (c) =>
    c.body("document.querySelector('[data-print]')?.addEventListener('click', () => window.print());\n", 200, {
      'content-type': 'text/javascript; charset=utf-8',
    }),
  );

  return routes;
}
