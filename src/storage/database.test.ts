import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../test/support/database.js';
import type { DatabaseHandle } from './database.js';
import { people } from './schema.js';

describe('database', () => {
  let handle: DatabaseHandle;
  beforeEach(async () => {
    handle = await freshDatabase();
  });

  it('answers a ping and keeps one person per channel identity', async () => {
    await handle.ping();
    await handle.db.insert(people).values({ channel: 'telegram', externalKey: '42' });
    await expect(handle.db.insert(people).values({ channel: 'telegram', externalKey: '42' })).rejects.toThrow();
    await handle.db.insert(people).values({ channel: 'whatsapp', externalKey: '42' });
    const rows = await handle.db.select().from(people).where(eq(people.externalKey, '42'));
    expect(rows.map((r) => r.channel).sort()).toEqual(['telegram', 'whatsapp']);
  });
});
