/** Exponential backoff with jitter, and the platform's retry advice taking precedence when longer. */
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 2_000, capMs: 15 * 60_000 };

/**
 * Delay before attempt `attempt + 1`, after `attempt` failures: base·2^(attempt-1), capped, with "equal
 * jitter" (half fixed, half random) so a burst of failures does not retry in lockstep, yet never retries
 * sooner than half the nominal delay. `random` is injectable for tests.
 */
export function retryDelayMs(
  attempt: number,
  retryAfterMs: number | undefined,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const nominal = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = nominal / 2 + (nominal / 2) * random();
  return Math.max(Math.round(jittered), retryAfterMs ?? 0);
}
