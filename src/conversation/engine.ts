import type { AssociationContacts } from '../config.js';
import type { Content } from '../content/index.js';
import { dominantScript, normalise } from '../content/normalise.js';
import type { NavItem } from '../content/schema.js';
import {
  choiceId,
  FIXED_SCREENS,
  topicChoices,
  unsupportedScreen,
  type ChoiceSpec,
  type ScreenSpec,
} from '../content/screens.js';
import { guessLanguage, localeFromLanguageCode } from './language.js';
import {
  COMMANDS,
  LOCALES,
  type ChannelName,
  type Choice,
  type CommandName,
  type HandoffReason,
  type InboundMessage,
  type LocaleCode,
  type OutboundMessage,
} from './messages.js';

/**
 * The conversation engine: `(state, inbound, content) → (state', outbound[])`. Pure and
 * channel-neutral: no I/O, no clock (time comes in `ctx.now`), no platform. It runs on every
 * webhook, so the content's indexes and formatters are built once, outside it.
 */

/** A conversation's memory between two messages. JSON-serialisable; stored by the caller. */
export interface ConversationState {
  v: 1;
  /** The person's language, once guessed or chosen. */
  locale?: LocaleCode;
  /** True once the person picked a language or carried on in the guessed one. */
  languageConfirmed: boolean;
  /** The welcome has been shown. */
  welcomed: boolean;
  /** First contact happened (the picker or a deep-linked topic was shown). */
  greeted: boolean;
  /** The picker was shown because the language was unclear (Arabic script, no hint). */
  askedLanguage?: boolean;
  /** The locale whose "draft translation" notice was last shown. */
  draftNoticeFor?: LocaleCode;
  /** The topic last shown, and whether the last screen was that topic (vs. a picker, a confirm…). */
  topic?: string;
  onTopic: boolean;
  /** Topics to return to with "back", most recent last. */
  history: string[];
  /** Choice ids of the last message with choices, so "2" means the second one. */
  lastChoices: string[];
  /** A topic to open once the language is chosen (deep link or first words). */
  pendingTopic?: string;
  /** "Delete my data" was asked and awaits a yes. */
  pendingErase: boolean;
  /** The person said a flight, hearing or appeal is today or tomorrow. */
  urgent: boolean;
  /** Why a volunteer was just offered, so the handoff carries the right reason. */
  offer?: 'no-match' | 'unsupported-media';
}

/** A fresh conversation. */
export function initialState(): ConversationState {
  return { v: 1, languageConfirmed: false, welcomed: false, greeted: false, onTopic: false, history: [], lastChoices: [], pendingErase: false, urgent: false };
}

export interface EngineContext {
  content: Content;
  association: AssociationContacts;
  channel: ChannelName;
  now: Date;
}

export interface StepResult {
  state: ConversationState;
  /** In order; may include `{ kind: 'handoff' }` for the handoff work. */
  outbound: OutboundMessage[];
  /** The locale the outbound is written in. */
  locale: LocaleCode;
  direction: 'ltr' | 'rtl';
  /** The person just confirmed "delete my data": erase transcript, cases and events before storing `state`. */
  erase: boolean;
}

/** The topic opened by the "about" command. */
export const ABOUT_TOPIC = 'about';
const MAX_HISTORY = 20;

/** Applies one inbound message to a conversation. Never throws on anything a person can send. */
export function step(state: ConversationState | null, inbound: InboundMessage, ctx: EngineContext): StepResult {
  const s: ConversationState = state ? { ...initialState(), ...structuredClone(state) } : initialState();
  const r = new Reply(ctx, s.locale ?? 'fr');
  // An offer of a volunteer only explains the handoff reason if taken up right away.
  const offer = s.offer;
  delete s.offer;

  if (!s.locale) firstContact(s, inbound, ctx, r);
  else handle(s, inbound, ctx, r, offer);

  if (r.eraseRequested) {
    return { state: initialState(), outbound: r.outbound, locale: r.locale, direction: r.direction(), erase: true };
  }
  s.lastChoices = r.lastChoices ?? s.lastChoices;
  return { state: s, outbound: r.outbound, locale: r.locale, direction: r.direction(), erase: false };
}

// ——— first contact ———

function firstContact(s: ConversationState, inbound: InboundMessage, ctx: EngineContext, r: Reply): void {
  const { content } = ctx;
  const body = inbound.body;
  const text = body.kind === 'text' ? body.text : undefined;
  const norm = text === undefined ? undefined : normalise(text);

  // The person may be answering the picker we showed: a tap, a number, or a language's name.
  const picked = pickedLanguage(s, body, ctx);
  if (picked) return chooseLanguage(s, picked, ctx, r);

  const deepLink = body.kind === 'start' ? parseStartPayload(body.payload, content) : undefined;
  const hit = norm === undefined ? undefined : matchTopic(norm, s, content);
  const urgentNow = norm !== undefined && isUrgent(norm, content);
  const guess = deepLink?.locale
    ? ({ status: 'sure', locale: deepLink.locale, from: 'telegram' } as const)
    : guessLanguage(inbound.hints, text, content);

  if (guess.status === 'ask') {
    if (s.askedLanguage && text !== undefined) {
      // Asked once already and the person kept typing: carry on in the likeliest language.
      s.locale = guess.candidates[0]!;
      r.locale = s.locale;
      return handle(s, inbound, ctx, r, undefined);
    }
    s.greeted = true;
    s.askedLanguage = true;
    r.locale = guess.candidates[0]!;
    if (deepLink?.topic) s.pendingTopic = deepLink.topic;
    else if (hit?.status === 'one') s.pendingTopic = hit.topic;
    if (urgentNow) {
      // A deadline in hours does not wait for the language question.
      s.urgent = true;
      r.text(guess.candidates.map((l) => content.text(l, 'urgent.detected')).join('\n'));
      r.handoff({ urgent: true, reason: 'urgent-deadline', ...(s.pendingTopic ? { topicId: s.pendingTopic } : {}) });
    }
    const order = [...guess.candidates, ...LOCALES.filter((l) => !guess.candidates.includes(l))];
    // Written in each candidate language, since we do not know which one the person reads.
    const ask = guess.candidates.map((l) => content.text(l, 'language.ask')).join('\n');
    r.choices(ask, order.map((l) => languageChoice(l, content)));
    return;
  }

  s.locale = guess.locale;
  r.locale = guess.locale;
  if (deepLink?.topic) {
    // A deep link opens its topic at once, in the guessed language, with a way to change it.
    draftNotice(s, r);
    s.greeted = true;
    return openTopic(s, deepLink.topic, r, { push: false });
  }
  // The first reply of a draft locale says so, right after the welcome (channels rely on the welcome coming first).
  r.text(content.text(guess.locale, 'welcome'));
  s.welcomed = true;
  draftNotice(s, r);
  const actionable =
    body.kind === 'command' ||
    body.kind === 'choice' ||
    body.kind === 'unsupported' ||
    (norm !== undefined && (urgentNow || hit?.status !== 'none' || commandOf(norm, guess.locale, content) !== undefined));
  if (actionable && !(norm !== undefined && /^\d{1,2}$/.test(norm))) {
    // A question, a command or a deadline in the first message is answered now; the language
    // stays unconfirmed, so topic screens offer to change it.
    handle(s, inbound, ctx, r, undefined);
    s.greeted = true;
    return;
  }
  s.greeted = true;
  languagePicker(s, r);
}

function pickedLanguage(s: ConversationState, body: InboundMessage['body'], ctx: EngineContext): LocaleCode | undefined {
  let id: string | undefined;
  if (body.kind === 'choice') id = body.id;
  else if (body.kind === 'text') {
    const norm = normalise(body.text);
    const named = ctx.content.matchers.languageNames.get(norm);
    if (named) return named;
    if (/^\d{1,2}$/.test(norm)) id = s.lastChoices[Number(norm) - 1];
  }
  if (id?.startsWith('lang:')) {
    const code = id.slice(5);
    if ((LOCALES as readonly string[]).includes(code)) return code as LocaleCode;
  }
  return undefined;
}

/** `zone-attente`, `frontiere-italie`, optionally with a language: `zone-attente--ar`, `asile__pt-br`. */
export function parseStartPayload(
  payload: string | undefined,
  content: Content,
): { topic?: string; locale?: LocaleCode } | undefined {
  if (!payload) return undefined;
  const [rawAlias = '', rawLocale] = payload.trim().toLowerCase().split(/--|__/);
  const alias = rawAlias.replace(/_/g, '-');
  const topic = content.aliases.get(alias) ?? (content.topics.has(alias) ? alias : undefined);
  const locale = localeFromLanguageCode(rawLocale) ?? (topic ? undefined : localeFromLanguageCode(alias));
  return { ...(topic ? { topic } : {}), ...(locale ? { locale } : {}) };
}

// ——— every later message ———

function handle(
  s: ConversationState,
  inbound: InboundMessage,
  ctx: EngineContext,
  r: Reply,
  offer: ConversationState['offer'],
): void {
  const body = inbound.body;
  const locale = s.locale!;
  r.locale = locale;

  if (!s.languageConfirmed && body.kind === 'text' && scriptMismatch(body.text, locale)) {
    // The guess was wrong (a French number writing in Arabic): guess again from the text.
    delete s.locale;
    return firstContact(s, inbound, ctx, r);
  }
  // Carrying on in the guessed language confirms it.
  if (!(body.kind === 'command' && body.command === 'language') && !(body.kind === 'choice' && body.id === 'nav:language')) {
    if (s.greeted) s.languageConfirmed = true;
  }

  switch (body.kind) {
    case 'start': {
      const link = parseStartPayload(body.payload, ctx.content);
      if (link?.locale && link.locale !== locale) {
        if (link.topic) s.pendingTopic = link.topic;
        return chooseLanguage(s, link.locale, ctx, r);
      }
      if (link?.topic) return openTopic(s, link.topic, r, { push: true });
      r.text(ctx.content.text(locale, 'welcome'));
      return goHome(s, r);
    }
    case 'command':
      return runCommand(s, body.command, ctx, r, offer);
    case 'choice':
      return handleChoice(s, body.id, ctx, r, offer);
    case 'unsupported':
      s.offer = 'unsupported-media';
      s.onTopic = false;
      return r.screen(unsupportedScreen(body.what));
    case 'text':
      return handleText(s, body.text, ctx, r, offer);
  }
}

function handleText(s: ConversationState, text: string, ctx: EngineContext, r: Reply, offer: ConversationState['offer']): void {
  const { content } = ctx;
  const locale = s.locale!;
  const norm = normalise(text);

  if (s.pendingErase) {
    const answer = answerOf(norm, locale, content);
    if (answer === 'yes') return confirmErase(s, r);
    if (answer === 'no') return cancelErase(s, r);
    if (!/^\d{1,2}$/.test(norm)) s.pendingErase = false;
  }
  if (/^\d{1,2}$/.test(norm)) {
    const n = Number(norm);
    if (n === 0) return runCommand(s, 'menu', ctx, r, offer);
    const id = s.lastChoices[n - 1];
    if (id) return handleChoice(s, id, ctx, r, offer);
    return noMatch(s, r);
  }
  const command = commandOf(norm, locale, content);
  if (command) return runCommand(s, command, ctx, r, offer);
  const named = content.matchers.languageNames.get(norm);
  if (named) return chooseLanguage(s, named, ctx, r);

  const hit = matchTopic(norm, s, content);
  if (isUrgent(norm, content)) return urgent(s, hit.status === 'one' ? hit.topic : undefined, ctx, r);
  if (hit.status === 'one') return openTopic(s, hit.topic, r, { push: true });
  if (hit.status === 'several') return didYouMean(s, hit.topics, r);
  if (content.matchers.greetings.has(norm)) return goHome(s, r);
  return noMatch(s, r);
}

function handleChoice(s: ConversationState, id: string, ctx: EngineContext, r: Reply, offer: ConversationState['offer']): void {
  const { content } = ctx;
  if (id.startsWith('t:')) {
    const topic = id.slice(2);
    if (content.topics.has(topic)) return openTopic(s, topic, r, { push: true });
  } else if (id.startsWith('nav:')) {
    const item = id.slice(4) as NavItem;
    if ((COMMANDS as readonly string[]).includes(item)) return runCommand(s, item as CommandName, ctx, r, offer);
  } else if (id.startsWith('lang:')) {
    const code = id.slice(5);
    if ((LOCALES as readonly string[]).includes(code)) return chooseLanguage(s, code as LocaleCode, ctx, r);
  } else if (id === choiceId.eraseYes) {
    // Only a yes to a question we just asked erases: an old button from last week asks again.
    if (s.pendingErase) return confirmErase(s, r);
    return runCommand(s, 'erase', ctx, r, offer);
  } else if (id === choiceId.eraseNo) {
    return cancelErase(s, r);
  }
  // A button from older content, or a forged id: say so and show the menu.
  s.onTopic = false;
  r.screen(FIXED_SCREENS.stale);
}

function runCommand(s: ConversationState, command: CommandName, ctx: EngineContext, r: Reply, offer: ConversationState['offer']): void {
  if (command !== 'erase') s.pendingErase = false;
  switch (command) {
    case 'menu':
      return goHome(s, r);
    case 'back':
      return goBack(s, r);
    case 'language':
      return languagePicker(s, r);
    case 'about':
      return openTopic(s, ctx.content.topics.has(ABOUT_TOPIC) ? ABOUT_TOPIC : ctx.content.rootId, r, { push: true });
    case 'volunteer':
      return askVolunteer(s, offer ?? 'asked', ctx, r);
    case 'erase':
      s.pendingErase = true;
      s.onTopic = false;
      return r.screen(FIXED_SCREENS.eraseConfirm);
  }
}

// ——— screens ———

function openTopic(s: ConversationState, topicId: string, r: Reply, { push }: { push: boolean }): void {
  const { content } = r.ctx;
  const topic = content.topics.get(topicId);
  if (!topic) return goHome(s, r);
  if (push && s.topic && s.onTopic && s.topic !== topicId) {
    s.history.push(s.topic);
    if (s.history.length > MAX_HISTORY) s.history.splice(0, s.history.length - MAX_HISTORY);
  }
  if (topicId === content.rootId) s.history = [];
  s.topic = topicId;
  s.onTopic = true;
  const choices = topicChoices(topic, content.parents.get(topicId), content.rootId, { offerLanguage: !s.languageConfirmed });
  r.screen({ texts: topic.body.map((message) => ({ message })), choices }, topic.contacts ? r.contacts() : []);
}

function goHome(s: ConversationState, r: Reply): void {
  s.history = [];
  openTopic(s, r.ctx.content.rootId, r, { push: false });
}

function goBack(s: ConversationState, r: Reply): void {
  const { content } = r.ctx;
  if (!s.onTopic && s.topic) return openTopic(s, s.topic, r, { push: false });
  const previous = s.history.pop() ?? (s.topic ? content.parents.get(s.topic) : undefined) ?? content.rootId;
  openTopic(s, previous, r, { push: false });
}

function languagePicker(s: ConversationState, r: Reply): void {
  const { content } = r.ctx;
  s.onTopic = false;
  const current = s.locale ?? r.locale;
  const order = [current, ...LOCALES.filter((l) => l !== current)];
  r.choices(content.text(current, 'language.ask'), order.map((l) => languageChoice(l, content)));
}

function chooseLanguage(s: ConversationState, locale: LocaleCode, ctx: EngineContext, r: Reply): void {
  s.locale = locale;
  s.languageConfirmed = true;
  s.greeted = true;
  r.locale = locale;
  if (!s.welcomed) {
    r.text(ctx.content.text(locale, 'welcome'));
    s.welcomed = true;
  } else {
    r.text(ctx.content.text(locale, 'language.confirmed'));
  }
  draftNotice(s, r);
  const next = s.pendingTopic ?? s.topic ?? ctx.content.rootId;
  delete s.pendingTopic;
  openTopic(s, next, r, { push: false });
}

function draftNotice(s: ConversationState, r: Reply): void {
  const locale = s.locale!;
  if (r.ctx.content.locales[locale].status !== 'draft' || s.draftNoticeFor === locale) return;
  s.draftNoticeFor = locale;
  r.text(r.ctx.content.text(locale, 'draft.notice'));
}

function askVolunteer(s: ConversationState, reason: HandoffReason, ctx: EngineContext, r: Reply): void {
  s.onTopic = false;
  r.screen(FIXED_SCREENS.volunteer, r.contacts());
  r.handoff({ urgent: s.urgent, reason, ...(s.topic ? { topicId: s.topic } : {}) });
}

function urgent(s: ConversationState, topic: string | undefined, ctx: EngineContext, r: Reply): void {
  s.urgent = true;
  const topicId = topic ?? s.topic;
  if (topic) {
    // Say it is urgent and that a volunteer is alerted, then still answer what was asked.
    r.text(ctx.content.text(s.locale!, 'urgent.detected'));
    for (const c of r.contacts()) r.text(c);
    r.handoff({ urgent: true, reason: 'urgent-deadline', topicId: topic });
    return openTopic(s, topic, r, { push: true });
  }
  s.onTopic = false;
  r.screen(FIXED_SCREENS.urgent, r.contacts());
  r.handoff({ urgent: true, reason: 'urgent-deadline', ...(topicId ? { topicId } : {}) });
}

function noMatch(s: ConversationState, r: Reply): void {
  s.offer = 'no-match';
  s.onTopic = false;
  r.screen(FIXED_SCREENS.noMatch);
}

function didYouMean(s: ConversationState, topics: string[], r: Reply): void {
  const { content } = r.ctx;
  s.onTopic = false;
  const choices: ChoiceSpec[] = topics.map((t) => {
    const branch = content.branches.get(t);
    return {
      id: choiceId.topic(t),
      label: { message: `${t}.label` },
      ...(branch && branch !== t ? { description: { message: `${branch}.label` } } : {}),
    };
  });
  r.screen({ texts: FIXED_SCREENS.didYouMean.texts, choices: [...choices, ...FIXED_SCREENS.noMatch.choices] });
}

function confirmErase(s: ConversationState, r: Reply): void {
  s.pendingErase = false;
  r.screen(FIXED_SCREENS.eraseDone);
  r.eraseRequested = true;
}

function cancelErase(s: ConversationState, r: Reply): void {
  s.pendingErase = false;
  s.onTopic = false;
  r.screen(FIXED_SCREENS.eraseCancelled);
}

// ——— matching ———

export type TopicMatch = { status: 'none' } | { status: 'one'; topic: string } | { status: 'several'; topics: string[] };

/**
 * Scores topics for typed text. A topic gains half of its ancestors' own scores ("proche droits"
 * → the relatives' rights topic) and a point when it is in the branch the person is reading.
 * A menu's words ("airport", "my brother") set the context: when a question topic also matches,
 * the menu counts half, so "my brother is stuck at the airport, his rights?" opens the rights.
 */
export function matchTopic(norm: string, s: Pick<ConversationState, 'topic'>, content: Content): TopicMatch {
  const own = content.matchers.topics.match(norm);
  if (own.size === 0) return { status: 'none' };
  const currentBranch = s.topic ? content.branches.get(s.topic) : undefined;
  const isMenu = (t: string) => content.topics.get(t)?.kind === 'menu';
  const questionMatched = [...own.keys()].some((t) => content.topics.has(t) && !isMenu(t));
  const scored: [string, number][] = [];
  for (const [topic, score] of own) {
    if (!content.topics.has(topic)) continue;
    let total = questionMatched && isMenu(topic) ? score / 2 : score;
    for (let p = content.parents.get(topic); p; p = content.parents.get(p)) total += (own.get(p) ?? 0) / 2;
    if (currentBranch && content.branches.get(topic) === currentBranch) total += 1;
    scored.push([topic, total]);
  }
  if (scored.length === 0) return { status: 'none' };
  scored.sort((a, b) => b[1] - a[1]);
  const best = scored[0]![1];
  const top = scored.filter(([, v]) => v === best).map(([t]) => t);
  if (top.length === 1) return { status: 'one', topic: top[0]! };
  return { status: 'several', topics: top.slice(0, 4) };
}

/** A "when" word (today, tomorrow, ce soir, فردا…) together with an "event" word (flight, hearing, appeal…). */
export function isUrgent(norm: string, content: Content): boolean {
  const hits = content.matchers.urgency.match(norm);
  return (hits.get('when') ?? 0) > 0 && (hits.get('event') ?? 0) > 0;
}

function commandOf(norm: string, locale: LocaleCode, content: Content): CommandName | undefined {
  const hits = content.matchers.commands.get(norm);
  if (!hits || hits.length === 0) return undefined;
  // A word that means different things in two languages takes the reader's language's meaning.
  return (hits.find((h) => h.locale === locale) ?? hits[0]!).command;
}

function answerOf(norm: string, locale: LocaleCode, content: Content): 'yes' | 'no' | undefined {
  const hits = content.matchers.answers.get(norm);
  if (!hits || hits.length === 0) return undefined;
  return (hits.find((h) => h.locale === locale) ?? hits[0]!).answer;
}

function scriptMismatch(text: string, locale: LocaleCode): boolean {
  const script = dominantScript(text.slice(0, 200));
  if (script === 'arabic') return !['ar', 'fa', 'ps'].includes(locale);
  if (script === 'ethiopic') return locale !== 'ti';
  return false;
}

function languageChoice(locale: LocaleCode, content: Content): ChoiceSpec {
  return { id: choiceId.language(locale), label: { literal: content.locales[locale].nativeName } };
}

// ——— output ———

/** Collects the outbound messages of one step and renders screen specs in the reader's locale. */
class Reply {
  readonly outbound: OutboundMessage[] = [];
  lastChoices: string[] | undefined;
  eraseRequested = false;

  constructor(
    readonly ctx: EngineContext,
    public locale: LocaleCode,
  ) {}

  direction(): 'ltr' | 'rtl' {
    return this.ctx.content.locales[this.locale].direction;
  }

  text(text: string): void {
    this.outbound.push({ kind: 'text', text });
  }

  choices(text: string, specs: ChoiceSpec[]): void {
    const choices = specs.map((c) => this.choice(c));
    this.outbound.push({ kind: 'choices', text, choices });
    this.lastChoices = choices.map((c) => c.id);
  }

  handoff(h: { urgent: boolean; reason: HandoffReason; topicId?: string }): void {
    this.outbound.push({ kind: 'handoff', ...h });
  }

  /** Sends each text as its own message; the last one carries the choices. */
  screen(spec: ScreenSpec, extraTexts: string[] = []): void {
    const texts = [...spec.texts.map((t) => this.ctx.content.text(this.locale, t.message, t.values)), ...extraTexts];
    const last = texts.pop();
    for (const t of texts) this.text(t);
    if (last === undefined) return;
    if (spec.choices.length > 0) this.choices(last, spec.choices);
    else {
      this.text(last);
      this.lastChoices = [];
    }
  }

  choice(spec: ChoiceSpec): Choice {
    const { text } = this.ctx.content;
    const label = 'literal' in spec.label ? spec.label.literal : text(this.locale, spec.label.message);
    return {
      id: spec.id,
      label,
      ...(spec.description ? { description: text(this.locale, spec.description.message) } : {}),
    };
  }

  /** The association's contacts from configuration, as one message, or nothing when none is set. */
  contacts(): string[] {
    const { association, content } = this.ctx;
    const l = this.locale;
    const lines: string[] = [];
    if (association.name) lines.push(content.locales[l].direction === 'rtl' ? `\u2068${association.name}\u2069` : association.name);
    if (association.phone) lines.push(content.text(l, 'contact.phone', { phone: association.phone }));
    if (association.hours) lines.push(content.text(l, 'contact.hours', { hours: association.hours }));
    if (association.address) lines.push(content.text(l, 'contact.address', { address: association.address }));
    if (association.email) lines.push(content.text(l, 'contact.email', { email: association.email }));
    if (lines.length === 0) return [];
    return [[content.text(l, 'contact.intro'), ...lines].join('\n')];
  }
}
