import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { schema, outbox, messages, inboundEvents, conversations, people } from '../src/storage/schema.ts';
const db = drizzle(postgres('postgres://x@127.0.0.1:1/x'), { schema });
const N = 64;
function time(name: string, f: () => unknown, rowsPer: number) {
  for (let i = 0; i < 200; i++) f();
  const t = performance.now(); const R = 2000; for (let i = 0; i < R; i++) f();
  console.log(name, ((performance.now() - t) * 1000 / R / rowsPer).toFixed(1), 'µs/row');
}
const outRows = Array.from({ length: N }, (_, i) => ({ personId: i, channel: 'telegram', recipient: String(i), payload: { text: 'x'.repeat(300), choices: [{ key: '1', label: 'a' }] }, nextAttemptAt: new Date() }));
time('outbox', () => db.insert(outbox).values(outRows as any).toSQL(), N);
const msgRows = Array.from({ length: N }, (_, i) => ({ conversationId: i, author: 'bot', text: 'x'.repeat(300), meta: { fr: 'y' } }));
time('messages', () => db.insert(messages).values(msgRows as any).toSQL(), N);
time('event1', () => db.insert(inboundEvents).values({ channel: 'telegram', externalId: '1', personKey: '2', payload: { a: 1, b: 'x'.repeat(200) } } as any).onConflictDoNothing().returning({ id: inboundEvents.id }).toSQL(), 1);
