import { PLATFORM_LIMITS } from '../../../core/limits.js';
import { OUTCOMES, type Outcome } from '../../../core/handoff.js';

/**
 * What the buttons under a case's posts carry: `c:<action>:<case id>[:<outcome>]`, well under
 * Telegram's 64 bytes (the longest, `c:close:2147483647:asylum-interview-support`, is 43). Taps are
 * read only in the volunteers' group, so the `c:` prefix the person's buttons also use never meets them.
 */
export const CASE_ACTIONS = ['claim', 'release', 'close', 'back', 'reopen'] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

export interface CaseTap {
  action: CaseAction;
  caseId: number;
  /** `close` with an outcome closes; without one it asks how the case ended. */
  outcome?: Outcome;
}

export function encodeCaseTap(tap: CaseTap): string {
  const data = `c:${tap.action}:${tap.caseId}${tap.outcome ? `:${tap.outcome}` : ''}`;
  if (new TextEncoder().encode(data).length > PLATFORM_LIMITS.telegram.callbackDataBytes) {
    throw new Error(`callback data too long: ${data}`);
  }
  return data;
}

/** A button's data as a tap on a case, or null when it is not one (an old or foreign button). */
export function decodeCaseTap(data: string | undefined): CaseTap | null {
  const match = /^c:([a-z]+):([1-9]\d{0,9})(?::([a-z-]+))?$/.exec(data ?? '');
  if (!match) return null;
  const [, action, id, outcome] = match;
  if (!(CASE_ACTIONS as readonly string[]).includes(action!)) return null;
  const caseId = Number(id);
  if (!Number.isSafeInteger(caseId) || caseId > 2_147_483_647) return null;
  if (outcome !== undefined) {
    if (action !== 'close' || !(OUTCOMES as readonly string[]).includes(outcome)) return null;
    return { action: 'close', caseId, outcome: outcome as Outcome };
  }
  return { action: action as CaseAction, caseId };
}
