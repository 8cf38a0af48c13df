import { codePointLength, PLATFORM_LIMITS } from '../../core/limits.js';
import type { LocaleCode } from '../../core/locales.js';
import type { Choice, OutboxPayload } from '../../core/messages.js';
import { splitText } from '../split-text.js';
import { checkMessageContent, type WhatsAppMessageContent } from './client.js';

const L = PLATFORM_LIMITS.whatsapp;

/**
 * Turns a neutral outbox payload into WhatsApp message bodies, within WhatsApp's limits:
 * - text longer than 4096 characters is split at paragraph boundaries (then lines, then words);
 * - 1–3 choices become reply buttons, 4–10 a list (button text and section title from the content);
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

export function renderWhatsApp(payload: OutboxPayload, listWords: ListWords): RenderResult {
  const { message } = payload;
  const drafts: unknown[] = [];

  if (message.kind === 'text' || message.choices.length === 0) {
    const chunks = splitText(message.text, L.textBody, codePointLength);
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
    if (codePointLength(c.id) > idMax) return `choice "${c.id}": its id is longer than ${idMax} characters`;
    if (!c.label.trim()) return `choice "${c.id}" has an empty label`;
    const n = codePointLength(c.label);
    if (n > titleMax) {
      return `choice "${c.id}": label is ${n} characters, WhatsApp ${where} allow ${titleMax} (content:check should catch this)`;
    }
    if (as === 'row' && c.description && codePointLength(c.description) > L.rowDescription) {
      return `choice "${c.id}": description is ${codePointLength(c.description)} characters, WhatsApp allows ${L.rowDescription}`;
    }
  }
  if (new Set(choices.map((c) => c.id)).size !== choices.length) return 'two choices share an id';
  if (as === 'button' && new Set(choices.map((c) => c.label)).size !== choices.length) {
    return 'two reply buttons share a label (WhatsApp needs them unique)';
  }
  return undefined;
}

/**
 * The text of a message with choices: the last whole paragraphs that fit (≤ 1024 characters) become
 * the interactive body; whatever comes before goes out first as text messages (each ≤ 4096). Only a
 * last paragraph too long on its own is split inside.
 */
export function splitForInteractive(text: string): { leading: string[]; body: string | undefined } {
  const trimmed = text.trim();
  if (codePointLength(trimmed) <= L.interactiveBody) return { leading: [], body: trimmed || undefined };
  const paragraphs = trimmed.split(/\n[ \t]*\n/);
  let taken = 0;
  while (taken < paragraphs.length && codePointLength(paragraphs.slice(-(taken + 1)).join('\n\n')) <= L.interactiveBody) taken++;
  if (taken === 0) {
    const body = splitText(paragraphs.at(-1)!, L.interactiveBody, codePointLength).at(-1)!;
    const before = trimmed.slice(0, trimmed.lastIndexOf(body));
    return { leading: splitText(before, L.textBody, codePointLength), body };
  }
  const before = paragraphs.slice(0, -taken).join('\n\n');
  return { leading: splitText(before, L.textBody, codePointLength), body: paragraphs.slice(-taken).join('\n\n') };
}

function invalid(reason: string): RenderResult {
  return { status: 'invalid', reason: `cannot render for WhatsApp: ${reason}` };
}
