import { z } from 'zod';
import { COMMANDS } from '../core/messages.js';
import { LOCALES } from '../core/locales.js';

/**
 * The shape of the content files in `locales/`: `topics.json` (the topic graph, shared by every
 * language) and one `<locale>.json` per language (messages, keywords, command words).
 * The legal team edits these JSON files; this schema is what `loadContent` and
 * `npm run content:check` hold them to.
 */

/** Topic ids travel inside choice ids (`t:<id>`): short, lowercase, stable. */
export const topicIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,39}$/, 'topic ids are 1–40 characters: a-z, 0-9 and -, starting with a letter');

/**
 * A deep-link alias. Never two hyphens in a row: `--` separates an alias from a locale in a payload
 * (`zone-attente--ar`).
 */
export const aliasSchema = z
  .string()
  .regex(/^[a-z0-9](?:-?[a-z0-9])*$/, 'aliases are a-z, 0-9 and single hyphens, starting and ending with a letter or digit')
  .max(40, 'aliases are at most 40 characters');

export const AUDIENCES = ['everyone', 'relative', 'held', 'land-border'] as const;
export type Audience = (typeof AUDIENCES)[number];

/** The navigation entries a topic screen can offer besides its children. */
export const NAV_ITEMS = ['back', 'menu', 'volunteer', 'language', 'about', 'erase'] as const;
export type NavItem = (typeof NAV_ITEMS)[number];

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'dates are written YYYY-MM-DD');

export const sourceSchema = z.object({
  /** What to look up: "CESEDA L333-2", "CE 2 févr. 2024 n° 450285", "CJUE C-143/22". */
  ref: z.string().min(1),
  /** Where it was read, when useful (a URL or a short name). */
  where: z.string().optional(),
});

export const legalReviewSchema = z.object({
  /** `needs-review` until the association's lawyers have signed the topic off. */
  status: z.enum(['needs-review', 'reviewed']),
  reviewedBy: z.string().optional(),
  /** Points a lawyer must still check ([VERIFY] in CONTENT-SOURCES.md). */
  verify: z.array(z.string()).default([]),
  /** Re-read the topic by this date (e.g. the EU Pact from 2026-06-12). */
  reviewBefore: isoDate.optional(),
});

export const topicSchema = z.object({
  id: topicIdSchema,
  audience: z.enum(AUDIENCES),
  /** `menu` topics list children; `info` topics carry legal facts and need sources; `service` topics are about Relais itself. */
  kind: z.enum(['menu', 'info', 'service']),
  /** Message ids, sent in order, one idea each; the last one carries the choices. */
  body: z.array(z.string().min(1)).min(1),
  children: z.array(topicIdSchema).default([]),
  /** What the screen offers besides the children; defaults depend on the place in the graph. */
  nav: z.array(z.enum(NAV_ITEMS)).optional(),
  /** Append the association's contacts (from configuration, only those set). */
  contacts: z.boolean().default(false),
  /** Deep-link payloads that open this topic (`/start zone-attente`, a QR code). */
  aliases: z.array(aliasSchema).default([]),
  sources: z.array(sourceSchema).default([]),
  reviewedOn: isoDate.optional(),
  review: legalReviewSchema.optional(),
});
export type Topic = z.infer<typeof topicSchema>;

export const topicsFileSchema = z.object({
  root: topicIdSchema,
  topics: z.array(topicSchema).min(1),
  /**
   * The entry points printed on leaflets and posters, by deep-link alias (`zone-attente`,
   * `frontiere-italie`): each needs `leaflet.<alias>.title`, `.1`, `.2` and `.3` in every locale.
   */
  leaflets: z.array(aliasSchema).default([]),
});
export type TopicsFile = z.infer<typeof topicsFileSchema>;

const wordList = z.array(z.string().min(1)).min(1);

export const localeFileSchema = z.object({
  locale: z.enum(LOCALES),
  /** The language's name in itself, shown in the language picker. */
  nativeName: z.string().min(1),
  /** The English name, for the completeness table and for people who type "English". */
  englishName: z.string().min(1),
  direction: z.enum(['ltr', 'rtl']),
  /** `source` is the French original; `draft` is not yet checked by a native speaker. */
  status: z.enum(['source', 'reviewed', 'draft']),
  /** ICU MessageFormat strings by id. */
  messages: z.record(z.string(), z.string()),
  /**
   * Translations only: for each message, the hash of the French text it translates
   * (`npm run content:stamp` writes it). A message whose French has changed since is stale.
   */
  sources: z.record(z.string(), z.string().regex(/^[0-9a-f]{8}$/, 'a source hash is 8 hex digits')).default({}),
  /** Translations only: messages a native speaker has checked, by whom and when. */
  reviews: z.record(z.string(), z.object({ by: z.string().min(1), on: isoDate })).default({}),
  /** Words and phrases that lead to a topic when typed. `*` at the end marks a stem. */
  keywords: z.record(z.string(), z.array(z.string().min(1))),
  /** Words that run a command anywhere (compared after normalisation). */
  commands: z.object(Object.fromEntries(COMMANDS.map((c) => [c, wordList])) as Record<
    (typeof COMMANDS)[number],
    typeof wordList
  >),
  /**
   * Answers to "are you sure?", greetings (they help guess the language), and answers to "is it you
   * who is held, or someone close?" (`me`, `relative`; kinship words typed there work too).
   */
  words: z.object({ yes: wordList, no: wordList, hello: wordList, me: wordList, relative: wordList }),
  /** A message with a "when" word and an "event" word is urgent ("my flight is tomorrow"). */
  urgency: z.object({ when: wordList, event: wordList }),
});
export type LocaleFile = z.infer<typeof localeFileSchema>;

/** Everything `checkContent` and `buildContent` read: the graph plus one file per locale. */
export interface ContentFiles {
  topics: unknown;
  locales: Record<string, unknown>;
}
