import { asc, eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../test/support/database.js';
import type { ChannelName, OutboxPayload } from '../core/messages.js';
import { createLogger } from '../logger.js';
import type { DatabaseHandle } from '../storage/database.js';
import { outbox as outboxTable, people } from '../storage/schema.js';
import { enqueueOutbound, releaseHeld } from './rows.js';
import { createOutbox, type Outbox } from './outbox.js';
import type { ChannelSender, Delivery, SendOutcome } from './sender.js';

/**
 * The outbox against the real database. The channel sender stands in for the far side (a platform
 * answering each send with a scripted outcome); everything on our side is real.
 */

const silent = createLogger('silent');

function text(t: string): OutboxPayload {
  return { message: { kind: 'text', text: t }, locale: 'en', direction: 'ltr' };
}

/** A platform whose answers are scripted per message text; it records what it received, in order. */
function scriptedPlatform(script: Record<string, SendOutcome[]> = {}, channel: ChannelName = 'telegram') {
  const received: { id: number; personId: number; text: string }[] = [];
  const invites: number[] = [];
  const sender: ChannelSender & { received: typeof received; invites: number[] } = {
    channel,
    received,
    invites,
    async send(d: Delivery) {
      await new Promise((r) => setTimeout(r, 1)); // let concurrent sweepers interleave
      const t = d.payload.message.text;
      const outcome = script[t]?.shift() ?? { status: 'sent', externalIds: [`m${d.id}`] };
      if (outcome.status === 'sent') received.push({ id: d.id, personId: d.personId, text: t });
      return outcome;
    },
    async sendInvite(d: Delivery) {
      invites.push(d.personId);
      return { status: 'sent', externalIds: ['invite'] };
    },
  };
  return sender;
}

class Clock {
  constructor(public t = Date.now()) {}
  now = () => new Date(this.t);
  advance(ms: number) {
    this.t += ms;
  }
}

describe('outbox', () => {
  let handle: DatabaseHandle;
  let clock: Clock;

  beforeEach(async () => {
    handle = await freshDatabase();
    clock = new Clock();
  });

  async function person(key: string, channel: ChannelName = 'telegram') {
    const [row] = await handle.db
      .insert(people)
      .values({ channel, externalKey: key, lastInboundAt: clock.now() })
      .returning();
    return row!.id;
  }

  function outboxWith(sender: ChannelSender, extra: Partial<Parameters<typeof createOutbox>[0]> = {}): Outbox {
    return createOutbox({
      db: handle.db,
      senders: new Map([[sender.channel, sender]]),
      logger: silent,
      maxAttempts: 4,
      now: clock.now,
      random: () => 0.5,
      ...extra,
    });
  }

  async function enqueue(o: Outbox, personId: number, texts: string[], channel: ChannelName = 'telegram') {
    return handle.db.transaction((tx) => enqueueOutbound(tx, personId, channel, texts.map(text), clock.now()));
  }

  async function rows() {
    return handle.db.select().from(outboxTable).orderBy(asc(outboxTable.id));
  }

  it('sends committed rows and records the platform ids', async () => {
    const platform = scriptedPlatform();
    const o = outboxWith(platform);
    const p = await person('1');
    await enqueue(o, p, ['hello', 'world']);
    const report = await o.deliver();
    expect(report).toEqual({ sent: 2, retried: 0, failed: 0, held: 0 });
    expect(platform.received.map((r) => r.text)).toEqual(['hello', 'world']);
    const stored = await rows();
    expect(stored.map((r) => r.status)).toEqual(['sent', 'sent']);
    expect(stored[0]!.externalIds).toEqual([`m${stored[0]!.id}`]);
  });

  it('does not send rows of a transaction that rolled back', async () => {
    const platform = scriptedPlatform();
    const o = outboxWith(platform);
    const p = await person('1');
    await expect(
      handle.db.transaction(async (tx) => {
        await enqueueOutbound(tx, p, 'telegram', [text('never')], clock.now());
        throw new Error('state change failed');
      }),
    ).rejects.toThrow('state change failed');
    await o.deliver();
    expect(platform.received).toEqual([]);
    expect(await rows()).toEqual([]);
  });

  it('retries with exponential backoff and honours the platform retry-after', async () => {
    const platform = scriptedPlatform({
      a: [
        { status: 'retry', reason: '502 bad gateway' },
        { status: 'retry', reason: '429 too many requests', retryAfterMs: 30_000 },
      ],
    });
    const o = outboxWith(platform);
    const p = await person('1');
    await enqueue(o, p, ['a']);

    expect((await o.deliver()).retried).toBe(1);
    let [row] = await rows();
    // attempt 1: nominal 2 s, equal jitter with random 0.5 → 1.5 s
    expect(row!.status).toBe('pending');
    expect(row!.nextAttemptAt.getTime() - clock.t).toBe(1_500);
    expect(row!.lastError).toBe('502 bad gateway');

    // Not due yet: nothing is sent.
    expect((await o.deliver()).retried + (await o.deliver()).sent).toBe(0);

    clock.advance(1_500);
    expect((await o.deliver()).retried).toBe(1);
    [row] = await rows();
    // attempt 2: backoff would be 3 s, but the platform asked for 30 s.
    expect(row!.nextAttemptAt.getTime() - clock.t).toBe(30_000);

    clock.advance(29_000);
    expect((await o.deliver()).sent).toBe(0);
    clock.advance(1_000);
    expect((await o.deliver()).sent).toBe(1);
    [row] = await rows();
    expect(row!.status).toBe('sent');
    expect(row!.attempts).toBe(3);
  });

  it('a throttled row waits exactly as long as asked, costs no attempt, and is never given up', async () => {
    const waits = Array.from({ length: 10 }, () => ({ status: 'retry' as const, reason: 'group limit', retryAfterMs: 7_000, throttled: true }));
    const platform = scriptedPlatform({ patient: waits });
    const o = outboxWith(platform);
    const p = await person('1');
    await enqueue(o, p, ['patient', 'after']);
    // Ten waits with a maximum of four attempts: still waiting, never failed, the next row behind it.
    for (let i = 0; i < 10; i++) {
      expect((await o.deliver()).sent).toBe(0);
      const [row] = await rows();
      expect(row).toMatchObject({ status: 'pending', attempts: 0, lastError: 'group limit' });
      expect(row!.nextAttemptAt.getTime() - clock.t).toBe(7_000);
      clock.advance(7_000);
    }
    expect((await o.deliver()).sent).toBe(2);
    expect(platform.received.map((r) => r.text)).toEqual(['patient', 'after']);
    expect((await rows()).map((r) => [r.status, r.attempts])).toEqual([
      ['sent', 1],
      ['sent', 1],
    ]);
  });

  it('gives up after the bounded number of attempts and keeps the reason', async () => {
    const down = Array.from({ length: 10 }, () => ({ status: 'retry' as const, reason: 'network down' }));
    const platform = scriptedPlatform({ doomed: down });
    const o = outboxWith(platform);
    const p = await person('1');
    await enqueue(o, p, ['doomed', 'next']);
    for (let i = 0; i < 4; i++) {
      await o.deliver();
      clock.advance(60 * 60_000);
    }
    const [doomed, next] = await rows();
    expect(doomed!.status).toBe('failed');
    expect(doomed!.attempts).toBe(4);
    expect(doomed!.lastError).toBe('gave up after 4 attempts: network down');
    // A message that finally failed does not block the person's later messages.
    expect(next!.status).toBe('sent');
  });

  it('fails a row at once on a permanent error, with the reason', async () => {
    const platform = scriptedPlatform({ bad: [{ status: 'failed', reason: '400 Bad Request: chat not found' }] });
    const o = outboxWith(platform);
    await enqueue(o, await person('1'), ['bad']);
    expect((await o.deliver()).failed).toBe(1);
    const [row] = await rows();
    expect(row).toMatchObject({ status: 'failed', attempts: 1, lastError: '400 Bad Request: chat not found' });
  });

  it('keeps the order of one person: a retried message holds back the ones after it', async () => {
    const platform = scriptedPlatform({ first: [{ status: 'retry', reason: 'timeout' }] });
    const o = outboxWith(platform);
    const p = await person('1');
    const q = await person('2');
    await enqueue(o, p, ['first', 'second', 'third']);
    await enqueue(o, q, ['other']);

    await o.deliver();
    expect(platform.received.map((r) => r.text)).toEqual(['other']);

    clock.advance(60_000);
    await o.deliver();
    expect(platform.received.map((r) => r.text)).toEqual(['other', 'first', 'second', 'third']);
  });

  it('retries a row whose sender died mid-send once its lease has expired', async () => {
    const p = await person('1');
    // Instance A claims the row, then hangs forever (its process died mid-send).
    let claimed!: () => void;
    const claimedSignal = new Promise<void>((r) => (claimed = r));
    const hung: ChannelSender = {
      channel: 'telegram',
      send: () => {
        claimed();
        return new Promise<SendOutcome>(() => {});
      },
    };
    const a = outboxWith(hung, { leaseMs: 60_000 });
    await enqueue(a, p, ['stuck']);
    void a.deliver();
    await claimedSignal;

    const platform = scriptedPlatform();
    const b = outboxWith(platform, { leaseMs: 60_000 });
    // Within the lease, instance B leaves the row alone.
    expect((await b.deliver()).sent).toBe(0);
    clock.advance(60_001);
    expect((await b.deliver()).sent).toBe(1);
    expect(platform.received.map((r) => r.text)).toEqual(['stuck']);
    const [row] = await rows();
    expect(row).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('two concurrent sweepers send every row exactly once, each person in order', async () => {
    const one = scriptedPlatform();
    const two = scriptedPlatform();
    const a = outboxWith(one);
    const b = outboxWith(two);
    const expected = new Map<number, string[]>();
    for (let i = 0; i < 8; i++) {
      const p = await person(`p${i}`);
      const texts = Array.from({ length: 5 }, (_, n) => `p${i}-m${n}`);
      expected.set(p, texts);
      await enqueue(a, p, texts);
    }
    await Promise.all([a.deliver(), b.deliver(), a.deliver(), b.deliver()]);

    const all = [...one.received, ...two.received];
    expect(all).toHaveLength(40);
    expect(new Set(all.map((r) => r.id)).size).toBe(40);
    // Per person, the sends happened in the order the rows were written (ids increase).
    for (const [p, texts] of expected) {
      const sent = all.filter((r) => r.personId === p).sort((x, y) => x.id - y.id);
      expect(sent.map((r) => r.text)).toEqual(texts);
    }
    expect((await rows()).every((r) => r.status === 'sent')).toBe(true);
  });

  it('marks a person who blocked the bot unreachable and sends them nothing more', async () => {
    const platform = scriptedPlatform({ hi: [{ status: 'unreachable', reason: '403 bot was blocked by the user' }] });
    const o = outboxWith(platform);
    const p = await person('1');
    await enqueue(o, p, ['hi', 'again']);
    await o.deliver();
    const [who] = await handle.db.select().from(people).where(eq(people.id, p));
    expect(who!.unreachableAt).not.toBeNull();
    expect((await rows()).map((r) => r.status)).toEqual(['failed', 'failed']);

    await enqueue(o, p, ['later']);
    await o.deliver();
    expect(platform.received).toEqual([]);
    expect((await rows())[2]).toMatchObject({ status: 'failed', lastError: 'the person is unreachable (blocked the bot)' });
  });

  it('holds messages outside the window, invites once, and releases them in order', async () => {
    let windowOpen = false;
    const sent: string[] = [];
    const invites: number[] = [];
    const whatsapp: ChannelSender = {
      channel: 'whatsapp',
      async send(d) {
        if (!windowOpen) return { status: 'held', reason: 'outside the 24-hour window' };
        sent.push(d.payload.message.text);
        return { status: 'sent', externalIds: ['wamid'] };
      },
      async sendInvite(d) {
        invites.push(d.personId);
        return { status: 'sent', externalIds: ['wamid-template'] };
      },
    };
    const o = outboxWith(whatsapp);
    const p = await person('33600000000', 'whatsapp');
    await enqueue(o, p, ['one', 'two'], 'whatsapp');
    expect((await o.deliver()).held).toBe(1);
    expect((await rows()).map((r) => r.status)).toEqual(['held', 'held']);
    expect(invites).toEqual([p]);

    // A later message while held waits too, and does not invite a second time.
    await enqueue(o, p, ['three'], 'whatsapp');
    clock.advance(1_000);
    await o.deliver();
    expect(invites).toEqual([p]);
    expect(sent).toEqual([]);

    // The person writes back: the window opens and everything goes out in order.
    windowOpen = true;
    await handle.db.transaction((tx) => releaseHeld(tx, p, clock.now()));
    await o.deliver();
    expect(sent).toEqual(['one', 'two', 'three']);
  });

  it('remembers the parts of a long message already delivered: a retry, on any instance, sends only the rest', async () => {
    const received: string[] = [];
    let failPartTwo = true;
    /** A platform that takes a message in parts separated by "|", and drops part 2 once. */
    const partsPlatform = (): ChannelSender => ({
      channel: 'telegram',
      async send(d) {
        const parts = d.payload.message.text.split('|');
        const delivered = [...d.deliveredParts];
        for (const part of parts.slice(delivered.length)) {
          if (part === 'two' && failPartTwo) {
            failPartTwo = false;
            return { status: 'retry', reason: '502', ...(delivered.length ? { deliveredParts: delivered } : {}) };
          }
          received.push(part);
          delivered.push(`id-${part}`);
        }
        return { status: 'sent', externalIds: delivered };
      },
    });
    const p = await person('1');
    await enqueue(outboxWith(partsPlatform()), p, ['one|two|three']);

    await outboxWith(partsPlatform()).deliver();
    expect(received).toEqual(['one']);
    expect((await rows())[0]).toMatchObject({ status: 'pending', externalIds: ['id-one'] });

    clock.advance(60_000);
    await outboxWith(partsPlatform()).deliver();
    expect(received).toEqual(['one', 'two', 'three']);
    expect((await rows())[0]).toMatchObject({ status: 'sent', externalIds: ['id-one', 'id-two', 'id-three'] });
  });

  it('marks a row failed when the platform later reports it failed', async () => {
    const platform = scriptedPlatform({}, 'whatsapp');
    const o = outboxWith(platform);
    const p = await person('1', 'whatsapp');
    await enqueue(o, p, ['x'], 'whatsapp');
    await o.deliver();
    const [row] = await rows();
    await o.markFailedByExternalId('whatsapp', row!.externalIds![0]!, '131026 message undeliverable');
    expect((await rows())[0]).toMatchObject({ status: 'failed', lastError: '131026 message undeliverable' });
  });
});
