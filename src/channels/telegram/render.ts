import { InlineKeyboard } from 'grammy';
import type { InlineKeyboardMarkup, ParseMode } from 'grammy/types';
import { PLATFORM_LIMITS, utf16Length } from '../../core/limits.js';
import type { Choice, OutboxPayload } from '../../core/messages.js';
import { splitText } from '../split-text.js';
import { encodeChoiceData } from './to-inbound.js';

/**
 * Neutral outbound message → Telegram `sendMessage` calls, within Telegram's limits.
 * Pure: the sender does the network.
 *
 * Text is sent without a parse mode: the content is plain text written by the legal team, and
 * sending it as plain text means no character (`*`, `_`, `<`, `&`) can break a message or be
 * mistaken for markup, in any script. Telegram still links URLs and phone numbers by itself.
 */


/** One `sendMessage` call. */
export interface TelegramPart {
  text: string;
  reply_markup?: InlineKeyboardMarkup;
  parse_mode?: ParseMode;
}

/** A payload that cannot become a Telegram message (the outbox fails the row with the reason). */
export class TelegramRenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TelegramRenderError';
  }
}

/**
 * Renders an outbox payload. Long text is split (paragraph, then line, then word boundaries);
 * choices become an inline keyboard on the last part. Right-to-left text needs nothing more: the
 * Telegram apps lay each message out from the characters it carries.
 */
export function renderTelegram(payload: OutboxPayload): TelegramPart[] {
  const message = payload.message;
  const text = message.kind === 'choices' ? withDescriptions(message.text, message.choices) : message.text;
  if (text.trim() === '') throw new TelegramRenderError('the message text is empty');

  const parts: TelegramPart[] = splitText(text, PLATFORM_LIMITS.telegram.text, utf16Length).map((chunk) => ({ text: chunk }));
  if (message.kind === 'choices' && message.choices.length > 0) {
    parts[parts.length - 1]!.reply_markup = choicesKeyboard(message.choices);
  }
  return parts;
}

/** Buttons carry only a label; a choice's description goes in the text, one line per choice. */
function withDescriptions(text: string, choices: Choice[]): string {
  const described = choices.filter((c) => c.description);
  if (described.length === 0) return text;
  return `${text}\n\n${described.map((c) => `• ${c.label} — ${c.description}`).join('\n')}`;
}

/**
 * Choices → an inline keyboard. `callback_data` is a short key (`c:` + the choice id), never text.
 * Labels are never cut: rows are laid out by label length so a phone shows each label whole.
 */
export function choicesKeyboard(choices: Choice[]): InlineKeyboardMarkup {
  const rows = layoutRows(choices.map((c) => c.label)).map((row) =>
    row.map((index) => InlineKeyboard.text(choices[index]!.label, encodeChoiceData(choices[index]!.id))),
  );
  // A plain object, so the payload is the same whether grammY or a test serialises it.
  return { inline_keyboard: InlineKeyboard.from(rows).inline_keyboard };
}

/**
 * How many buttons may share a row with a label this wide: very short labels (yes / no, a number)
 * three to a row, short ones two, long ones alone. A row holds as many as its widest label allows.
 */
function rowCapacity(label: string): number {
  const width = graphemeCount(label);
  if (width <= 6) return 3;
  if (width <= 16) return 2;
  return 1;
}

/** Lays labels out in rows, keeping their order. Returns rows of indexes into `labels`. */
export function layoutRows(labels: string[]): number[][] {
  const rows: number[][] = [];
  let row: number[] = [];
  let capacity = Infinity;
  labels.forEach((label, index) => {
    const own = rowCapacity(label);
    if (row.length > 0 && row.length < Math.min(capacity, own)) {
      row.push(index);
      capacity = Math.min(capacity, own);
      return;
    }
    if (row.length > 0) rows.push(row);
    row = [index];
    capacity = own;
  });
  if (row.length > 0) rows.push(row);
  return rows;
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Direction marks and isolates (the content wraps right-to-left values in them) take no room. */
const BIDI_CONTROLS = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

// Labels come from the content and repeat on every screen: count each once.
const widths = new Map<string, number>();

function graphemeCount(text: string): number {
  let count = widths.get(text);
  if (count !== undefined) return count;
  count = 0;
  for (const _ of segmenter.segment(text.replace(BIDI_CONTROLS, ''))) count++;
  if (widths.size < 10_000) widths.set(text, count);
  return count;
}
