import type { LocaleCode } from '../core/locales.js';
import type { IntakeState } from './intake.js';

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
  /**
   * "Is it you who is held, or someone close?" was asked: the topic to open for each answer (the
   * person's words named one for each, like `pendingTopic` does for languages).
   */
  pendingWho?: { me: string; relative: string };
  /** "Delete my data" was asked and awaits a yes. */
  pendingErase: boolean;
  /** The person said a flight, hearing or appeal is today or tomorrow. */
  urgent: boolean;
  /** Why a volunteer was just offered, so the handoff carries the right reason. */
  offer?: 'no-match' | 'unsupported-media';
  /** The intake after asking for a volunteer: the question waiting for an answer, the card so far. */
  intake?: IntakeState;
  /** An entry point (deep link, leaflet code) brought this conversation and was counted: it is counted once. */
  entryCounted?: boolean;
}

/** A fresh conversation. */
export function initialState(): ConversationState {
  return {
    v: 1,
    languageConfirmed: false,
    welcomed: false,
    greeted: false,
    onTopic: false,
    history: [],
    lastChoices: [],
    pendingErase: false,
    urgent: false,
  };
}

/** A stored state, completed with today's defaults (a state saved by an older version lacks new fields). */
export function restoreState(stored: ConversationState | null): ConversationState {
  return stored ? { ...initialState(), ...structuredClone(stored) } : initialState();
}

/** How many topics "back" remembers. */
export const MAX_HISTORY = 20;
