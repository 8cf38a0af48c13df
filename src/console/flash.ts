import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';

/**
 * The outcome of a form, carried across its redirect (post/redirect/get) in a short-lived cookie and
 * shown once by the next page. It holds a sentence for the volunteer, never a secret (sign-in links
 * and identifiers are shown on the answer to the POST itself, never stored in a cookie).
 */

export interface Flash {
  kind: 'ok' | 'error';
  text: string;
}

const COOKIE = 'relais_flash';
const flashSchema = z.object({ kind: z.enum(['ok', 'error']), text: z.string().max(1000) });

export function setFlash(c: Context, flash: Flash, secure: boolean): void {
  setCookie(c, COOKIE, JSON.stringify({ kind: flash.kind, text: flash.text.slice(0, 1000) }), {
    path: '/console',
    httpOnly: true,
    sameSite: 'Lax',
    secure,
    maxAge: 60,
  });
}

/** The flash left by the last form, if any; it is gone once read. */
export function takeFlash(c: Context): Flash | undefined {
  const raw = getCookie(c, COOKIE);
  if (raw === undefined) return undefined;
  deleteCookie(c, COOKIE, { path: '/console' });
  try {
    const parsed = flashSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
