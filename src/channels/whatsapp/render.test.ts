import { describe, expect, it } from 'vitest';
import { type Choice, type OutboxPayload } from '../../core/messages.js';
import { codePointLength, PLATFORM_LIMITS } from '../../core/limits.js';
import { loadContent } from '../../content/index.js';
import { splitText } from '../split-text.js';
import type { WhatsAppMessageContent } from './client.js';
import { renderWhatsApp as render, type ListWords } from './render.js';

const content = loadContent();
/** The list words the app gives the renderer: the content's own, translated with the rest. */
const listWords: ListWords = (locale) => ({ button: content.text(locale, 'list.button'), section: content.text(locale, 'list.section') });
const renderWhatsApp = (payload: OutboxPayload, words: ListWords = listWords) => render(payload, words);

const fr = (message: OutboxPayload['message']): OutboxPayload => ({ message, locale: 'fr', direction: 'ltr' });
const ar = (message: OutboxPayload['message']): OutboxPayload => ({ message, locale: 'ar', direction: 'rtl' });
const choices = (n: number, label = (i: number) => `Option ${i}`): Choice[] =>
  Array.from({ length: n }, (_, i) => ({ id: `c${i}`, label: label(i) }));

function ok(result: ReturnType<typeof render>): WhatsAppMessageContent[] {
  if (result.status !== 'ok') throw new Error(result.reason);
  return result.messages;
}

describe('renderWhatsApp', () => {
  it('renders a short text as one text message', () => {
    expect(ok(renderWhatsApp(fr({ kind: 'text', text: "J'ai été refoulé à Menton" })))).toEqual([
      { type: 'text', text: { body: "J'ai été refoulé à Menton" } },
    ]);
  });

  it('splits a long text over 4096 at paragraph boundaries, losing nothing', () => {
    const paragraph = (i: number) => `Paragraphe ${i}. ` + 'Vous avez le droit de demander un interprète. '.repeat(30);
    const paragraphs = Array.from({ length: 8 }, (_, i) => paragraph(i).trim());
    const text = paragraphs.join('\n\n');
    expect(text.length).toBeGreaterThan(8000);
    const messages = ok(renderWhatsApp(fr({ kind: 'text', text })));
    expect(messages.length).toBeGreaterThanOrEqual(3);
    const bodies = messages.map((m) => (m.type === 'text' ? m.text.body : ''));
    for (const body of bodies) expect(codePointLength(body)).toBeLessThanOrEqual(4096);
    // Cut only between paragraphs: every chunk is whole paragraphs, and together they are the text.
    expect(bodies.join('\n\n')).toBe(text);
    for (const body of bodies) expect(body.startsWith('Paragraphe')).toBe(true);
  });

  it('splits a single huge paragraph at lines, then words', () => {
    const words = Array.from({ length: 2000 }, (_, i) => `mot${i}`).join(' ');
    const chunks = splitText(words, 4096, codePointLength);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(codePointLength(c)).toBeLessThanOrEqual(4096);
    expect(chunks.join(' ')).toBe(words);
    expect(splitText('a'.repeat(10), 4, codePointLength)).toEqual(['aaaa', 'aaaa', 'aa']);
    expect(splitText('   ', 10, codePointLength)).toEqual([]);
  });

  it('uses reply buttons for 1 to 3 choices', () => {
    for (const n of [1, 2, 3]) {
      const [message] = ok(renderWhatsApp(fr({ kind: 'choices', text: 'Que voulez-vous savoir ?', choices: choices(n) })));
      expect(message).toMatchObject({ type: 'interactive', interactive: { type: 'button', body: { text: 'Que voulez-vous savoir ?' } } });
      if (message?.type !== 'interactive' || message.interactive.type !== 'button') throw new Error('not buttons');
      expect(message.interactive.action.buttons.map((b) => b.reply)).toEqual(choices(n).map((c) => ({ id: c.id, title: c.label })));
    }
  });

  it('uses a list for 4 to 10 choices, with the locale’s button and section words', () => {
    for (const n of [4, 7, 10]) {
      const [message] = ok(
        renderWhatsApp(fr({ kind: 'choices', text: 'Choisissez', choices: choices(n).map((c) => ({ ...c, description: 'Détail' })) })),
      );
      if (message?.type !== 'interactive' || message.interactive.type !== 'list') throw new Error('not a list');
      expect(message.interactive.action.button).toBe(content.text('fr', 'list.button'));
      expect(message.interactive.action.sections).toHaveLength(1);
      expect(message.interactive.action.sections[0]!.title).toBe(content.text('fr', 'list.section'));
      expect(message.interactive.action.sections[0]!.rows).toHaveLength(n);
      expect(message.interactive.action.sections[0]!.rows[0]).toEqual({ id: 'c0', title: 'Option 0', description: 'Détail' });
    }
  });

  it('takes the list words from the caller when given (e.g. the content’s own)', () => {
    const [message] = ok(renderWhatsApp(fr({ kind: 'choices', text: 'Q', choices: choices(4) }), () => ({ button: 'Voir', section: 'Sujets' })));
    expect(message).toMatchObject({ interactive: { action: { button: 'Voir', sections: [{ title: 'Sujets' }] } } });
  });

  it('renders right-to-left text unchanged (Arabic list with Arabic words)', () => {
    const text = 'ما الذي تريد معرفته؟';
    const labels = ['منطقة الانتظار', 'رفض الدخول', 'طلب اللجوء', 'التحدث إلى متطوع'];
    const [message] = ok(renderWhatsApp(ar({ kind: 'choices', text, choices: choices(4, (i) => labels[i]!) })));
    if (message?.type !== 'interactive' || message.interactive.type !== 'list') throw new Error('not a list');
    expect(message.interactive.body.text).toBe(text);
    expect(message.interactive.action.button).toBe(content.text('ar', 'list.button'));
    expect(message.interactive.action.sections[0]!.rows.map((r) => r.title)).toEqual(labels);
  });

  it('sends the leading paragraphs as text when the body is over 1024, keeping the last ones with the buttons', () => {
    const intro = 'Introduction. ' + 'Texte juridique détaillé. '.repeat(60);
    const question = 'Que voulez-vous faire ?';
    const messages = ok(renderWhatsApp(fr({ kind: 'choices', text: `${intro.trim()}\n\n${question}`, choices: choices(2) })));
    expect(messages).toHaveLength(2);
    expect(messages[0]).toEqual({ type: 'text', text: { body: intro.trim() } });
    expect(messages[1]).toMatchObject({ type: 'interactive', interactive: { body: { text: question } } });
  });

  it('fails with a clear reason, never truncating, when a label does not fit', () => {
    const longButton = renderWhatsApp(fr({ kind: 'choices', text: 'Q', choices: [{ id: 'x', label: 'Un libellé de plus de vingt' }] }));
    expect(longButton).toEqual({ status: 'invalid', reason: expect.stringMatching(/choice "x": label is 27 characters, WhatsApp reply buttons allow 20/) });

    const longRow = renderWhatsApp(fr({ kind: 'choices', text: 'Q', choices: choices(5, (i) => (i === 3 ? 'x'.repeat(25) : `Option ${i}`)) }));
    expect(longRow).toMatchObject({ status: 'invalid', reason: expect.stringMatching(/list rows allow 24/) });

    const longDescription = renderWhatsApp(
      fr({ kind: 'choices', text: 'Q', choices: choices(4).map((c) => ({ ...c, description: 'd'.repeat(73) })) }),
    );
    expect(longDescription).toMatchObject({ status: 'invalid', reason: expect.stringMatching(/description is 73 characters/) });

    expect(renderWhatsApp(fr({ kind: 'choices', text: 'Q', choices: choices(11) }))).toMatchObject({
      status: 'invalid',
      reason: expect.stringMatching(/11 choices/),
    });
    expect(renderWhatsApp(fr({ kind: 'choices', text: 'Q', choices: [{ id: 'a', label: 'Oui' }, { id: 'b', label: 'Oui' }] }))).toMatchObject({
      status: 'invalid',
      reason: expect.stringMatching(/unique/),
    });
    expect(renderWhatsApp(fr({ kind: 'choices', text: ' ', choices: choices(2) }))).toMatchObject({ status: 'invalid' });
    expect(renderWhatsApp(fr({ kind: 'text', text: '' }))).toMatchObject({ status: 'invalid' });
  });

  it('labels at exactly the limits pass (20 for buttons, 24 and 72 for lists)', () => {
    expect(renderWhatsApp(fr({ kind: 'choices', text: 'Q', choices: [{ id: 'a', label: 'é'.repeat(20) }] })).status).toBe('ok');
    expect(
      renderWhatsApp(fr({ kind: 'choices', text: 'Q', choices: choices(4, () => '').map((c, i) => ({ ...c, label: `${i}`.repeat(24), description: 'd'.repeat(72) })) })).status,
    ).toBe('ok');
  });
});
