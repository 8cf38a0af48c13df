const encoder = new TextEncoder();

/**
 * Compares two secrets (a webhook secret, a verify token, a password) without an early exit on the
 * first difference, so the time taken does not tell an attacker how much of a guess was right.
 * Only the length may leak, which says nothing useful about a random secret.
 */
export function constantTimeEqual(given: string, expected: string): boolean {
  const a = encoder.encode(given);
  const b = encoder.encode(expected);
  let difference = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return difference === 0;
}
