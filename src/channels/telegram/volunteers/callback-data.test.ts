import { describe, expect, it } from 'vitest';
import { OUTCOMES } from '../../../core/handoff.js';
import { decodeCaseTap, encodeCaseTap } from './callback-data.js';

describe('case buttons’ callback data', () => {
  it('round-trips every action and outcome within 64 bytes', () => {
    for (const action of ['claim', 'release', 'close', 'back', 'reopen'] as const) {
      const data = encodeCaseTap({ action, caseId: 2_147_483_647 });
      expect(decodeCaseTap(data)).toEqual({ action, caseId: 2_147_483_647 });
    }
    for (const outcome of OUTCOMES) {
      const data = encodeCaseTap({ action: 'close', caseId: 2_147_483_647, outcome });
      expect(new TextEncoder().encode(data).length).toBeLessThanOrEqual(64);
      expect(decodeCaseTap(data)).toEqual({ action: 'close', caseId: 2_147_483_647, outcome });
    }
  });

  it('refuses what is not a tap on a case', () => {
    for (const data of [undefined, '', 'c:lang:fr', 'c:claim', 'c:claim:0', 'c:claim:12x', 'c:claim:12:other', 'c:close:12:won', 'c:claim:99999999999', 'x:claim:1']) {
      expect(decodeCaseTap(data), String(data)).toBeNull();
    }
  });
});
