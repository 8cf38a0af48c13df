import type { Content } from '../content/index.js';
import type { NavItem } from '../content/schema.js';
import { choiceId, FIXED_SCREENS, topicChoices, unsupportedScreen, type ChoiceSpec } from '../content/screens.js';
import { isLocale, LOCALES, type Direction, type LocaleCode } from '../core/locales.js';
import { COMMANDS, type CommandName, type HandoffReason, type HandoffRequest, type InboundMessage, type OutboundMessage } from '../core/messages.js';
import type { CaseCard } from '../core/handoff.js';
import { answerIntake, cardFromBranch, startIntake, whatHappensNext } from './intake.js';
import { guessLanguage } from './language.js';
import { Reply, type EngineContext } from './replies.js';
import { initialState, MAX_HISTORY, restoreState, type ConversationState } from './state.js';
import {
  answerOf,
  choiceNumber,
  commandOf,
  entryLinkIn,
  isUrgent,
  matchTopic,
  parseStartPayload,
  pickedLanguage,
  said,
  scriptMismatch,
  whoAnswerOf,
  whoMenus,
  type DeepLink,
  type Said,
  type TopicMatch,
} from './understanding.js';

/**
 * The conversation engine: `(state, inbound, content) → (state', outbound[])`. Pure and
 * channel-neutral: no I/O, no clock (time comes in `ctx.now`), no platform. It runs on every
 * webhook, so the content's indexes and formatters are built once, outside it.
 */

export interface StepResult {
  state: ConversationState;
  /** What to send the person, in order. */
  outbound: OutboundMessage[];
  /** The locale the outbound is written in. */
  locale: LocaleCode;
  direction: Direction;
  /** Open (or bump) a case for a volunteer. */
  handoff?: HandoffRequest;
  /** For each outbound message, its French source when the reader reads another language (for volunteers). */
  sources: (string | null)[];
  /** What the intake learnt in this step: the whole card as the person has answered it so far. */
  card?: CaseCard;
  /** The message is for the volunteer who holds the person's case (the bot answered at most a command that leaves). */
  relayed: boolean;
  /** The person just confirmed "delete my data": erase transcript, cases and events before storing `state`. */
  erase: boolean;
  /**
   * The entry point (a deep-link alias: `zone-attente`) that brought this conversation, reported the
   * first time one does, for the anonymous daily counts of which leaflets and posters bring people.
   */
  entry?: string;
}

/** The topic opened by the "about" command. */
export const ABOUT_TOPIC = 'about';

/** One step's inputs, the person's text normalised once. */
interface Turn {
  inbound: InboundMessage;
  said: Said | undefined;
  /** A deep link: Telegram's start payload, or a leaflet's code in a message (WhatsApp's prefilled greeting). */
  link: DeepLink | undefined;
}

/** Applies one inbound message to a conversation. Never throws on anything a person can send. */
export function step(state: ConversationState | null, inbound: InboundMessage, ctx: EngineContext): StepResult {
  const s = restoreState(state);
  const r = new Reply(ctx, s.locale ?? 'fr');
  const body = inbound.body;
  const link =
    body.kind === 'start' ? parseStartPayload(body.payload, ctx.content) : body.kind === 'text' ? entryLinkIn(body.text, ctx.content) : undefined;
  const turn: Turn = { inbound, said: said(body), link };
  // An offer of a volunteer only explains the handoff reason if taken up right away.
  const offer = s.offer;
  delete s.offer;

  if (!s.locale) firstContact(s, turn, r);
  else handle(s, turn, r, offer);

  const done = {
    outbound: r.outbound,
    locale: r.locale,
    direction: r.direction(),
    relayed: r.relayed,
    sources: r.sources,
    ...(r.handoff ? { handoff: r.handoff } : {}),
    ...(r.card ? { card: r.card } : {}),
  };
  if (r.eraseRequested) return { ...done, state: initialState(), erase: true };
  s.lastChoices = r.lastChoices ?? s.lastChoices;
  // Counted once per conversation: the entry point that brought the person, not every later scan.
  // A message for the volunteer who holds the case is not an arrival.
  const entry = link?.alias && !s.entryCounted && !r.relayed ? link.alias : undefined;
  if (entry) s.entryCounted = true;
  return { ...done, state: s, erase: false, ...(entry ? { entry } : {}) };
}

// ——— first contact ———

function firstContact(s: ConversationState, turn: Turn, r: Reply): void {
  const { content } = r.ctx;
  const body = turn.inbound.body;
  const norm = turn.said?.norm;

  // The person may be answering the picker we showed: a tap, a number, or a language's name.
  const picked = pickedLanguage(s, body, turn.said, content);
  if (picked) return chooseLanguage(s, picked, r);

  const deepLink = turn.link;
  const hit = norm === undefined ? undefined : matchTopic(norm, s, content);
  const urgentNow = norm !== undefined && isUrgent(norm, content);
  const guess = deepLink?.locale
    ? ({ status: 'sure', locale: deepLink.locale, from: 'telegram' } as const)
    : guessLanguage(turn.inbound.hints, turn.said?.text, content);

  if (guess.status === 'ask') {
    if (s.askedLanguage && turn.said) {
      // Asked once already and the person kept typing: carry on in the likeliest language.
      s.locale = guess.candidates[0]!;
      r.locale = s.locale;
      return handle(s, turn, r, undefined);
    }
    s.greeted = true;
    s.askedLanguage = true;
    r.locale = guess.candidates[0]!;
    if (deepLink?.topic) s.pendingTopic = deepLink.topic;
    else if (hit?.status === 'one') s.pendingTopic = hit.topic;
    else if (hit?.status === 'who') s.pendingWho = { me: hit.me, relative: hit.relative };
    if (urgentNow) {
      // A deadline in hours does not wait for the language question.
      s.urgent = true;
      r.text(guess.candidates.map((l) => content.text(l, 'urgent.detected')).join('\n'));
      r.requestHandoff({ urgent: true, reason: 'urgent-deadline', ...(s.pendingTopic ? { topicId: s.pendingTopic } : {}) });
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
    // A prefilled greeting the person added a deadline to ("… vol demain"): alerted as typed.
    if (urgentNow) return urgent(s, { status: 'one', topic: deepLink.topic }, r);
    return openTopic(s, deepLink.topic, r, { push: false });
  }
  // The first reply of a draft locale says so, right after the welcome (channels rely on the welcome coming first).
  r.say('welcome');
  s.welcomed = true;
  draftNotice(s, r);
  const actionable =
    body.kind === 'command' ||
    body.kind === 'choice' ||
    body.kind === 'unsupported' ||
    (norm !== undefined && (urgentNow || hit?.status !== 'none' || commandOf(norm, guess.locale, content) !== undefined));
  if (actionable && !(norm !== undefined && choiceNumber(norm) !== undefined)) {
    // A question, a command or a deadline in the first message is answered now; the language
    // stays unconfirmed, so topic screens offer to change it.
    handle(s, turn, r, undefined);
    s.greeted = true;
    return;
  }
  s.greeted = true;
  languagePicker(s, r);
}

// ——— every later message ———

function handle(s: ConversationState, turn: Turn, r: Reply, offer: ConversationState['offer']): void {
  const body = turn.inbound.body;
  const locale = s.locale!;
  r.locale = locale;
  // "Is it you, or someone close?" holds for the next message only: anything else moves on.
  const who = s.pendingWho;
  delete s.pendingWho;

  if (!s.languageConfirmed && turn.said && scriptMismatch(turn.said.text, locale)) {
    // The guess was wrong (a French number writing in Arabic): guess again from the text.
    delete s.locale;
    return firstContact(s, turn, r);
  }
  // Carrying on in the guessed language confirms it.
  if (!(body.kind === 'command' && body.command === 'language') && !(body.kind === 'choice' && body.id === 'nav:language')) {
    if (s.greeted) s.languageConfirmed = true;
  }

  if (r.ctx.case?.status === 'claimed') {
    // A volunteer holds the case: what the person writes is for them. The bot answers only the
    // commands that leave (the menu, the language, "delete my data").
    delete s.intake;
    r.relayed = true;
    if (!leaves(s, turn, r)) return;
  } else if (s.intake) {
    // A leaflet's code is a new arrival, not an answer.
    if (!turn.link && answerIntake(s, r, { ...(body.kind === 'choice' ? { choice: body.id } : {}), ...(turn.said ? { said: turn.said } : {}) })) return;
    // Not an answer (a question, a command): the intake stops; what was answered stays on the card.
    delete s.intake;
  }

  switch (body.kind) {
    case 'start':
      return followLink(s, turn.link, r);
    case 'command':
      return runCommand(s, body.command, r, offer);
    case 'choice':
      return handleChoice(s, body.id, r, offer, who);
    case 'unsupported':
      s.offer = 'unsupported-media';
      s.onTopic = false;
      return r.screen(unsupportedScreen(body.what));
    case 'text':
      // A leaflet scanned later in the conversation: its code opens the entry point, as a deep link does.
      if (turn.link) return followLink(s, turn.link, r);
      return handleText(s, turn.said!, r, offer, who);
  }
}

/** A deep link in a conversation that has a language: its topic, in its language if it names one. */
function followLink(s: ConversationState, link: DeepLink | undefined, r: Reply): void {
  if (link?.locale && link.locale !== s.locale) {
    if (link.topic) s.pendingTopic = link.topic;
    return chooseLanguage(s, link.locale, r);
  }
  if (link?.topic) return openTopic(s, link.topic, r, { push: true });
  r.say('welcome');
  return goHome(s, r);
}

function handleText(
  s: ConversationState,
  { norm }: Said,
  r: Reply,
  offer: ConversationState['offer'],
  who: ConversationState['pendingWho'],
): void {
  const { content } = r.ctx;
  const locale = s.locale!;
  const n = choiceNumber(norm);

  if (s.pendingErase) {
    const answer = answerOf(norm, locale, content);
    if (answer === 'yes') return confirmErase(s, r);
    if (answer === 'no') return cancelErase(s, r);
    if (n === undefined) s.pendingErase = false;
  }
  if (n !== undefined) {
    if (n === 0) return runCommand(s, 'menu', r, offer);
    const id = s.lastChoices[n - 1];
    if (id) return handleChoice(s, id, r, offer, who);
    return noMatch(s, r);
  }
  if (who) {
    const answer = whoAnswerOf(norm, s, content);
    if (answer) return openTopic(s, who[answer], r, { push: true });
  }
  const command = commandOf(norm, locale, content);
  if (command) return runCommand(s, command, r, offer);
  const named = content.matchers.languageNames.get(norm);
  if (named) return chooseLanguage(s, named, r);

  const hit = matchTopic(norm, s, content);
  if (isUrgent(norm, content)) return urgent(s, hit, r);
  switch (hit.status) {
    case 'one':
      return openTopic(s, hit.topic, r, { push: true });
    case 'several':
      return didYouMean(s, hit.topics, r);
    case 'who':
      return askWho(s, hit, r);
    case 'none':
      if (content.matchers.greetings.has(norm)) return goHome(s, r);
      return noMatch(s, r);
  }
}

function handleChoice(
  s: ConversationState,
  id: string,
  r: Reply,
  offer: ConversationState['offer'],
  who?: ConversationState['pendingWho'],
): void {
  const { content } = r.ctx;
  if (id.startsWith('t:')) {
    const topic = id.slice(2);
    if (content.topics.has(topic)) return openTopic(s, topic, r, { push: true });
  } else if (id.startsWith('nav:')) {
    const item = id.slice(4) as NavItem;
    if ((COMMANDS as readonly string[]).includes(item)) return runCommand(s, item as CommandName, r, offer);
  } else if (id.startsWith('lang:')) {
    const code = id.slice(5);
    if (isLocale(code)) return chooseLanguage(s, code, r);
  } else if (id === choiceId.eraseYes) {
    // Only a yes to a question we just asked erases: an old button from last week asks again.
    if (s.pendingErase) return confirmErase(s, r);
    return runCommand(s, 'erase', r, offer);
  } else if (id === choiceId.eraseNo) {
    return cancelErase(s, r);
  } else if (id === choiceId.whoMe || id === choiceId.whoRelative) {
    const answer = id === choiceId.whoMe ? 'me' : 'relative';
    // An old button, the question long gone: its branch's menu.
    const topic = who?.[answer] ?? whoMenus(content)?.[answer];
    if (topic) return openTopic(s, topic, r, { push: true });
  }
  // A button from older content, or a forged id: say so and show the menu.
  s.onTopic = false;
  r.screen(FIXED_SCREENS.stale);
}

function runCommand(s: ConversationState, command: CommandName, r: Reply, offer: ConversationState['offer']): void {
  if (command !== 'erase') s.pendingErase = false;
  switch (command) {
    case 'menu':
      return goHome(s, r);
    case 'back':
      return goBack(s, r);
    case 'language':
      return languagePicker(s, r);
    case 'about':
      return openTopic(s, r.ctx.content.topics.has(ABOUT_TOPIC) ? ABOUT_TOPIC : r.ctx.content.rootId, r, { push: true });
    case 'volunteer':
      return askVolunteer(s, offer ?? 'asked', r);
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

function chooseLanguage(s: ConversationState, locale: LocaleCode, r: Reply): void {
  s.locale = locale;
  s.languageConfirmed = true;
  s.greeted = true;
  r.locale = locale;
  if (!s.welcomed) {
    r.say('welcome');
    s.welcomed = true;
  } else {
    r.say('language.confirmed');
  }
  draftNotice(s, r);
  const next = s.pendingTopic ?? s.topic ?? r.ctx.content.rootId;
  delete s.pendingTopic;
  // The first words named someone held without saying who writes: ask now, in the chosen language.
  if (s.pendingWho) return askWho(s, s.pendingWho, r);
  openTopic(s, next, r, { push: false });
}

function draftNotice(s: ConversationState, r: Reply): void {
  const locale = s.locale!;
  if (r.ctx.content.locales[locale].status !== 'draft' || s.draftNoticeFor === locale) return;
  s.draftNoticeFor = locale;
  r.say('draft.notice');
}

function askVolunteer(s: ConversationState, reason: HandoffReason, r: Reply): void {
  s.onTopic = false;
  r.screen(FIXED_SCREENS.volunteer, r.contacts());
  r.requestHandoff({ urgent: s.urgent, reason, ...(s.topic ? { topicId: s.topic } : {}) });
  if (r.ctx.case?.status === 'claimed') return;
  whatHappensNext(r);
  // What the conversation already showed is not asked again: the branch read, the card so far.
  const known = { ...cardFromBranch(s.topic ? r.ctx.content.branches.get(s.topic) : undefined), ...r.ctx.case?.card };
  startIntake(s, r, known);
}

/** While a volunteer holds the case: the messages the bot still answers. */
function leaves(s: ConversationState, turn: Turn, r: Reply): boolean {
  const body = turn.inbound.body;
  const leaving: readonly string[] = ['menu', 'language', 'erase'];
  if (body.kind === 'command') return leaving.includes(body.command);
  if (body.kind === 'choice') {
    return ['nav:menu', 'nav:language', 'nav:erase', choiceId.eraseYes, choiceId.eraseNo].includes(body.id) || body.id.startsWith('lang:');
  }
  if (body.kind !== 'text' || !turn.said) return false;
  const norm = turn.said.norm;
  if (s.pendingErase && answerOf(norm, s.locale!, r.ctx.content)) return true;
  if (norm === '0') return true;
  const command = commandOf(norm, s.locale!, r.ctx.content);
  return command !== undefined && leaving.includes(command);
}

function urgent(s: ConversationState, hit: TopicMatch, r: Reply): void {
  s.urgent = true;
  const topic = hit.status === 'one' ? hit.topic : undefined;
  const topicId = topic ?? s.topic;
  if (hit.status === 'one' || hit.status === 'who') {
    // Say it is urgent and that a volunteer is alerted, then still answer what was asked.
    r.say('urgent.detected');
    for (const c of r.contacts()) r.text(c.text, c.french);
    r.requestHandoff({ urgent: true, reason: 'urgent-deadline', ...(topicId ? { topicId } : {}) });
    if (hit.status === 'who') return askWho(s, hit, r);
    return openTopic(s, hit.topic, r, { push: true });
  }
  s.onTopic = false;
  r.screen(FIXED_SCREENS.urgent, r.contacts());
  r.requestHandoff({ urgent: true, reason: 'urgent-deadline', ...(topicId ? { topicId } : {}) });
  if (r.ctx.case?.status === 'claimed') return;
  // A deadline in hours: the card matters most here, and the volunteer must know when they answer.
  whatHappensNext(r);
  startIntake(s, r, { ...cardFromBranch(topicId ? r.ctx.content.branches.get(topicId) : undefined), ...r.ctx.case?.card });
}

/** "Is it you who is held, or someone close to you?", remembering what each answer opens. */
function askWho(s: ConversationState, who: { me: string; relative: string }, r: Reply): void {
  s.pendingWho = { me: who.me, relative: who.relative };
  s.onTopic = false;
  r.screen(FIXED_SCREENS.who);
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

function languageChoice(locale: LocaleCode, content: Content): ChoiceSpec {
  return { id: choiceId.language(locale), label: { literal: content.locales[locale].nativeName } };
}
