import { test as base } from 'vitest';
import { startFakeGraphApi, type FakeGraphApi } from './fake-graph-api.js';
import { startFakeTelegramApi, type FakeTelegramApi } from './fake-telegram-api.js';
import { TEST_ACCESS_TOKEN } from './whatsapp-fixtures.js';

/**
 * `test` with the far side of the network as fixtures: a local fake Bot API and a fake Graph API,
 * each started once per file (on first use) and reset before every test that asks for it. The Graph
 * API accepts only `TEST_ACCESS_TOKEN`, the token `whatsappEnv` configures.
 *
 *   import { test } from '../support/fixtures.js';
 *   test('sends', async ({ telegramApi }) => { … telegramApi.url … });
 */
export const test = base
  .extend('telegramServer', { scope: 'file' }, async ({}, { onCleanup }): Promise<FakeTelegramApi> => {
    const server = await startFakeTelegramApi();
    onCleanup(() => server.close());
    return server;
  })
  .extend('telegramApi', async ({ telegramServer }) => {
    telegramServer.reset();
    return telegramServer;
  })
  .extend('graphServer', { scope: 'file' }, async ({}, { onCleanup }): Promise<FakeGraphApi> => {
    // It refuses any other token, as Meta does (error 190).
    const server = await startFakeGraphApi({ accessToken: TEST_ACCESS_TOKEN });
    onCleanup(() => server.close());
    return server;
  })
  .extend('graphApi', async ({ graphServer }) => {
    graphServer.reset();
    return graphServer;
  });

export { describe, expect } from 'vitest';
