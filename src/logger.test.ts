import { describe, expect, it } from 'vitest';
import { createLogger, withLogContext } from './logger.js';

describe('logger', () => {
  it('writes one JSON line per event, with context fields, and errors without their stack', () => {
    const lines: string[] = [];
    const logger = createLogger('info', (l) => lines.push(l)).child({ channel: 'telegram' });
    logger.debug('not.written');
    withLogContext({ requestId: 'r-1' }, () => logger.warn('send.failed', { error: new Error('boom') }));
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ level: 'warn', event: 'send.failed', channel: 'telegram', requestId: 'r-1' });
    expect(line.error).toEqual({ name: 'Error', message: 'boom' });
  });

  it('tags identifiers with a keyed hash: stable under one key, unrelated under another, never the value', () => {
    const a = createLogger('silent', undefined, {}, { hashKey: 'a-long-secret-key-0001' });
    const b = createLogger('silent', undefined, {}, { hashKey: 'a-long-secret-key-0002' });
    const phone = '33612345678';
    expect(a.hash(phone)).toBe(a.hash(phone));
    expect(a.child({ x: 1 }).hash(phone)).toBe(a.hash(phone));
    expect(a.hash(phone)).not.toBe(b.hash(phone));
    expect(a.hash(phone)).not.toContain(phone);
    expect(a.hash(phone)).toHaveLength(12);
    // Without a key, each logger draws its own.
    expect(createLogger('silent').hash(phone)).not.toBe(createLogger('silent').hash(phone));
  });
});
