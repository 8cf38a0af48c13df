import { describe, expect, it } from 'vitest';
import { escapeNonAscii, signWhatsAppBody, verifyWhatsAppSignature } from './signature.js';

// Fixed vectors, computed independently with `printf '%s' BODY | openssl dgst -sha256 -hmac relais-test-secret`.
const SECRET = 'relais-test-secret';
const utf8 = (s: string) => new TextEncoder().encode(s);

const ascii = '{"object":"whatsapp_business_account","entry":[]}';
const asciiSig = 'sha256=0d901ebd243feedcb9f1e67aeaf5aeeab3b4b35ca6acb22c1703dd85e3255f79';

const frenchRaw = `{"text":{"body":"J'ai été refoulé à Menton"}}`;
const frenchRawSig = 'sha256=fc7c5c7962c877e77120f14881f1212d7d7459c0eb1fb98ad987fb163273867e';
const frenchEscaped = `{"text":{"body":"J'ai \\u00e9t\\u00e9 refoul\\u00e9 \\u00e0 Menton"}}`;
const frenchEscapedSig = 'sha256=ca59cf114df05f169023fc033cb02e44cfcf0edb6494457b4c3ac6bd8cf0a705';

const arabicRaw = '{"text":{"body":"تم رفض دخولي"}}';
const arabicRawSig = 'sha256=3f77b083f08d252ebc5a3ecca493c8a61b4a03b8224f7128abbb53443580cac6';
const arabicEscaped =
  '{"text":{"body":"\\u062a\\u0645 \\u0631\\u0641\\u0636 \\u062f\\u062e\\u0648\\u0644\\u064a"}}';
const arabicEscapedSig = 'sha256=85b4f08dea0cabbc614037754e3e3cbe2d5112df6fd6245921c371b56c944947';

const emojiRaw = '{"text":{"body":"Aide 😀"}}';
const emojiRawSig = 'sha256=e551128d1f7d110b0d4ea3e6040b12f0a1d7a6c809e1478a04c9de0e17d3a554';
const emojiEscaped = '{"text":{"body":"Aide \\ud83d\\ude00"}}';
const emojiEscapedSig = 'sha256=5ba696ef8aa42d2bccb9bebf34ec3c96537e108cfe7be0c5b9cd9a5eadb5dc13';

describe('escapeNonAscii', () => {
  it('escapes like Meta: lowercase hex, surrogate pairs for astral characters', () => {
    expect(escapeNonAscii(frenchRaw)).toBe(frenchEscaped);
    expect(escapeNonAscii(arabicRaw)).toBe(arabicEscaped);
    expect(escapeNonAscii(emojiRaw)).toBe(emojiEscaped);
    expect(escapeNonAscii(ascii)).toBe(ascii);
  });
});

describe('verifyWhatsAppSignature', () => {
  it('accepts an ASCII body signed over its bytes', async () => {
    expect(await verifyWhatsAppSignature(utf8(ascii), asciiSig, SECRET)).toBe(true);
    // An ArrayBuffer works as well as a Uint8Array; the hex digits may be upper case.
    expect(await verifyWhatsAppSignature(utf8(ascii).buffer as ArrayBuffer, asciiSig.toUpperCase().replace('SHA256', 'sha256'), SECRET)).toBe(true);
  });

  it.each([
    ['French accents', frenchRaw, frenchRawSig, frenchEscaped, frenchEscapedSig],
    ['Arabic', arabicRaw, arabicRawSig, arabicEscaped, arabicEscapedSig],
    ['emoji', emojiRaw, emojiRawSig, emojiEscaped, emojiEscapedSig],
  ])('%s: accepts raw bytes signed raw, raw bytes signed escaped, and escaped bytes', async (_, raw, rawSig, escaped, escapedSig) => {
    // Bytes as received, signed over those bytes.
    expect(await verifyWhatsAppSignature(utf8(raw), rawSig, SECRET)).toBe(true);
    // Bytes carry the plain characters, Meta signed its escaped form: the case SDKs get wrong.
    expect(await verifyWhatsAppSignature(utf8(raw), escapedSig, SECRET)).toBe(true);
    // Bytes carry the escapes, signed over them.
    expect(await verifyWhatsAppSignature(utf8(escaped), escapedSig, SECRET)).toBe(true);
  });

  it('rejects forged signatures, other secrets and tampered bodies', async () => {
    expect(await verifyWhatsAppSignature(utf8(ascii), 'sha256=' + '0'.repeat(64), SECRET)).toBe(false);
    expect(await verifyWhatsAppSignature(utf8(ascii), asciiSig, 'another-secret')).toBe(false);
    expect(await verifyWhatsAppSignature(utf8(ascii.replace('[]', '[ ]')), asciiSig, SECRET)).toBe(false);
    expect(await verifyWhatsAppSignature(utf8(frenchRaw.replace('Menton', 'Nice')), frenchEscapedSig, SECRET)).toBe(false);
    // A signature of the raw form does not validate the escaped bytes (only the other way round).
    expect(await verifyWhatsAppSignature(utf8(frenchEscaped), frenchRawSig, SECRET)).toBe(false);
  });

  it('rejects a missing, malformed or sha1 header and an empty secret', async () => {
    expect(await verifyWhatsAppSignature(utf8(ascii), undefined, SECRET)).toBe(false);
    expect(await verifyWhatsAppSignature(utf8(ascii), '', SECRET)).toBe(false);
    expect(await verifyWhatsAppSignature(utf8(ascii), asciiSig.slice(7), SECRET)).toBe(false);
    expect(await verifyWhatsAppSignature(utf8(ascii), 'sha1=' + asciiSig.slice(7), SECRET)).toBe(false);
    expect(await verifyWhatsAppSignature(utf8(ascii), asciiSig + '00', SECRET)).toBe(false);
    expect(await verifyWhatsAppSignature(utf8(ascii), 'sha256=zz' + asciiSig.slice(9), SECRET)).toBe(false);
    expect(await verifyWhatsAppSignature(utf8(ascii), asciiSig, '')).toBe(false);
  });

  it('rejects bytes that are not UTF-8 unless signed raw', async () => {
    const bad = new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]);
    expect(await verifyWhatsAppSignature(bad, asciiSig, SECRET)).toBe(false);
    expect(await verifyWhatsAppSignature(bad, await signWhatsAppBody(bad, SECRET), SECRET)).toBe(true);
  });

  it('signWhatsAppBody matches the fixed vectors', async () => {
    expect(await signWhatsAppBody(ascii, SECRET)).toBe(asciiSig);
    expect(await signWhatsAppBody(arabicEscaped, SECRET)).toBe(arabicEscapedSig);
  });
});
