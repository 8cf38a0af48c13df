import { PGlite } from '@electric-sql/pglite';
import { createApp } from '../src/app.js';
import { parseConfig } from '../src/config/config.js';
import { loadContent } from '../src/content/index.js';
import { createLogger } from '../src/logger.js';
import { openDatabase } from '../src/storage/database.js';
import { migrateDatabase } from '../src/storage/migrate.js';
import { startFakeTelegramApi, telegramUpdates as u, FAKE_BOT_INFO } from '../test/support/fake-telegram-api.js';

const stats = new Map<string, { n: number; rows: number; ms: number }>();
for (const name of ['query', 'exec'] as const) {
  const orig = (PGlite.prototype as any)[name];
  (PGlite.prototype as any)[name] = async function (this: any, q: string, ...rest: any[]) {
    const t = performance.now();
    const r = await orig.call(this, q, ...rest);
    const key = q.replace(/\s+/g, ' ').slice(0, 110);
    const s = stats.get(key) ?? { n: 0, rows: 0, ms: 0 };
    s.n++; s.ms += performance.now() - t; s.rows += Array.isArray(r) ? r.reduce((a: number, x: any) => a + (x.rows?.length ?? 0), 0) : r.rows?.length ?? 0;
    stats.set(key, s);
    return r;
  };
}
const fake = await startFakeTelegramApi({ keepCalls: false });
const database = await openDatabase({ dataDir: process.env.LITE_DIR ?? 'memory://' });
await migrateDatabase(database);
stats.clear();
const config = parseConfig({ LOG_LEVEL: 'silent', TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_WEBHOOK_SECRET: 's', TELEGRAM_API_ROOT: fake.url });
const relais = createApp({ config, database, content: loadContent(), logger: createLogger('silent'), channelOptions: { telegram: { botInfo: FAKE_BOT_INFO as any } } });
const N = Number(process.argv[2] ?? 500);
let next = 0;
const t0 = performance.now();
await Promise.all(Array.from({ length: 32 }, async () => {
  while (next < N) {
    const i = next++;
    await relais.app.request('/webhooks/telegram', { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 's' }, body: JSON.stringify(u.text(i + 1, 100000 + i, 'asile', 'fr')) });
  }
}));
await relais.background.drain();
console.log('updates/s', (N / ((performance.now() - t0) / 1000)).toFixed(0));
const rows = [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25);
for (const [k, s] of rows) console.log(String(s.n).padStart(6), String(s.rows).padStart(7), s.ms.toFixed(0).padStart(7), 'ms ', k);

console.log('stats', JSON.stringify(database.stats));
await database.close(); await fake.close();
