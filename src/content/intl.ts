import { createIntl, createIntlCache, type IntlShape } from '@formatjs/intl';
import type { LocaleCode } from '../core/locales.js';
import { TIME_ZONE } from '../core/time.js';

/**
 * Dates, times and lists in the reader's language, in French time (Europe/Paris): office hours
 * ("we are back Monday at 09:00"), a hearing date, a flight. One `IntlShape` per locale, built on
 * first use with a shared cache, so formatters are made once per process or isolate.
 *
 * Every locale uses the Gregorian calendar and ASCII digits: the dates a person must match are
 * those on French documents and boarding passes (Persian and Pashto would otherwise default to the
 * Solar Hijri calendar), and the content writes numbers in ASCII digits too.
 */

const cache = createIntlCache();
const shapes = new Map<LocaleCode, IntlShape>();

export function intlFor(locale: LocaleCode): IntlShape {
  let intl = shapes.get(locale);
  if (!intl) {
    intl = createIntl({ locale: `${locale}-u-ca-gregory-nu-latn`, timeZone: TIME_ZONE, messages: {} }, cache);
    shapes.set(locale, intl);
  }
  return intl;
}

/** "lundi 7 décembre à 09:00", "Monday, December 7 at 09:00 AM". */
export function formatDayAndTime(locale: LocaleCode, at: Date): string {
  return intlFor(locale).formatDate(at, { weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit' });
}

/** "09:00". */
export function formatTime(locale: LocaleCode, at: Date): string {
  return intlFor(locale).formatTime(at, { hour: '2-digit', minute: '2-digit' });
}

/** "lundi 7 décembre". */
export function formatDay(locale: LocaleCode, at: Date): string {
  return intlFor(locale).formatDate(at, { weekday: 'long', day: 'numeric', month: 'long' });
}

/** "a, b et c". */
export function formatList(locale: LocaleCode, items: string[]): string {
  return intlFor(locale).formatList(items, { type: 'conjunction' });
}

/** "30 minutes", "2 hours": how long a volunteer usually takes, rounded as a person would say it. */
export function formatWait(locale: LocaleCode, minutes: number): string {
  const intl = intlFor(locale);
  if (minutes < 90) return intl.formatNumber(minutes, { style: 'unit', unit: 'minute', unitDisplay: 'long' });
  if (minutes < 48 * 60) return intl.formatNumber(Math.round(minutes / 60), { style: 'unit', unit: 'hour', unitDisplay: 'long' });
  return intl.formatNumber(Math.round(minutes / 1440), { style: 'unit', unit: 'day', unitDisplay: 'long' });
}
