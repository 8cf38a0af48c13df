import { describe, expect, it } from 'vitest';
import { codePointLength, utf16Length } from '../core/limits.js';
import { splitText } from './split-text.js';

const units = (text: string, limit: number) => splitText(text, limit, utf16Length);

describe('splitText', () => {
  it('keeps text within the limit as one part', () => {
    expect(units('a\n\nb', 10)).toEqual(['a\n\nb']);
    expect(units('   ', 10)).toEqual([]);
  });

  it('prefers a paragraph break, then a line break, then a space', () => {
    expect(units('aaaa bbbb\ncccc\n\ndddd', 16)).toEqual(['aaaa bbbb\ncccc', 'dddd']);
    expect(units('aaaa bbbb\ncccc dddd', 16)).toEqual(['aaaa bbbb', 'cccc dddd']);
    expect(units('aaaa bbbb cccc dddd', 16)).toEqual(['aaaa bbbb cccc', 'dddd']);
  });

  it('cuts inside a word only when a word is longer than the limit, never inside an emoji', () => {
    expect(units('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
    const emoji = '🙂'.repeat(6); // 12 code units
    const parts = units(emoji, 5);
    expect(parts.join('')).toBe(emoji);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(5);
    for (const part of parts) expect(part).toMatch(/^(🙂)+$/u);
  });

  it('measures as the platform does: an emoji is two units for Telegram, one character for WhatsApp', () => {
    const emoji = '🙂'.repeat(6);
    expect(units(emoji, 6)).toEqual(['🙂🙂🙂', '🙂🙂🙂']);
    expect(splitText(emoji, 6, codePointLength)).toEqual([emoji]);
    // Arabic letters are one unit either way.
    expect(splitText('مرحبا '.repeat(4).trim(), 12, codePointLength)).toEqual(['مرحبا مرحبا', 'مرحبا مرحبا']);
  });

  it('splits a very long message into parts that all fit, losing no word', () => {
    const words = Array.from({ length: 3000 }, (_, i) => `mot${i}`);
    const parts = units(words.join(' '), 4096);
    expect(parts.length).toBeGreaterThan(4);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(4096);
    expect(parts.join(' ').split(' ')).toEqual(words);
  });
});
