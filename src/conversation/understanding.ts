import type { Content } from '../content/index.js';
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
