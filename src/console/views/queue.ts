import type { Context } from 'hono';
import { html } from 'hono/html';
import type { Content } from '../../content/index.js';
import type { CaseView } from '../../handoff/cases.js';
import {
  caseVersion,
  CHANNEL_LABELS,
  deadlineKindOf,
  duration,
  localeLabel,
  OUTCOME_LABELS,
  parisTime,
  placeOf,
  relative,
} from '../format.js';
import { formGuard, type Html } from './layout.js';

export const TABS = ['open', 'claimed', 'mine', 'closed'] as const;
export type Tab = (typeof TABS)[number];

export interface QueueView {
  tab: Tab;
  cases: CaseView[];
  counts: { open: number; claimed: number; mine: number };
  /** The queue's version when rendered: the script refreshes the list when it changes. */
  version: string;
  /** Messages that did not go out, and messages received but never answered (everyone should see them). */
  problems: Html;
  now: Date;
  content: Content;
}

const TAB_LABELS: Record<Tab, string> = { open: 'Open', claimed: 'Claimed', mine: 'Mine', closed: 'Closed' };

/** The queue: tabs, then one card per case with what matters at a glance, most urgent first. */
export function queueBody(c: Context, view: QueueView): Html {
  const { tab, cases, counts } = view;
  const count = (t: Tab) => (t === 'closed' ? '' : ` (${counts[t]})`);
  const empty: Record<Tab, string> = {
    open: 'No one is waiting for a volunteer.',
    claimed: 'No case is held by a volunteer.',
    mine: 'You hold no case. Claim one from the Open tab.',
    closed: 'No closed case yet.',
  };
  return html`<main id="live" data-poll="queue" data-version="${view.version}">
<h1>Queue</h1>
<ul class="tabs">${TABS.map(
    (t) => html`<li><a href="/console?tab=${t}"${t === tab ? html` aria-current="page"` : ''}>${TAB_LABELS[t]}${count(t)}</a></li>`,
  )}</ul>
${cases.length === 0 ? html`<p class="muted">${empty[tab]}</p>` : html`<ol class="cases">${cases.map((k) => caseItem(c, k, view))}</ol>`}
${view.problems}
</main>`;
}

function caseItem(c: Context, k: CaseView, view: QueueView): Html {
  const { now, content } = view;
  const me = c.var.volunteer.id;
  const language = localeLabel(content, k.locale);
  const deadline = k.deadlineAt ? new Date(k.deadlineAt) : null;
  const soon = deadline !== null && deadline.getTime() - now.getTime() < 24 * 3_600_000;
  const since = k.lastPersonMessageAt ?? k.openedAt;
  const place = placeOf(k.card, content);
  return html`<li class="case${k.urgent ? ' urgent' : ''}${k.claimedBy?.id === me ? ' mine' : ''}" id="case-${k.id}">
<div class="title"><a href="/console/cases/${k.id}">Case #${k.id}</a>
${k.urgent ? html`<span class="badge urgent">URGENT</span>` : ''}
${k.needsInterpreter ? html`<span class="badge interpreter" title="No volunteer reads this language">Interpreter needed</span>` : ''}
${k.status !== 'open' ? html`<span class="badge status">${k.status === 'claimed' ? 'claimed' : 'closed'}</span>` : ''}</div>
<ul class="facts">
<li>${deadline
    ? html`<span class="${soon ? 'deadline-soon' : ''}">${deadlineKindOf(k.card)} ${relative(deadline, now)}</span> <span class="muted">(${parisTime(deadline, now)}${k.card.deadlineTimeKnown === false ? ', time unknown' : ''})</span>`
    : html`<span class="muted">no deadline known</span>`}</li>
<li><span lang="${language.code}" dir="${language.dir}">${language.name}</span>${language.code !== 'en' && language.code !== 'fr' ? html` <span class="muted">(${language.english})</span>` : ''}</li>
<li>${CHANNEL_LABELS[k.channel]}</li>
${place ? html`<li>${place}</li>` : ''}
${k.status === 'closed'
    ? html`<li>closed ${k.closedAt ? parisTime(k.closedAt, now) : ''}${k.outcome ? html` · ${OUTCOME_LABELS[k.outcome]}` : ''}</li>`
    : html`<li>${k.status === 'open' ? 'waiting' : 'last wrote'} ${duration(now.getTime() - new Date(since).getTime())}${k.status === 'claimed' ? ' ago' : ''}</li>`}
${k.claimedBy
    ? html`<li>held by ${k.claimedBy.id === me ? 'you' : k.claimedBy.name}${k.claimedAt ? ` since ${parisTime(k.claimedAt, now)}` : ''}</li>`
    : ''}
</ul>
${k.status === 'open'
    ? html`<form method="post" action="/console/cases/${k.id}/claim">${formGuard(c, caseVersion(k))}<input type="hidden" name="back" value="/console?tab=${view.tab}"><button type="submit" class="primary">Claim case #${k.id}</button></form>`
    : ''}
</li>`;
}
