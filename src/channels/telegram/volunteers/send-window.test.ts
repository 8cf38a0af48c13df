import { beforeEach, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../../../test/support/database.js';
import type { DatabaseHandle } from '../../../storage/database.js';
import { createSendWindow } from './send-window.js';

describe('the volunteers’ group’s send window', () => {
  let handle: DatabaseHandle;
  let t: number;
  const now = () => new Date(t);
  beforeEach(async () => {
    handle = await freshDatabase();
    t = Date.parse('2026-11-30T09:00:00Z');
  });

  it('never lets more than 20 calls through in any 60 seconds, whatever the pace of asking', async () => {
    const window = createSendWindow({ db: handle.db, chatId: '-100', now });
    const granted: number[] = [];
    // Asking every 700 ms for 5 minutes, as a busy outbox would.
    for (let step = 0; step < 430; step++) {
      const slot = await window.take();
      if (slot.ok) granted.push(t);
      else expect(slot.waitMs).toBeGreaterThan(0);
      t += 700;
    }
    for (const start of granted) expect(granted.filter((g) => g >= start && g < start + 60_000).length).toBeLessThanOrEqual(20);
    // …and it is not idle either: about 20 per 61 s.
    expect(granted.length).toBeGreaterThanOrEqual(95);
  });

  it('says how long until the oldest slot frees, and is shared by every instance', async () => {
    const a = createSendWindow({ db: handle.db, chatId: '-100', now });
    const b = createSendWindow({ db: handle.db, chatId: '-100', now });
    for (let i = 0; i < 10; i++) expect((await a.take()).ok).toBe(true);
    t += 10_000;
    for (let i = 0; i < 10; i++) expect((await b.take()).ok).toBe(true);
    expect(await a.take()).toEqual({ ok: false, waitMs: 51_000 });
    t += 51_000;
    expect((await b.take()).ok).toBe(true);
    // Another group has a window of its own.
    expect((await createSendWindow({ db: handle.db, chatId: '-200', now }).take()).ok).toBe(true);
  });

  it('a pause Telegram asked for (429 retry_after) holds every caller', async () => {
    const a = createSendWindow({ db: handle.db, chatId: '-100', now });
    await a.pause(30_000);
    expect(await createSendWindow({ db: handle.db, chatId: '-100', now }).take()).toEqual({ ok: false, waitMs: 30_000 });
    t += 30_000;
    expect((await a.take()).ok).toBe(true);
  });
});
