/** Locales Relais ships. `fr` is the source; the others may be drafts. */
export const LOCALES = ['fr', 'en', 'ar', 'es', 'pt-BR', 'fa', 'ps', 'ti'] as const;
export type LocaleCode = (typeof LOCALES)[number];

/** The locale every translation is made from. */
export const SOURCE_LOCALE: LocaleCode = 'fr';

export type Direction = 'ltr' | 'rtl';

export function isLocale(code: string): code is LocaleCode {
  return (LOCALES as readonly string[]).includes(code);
}
