import { describe, expect, it } from 'vitest';
import { hashSecret, looksLikeSecret, newSecret } from './secrets.js';

describe('secrets', () => {
  it('are 32 random bytes in base64url (43 characters), never twice the same', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const secret = newSecret();
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(looksLikeSecret(secret)).toBe(true);
      seen.add(secret);
    }
    expect(seen.size).toBe(200);
  });

  it('are stored as their SHA-256 in hex (a fixed vector)', async () => {
    expect(await hashSecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('anything else is not looked up', () => {
    for (const value of ['', 'short', `${'a'.repeat(43)}=`, 'a'.repeat(44), `${'a'.repeat(42)}/`, `${'a'.repeat(42)} `]) {
      expect(looksLikeSecret(value), value).toBe(false);
    }
  });
});
