import { describe, expect, it } from 'vitest';
import { loadContent, SHIPPED_FILES } from '../content/index.js';
import type { TopicsFile } from '../content/schema.js';
import { entryPayload } from '../content/leaflet-texts.js';
import type { InboundBody, LanguageHints } from '../core/messages.js';
import { LOCALES, type LocaleCode } from '../core/locales.js';
import { step, type ConversationState, type StepResult } from './index.js';

/**
 * Leaflets' entry points in the engine: a WhatsApp message prefilled by a leaflet's QR code opens the
 * entry point like Telegram's `/start alias--locale`, and the step reports the entry once per conversation.
 */
const content = loadContent();
const NOW = new Date('2026-11-28T10:00:00Z');

function whatsapp(hints: LanguageHints = { phoneNumber: '33612345678' }) {
  let state: ConversationState | null = null;
  let n = 0;
  const send = (body: InboundBody): StepResult => {
    const result = step(
      state,
      { channel: 'whatsapp', externalId: `wamid.${++n}`, personKey: '33612345678', receivedAt: NOW, hints, body },
      { content, association: {}, channel: 'whatsapp', now: NOW },
    );
    state = JSON.parse(JSON.stringify(result.state)) as ConversationState;
    return result;
  };
  return { send, text: (text: string) => send({ kind: 'text', text }), get state() { return state!; } };
}

const prefilled = (alias: string, locale: LocaleCode) => content.translation(locale, 'leaflet.whatsapp.text', { code: entryPayload(alias, locale) });
const bodyOf = (topic: string, locale: LocaleCode) => content.text(locale, content.topics.get(topic)!.body[0]!);
const texts = (r: StepResult) => r.outbound.map((m) => m.text);

describe('a leaflet’s prefilled WhatsApp message', () => {
  it('opens its entry point in its language, whatever the phone number suggests, and counts it once', () => {
    const c = whatsapp();
    const r = c.text(prefilled('frontiere-italie', 'ar'));
    expect(r.locale).toBe('ar');
    expect(c.state.topic).toBe('border');
    expect(texts(r)).toContain(bodyOf('border', 'ar'));
    expect(r.entry).toBe('frontiere-italie');
    // A second leaflet later: its topic opens, the arrival was already counted.
    const again = c.text(prefilled('violences', 'ar'));
    expect(c.state.topic).toBe('violence');
    expect(again.entry).toBeUndefined();
  });

  it('every entry point in every locale', () => {
    for (const alias of (SHIPPED_FILES.topics as TopicsFile).leaflets) {
      for (const locale of LOCALES) {
        const c = whatsapp();
        const r = c.text(prefilled(alias, locale));
        expect([r.locale, c.state.topic, r.entry], `${alias} ${locale}`).toEqual([locale, content.aliases.get(alias), alias]);
      }
    }
  });

  it('after WhatsApp’s welcome request, the prefilled message still opens the entry point and is counted', () => {
    const c = whatsapp({ phoneNumber: '93700000000' }); // Afghanistan: Dari or Pashto, the bot asks
    const first = c.send({ kind: 'start' });
    expect(first.entry).toBeUndefined();
    const r = c.text(prefilled('asile', 'ps'));
    expect(r.locale).toBe('ps');
    expect(c.state.topic).toBe('h-asylum');
    expect(r.entry).toBe('asile');
  });

  it('survives an edited greeting; without its code, the words are read as usual', () => {
    const c = whatsapp();
    c.text('mon frère est bloqué à Roissy, aidez moi (zone-attente--fr)');
    expect(c.state.topic).toBe('r-zone');
    const d = whatsapp();
    const r = d.text('bonjour relais (nulle-part--fr)');
    expect(r.entry).toBeUndefined();
    expect(d.state.topic).not.toBe('r-zone');
  });

  it('a deadline typed beside the code alerts a volunteer at once and still opens the entry point', () => {
    const c = whatsapp();
    const r = c.text('Bonjour Relais (zone-attente--fr) son vol est demain');
    expect(r.handoff).toMatchObject({ urgent: true, reason: 'urgent-deadline', topicId: 'r-zone' });
    expect(c.state.topic).toBe('r-zone');
  });

  it('Telegram’s start payload reports its entry point too; a language alone is no entry point', () => {
    const t = whatsapp();
    expect(t.send({ kind: 'start', payload: 'zone-attente--en' }).entry).toBe('zone-attente');
    expect(whatsapp().send({ kind: 'start', payload: 'ar' }).entry).toBeUndefined();
  });
});
