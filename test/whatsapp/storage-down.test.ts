import { beforeEach, describe, expect, it } from 'vitest';
import { startFakeGraphApi } from '../support/fake-graph-api.js';
import { signedInit, wa, webhookOf, whatsappEnv } from '../support/whatsapp-fixtures.js';
import { createApp, type RelaisApp } from '../../src/app.js';
import { parseConfig } from '../../src/config/config.js';
import { loadContent } from '../../src/content/index.js';
import { createLogger } from '../../src/logger.js';
import { openDatabase } from '../../src/storage/database.js';
import { migrateDatabase } from '../../src/storage/migrate.js';

/**
 * What the route does when the database is down: answer 5xx so that Meta retries (nothing lost) and
 * send nothing. The real app on a real (embedded) database that has just gone away; the happy paths run
 * end to end in whatsapp-webhook.test.ts.
 */
describe('WhatsApp webhook when the database is down', () => {
  let relais: RelaisApp;
  let graphCalls: () => number;

  beforeEach(async () => {
    const graph = await startFakeGraphApi();
    const database = await openDatabase({ dataDir: 'memory://' });
    await migrateDatabase(database);
    relais = createApp({
      config: parseConfig({ LOG_LEVEL: 'silent', ...whatsappEnv(graph.url) }),
      database,
      content: loadContent(),
      logger: createLogger('silent'),
    });
    await database.close();
    graphCalls = () => graph.calls.length;
    return () => graph.close();
  });

  it('answers 503 when the messages cannot be recorded, and sends nothing', async () => {
    const res = await relais.app.request('/webhooks/whatsapp', signedInit(webhookOf(wa.text({ waId: '33612345678' }, 'Bonjour'))));
    expect(res.status).toBe(503);
    await relais.background.drain();
    expect(relais.background.pending).toBe(0);
    expect(graphCalls()).toBe(0);
  });

  it('answers 503 when a failed status cannot be applied, so Meta sends it again', async () => {
    const res = await relais.app.request(
      '/webhooks/whatsapp',
      signedInit(webhookOf(wa.status('wamid.X', 'failed', { waId: '33612345678' }))),
    );
    expect(res.status).toBe(503);
  });
});
