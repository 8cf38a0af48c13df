/**
 * `X-Hub-Signature-256` verification for WhatsApp Cloud API webhooks.
 *
 * Meta signs the payload as *it* serialises it: every non-ASCII character escaped as `\uXXXX` with
 * lowercase hex digits (astral characters as a surrogate pair, `😀` → `\ud83d\ude00`). The body on the
 * wire may carry those escapes already, or the plain UTF-8 characters. So we accept an HMAC over either
 * the raw bytes or their escaped form — never over a re-serialised `JSON.stringify`, which would change
 * key order, whitespace and `\/` escapes.
 *
 * Pure and WebCrypto-only, so the same function runs on Node and on Workers.
 */

const encoder = new TextEncoder();
const SIGNATURE = /^sha256=([0-9a-fA-F]{64})$/;

/**
 * True when `header` (`sha256=<hex>`) is the HMAC-SHA256 of `rawBody` with `appSecret`, either over the
 * bytes as received or over Meta's escaped-unicode form of them. Comparison is constant time
 * (`crypto.subtle.verify`). A missing or malformed header, or an empty secret, is simply `false`.
 */
export async function verifyWhatsAppSignature(
  rawBody: Uint8Array | ArrayBuffer,
  header: string | undefined,
  appSecret: string,
): Promise<boolean> {
  if (!header || !appSecret) return false;
  const match = SIGNATURE.exec(header.trim());
  if (!match) return false;
  const signature = hexToBytes(match[1]!);
  const bytes = rawBody instanceof Uint8Array ? rawBody : new Uint8Array(rawBody);

  const key = await hmacKey(appSecret);
  if (await crypto.subtle.verify('HMAC', key, signature, bytes)) return true;

  // Only bodies with non-ASCII bytes have a second, escaped form worth trying.
  if (!bytes.some((b) => b > 0x7f)) return false;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return false; // not UTF-8: Meta never sends that, so there is no escaped form to check
  }
  return crypto.subtle.verify('HMAC', key, signature, encoder.encode(escapeNonAscii(text)));
}

/** Imported once per secret (a handful per process at most): importing costs as much as verifying. */
const keys = new Map<string, ReturnType<typeof crypto.subtle.importKey>>();
function hmacKey(appSecret: string): ReturnType<typeof crypto.subtle.importKey> {
  let key = keys.get(appSecret);
  if (!key) {
    key = crypto.subtle.importKey('raw', encoder.encode(appSecret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
    key.catch(() => keys.delete(appSecret));
    keys.set(appSecret, key);
  }
  return key;
}

/**
 * Meta's serialisation of non-ASCII text: each UTF-16 code unit above U+007F as `\uXXXX` in lowercase hex.
 * Surrogate pairs come out as two escapes because JavaScript strings are UTF-16 already.
 */
export function escapeNonAscii(text: string): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit <= 0x7f) continue;
    out += text.slice(start, i) + '\\u' + unit.toString(16).padStart(4, '0');
    start = i + 1;
  }
  return start === 0 ? text : out + text.slice(start);
}

/** Computes `sha256=<hex>` for `body` (tests and tools; Meta computes it over its escaped form). */
export async function signWhatsAppBody(body: string | Uint8Array, appSecret: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(appSecret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const data = typeof body === 'string' ? encoder.encode(body) : body;
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, data));
  return `sha256=${Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}
