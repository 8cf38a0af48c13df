import type { Update } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { telegramUpdates as u, type MediaKind } from '../../../test/support/fake-telegram-api.js';
import {
  CallbackDataTooLongError,
  decodeChoiceData,
  encodeChoiceData,
  toInbound,
} from './to-inbound.js';

const at = new Date('2026-11-28T08:00:00Z');
/** The neutral message, or `null` when the update is skipped (each skip carries a reason). */
const inbound = (update: unknown) => {
  const result = toInbound(update as Update, at);
  if (result.status === 'skipped') expect(result.reason).not.toBe('');
  return result.status === 'message' ? result.message : null;
};

describe('toInbound', () => {
  it('turns private text into text, with the language hint and the ids as strings', () => {
    expect(inbound(u.text(500, 4242, 'Mon frère est bloqué à Roissy', 'fr'))).toEqual({
      channel: 'telegram',
      externalId: '500',
      personKey: '4242',
      receivedAt: at,
      hints: { languageCode: 'fr' },
      body: { kind: 'text', text: 'Mon frère est bloqué à Roissy' },
    });
  });

  it('leaves the hint out when Telegram gives no language', () => {
    expect(inbound(u.text(1, 7, 'hello'))).not.toHaveProperty('hints');
  });

  it('keeps right-to-left text as it came', () => {
    expect(inbound(u.text(2, 7, 'أخي محتجز في المطار', 'ar'))?.body).toEqual({
      kind: 'text',
      text: 'أخي محتجز في المطار',
    });
  });

  it('reads /start with and without a deep-link payload', () => {
    expect(inbound(u.text(3, 7, '/start zone-attente', 'fr'))?.body).toEqual({ kind: 'start', payload: 'zone-attente' });
    expect(inbound(u.text(4, 7, '/start frontiere-italie'))?.body).toEqual({
      kind: 'start',
      payload: 'frontiere-italie',
    });
    expect(inbound(u.text(5, 7, '/start'))?.body).toEqual({ kind: 'start' });
    expect(inbound(u.text(6, 7, '/start@RelaisTestBot zone-attente'))?.body).toEqual({
      kind: 'start',
      payload: 'zone-attente',
    });
    // Not a payload Telegram could have put in a link: a plain start.
    expect(inbound(u.text(7, 7, '/start hello there!'))?.body).toEqual({ kind: 'start' });
  });

  it('maps platform commands (and their French aliases) onto neutral commands', () => {
    const commands: Array<[string, string]> = [
      ['/menu', 'menu'],
      ['/language', 'language'],
      ['/langue', 'language'],
      ['/help', 'about'],
      ['/aide', 'about'],
      ['/about', 'about'],
      ['/volunteer', 'volunteer'],
      ['/benevole', 'volunteer'],
      ['/back', 'back'],
      ['/retour', 'back'],
      ['/erase', 'erase'],
      ['/effacer', 'erase'],
      ['/MENU@RelaisTestBot', 'menu'],
    ];
    for (const [text, command] of commands) {
      expect(inbound(u.text(10, 7, text))?.body, text).toEqual({ kind: 'command', command });
    }
  });

  it('passes an unknown command on as text for the engine', () => {
    expect(inbound(u.text(11, 7, '/weather'))?.body).toEqual({ kind: 'text', text: '/weather' });
  });

  it('decodes a tapped choice from its short key, with the person from the chat', () => {
    expect(inbound(u.callback(12, 4242, 'c:topic.waiting-zone', 1000, 'ar'))).toEqual({
      channel: 'telegram',
      externalId: '12',
      personKey: '4242',
      receivedAt: at,
      hints: { languageCode: 'ar' },
      body: { kind: 'choice', id: 'topic.waiting-zone' },
    });
  });

  it('ignores callback data that is not one of our keys (it is still answered by the channel)', () => {
    expect(inbound(u.callback(13, 7, 'something-else'))).toBeNull();
    expect(inbound(u.callback(14, 7, 'c:'))).toBeNull();
  });

  const media: Array<[MediaKind, string]> = [
    ['photo', 'image'],
    ['voice', 'audio'],
    ['audio', 'audio'],
    ['video', 'video'],
    ['video_note', 'video'],
    ['animation', 'video'],
    ['sticker', 'sticker'],
    ['document', 'document'],
    ['location', 'location'],
    ['venue', 'location'],
    ['contact', 'contacts'],
    ['poll', 'other'],
  ];
  it.each(media)('says a %s is unsupported (%s)', (kind, what) => {
    const result = inbound(u.media(20, 7, kind, 'es'));
    expect(result?.body).toEqual({ kind: 'unsupported', what });
    expect(result?.hints).toEqual({ languageCode: 'es' });
  });

  it('ignores groups, supergroups, channels, edits, membership changes and service messages', () => {
    expect(inbound(u.groupText(30, -1001234567890, 7, 'hello', 'supergroup'))).toBeNull();
    expect(toInbound(u.groupText(30, -1001234567890, 7, 'hello', 'supergroup') as Update, at)).toEqual({
      status: 'skipped',
      reason: 'a message in a supergroup chat',
    });
    expect(inbound(u.groupText(31, -4567, 7, '/start', 'group'))).toBeNull();
    expect(inbound(u.channelPost(32, -1009876, 'news'))).toBeNull();
    expect(inbound(u.myChatMember(33, 7, 'kicked'))).toBeNull();
    const edited = u.text(34, 7, 'fixed typo');
    expect(inbound({ update_id: 34, edited_message: { ...edited.message, edit_date: 1_764_316_900 } })).toBeNull();
    expect(inbound(u.message(35, 7, { pinned_message: { message_id: 1, date: 0, chat: u.privateChat(7) } }))).toBeNull();
    expect(inbound(u.text(36, 7, '   '))).toBeNull();
  });

  it('ignores a button under a group message', () => {
    const update = u.callback(40, 7, 'c:menu');
    update.callback_query.message.chat = { id: -100123, title: 'Volunteers', type: 'supergroup' } as never;
    expect(inbound(update)).toBeNull();
  });
});

describe('choice keys', () => {
  it('round-trips a choice id through callback_data', () => {
    expect(decodeChoiceData(encodeChoiceData('lang.pt-BR'))).toBe('lang.pt-BR');
    expect(decodeChoiceData(undefined)).toBeNull();
  });

  it('refuses an id that would not fit in 64 bytes (counting bytes, not characters)', () => {
    expect(encodeChoiceData('x'.repeat(62))).toHaveLength(64);
    expect(() => encodeChoiceData('x'.repeat(63))).toThrow(CallbackDataTooLongError);
    // 32 Arabic letters are 32 characters but 64 bytes in UTF-8: with the prefix, too long.
    expect(() => encodeChoiceData('ع'.repeat(32))).toThrow(CallbackDataTooLongError);
    expect(encodeChoiceData('ع'.repeat(31))).toBe(`c:${'ع'.repeat(31)}`);
  });
});
