import type { Content, WhoAnswer } from '../content/index.js';
import { entryCodesIn } from '../content/leaflet-texts.js';
import { dominantScript, normalise } from '../content/normalise.js';
import { isLocale, type LocaleCode } from '../core/locales.js';
import type { CommandName, InboundBody } from '../core/messages.js';
import { localeFromLanguageCode } from './language.js';
import type { ConversationState } from './state.js';

/**
 * Understanding what a person typed: topics, urgency, commands, yes/no, a language's name, a number.
 * Pure lookups in the content's indexes; the step decides what to do with them.
 */

/** The person's text, normalised once per step (every lookup below compares normalised forms). */
export interface Said {
  text: string;
  norm: string;
}

export function said(body: InboundBody): Said | undefined {
  return body.kind === 'text' ? { text: body.text, norm: normalise(body.text) } : undefined;
}

/** "1", "٢", "۳": a choice number (normalisation folds every digit to ASCII). */
export function choiceNumber(norm: string): number | undefined {
  return /^\d{1,2}$/.test(norm) ? Number(norm) : undefined;
}

export type TopicMatch =
  | { status: 'none' }
  | { status: 'one'; topic: string }
  | { status: 'several'; topics: string[] }
  /** The text is about someone held, but its words do not say who writes: `me` or `relative` opens. */
  | { status: 'who'; me: string; relative: string };

/**
 * How much another language's keyword counts against the reader's own. Every language's keywords stay
 * on ("menton", a French word for an English reader), but where two languages read a word differently
 * the reader's wins: Farsi and Pashto share the script and many words («میدان» is the held menu for a
 * Pashto reader, just a square for a Dari one; «داکتر» is a right for one, a health topic for the
 * other). A third keeps a lone foreign keyword a match while it loses every tie against the reader's.
 */
export const OTHER_LOCALE_WEIGHT = 1 / 3;

/** Topic scores for typed text, the reader's own keywords first. */
export function topicScores(norm: string, locale: LocaleCode | undefined, content: Content): Map<string, number> {
  return content.matchers.topics.match(norm, locale ? { weigh: (l) => (l === locale ? 1 : OTHER_LOCALE_WEIGHT) } : undefined);
}

/**
 * Scores topics for typed text. A topic gains half of its ancestors' own scores ("proche droits"
 * → the relatives' rights topic) and a point when it is in the branch the person is reading.
 * A menu's words ("airport", "my brother") set the context: when a question topic also matches,
 * the menu counts half, so "my brother is stuck at the airport, his rights?" opens the rights.
 *
 * Who writes decides between the relatives' branch and the held person's: the relatives' menu holds
 * kinship words and third-person phrases ("my brother", "حبسوه"), the held menu first-person ones
 * ("I am held", "حبسوني"). When both weigh the same, the text does not say who writes, and the answer
 * is a question (`who`) rather than a guess.
 */
export function matchTopic(norm: string, s: Pick<ConversationState, 'topic' | 'locale'>, content: Content): TopicMatch {
  const own = topicScores(norm, s.locale, content);
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
  const who = whoIsUnclear(own, scored, top, content);
  if (who) return who;
  if (top.length === 1) return { status: 'one', topic: top[0]! };
  return { status: 'several', topics: top.slice(0, 4) };
}

/**
 * Less than the smallest difference one keyword of the reader's own language makes (a misspelling
 * counts 1): below it, the words for "me" and for "someone close" weigh the same.
 */
export const WHO_MARGIN = 1;

/** The first-level menus of the held person and of their relatives, found by audience. */
export function whoMenus(content: Content): { me: string; relative: string } | undefined {
  const children = content.topics.get(content.rootId)?.children ?? [];
  const me = children.find((id) => content.topics.get(id)?.audience === 'held');
  const relative = children.find((id) => content.topics.get(id)?.audience === 'relative');
  return me && relative ? { me, relative } : undefined;
}

/**
 * The topic answering the same question for the other reader: such topics share their id after the
 * branch prefix (`h-rights` for the person held, `r-rights` for a relative).
 */
export function counterpart(topic: string, branch: string, content: Content): string | undefined {
  const suffixOf = (id: string) => (id.includes('-') ? id.slice(id.indexOf('-') + 1) : undefined);
  const suffix = suffixOf(topic);
  if (suffix === undefined) return undefined;
  for (const [id, b] of content.branches) if (b === branch && id !== topic && suffixOf(id) === suffix) return id;
  return undefined;
}

function whoIsUnclear(
  own: Map<string, number>,
  scored: [string, number][],
  top: string[],
  content: Content,
): Extract<TopicMatch, { status: 'who' }> | undefined {
  const menus = whoMenus(content);
  if (!menus) return undefined;
  const branchOf = (t: string) => content.branches.get(t);
  const inWho = (t: string) => branchOf(t) === menus.me || branchOf(t) === menus.relative;
  const me = own.get(menus.me) ?? 0;
  const relative = own.get(menus.relative) ?? 0;
  // Either both menus' words weigh about the same and the best answer lies in one of the two branches,
  // or the best answers are one topic of each branch and nothing else ("rights": mine or his?).
  const tied = me > 0 && relative > 0 && Math.abs(me - relative) < WHO_MARGIN && inWho(top[0]!);
  const split = top.length === 2 && top.every(inWho) && branchOf(top[0]!) !== branchOf(top[1]!);
  if (!tied && !split) return undefined;
  const bestIn = (branch: string) => scored.find(([t]) => branchOf(t) === branch)?.[0] ?? branch;
  let forMe = bestIn(menus.me);
  let forRelative = bestIn(menus.relative);
  // "brother, held, lawyer": the lawyer question has an answer for each reader.
  if (forRelative === menus.relative && forMe !== menus.me) forRelative = counterpart(forMe, menus.relative, content) ?? forRelative;
  if (forMe === menus.me && forRelative !== menus.relative) forMe = counterpart(forRelative, menus.me, content) ?? forMe;
  return { status: 'who', me: forMe, relative: forRelative };
}

/**
 * What a person typed after "is it you, or someone close?": an answer word («moi», «زه»), or a menu's
 * words alone ("my brother", "I am held"). Anything else is a new question, read as such.
 */
export function whoAnswerOf(norm: string, s: Pick<ConversationState, 'locale'>, content: Content): WhoAnswer | undefined {
  const hits = content.matchers.whoAnswers.get(norm);
  if (hits && hits.length > 0) return (hits.find((h) => h.locale === s.locale) ?? hits[0]!).answer;
  const menus = whoMenus(content);
  const hit = matchTopic(norm, { locale: s.locale }, content);
  if (!menus || hit.status !== 'one') return undefined;
  if (hit.topic === menus.relative) return 'relative';
  if (hit.topic === menus.me) return 'me';
  return undefined;
}

/** A "when" word (today, tomorrow, ce soir, فردا…) together with an "event" word (flight, hearing, appeal…). */
export function isUrgent(norm: string, content: Content): boolean {
  const hits = content.matchers.urgency.match(norm);
  return (hits.get('when') ?? 0) > 0 && (hits.get('event') ?? 0) > 0;
}

export function commandOf(norm: string, locale: LocaleCode, content: Content): CommandName | undefined {
  const hits = content.matchers.commands.get(norm);
  if (!hits || hits.length === 0) return undefined;
  // A word that means different things in two languages takes the reader's language's meaning.
  return (hits.find((h) => h.locale === locale) ?? hits[0]!).command;
}

export function answerOf(norm: string, locale: LocaleCode, content: Content): 'yes' | 'no' | undefined {
  const hits = content.matchers.answers.get(norm);
  if (!hits || hits.length === 0) return undefined;
  return (hits.find((h) => h.locale === locale) ?? hits[0]!).answer;
}

/** Text in a script the locale is not written in (a French number writing in Arabic). */
export function scriptMismatch(text: string, locale: LocaleCode): boolean {
  const script = dominantScript(text.slice(0, 200));
  if (script === 'arabic') return !['ar', 'fa', 'ps'].includes(locale);
  if (script === 'ethiopic') return locale !== 'ti';
  return false;
}

/** The language a person picked from the picker: a tap, its number, or a language's name typed. */
export function pickedLanguage(
  s: ConversationState,
  body: InboundBody,
  text: Said | undefined,
  content: Content,
): LocaleCode | undefined {
  let id: string | undefined;
  if (body.kind === 'choice') id = body.id;
  else if (text) {
    const named = content.matchers.languageNames.get(text.norm);
    if (named) return named;
    const n = choiceNumber(text.norm);
    if (n !== undefined) id = s.lastChoices[n - 1];
  }
  if (id?.startsWith('lang:')) {
    const code = id.slice(5);
    if (isLocale(code)) return code;
  }
  return undefined;
}

/** Where a deep link leads: a topic, a language, and the entry point's alias when it named a known one. */
export interface DeepLink {
  topic?: string;
  locale?: LocaleCode;
  /** The deep-link alias as listed in `topics.json` (`zone-attente`), for the anonymous entry counts. */
  alias?: string;
}

/** `zone-attente`, `frontiere-italie`, optionally with a language: `zone-attente--ar`, `asile__pt-br`. */
export function parseStartPayload(payload: string | undefined, content: Content): DeepLink | undefined {
  if (!payload) return undefined;
  const [rawAlias = '', rawLocale] = payload.trim().toLowerCase().split(/--|__/);
  const alias = rawAlias.replace(/_/g, '-');
  const aliased = content.aliases.get(alias);
  const topic = aliased ?? (content.topics.has(alias) ? alias : undefined);
  const locale = localeFromLanguageCode(rawLocale) ?? (topic ? undefined : localeFromLanguageCode(alias));
  return { ...(topic ? { topic } : {}), ...(locale ? { locale } : {}), ...(aliased ? { alias } : {}) };
}

/**
 * A leaflet's code in a message a person typed or sent: WhatsApp has no start payload, so a leaflet's
 * QR code prefills a greeting with the code (`Bonjour Relais (zone-attente--fr)`), and that message
 * opens the entry point like Telegram's `/start zone-attente--fr`. Only a code naming a topic counts:
 * the rest of the message (a greeting, edited or not) is not read.
 */
export function entryLinkIn(text: string, content: Content): DeepLink | undefined {
  for (const code of entryCodesIn(text)) {
    const link = parseStartPayload(code, content);
    if (link?.topic) return link;
  }
  return undefined;
}
