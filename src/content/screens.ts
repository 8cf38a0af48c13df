import type { UnsupportedKind } from '../core/messages.js';
import type { LocaleCode } from '../core/locales.js';
import type { NavItem, Topic } from './schema.js';

/**
 * The screens the engine can show, described by message ids and choice ids only. The engine renders
 * them; `content:check` renders the same descriptions in every locale to prove they fit every channel.
 *
 * Choice ids are short, stable, and never text: `t:<topicId>`, `nav:<item>`, `lang:<locale>`,
 * `erase:yes|no`, `who:me|relative`. They stay valid across conversations, so an old button still does what it said.
 */

export const choiceId = {
  topic: (topicId: string) => `t:${topicId}`,
  nav: (item: NavItem) => `nav:${item}`,
  language: (locale: LocaleCode) => `lang:${locale}`,
  eraseYes: 'erase:yes',
  eraseNo: 'erase:no',
  whoMe: 'who:me',
  whoRelative: 'who:relative',
  /** An intake answer: `in:<question>:<value>`; `in:skip` passes the question. */
  intake: (question: string, value: string) => `in:${question}:${value}`,
  intakeSkip: 'in:skip',
} as const;

/** A choice whose label is a message id (or, for languages, a fixed native name). */
export interface ChoiceSpec {
  id: string;
  label: { message: string } | { literal: string };
  description?: { message: string };
}

export interface ScreenSpec {
  /** Message ids sent as separate texts; the last one carries the choices. */
  texts: { message: string; values?: Record<string, string> }[];
  choices: ChoiceSpec[];
}

export const navChoice = (item: NavItem): ChoiceSpec => ({ id: choiceId.nav(item), label: { message: `nav.${item}` } });

/** Default navigation: the root offers a volunteer and languages; first-level menus go home; deeper topics go back too. */
export function defaultNav(topic: Topic, parentId: string | undefined, rootId: string): NavItem[] {
  if (topic.nav) return topic.nav;
  if (topic.id === rootId) return ['volunteer', 'language'];
  if (parentId === rootId || parentId === undefined) return ['menu', 'volunteer'];
  return ['back', 'menu', 'volunteer'];
}

/** The choices of a topic screen: its children, then its navigation. */
export function topicChoices(
  topic: Topic,
  parentId: string | undefined,
  rootId: string,
  options: { offerLanguage?: boolean } = {},
): ChoiceSpec[] {
  const nav = defaultNav(topic, parentId, rootId);
  const items = options.offerLanguage && !nav.includes('language') ? [...nav, 'language' as const] : nav;
  return [
    ...topic.children.map((child) => ({ id: choiceId.topic(child), label: { message: `${child}.label` } })),
    ...items.map(navChoice),
  ];
}

export const UNSUPPORTED_KINDS: readonly UnsupportedKind[] = [
  'image',
  'audio',
  'video',
  'document',
  'sticker',
  'location',
  'contacts',
  'reaction',
  'other',
];

/** Fixed screens (not topics). */
export const FIXED_SCREENS = {
  noMatch: { texts: [{ message: 'nomatch' }], choices: [navChoice('menu'), navChoice('volunteer')] },
  stale: { texts: [{ message: 'stale' }], choices: [navChoice('menu'), navChoice('volunteer')] },
  eraseConfirm: {
    texts: [{ message: 'erase.confirm' }],
    choices: [
      { id: choiceId.eraseYes, label: { message: 'erase.yes' } },
      { id: choiceId.eraseNo, label: { message: 'erase.no' } },
    ],
  },
  eraseDone: { texts: [{ message: 'erase.done' }], choices: [] },
  eraseCancelled: { texts: [{ message: 'erase.cancelled' }], choices: [navChoice('menu')] },
  volunteer: { texts: [{ message: 'volunteer.requested' }], choices: [navChoice('back'), navChoice('menu')] },
  urgent: { texts: [{ message: 'urgent.detected' }], choices: [navChoice('menu')] },
  didYouMean: { texts: [{ message: 'didyoumean' }], choices: [] },
  /** "Is it you who is held, or someone close to you?": asked when the words do not say who writes. */
  who: {
    texts: [{ message: 'who.ask' }],
    choices: [
      { id: choiceId.whoMe, label: { message: 'who.me' } },
      { id: choiceId.whoRelative, label: { message: 'who.relative' } },
    ],
  },
} satisfies Record<string, ScreenSpec>;

const skip: ChoiceSpec = { id: choiceId.intakeSkip, label: { message: 'intake.skip' } };
const answer = (question: string, value: string, label: ChoiceSpec['label'] = { message: `intake.${question}.${value}` }): ChoiceSpec => ({
  id: choiceId.intake(question, value),
  label,
});

/**
 * The intake a person goes through when they ask for a volunteer: each question can be skipped, and
 * each answer fills the case card (`CaseCard` in core/handoff.ts). Place names are written as on signs.
 */
export const INTAKE_SCREENS = {
  who: {
    texts: [{ message: 'intake.who.ask' }],
    choices: [answer('who', 'person'), answer('who', 'relative'), answer('who', 'lawyer'), answer('who', 'other'), skip],
  },
  where: {
    texts: [{ message: 'intake.where.ask' }],
    choices: [answer('where', 'zone'), answer('where', 'border'), answer('where', 'elsewhere'), skip],
  },
  zone: {
    texts: [{ message: 'intake.zone.ask' }],
    choices: [
      answer('zone', 'roissy', { literal: 'Roissy-CDG' }),
      answer('zone', 'orly', { literal: 'Orly' }),
      answer('zone', 'other'),
      answer('zone', 'port'),
      skip,
    ],
  },
  border: {
    texts: [{ message: 'intake.border.ask' }],
    choices: [
      answer('border', 'menton', { literal: 'Menton' }),
      answer('border', 'montgenevre', { literal: 'Montgenèvre' }),
      answer('border', 'hendaye', { literal: 'Hendaye' }),
      answer('border', 'le-perthus', { literal: 'Le Perthus' }),
      answer('border', 'other'),
      skip,
    ],
  },
  deadline: {
    texts: [{ message: 'intake.deadline.ask' }],
    choices: [answer('deadline', 'flight'), answer('deadline', 'hearing'), answer('deadline', 'appeal'), answer('deadline', 'none'), skip],
  },
  day: {
    texts: [{ message: 'intake.day.ask' }],
    choices: [answer('day', 'today'), answer('day', 'tomorrow'), answer('day', 'later'), skip],
  },
  date: { texts: [{ message: 'intake.date.ask' }], choices: [skip] },
  time: { texts: [{ message: 'intake.time.ask' }], choices: [skip] },
  consent: {
    texts: [{ message: 'intake.consent.ask' }],
    choices: [answer('consent', 'yes'), answer('consent', 'no'), skip],
  },
} satisfies Record<string, ScreenSpec>;

export type IntakeQuestion = keyof typeof INTAKE_SCREENS;

/** Every unsupported-media screen, one per kind, for the checker. */
export function unsupportedScreen(what: UnsupportedKind): ScreenSpec {
  return {
    texts: [{ message: 'unsupported', values: { what } }],
    choices: [navChoice('volunteer'), navChoice('menu')],
  };
}

/**
 * Whether a stale translation of this message is sent with the "may be out of date" note and the
 * French text. Labels, buttons, list words, contact lines and the web chat's words stay as they are:
 * there is no room beside them, and the note itself would repeat.
 */
export function flagsStaleTranslation(id: string): boolean {
  return !(
    id.endsWith('.label') ||
    /^(nav|list|contact|web)\./.test(id) ||
    /^intake\.[a-z]+\.(?!ask$)[a-z-]+$/.test(id) ||
    ['erase.yes', 'erase.no', 'who.me', 'who.relative', 'intake.skip', 'language.ask', STALE_NOTE].includes(id)
  );
}

/** The local web chat's own words (header buttons, input), `web.<word>` in every locale. */
export const WEB_WORDS = ['menu', 'language', 'volunteer', 'placeholder', 'send', 'subtitle'] as const;
export type WebWord = (typeof WEB_WORDS)[number];

/** The line that introduces the French text after a stale translation. */
export const STALE_NOTE = 'translation.outdated';

/** Messages the engine uses outside topics; each must exist in every locale. */
export const UI_MESSAGES = [
  'welcome',
  'draft.notice',
  'language.ask',
  'language.confirmed',
  'nomatch',
  'stale',
  'didyoumean',
  'unsupported',
  'volunteer.requested',
  'urgent.detected',
  'erase.confirm',
  'erase.yes',
  'erase.no',
  'erase.done',
  'erase.cancelled',
  'contact.intro',
  'contact.phone',
  'contact.hours',
  'contact.address',
  'contact.email',
  'list.button',
  'list.section',
  'nav.back',
  'nav.menu',
  'nav.volunteer',
  'nav.language',
  'nav.about',
  'nav.erase',
  'who.ask',
  'who.me',
  'who.relative',
  'handoff.open',
  'handoff.open.within',
  'handoff.closed',
  'handoff.urgent.contact',
  'intake.intro',
  'intake.done',
  'intake.done.private',
  'case.closed',
  ...Object.values(INTAKE_SCREENS).flatMap((screen) => [
    ...screen.texts.map((t) => t.message),
    ...screen.choices.flatMap((c) => ('message' in c.label ? [c.label.message] : [])),
  ]),
  STALE_NOTE,
  ...WEB_WORDS.map((w) => `web.${w}` as const),
] as const;
