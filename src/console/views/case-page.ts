import type { Context } from 'hono';
import { html } from 'hono/html';
import type { Content } from '../../content/index.js';
import type { CannedReply } from '../../handoff/canned.js';
import type { CaseView } from '../../handoff/cases.js';
import type { Volunteer } from '../../handoff/volunteers.js';
import { IDENTIFIER_LABELS, MAX_TEXT, type ConsoleMessage, type IdentifierKind } from '../actions.js';
import {
  caseVersion,
  CHANNEL_LABELS,
  deadlineKindOf,
  DELIVERY_LABELS,
  duration,
  holderSentence,
  localeLabel,
  OUTCOME_LABELS,
  OUTCOMES,
  parisTime,
  placeOf,
  REASONS,
  relative,
  writerOf,
  type LocaleLabel,
} from '../format.js';
import { formGuard, type Html } from './layout.js';

export interface CasePageView {
  case: CaseView;
  messages: ConsoleMessage[];
  canned: CannedReply[];
  /** Coordinators: who a case can be handed to. */
  volunteers: Volunteer[];
  now: Date;
  content: Content;
  /** What the volunteer typed, kept when a reply or a note was refused. */
  draft?: { reply?: string; note?: string };
  /** The identifier, on the answer to "show it" only (recorded in the audit log). */
  revealed?: { identifier: string; kind: IdentifierKind };
}

/**
 * A case: where it stands and what can be done, the card, the whole conversation (bot lines with their
 * French source, the person, the volunteers' replies with their delivery, internal notes, automatic
 * messages), then the reply box with the canned replies of the person's language, and a note box.
 */
export function caseBody(c: Context, view: CasePageView): Html {
  const k = view.case;
  const me = c.var.volunteer;
  const language = localeLabel(view.content, k.locale);
  const mine = k.claimedBy?.id === me.id;
  return html`<main id="live" data-poll="case" data-case="${k.id}" data-version="${caseVersion(k)}" data-me="${me.id}" data-locale="${language.code}" data-dir="${language.dir}">
<p><a href="/console">← Queue</a></p>
<h1>Case #${k.id} ${k.urgent ? html`<span class="badge urgent">URGENT</span>` : ''} ${k.needsInterpreter ? html`<span class="badge interpreter">Interpreter needed</span>` : ''}</h1>
<p class="status">${statusLine(k, me.id, view.now)}</p>
${actions(c, view)}
${card(c, view, language)}
<h2>Conversation</h2>
<ol class="transcript" id="transcript">${view.messages.map((m) => messageItem(m, language, view.now))}</ol>
${view.messages.length === 0 ? html`<p class="muted" id="transcript-empty">Nothing written yet.</p>` : ''}
<section class="compose">
${mine ? replyForms(c, view, language) : html`<p class="muted">${k.status === 'closed' ? 'This case is closed: reopen it to write to the person again.' : k.claimedBy ? `${holderSentence(k, me.id, view.now)} Only they can write to the person.` : 'Claim this case to write to the person.'}</p>
${view.draft?.reply ? html`<label for="unsent">Your reply, not sent (to copy if you still need it)</label><textarea id="unsent" readonly dir="auto">${view.draft.reply}</textarea>` : ''}`}
<form method="post" action="/console/cases/${k.id}/notes" class="stack">${formGuard(c)}
<label for="note-text">Internal note <span class="hint">(for volunteers; never sent to the person)</span></label>
<textarea id="note-text" name="text" rows="2" maxlength="${MAX_TEXT}" dir="auto" required>${view.draft?.note ?? ''}</textarea>
<button type="submit">Add the note</button>
</form>
</section>
</main>`;
}

function statusLine(k: CaseView, me: number, now: Date): Html {
  switch (k.status) {
    case 'open':
      return html`In the queue, held by nobody · waiting ${duration(now.getTime() - new Date(k.lastPersonMessageAt ?? k.openedAt).getTime())}`;
    case 'claimed':
      return html`${holderSentence(k, me, now)}`;
    case 'closed':
      return html`Closed${k.closedAt ? ` at ${parisTime(k.closedAt, now)}` : ''}${k.outcome ? ` · ${OUTCOME_LABELS[k.outcome]}` : ''}`;
    default: {
      const never: never = k.status;
      return never;
    }
  }
}

/** The buttons this volunteer may use now; each form carries the case's version (a stale one is refused). */
function actions(c: Context, view: CasePageView): Html {
  const k = view.case;
  const me = c.var.volunteer;
  const coordinator = me.role === 'coordinator';
  const mine = k.claimedBy?.id === me.id;
  const guard = formGuard(c, caseVersion(k));
  const action = (name: string) => `/console/cases/${k.id}/${name}`;
  if (k.status === 'closed') {
    return html`<div class="actions"><form method="post" action="${action('reopen')}">${guard}<button type="submit">Reopen the case</button></form></div>`;
  }
  const canClose = coordinator || mine || !k.claimedBy;
  const others = view.volunteers.filter((v) => v.id !== k.claimedBy?.id);
  return html`<div class="actions">
${k.status === 'open' ? html`<form method="post" action="${action('claim')}">${guard}<button type="submit" class="primary">Claim this case</button></form>` : ''}
${k.status === 'claimed' && (mine || coordinator) ? html`<form method="post" action="${action('release')}">${guard}<button type="submit">Release${mine ? '' : ` (${k.claimedBy?.name})`}</button></form>` : ''}
${canClose
    ? html`<form method="post" action="${action('close')}">${guard}<label class="inline" for="outcome">Outcome</label>
<select id="outcome" name="outcome">${OUTCOMES.map((o) => html`<option value="${o}">${OUTCOME_LABELS[o]}</option>`)}</select>
<button type="submit" class="danger">Close the case</button></form>`
    : ''}
${coordinator && others.length > 0
    ? html`<form method="post" action="${action('transfer')}">${guard}<label class="inline" for="transfer-to">Hand to</label>
<select id="transfer-to" name="volunteerId">${others.map((v) => html`<option value="${v.id}">${v.name} (${v.languages.join(', ')})</option>`)}</select>
<button type="submit">Transfer</button></form>`
    : ''}
</div>
${canClose ? html`<p class="hint">Closing sends the person the closing message in their language; the bot is theirs again.</p>` : ''}`;
}

function card(c: Context, view: CasePageView, language: LocaleLabel): Html {
  const k = view.case;
  const me = c.var.volunteer;
  const place = placeOf(k.card, view.content);
  const writer = writerOf(k.card);
  const mayReveal = me.role === 'coordinator' || k.claimedBy?.id === me.id;
  const what = k.channel === 'telegram' ? 'chat id' : k.channel === 'whatsapp' ? 'phone number or WhatsApp id' : 'web session id';
  return html`<details class="card" open><summary>Card</summary>
<dl class="facts">
<dt>Language</dt><dd><span lang="${language.code}" dir="${language.dir}">${language.name}</span> (${language.english})${k.needsInterpreter ? ' · no volunteer reads it: interpreter needed' : ''}</dd>
<dt>Channel</dt><dd>${CHANNEL_LABELS[k.channel]}</dd>
<dt>Why</dt><dd>${REASONS[k.reason] ?? k.reason}${k.topicId ? html` · topic <code>${k.topicId}</code>` : ''}</dd>
<dt>Who writes</dt><dd>${writer ?? html`<span class="muted">not said</span>`}</dd>
<dt>Where</dt><dd>${place ?? html`<span class="muted">not said</span>`}</dd>
<dt>Deadline</dt><dd>${k.deadlineAt
    ? html`${deadlineKindOf(k.card)} ${relative(k.deadlineAt, view.now)} (${parisTime(k.deadlineAt, view.now)}${k.card.deadlineTimeKnown === false ? ', time unknown' : ''})`
    : html`<span class="muted">none known</span>`}</dd>
<dt>Consent</dt><dd>${k.card.consent === undefined ? html`<span class="muted">not asked yet</span>` : k.card.consent ? 'may be shared with the association’s volunteers' : 'refused'}</dd>
<dt>Opened</dt><dd>${parisTime(k.openedAt, view.now)}</dd>
<dt>Contact</dt><dd>${view.revealed
    ? html`<span class="identifier">${IDENTIFIER_LABELS[view.revealed.kind]}: <strong>${view.revealed.identifier}</strong></span> <span class="hint">(your viewing is recorded in the audit log)</span>`
    : mayReveal
      ? html`<form method="post" action="/console/cases/${k.id}/reveal">${formGuard(c)}<span class="muted">hidden</span> <button type="submit" class="link">Show the ${what}</button> <span class="hint">(recorded in the audit log)</span></form>`
      : html`<span class="muted">hidden (the volunteer who holds the case, or a coordinator, can see it)</span>`}</dd>
</dl></details>`;
}

/** One line of the transcript; the script renders new ones the same way (assets.ts, `render`). */
export function messageItem(m: ConsoleMessage, language: LocaleLabel, now: Date): Html {
  const who = {
    person: 'Person',
    bot: 'Bot',
    volunteer: m.volunteer?.name ?? 'A volunteer',
    note: `Internal note · ${m.volunteer?.name ?? 'A volunteer'}`,
    system: 'Automatic message',
  }[m.author];
  // Bot and automatic lines are in the person's language; typed lines may be in any: the browser decides.
  const text =
    m.author === 'bot' || m.author === 'system'
      ? html`<p class="text" lang="${language.code}" dir="${language.dir}">${m.text}</p>`
      : m.author === 'person'
        ? html`<p class="text" lang="${language.code}" dir="auto">${m.text}</p>`
        : html`<p class="text" dir="auto">${m.text}</p>`;
  return html`<li class="msg msg-${m.author}${m.french ? ' has-french' : ''}" id="m-${m.id}" data-id="${m.id}"${m.delivery ? html` data-state="${m.delivery.state}"` : ''}>
<div class="meta"><span class="who">${who}</span> <time datetime="${m.at}">${parisTime(m.at, now)}</time>${m.delivery
    ? html` <span class="delivery delivery-${m.delivery.state}">${DELIVERY_LABELS[m.delivery.state]}${m.delivery.reason ? `: ${m.delivery.reason}` : ''}</span>`
    : ''}</div>
${text}
${m.french ? html`<div class="french"><span class="label">French source</span><p lang="fr" dir="ltr">${m.french}</p></div>` : ''}
</li>`;
}

function replyForms(c: Context, view: CasePageView, language: LocaleLabel): Html {
  const k = view.case;
  const ours = view.canned.filter((r) => r.locale === language.code);
  const keys = [...new Set(view.canned.map((r) => r.key))];
  const missing = keys.filter((key) => !ours.some((r) => r.key === key));
  return html`<form method="post" action="/console/cases/${k.id}/messages" class="stack">${formGuard(c)}
<label for="reply-text">Reply to the person <span class="hint">(on ${CHANNEL_LABELS[k.channel]}; write in ${language.english} if you can)</span></label>
<textarea id="reply-text" name="text" rows="4" maxlength="${MAX_TEXT}" lang="${language.code}" dir="auto" required>${view.draft?.reply ?? ''}</textarea>
<button type="submit" class="primary">Send</button>
</form>
${ours.length > 0
    ? html`<form method="post" action="/console/cases/${k.id}/messages" class="stack">${formGuard(c)}
<label for="canned">Canned reply in <span lang="${language.code}" dir="${language.dir}">${language.name}</span></label>
<select id="canned" name="canned">${ours.map((r) => html`<option value="${r.key}">${r.key}: ${r.title}</option>`)}</select>
<button type="submit">Send the canned reply</button>
</form>
<details><summary>What the canned replies in ${language.english} say</summary>
<dl class="facts">${ours.map((r) => html`<dt>${r.key}</dt><dd lang="${language.code}" dir="${language.dir}">${r.text}</dd>`)}</dl></details>`
    : html`<p class="muted">No canned reply in ${language.english} yet.</p>`}
${missing.length > 0 ? html`<p class="hint">Not in ${language.english} yet: ${missing.join(', ')}. Write it yourself, or ask a coordinator to add it.</p>` : ''}`;
}
