/**
 * `npm run smoke:worker`: starts the Worker under `wrangler dev` (the real workerd runtime) against a
 * real PostgreSQL and checks that it serves: /healthz answers 200 with the database up, the local web
 * chat answers a first message through the engine, the database and the outbox, a Telegram update and
 * a signed WhatsApp message (with accents) are answered through `waitUntil` to local fake platform
 * servers, and forged webhooks are refused. Uses SMOKE_DATABASE_URL (default: the local test
 * database), migrated first.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { openPostgres } from '../src/storage/postgres.js';
import { migrateDatabase } from '../src/storage/migrate.js';
import { FAKE_BOT_TOKEN, startFakeTelegramApi, telegramUpdates } from '../test/support/fake-telegram-api.js';
import { startFakeGraphApi } from '../test/support/fake-graph-api.js';
import { signedInit, wa, webhookOf, whatsappEnv } from '../test/support/whatsapp-fixtures.js';

const databaseUrl = process.env.SMOKE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function main() {
  const database = openPostgres(databaseUrl, { maxConnections: 1 });
  await migrateDatabase(database);
  await database.close();

  // Hyperdrive's local emulation insists on a password in the URL; with trust auth any will do.
  const hyperdriveUrl = new URL(databaseUrl);
  if (!hyperdriveUrl.password) hyperdriveUrl.password = 'unused';

  const telegramApi = await startFakeTelegramApi();
  const graphApi = await startFakeGraphApi();
  const vars = {
    SIMULATOR_ENABLED: 'true',
    TELEGRAM_BOT_TOKEN: FAKE_BOT_TOKEN,
    TELEGRAM_WEBHOOK_SECRET: 'smoke-secret',
    TELEGRAM_API_ROOT: telegramApi.url,
    ...whatsappEnv(graphApi.url),
  };

  const port = await freePort();
  const started = performance.now();
  const child = spawn(
    'npx',
    [
      'wrangler', 'dev', '--ip', '127.0.0.1', '--port', String(port), '--show-interactive-dev-session=false',
      ...Object.entries(vars).flatMap(([name, value]) => ['--var', `${name}:${value}`]),
    ],
    {
      env: {
        ...process.env,
        CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: hyperdriveUrl.toString(),
        WRANGLER_SEND_METRICS: 'false',
        CI: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const stop = async () => {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {}
    await Promise.all([telegramApi.close(), graphApi.close()]);
  };
  const waitFor = async (what: string, done: () => boolean) => {
    for (let i = 0; i < 100 && !done(); i++) await new Promise((r) => setTimeout(r, 100));
    check(done(), what);
  };

  const base = `http://127.0.0.1:${port}`;
  try {
    let health: Response | undefined;
    for (let i = 0; i < 120 && !health; i++) {
      await new Promise((r) => setTimeout(r, 500));
      if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}`);
      health = await fetch(`${base}/healthz`).catch(() => undefined);
    }
    if (!health) throw new Error('wrangler dev did not answer within 60 s');
    const ready = Math.round(performance.now() - started);
    const body = (await health.json()) as { database?: { status?: string } };
    check(health.status === 200 && body.database?.status === 'up', `/healthz: ${health.status} ${JSON.stringify(body)}`);

    // Ids unique per run: the smoke database keeps earlier runs' dedupe keys.
    const session = `smoke${Date.now()}`;
    const post = await fetch(`${base}/chat/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ session, id: `m${Date.now()}`, start: '', language: 'fr' }),
    });
    check(post.status === 200, `POST /chat/api/messages: ${post.status} ${await post.text()}`);
    const replies = (await (await fetch(`${base}/chat/api/messages?session=${session}`)).json()) as { replies: unknown[] };
    check(replies.replies.length > 0, `the web chat got ${replies.replies.length} replies`);

    const forged = await fetch(`${base}/webhooks/telegram`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'wrong' },
      body: JSON.stringify({ update_id: 1 }),
    });
    check(forged.status === 401, `forged Telegram webhook: ${forged.status}`);

    const update = telegramUpdates.text(Date.now() % 1_000_000_000, 424242, '/start zone-attente', 'fr');
    const telegram = await fetch(`${base}/webhooks/telegram`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'smoke-secret' },
      body: JSON.stringify(update),
    });
    check(telegram.status === 200, `Telegram update: ${telegram.status}`);
    await waitFor('Telegram reply delivered to the Bot API after the response (waitUntil)', () => telegramApi.sent().length > 0);

    const unsigned = await fetch(`${base}/webhooks/whatsapp`, { ...signedInit(webhookOf(wa.text({ waId: '33612345678' }, 'x')), { signature: null }) });
    check(unsigned.status === 401, `unsigned WhatsApp webhook: ${unsigned.status}`);
    const whatsapp = await fetch(`${base}/webhooks/whatsapp`, signedInit(webhookOf(wa.text({ waId: '33612345678' }, "J'ai été refoulé à Menton", { id: `wamid.smoke${Date.now()}` }))));
    check(whatsapp.status === 200, `signed WhatsApp message with accents: ${whatsapp.status}`);
    await waitFor('WhatsApp reply delivered to the Graph API after the response (waitUntil)', () => graphApi.sent().length > 0);
    console.log(`Worker smoke test passed under wrangler dev (workerd) in ${ready} ms to first /healthz 200; ${replies.replies.length} web chat replies.`);
  } catch (error) {
    console.error(output.split('\n').slice(-40).join('\n'));
    throw error;
  } finally {
    await stop();
  }
}

function check(ok: boolean, what: string) {
  if (!ok) throw new Error(`Worker smoke test failed: ${what}`);
  console.log(`ok: ${what}`);
}

await main();
