import { describe, expect, it } from 'vitest';
import { LOCALES } from '../core/locales.js';
import { formatDay, formatDayAndTime, formatList, formatTime } from './intl.js';

// 08:00 UTC on a winter Monday is 09:00 in Paris; 07:00 UTC in summer is 09:00 too.
const winter = new Date('2026-12-07T08:00:00Z');
const summer = new Date('2027-06-14T07:00:00Z');

describe('dates and lists per locale, in Paris time', () => {
  it('writes the day and time as a French reader expects', () => {
    expect(formatDayAndTime('fr', winter)).toBe('lundi 7 décembre à 09:00');
    expect(formatTime('fr', summer)).toBe('09:00');
    expect(formatDay('es', winter)).toBe('lunes, 7 de diciembre');
    expect(formatList('fr', ['lundi', 'mardi', 'mercredi'])).toBe('lundi, mardi et mercredi');
  });

  it('uses the Gregorian calendar and ASCII digits in every locale, so dates match French documents', () => {
    for (const locale of LOCALES) {
      const text = formatDayAndTime(locale, winter);
      expect(text, locale).toContain('7');
      expect(text, locale).toMatch(/09/);
      expect(text, locale).not.toMatch(/[\u0660-\u0669\u06f0-\u06f9]/);
    }
    // Persian and Pashto would otherwise say "16 Azar".
    expect(formatDay('fa', winter)).toContain('دسامبر');
  });
});
