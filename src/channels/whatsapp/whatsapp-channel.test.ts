import { describe, expect, it } from 'vitest';
import { wa, webhookOf, signedInit, TEST_APP_SECRET, TEST_VERIFY_TOKEN, TEST_PHONE_NUMBER_ID } from '../../../test/support/whatsapp-fixtures.js';
import type { WhatsAppConfig } from '../../config.js';
import { createLogger } from '../../logger.js';
import type { ChannelCore } from '../channel.js';
import { createWhatsAppChannel } from './whatsapp-channel.js';

/**
 * What the route does when the core cannot record: answer 5xx so that Meta retries (nothing lost) and
 * defer nothing. The core here is a stand-in for the port whose storage is down; everything else
 * (signature, parsing, toInbound) is the real code. The happy paths run end to end in
 * whatsapp-webhook.test.ts on the real app and database.
 */

const config: WhatsAppConfig = {
  accessToken: 'token',
  phoneNumberId: TEST_PHONE_NUMBER_ID,
  appSecret: TEST_APP_SECRET,
  verifyToken: TEST_VERIFY_TOKEN,
  apiBase: 'http://127.0.0.1:9',
  graphVersion: 'v23.0',
};

function coreWhereStorageIsDown(what: 'record' | 'markFailed') {
  const deferred: string[] = [];
  const down = () => Promise.reject(new Error('connection refused'));
  const core: ChannelCore = {
    inbox: {
      record: what === 'record' ? down : async (m) => ({ recorded: m.map((_, i) => i + 1), duplicates: 0 }),
      process: async () => {},
    },
    people: { markUnreachable: async () => {}, markReachable: async () => {} },
    outbox: { markFailedByExternalId: what === 'markFailed' ? down : async () => {} },
    firstSeen: async () => true,
    logger: createLogger('silent'),
    defer: (_c, task) => void deferred.push(task.name || 'task'),
  };
  return { core, deferred };
}

describe('WhatsApp webhook when storage fails', () => {
  it('answers 500 when the messages cannot be recorded, and defers nothing', async () => {
    const { core, deferred } = coreWhereStorageIsDown('record');
    const channel = createWhatsAppChannel(config, core);
    const res = await channel.routes.request('/', signedInit(webhookOf(wa.text({ waId: '33612345678' }, 'Bonjour'))));
    expect(res.status).toBe(500);
    expect(deferred).toEqual([]);
  });

  it('answers 500 when a failed status cannot be applied, so Meta sends it again', async () => {
    const { core } = coreWhereStorageIsDown('markFailed');
    const channel = createWhatsAppChannel(config, core);
    const res = await channel.routes.request('/', signedInit(webhookOf(wa.status('wamid.X', 'failed', { waId: '33612345678' }))));
    expect(res.status).toBe(500);
  });

  it('defers processing and read receipts after a successful record', async () => {
    const { core, deferred } = coreWhereStorageIsDown('markFailed');
    const channel = createWhatsAppChannel(config, core);
    const res = await channel.routes.request('/', signedInit(webhookOf(wa.text({ waId: '33612345678' }, 'Bonjour'))));
    expect(res.status).toBe(200);
    expect(deferred).toHaveLength(2);
  });
});
