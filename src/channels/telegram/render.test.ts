import { describe, expect, it } from 'vitest';
import type { Choice, OutboxPayload } from '../../core/messages.js';
import { CallbackDataTooLongError } from './to-inbound.js';
import { PLATFORM_LIMITS } from '../../core/limits.js';
import { layoutRows, renderTelegram, TelegramRenderError } from './render.js';

const TELEGRAM_TEXT_LIMIT = PLATFORM_LIMITS.telegram.text;

const text = (t: string, direction: 'ltr' | 'rtl' = 'ltr'): OutboxPayload => ({
  message: { kind: 'text', text: t },
  locale: direction === 'rtl' ? 'ar' : 'fr',
  direction,
});
const choices = (t: string, list: Choice[], direction: 'ltr' | 'rtl' = 'ltr'): OutboxPayload => ({
  message: { kind: 'choices', text: t, choices: list },
  locale: direction === 'rtl' ? 'ar' : 'fr',
  direction,
});
const labels = (rows: Array<Array<{ text: string }>>) => rows.map((row) => row.map((b) => b.text));
const bytes = (s: string) => new TextEncoder().encode(s).length;

describe('renderTelegram', () => {
  it('sends a short text as one plain-text message', () => {
    expect(renderTelegram(text('Bonjour.'))).toEqual([{ text: 'Bonjour.' }]);
  });

  it('sends markup characters as they are, with no parse mode to trip over', () => {
    const raw = 'Article L. 341-1 <CESEDA> & *48 h* _jour franc_ [1] `code` \\ #tag';
    const [part] = renderTelegram(text(raw));
    expect(part).toEqual({ text: raw });
    expect(part).not.toHaveProperty('parse_mode');
  });

  it('renders right-to-left text untouched, keyboard included', () => {
    const payload = choices(
      'اختر موضوعاً:',
      [
        { id: 'topic.zone', label: 'منطقة الانتظار' },
        { id: 'lang', label: 'اللغة' },
      ],
      'rtl',
    );
    const [part] = renderTelegram(payload);
    expect(part?.text).toBe('اختر موضوعاً:');
    expect(part?.reply_markup?.inline_keyboard).toEqual([
      [
        { text: 'منطقة الانتظار', callback_data: 'c:topic.zone' },
        { text: 'اللغة', callback_data: 'c:lang' },
      ],
    ]);
  });

  it('lays out buttons by label length, in order, and never cuts a label', () => {
    const list: Choice[] = [
      { id: 'a', label: 'Oui' },
      { id: 'b', label: 'Non' },
      { id: 'c', label: '?' },
      { id: 'd', label: 'Zone d’attente' },
      { id: 'e', label: 'Frontière' },
      { id: 'f', label: 'Parler à un·e bénévole maintenant' },
      { id: 'g', label: 'Menu' },
      { id: 'h', label: 'Langue' },
    ];
    const [part] = renderTelegram(choices('Que voulez-vous savoir ?', list));
    const rows = part!.reply_markup!.inline_keyboard;
    expect(labels(rows)).toEqual([
      ['Oui', 'Non', '?'],
      ['Zone d’attente', 'Frontière'],
      ['Parler à un·e bénévole maintenant'],
      ['Menu', 'Langue'],
    ]);
    // Every label whole, every choice once, in the engine's order.
    expect(rows.flat().map((b) => b.text)).toEqual(list.map((c) => c.label));
  });

  it('counts what a reader sees (graphemes), not code units, to size a row', () => {
    // Flags are 4 code units each: six of them still make a very short label.
    expect(layoutRows(['🇫🇷🇮🇹🇪🇸🇵🇹🇦🇫🇪🇷', 'OK', 'Non'])).toEqual([[0, 1, 2]]);
    expect(layoutRows([])).toEqual([]);
    // Bidi isolates around a label take no room on screen.
    expect(layoutRows(['\u2068مرحبا\u2069', '\u2068نعم\u2069', 'OK'])).toEqual([[0, 1, 2]]);
    expect(layoutRows(['A very long label that is alone', 'B'])).toEqual([[0], [1]]);
  });

  it('puts a short key in callback_data, never the label, within 64 bytes', () => {
    const list: Choice[] = [
      { id: 'topic.waiting-zone.rights.interpreter', label: 'Droit à un interprète et à un médecin' },
      { id: 'x'.repeat(48), label: 'Limite' },
    ];
    const [part] = renderTelegram(choices('Choisissez :', list));
    for (const button of part!.reply_markup!.inline_keyboard.flat()) {
      const data = (button as { callback_data: string }).callback_data;
      expect(bytes(data)).toBeLessThanOrEqual(64);
      expect(data.startsWith('c:')).toBe(true);
      expect(data).not.toContain(button.text);
    }
  });

  it('refuses a choice id too long for callback_data rather than sending a broken button', () => {
    expect(() => renderTelegram(choices('?', [{ id: 'é'.repeat(32), label: 'x' }]))).toThrow(CallbackDataTooLongError);
  });

  it('puts choice descriptions in the text, since a button only has a label', () => {
    const [part] = renderTelegram(
      choices('Où êtes-vous ?', [
        { id: 'zone', label: 'Aéroport', description: 'en zone d’attente' },
        { id: 'border', label: 'Frontière' },
      ]),
    );
    expect(part?.text).toBe('Où êtes-vous ?\n\n• Aéroport — en zone d’attente');
  });

  it('refuses an empty message (Telegram would answer 400)', () => {
    expect(() => renderTelegram(text('  \n'))).toThrow(TelegramRenderError);
  });

  it('splits a long message at paragraph boundaries and puts the keyboard on the last part', () => {
    const paragraph = (n: number) => `${n}. ${'Le juge des libertés et de la détention statue. '.repeat(20).trim()}`;
    const body = Array.from({ length: 8 }, (_, i) => paragraph(i + 1)).join('\n\n');
    expect(body.length).toBeGreaterThan(TELEGRAM_TEXT_LIMIT);

    const parts = renderTelegram(choices(body, [{ id: 'menu', label: 'Menu' }]));
    expect(parts.length).toBe(2);
    for (const part of parts) {
      expect(part.text.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
      // Each part starts with a paragraph's number and ends with its full stop.
      expect(part.text).toMatch(/^\d+\. /);
      expect(part.text.endsWith('statue.')).toBe(true);
    }
    expect(parts.map((p) => p.text).join('\n\n')).toBe(body);
    expect(parts[0]).not.toHaveProperty('reply_markup');
    expect(parts[1]?.reply_markup?.inline_keyboard).toEqual([[{ text: 'Menu', callback_data: 'c:menu' }]]);
  });
});
