import type { Choice, LocaleCode, OutboxPayload } from '../../conversation/messages.js';
import {
  WHATSAPP_LIMITS as L,
  checkMessageContent,
  whatsappLength,
  type WhatsAppMessageContent,
} from './client.js';
import { LIST_WORDS } from './words.js';

/**
 * Turns a neutral outbox payload into WhatsApp message bodies, within WhatsApp's limits:
 * - text longer than 4096 characters is split at paragraph boundaries (then lines, then words);
 * - 1–3 choices become reply buttons, 4–10 a list (button text and section title from `LIST_WORDS`);
 * - an interactive body holds at most 1024 characters: earlier paragraphs go out first as text
 *   messages and the last ones ride with the buttons — split, never cut.
 * A label that does not fit is not truncated: the result is `invalid` with a reason the outbox keeps
 * (content:check is meant to catch it before it ships).
 * Pure: no I/O, no clock.
 */
export type RenderResult =
  | { status: 'ok'; messages: WhatsAppMessageContent[] }
  | { status: 'invalid'; reason: string };

/** The words of a list in a locale: its button ("Choose") and its section title ("Options"). */
export type ListWords = (locale: LocaleCode) => { button: string; section: string };

/** The built-in table; the app may pass the content's own words instead (`list.button`, `list.section`). */
export const defaultListWords: ListWords = (locale) => LIST_WORDS[locale] ?? LIST_WORDS.en;

export function renderWhatsApp(payload: OutboxPayload, listWords: ListWords = defaultListWords): RenderResult {
  const { message } = payload;
  const drafts: unknown[] = [];

  if (message.kind === 'text' || message.choices.length === 0) {
    const chunks = splitText(message.text, L.textBody);
    if (chunks.length === 0) return invalid('the message has no text');
    for (const chunk of chunks) drafts.push({ type: 'text', text: { body: chunk } });
  } else {
    const { choices } = message;
    if (choices.length > L.listRows) {
      return invalid(`${choices.length} choices: WhatsApp lists hold at most ${L.listRows}`);
    }
    const problem = checkChoices(choices, choices.length <= L.buttons ? 'button' : 'row');
    if (problem) return invalid(problem);

    const { leading, body } = splitForInteractive(message.text);
    if (!body) return invalid('a message with choices needs a text');
    for (const chunk of leading) drafts.push({ type: 'text', text: { body: chunk } });

    if (choices.length <= L.buttons) {
      drafts.push({
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: body },
          action: { buttons: choices.map((c) => ({ type: 'reply', reply: { id: c.id, title: c.label } })) },
        },
      });
    } else {
      const words = listWords(payload.locale);
      drafts.push({
        type: 'interactive',
        interactive: {
          type: 'list',
          body: { text: body },
          action: {
            button: words.button,
            sections: [
              {
                title: words.section,
                rows: choices.map((c) => ({
                  id: c.id,
                  title: c.label,
                  ...(c.description ? { description: c.description } : {}),
                })),
              },
            ],
          },
        },
      });
    }
  }

  // The same schemas the client enforces: a body that passes here will not be refused there.
  const messages: WhatsAppMessageContent[] = [];
  for (const draft of drafts) {
    const checked = checkMessageContent(draft);
    if (!checked.success) return invalid(checked.reason);
    messages.push(checked.data);
  }
  return { status: 'ok', messages };
}

function checkChoices(choices: Choice[], as: 'button' | 'row'): string | undefined {
  const titleMax = as === 'button' ? L.buttonTitle : L.rowTitle;
  const idMax = as === 'button' ? L.buttonId : L.rowId;
  const where = as === 'button' ? 'reply buttons' : 'list rows';
  for (const c of choices) {
    if (!c.id.trim()) return 'a choice has an empty id';
    if (whatsappLength(c.id) > idMax) return `choice "${c.id}": its id is longer than ${idMax} characters`;
    if (!c.label.trim()) return `choice "${c.id}" has an empty label`;
    const n = whatsappLength(c.label);
    if (n > titleMax) {
      return `choice "${c.id}": label is ${n} characters, WhatsApp ${where} allow ${titleMax} (content:check should catch this)`;
    }
    if (as === 'row' && c.description && whatsappLength(c.description) > L.rowDescription) {
      return `choice "${c.id}": description is ${whatsappLength(c.description)} characters, WhatsApp allows ${L.rowDescription}`;
    }
  }
  if (new Set(choices.map((c) => c.id)).size !== choices.length) return 'two choices share an id';
  if (as === 'button' && new Set(choices.map((c) => c.label)).size !== choices.length) {
    return 'two reply buttons share a label (WhatsApp needs them unique)';
  }
  return undefined;
}

/**
 * The text of a message with choices: the last paragraphs (≤ 1024 characters) become the interactive
 * body; whatever comes before goes out first as text messages (each ≤ 4096).
 */
export function splitForInteractive(text: string): { leading: string[]; body: string | undefined } {
  const trimmed = text.trim();
  if (whatsappLength(trimmed) <= L.interactiveBody) return { leading: [], body: trimmed || undefined };
  const pieces = splitText(trimmed, L.interactiveBody);
  const body = pieces[pieces.length - 1];
  if (!body) return { leading: [], body: undefined };
  const before = trimmed.slice(0, trimmed.lastIndexOf(body));
  return { leading: splitText(before, L.textBody), body };
}

/**
 * Splits `text` into trimmed chunks of at most `max` characters, preferring paragraph breaks, then line
 * breaks, then spaces; only a single word longer than `max` is cut (between code points).
 */
export function splitText(text: string, max: number): string[] {
  const trimmed = text.trim();
  if (!trimmed) return [];
  if (whatsappLength(trimmed) <= max) return [trimmed];
  for (const separator of ['\n\n', '\n', ' ']) {
    const parts = trimmed.split(separator);
    if (parts.length > 1) return pack(parts, separator, max);
  }
  const points = [...trimmed];
  const out: string[] = [];
  for (let i = 0; i < points.length; i += max) out.push(points.slice(i, i + max).join(''));
  return out;
}

function pack(parts: string[], separator: string, max: number): string[] {
  const out: string[] = [];
  let current = '';
  const flush = () => {
    const t = current.trim();
    if (t) out.push(t);
    current = '';
  };
  for (const part of parts) {
    if (whatsappLength(part.trim()) > max) {
      flush();
      out.push(...splitText(part, max));
      continue;
    }
    const candidate = current ? current + separator + part : part;
    if (whatsappLength(candidate.trim()) <= max) current = candidate;
    else {
      flush();
      current = part;
    }
  }
  flush();
  return out;
}

function invalid(reason: string): RenderResult {
  return { status: 'invalid', reason: `cannot render for WhatsApp: ${reason}` };
}
