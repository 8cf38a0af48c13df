import { describe, expect, it } from 'vitest';
import type { CasePostStep } from '../../../core/handoff.js';
import { join } from './mirror.js';

describe('a waiting post growing', () => {
  const line = (text: string): CasePostStep => ({ do: 'say', text });

  it('adds a plain line to its last plain message, and keeps messages with buttons or answering one apart', () => {
    expect(join([line('👤 a')], [line('👤 b'), line('👤 c')], 0)).toEqual([line('👤 a\n👤 b\n👤 c')]);
    const announcement: CasePostStep = { do: 'say', text: '🔴 Now urgent.', buttons: 'case' };
    expect(join([announcement], [line('👤 a')], 0)).toEqual([announcement, line('👤 a')]);
    const notice: CasePostStep = { do: 'say', text: '⛔', replyTo: 7 };
    expect(join([line('👤 a')], [notice, line('👤 b')], 0)).toEqual([line('👤 a'), notice, line('👤 b')]);
  });

  it('never changes a step an earlier attempt already carried out', () => {
    expect(join([line('👤 a')], [line('👤 b')], 1)).toEqual([line('👤 a'), line('👤 b')]);
  });

  it('stays within one Telegram message, and refreshes the card once', () => {
    const long = 'x'.repeat(3_000);
    expect(join([line(long)], [line(long)], 0)).toEqual([line(long), line(long)]);
    expect(join([{ do: 'refresh-card' }, line('a')], [{ do: 'refresh-card' }], 0)).toEqual([{ do: 'refresh-card' }, line('a')]);
  });
});
