import type { LocaleCode } from '../../conversation/messages.js';

/**
 * The two words a WhatsApp list needs besides the content: the button that opens it ("Choose") and the
 * section title ("Options"). Kept here, not in `locales/`, because only this renderer uses them and
 * they must fit WhatsApp's limits (button ≤ 20, section title ≤ 24 characters) — checked in the tests.
 * Only fr and en are checked; the others are drafts awaiting a native speaker, like every draft translation.
 */
export const LIST_WORDS: Record<LocaleCode, { button: string; section: string }> = {
  fr: { button: 'Choisir', section: 'Options' },
  en: { button: 'Choose', section: 'Options' },
  es: { button: 'Elegir', section: 'Opciones' },
  'pt-BR': { button: 'Escolher', section: 'Opções' },
  ar: { button: 'اختر', section: 'الخيارات' },
  fa: { button: 'انتخاب کنید', section: 'گزینه‌ها' },
  ps: { button: 'وټاکئ', section: 'انتخابونه' },
  ti: { button: 'ምረጹ', section: 'ምርጫታት' },
};
