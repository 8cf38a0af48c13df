import type { WhatsAppConfig } from '../../config/config.js';
import type { LocaleCode } from '../../core/locales.js';
import type { ChannelSender, Delivery, SendOutcome } from '../../outbox/sender.js';
import { sendParts } from '../send-parts.js';
import {
  WhatsAppApiError,
  WhatsAppNetworkError,
  WhatsAppPayloadError,
  recipientFor,
  type WhatsAppClient,
} from './client.js';
import { renderWhatsApp, type ListWords } from './render.js';

/** WhatsApp lets a business answer freely for 24 hours after the person's last message. */
export const WHATSAPP_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Meta's throttling codes (DESIGN.md): retry later, honouring `Retry-After`. */
export const THROTTLING_CODES: ReadonlySet<number> = new Set([4, 80007, 130429, 131048, 131056, 133016]);

/** Passing trouble on Meta's side that Meta documents as "try again": retried like a 5xx. */
const TRANSIENT_CODES: ReadonlySet<number> = new Set([1, 2, 131000, 131016, 131057, 133004]);

/** "More than 24 hours have passed since the customer last replied." */
export const REENGAGEMENT_CODE = 131047;

/**
 * Backoff advice when Meta gives no `Retry-After`, by how long each limit takes to clear: the pair rate
 * (one message per person every ~6 s), throughput (per second), spam/app limits (minutes).
 */
const THROTTLE_ADVICE_MS: Record<number, number> = {
  131056: 6_000,
  130429: 2_000,
  4: 60_000,
  80007: 60_000,
  131048: 60_000,
  133016: 60_000,
};

export interface WhatsAppSenderOptions {
  now?: () => Date;
  /** Defaults to 24 h. */
  windowMs?: number;
}

/**
 * The outbox's port to WhatsApp. It renders the payload (zod-validated), refuses to send free-form
 * messages outside the 24-hour window (`held`, without calling the API), and maps every API answer to a
 * `SendOutcome`. `sendInvite` sends the configured re-engagement template.
 */
export function createWhatsAppSender(
  client: WhatsAppClient,
  config: Pick<WhatsAppConfig, 'reengageTemplate'>,
  /** The list button and section words per locale (content: `list.button`, `list.section`). */
  listWords: ListWords,
  options: WhatsAppSenderOptions = {},
): ChannelSender {
  const now = options.now ?? (() => new Date());
  const windowMs = options.windowMs ?? WHATSAPP_WINDOW_MS;

  return {
    channel: 'whatsapp',

    async send(delivery: Delivery): Promise<SendOutcome> {
      if (!withinWindow(delivery.lastInboundAt, now(), windowMs)) {
        return {
          status: 'held',
          reason: delivery.lastInboundAt
            ? 'outside the WhatsApp 24-hour window: waiting for the person to write again'
            : 'the person has never written on WhatsApp: waiting for them to write',
        };
      }
      const rendered = renderWhatsApp(delivery.payload, listWords);
      if (rendered.status === 'invalid') return { status: 'failed', reason: rendered.reason };

      const recipient = recipientFor(delivery.personKey);
      return sendParts(
        rendered.messages,
        delivery.deliveredParts,
        async (content) => (await client.send(recipient, content))[0] ?? '',
        (error) => outcomeForError(error, 'message'),
      );
    },

    async sendInvite(delivery: Delivery): Promise<SendOutcome> {
      const template = config.reengageTemplate;
      if (!template) {
        return {
          status: 'failed',
          reason: 'no re-engagement template configured (WHATSAPP_REENGAGE_TEMPLATE, WHATSAPP_TEMPLATE_LANGUAGES)',
        };
      }
      const languageCode = templateLanguage(template.languages, delivery.payload.locale);
      if (!languageCode) {
        return { status: 'failed', reason: `the re-engagement template "${template.name}" has no language configured` };
      }
      try {
        const ids = await client.sendTemplate(recipientFor(delivery.personKey), { name: template.name, languageCode });
        return { status: 'sent', externalIds: ids };
      } catch (error) {
        return outcomeForError(error, 'template');
      }
    },
  };
}

/** Every outcome but `sent`. */
export type FailureOutcome = Exclude<SendOutcome, { status: 'sent' }>;

/** True if a free-form message may be sent now. */
export function withinWindow(lastInboundAt: Date | null, now: Date, windowMs = WHATSAPP_WINDOW_MS): boolean {
  return lastInboundAt !== null && now.getTime() - lastInboundAt.getTime() < windowMs;
}

/** The template language for a locale; falls back to French (the source), then to any configured. */
function templateLanguage(languages: Partial<Record<LocaleCode, string>>, locale: LocaleCode): string | undefined {
  return languages[locale] ?? languages.fr ?? Object.values(languages).find((code) => !!code);
}

/**
 * One place maps client errors to outbox outcomes:
 * - throttling codes, 5xx, Meta's "try again" codes, HTTP 429 and network failures → `retry`
 *   (with `Retry-After` when given, else advice per code);
 * - 131047 (window closed) → `held` for messages; for the template itself it is a plain failure;
 * - an expired or invalid token (190, HTTP 401) → `retry` with a long delay: an operator problem that a
 *   token rotation fixes, and the person's messages should survive it;
 * - everything else, including 131026 "undeliverable", → `failed` with Meta's reason. No WhatsApp code
 *   says for sure that the person blocked us (131026 also covers old app versions and unaccepted terms),
 *   so none maps to `unreachable`, which would stop every later message to them.
 */
export function outcomeForError(error: unknown, what: 'message' | 'template'): FailureOutcome {
  if (error instanceof WhatsAppNetworkError) return { status: 'retry', reason: error.message };
  if (error instanceof WhatsAppPayloadError) return { status: 'failed', reason: `invalid WhatsApp payload: ${error.message}` };
  if (!(error instanceof WhatsAppApiError)) {
    return { status: 'retry', reason: `unexpected error: ${error instanceof Error ? error.message : String(error)}` };
  }
  const code = error.code;
  const retry = (adviceMs?: number): FailureOutcome => {
    const retryAfterMs = error.retryAfterMs ?? adviceMs;
    return { status: 'retry', reason: error.reason, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  };
  if (code !== undefined && THROTTLING_CODES.has(code)) return retry(THROTTLE_ADVICE_MS[code]);
  if (code === REENGAGEMENT_CODE) {
    return what === 'message' ? { status: 'held', reason: error.reason } : { status: 'failed', reason: error.reason };
  }
  if (code === 190 || error.httpStatus === 401) return retry(5 * 60_000);
  if (error.httpStatus >= 500 || error.httpStatus === 429 || (code !== undefined && TRANSIENT_CODES.has(code))) {
    return retry();
  }
  return { status: 'failed', reason: error.reason };
}
