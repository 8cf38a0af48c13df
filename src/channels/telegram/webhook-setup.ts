import type { Api } from 'grammy';
import type { WebhookInfo } from 'grammy/types';
import { ALLOWED_UPDATES } from './webhook.js';

/** The route the app serves Telegram on (see DESIGN.md, external contract). */
export const TELEGRAM_WEBHOOK_PATH = '/webhooks/telegram';

export interface SetWebhookOptions {
  /** The public base URL (`PUBLIC_URL`), without the path. */
  publicUrl: string;
  /** `TELEGRAM_WEBHOOK_SECRET`: Telegram sends it back in `X-Telegram-Bot-Api-Secret-Token`. */
  secretToken: string;
  /** Forget the updates Telegram is holding (after downtime, or when moving from polling). */
  dropPendingUpdates?: boolean;
}

/**
 * Points Telegram at `${publicUrl}/webhooks/telegram` with the secret and the updates Relais reads,
 * then returns what Telegram says about the webhook now.
 */
export async function setTelegramWebhook(api: Api, options: SetWebhookOptions): Promise<WebhookInfo> {
  const url = `${options.publicUrl.replace(/\/+$/, '')}${TELEGRAM_WEBHOOK_PATH}`;
  await api.setWebhook(url, {
    secret_token: options.secretToken,
    allowed_updates: [...ALLOWED_UPDATES],
    drop_pending_updates: options.dropPendingUpdates ?? false,
  });
  return api.getWebhookInfo();
}

/** `getWebhookInfo` as lines for a terminal. It holds no token or secret, only the public URL. */
export function describeWebhookInfo(info: WebhookInfo): string[] {
  const lines = [
    `  url:                  ${info.url || '(none: the bot is not on a webhook)'}`,
    `  pending updates:      ${info.pending_update_count}`,
    `  allowed updates:      ${info.allowed_updates?.join(', ') ?? '(Telegram default)'}`,
  ];
  if (info.max_connections !== undefined) lines.push(`  max connections:      ${info.max_connections}`);
  if (info.ip_address) lines.push(`  ip address:           ${info.ip_address}`);
  if (info.last_error_date) {
    lines.push(
      `  last error:           ${new Date(info.last_error_date * 1000).toISOString()} ${info.last_error_message ?? ''}`.trimEnd(),
    );
  }
  if (info.last_synchronization_error_date) {
    lines.push(`  last sync error:      ${new Date(info.last_synchronization_error_date * 1000).toISOString()}`);
  }
  return lines;
}
