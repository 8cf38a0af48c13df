/**
 * The secrets behind sign-in links, sessions and API tokens. WebCrypto only (`crypto.getRandomValues`,
 * `crypto.subtle`), so the same code runs on Node and on Workers: no `node:crypto` in this folder.
 *
 * A secret is shown once (in a link, a cookie, a terminal) and stored only as its SHA-256. A plain hash
 * is enough here, unlike for passwords: the secret is 256 random bits, so there is nothing to guess
 * from the hash, and a fast hash lets every request find its credential through the unique index on
 * `secret_hash` — the secret itself is never compared as a string.
 */

const SECRET_BYTES = 32;

/** 32 random bytes, base64url without padding (43 characters, safe in a URL path and a cookie). */
export function newSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(SECRET_BYTES));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** SHA-256 of the secret, lower-case hex: what the `credentials` table stores and is searched by. */
export async function hashSecret(secret: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(secret));
  let hex = '';
  for (const byte of new Uint8Array(digest)) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/**
 * Whether a string can be one of our secrets at all. Anything else (too long, other characters) is
 * refused before it is hashed or looked up: a cheap filter, not a security boundary.
 */
export function looksLikeSecret(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}
