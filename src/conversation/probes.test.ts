import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadContent } from '../content/index.js';
import { AUDIENCES } from '../content/schema.js';
import { choiceId } from '../content/screens.js';
import { LOCALES } from '../core/locales.js';
import type { InboundBody, OutboundMessage } from '../core/messages.js';
import { step, type ConversationState, type StepResult } from './index.js';

/**
 * Matcher probes: sentences people type, and where they must lead. Translators write them (one file
 * per language in `probes/`), the review added its own (`review.json`), and `who-writes.json` holds a
 * relative's sentences beside the held person's. Each probe runs through the real engine as a person
 * would: pick the language, then type the text.
 */
const FOLDER = new URL('./probes/', import.meta.url);

const probeSchema = z
  .object({
    locale: z.enum(LOCALES),
    text: z.string().min(1),
    expect: z
      .object({
        /** The topic shown. */
        topic: z.string().optional(),
        /** The audience of the first-level menu the topic sits under (`land-border` is the `border` menu). */
        branch: z.enum(AUDIENCES).optional(),
        /** Whether a volunteer is alerted at once as urgent. */
        urgent: z.boolean().optional(),
        /** A screen other than a topic: the "is it you?" question, the language picker, "did you mean", "not understood". */
        screen: z.enum(['who', 'language-picker', 'did-you-mean', 'no-match']).optional(),
      })
      .strict()
      .refine((e) => Object.keys(e).length > 0, 'a probe expects something'),
  })
  .strict();
type Probe = z.infer<typeof probeSchema>;

const files = readdirSync(FOLDER)
  .filter((name) => name.endsWith('.json'))
  .sort();
const probes = new Map<string, Probe[]>(
  files.map((name) => [name, z.array(probeSchema).parse(JSON.parse(readFileSync(new URL(name, FOLDER), 'utf8')))]),
);

const content = loadContent();
const NOW = new Date('2026-11-28T10:00:00Z');
const firstLevel = content.topics.get(content.rootId)!.children;

/** Picks the language from the picker, then types the text, as a newcomer would. */
function typeIn(probe: Probe): { result: StepResult; state: ConversationState } {
  let state: ConversationState | null = null;
  let n = 0;
  const send = (body: InboundBody) => {
    const result = step(
      state,
      { channel: 'telegram', externalId: String(++n), personKey: 'probe', receivedAt: NOW, body },
      { content, association: {}, channel: 'telegram', now: NOW },
    );
    state = result.state;
    return result;
  };
  send({ kind: 'start' });
  send({ kind: 'choice', id: choiceId.language(probe.locale) });
  const result = send({ kind: 'text', text: probe.text });
  return { result, state: state! };
}

function screenOf(probe: Probe, result: StepResult, state: ConversationState): string {
  const last = result.outbound.at(-1) as OutboundMessage;
  const ids = last.kind === 'choices' ? last.choices.map((c) => c.id) : [];
  const said = (id: string) => result.outbound.some((m) => m.text === content.text(probe.locale, id));
  if (ids.includes(choiceId.whoMe)) return 'who';
  if (!state.onTopic && ids.includes(choiceId.language('ti'))) return 'language-picker';
  if (said('didyoumean')) return 'did-you-mean';
  if (said('nomatch')) return 'no-match';
  return state.onTopic ? `topic ${state.topic}` : 'something else';
}

describe('matcher probes', () => {
  it('are read from every file, and there are some for every language that has them', () => {
    expect(files).toEqual(expect.arrayContaining(['ar.json', 'es.json', 'fa.json', 'ps.json', 'pt-BR.json', 'ti.json', 'review.json', 'who-writes.json']));
    const locales = new Set([...probes.values()].flat().map((p) => p.locale));
    expect([...locales].sort()).toEqual([...LOCALES].sort());
  });

  for (const [file, list] of probes) {
    describe(file, () => {
      it.each(list.map((p) => [p.locale, p.text, p] as const))('%s: «%s»', (_, __, probe) => {
        const { result, state } = typeIn(probe);
        const { topic, branch, urgent, screen } = probe.expect;
        const shown = state.onTopic ? state.topic : undefined;
        if (topic !== undefined) expect(shown, 'topic').toBe(topic);
        if (branch !== undefined) {
          const menu = shown === undefined ? undefined : content.branches.get(shown);
          const audience = menu && firstLevel.includes(menu) ? content.topics.get(menu)!.audience : undefined;
          expect(audience, `branch (topic shown: ${shown})`).toBe(branch);
        }
        if (urgent !== undefined) expect(result.handoff?.urgent ?? false, 'urgent').toBe(urgent);
        if (screen !== undefined) expect(screenOf(probe, result, state), 'screen').toBe(screen);
        expect(result.locale).toBe(probe.locale);
      });
    });
  }
});
