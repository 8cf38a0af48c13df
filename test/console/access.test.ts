import { describe, expect, it } from 'vitest';
import { startRelais } from '../support/relais.js';
import { inboundEvents } from '../../src/storage/schema.js';

const basic = (user: string, password: string) => ({ authorization: `Basic ${btoa(`${user}:${password}`)}` });

describe('/console access', () => {
  it('is open in local mode (no channel) so a newcomer can look at it', async () => {
    const relais = await startRelais();
    expect((await relais.request('/console')).status).toBe(200);
  });

  it('stays closed with a real channel on and no password', async () => {
    const relais = await startRelais({
      env: { TELEGRAM_BOT_TOKEN: '123456:ABCdefGhIJKlmnOPQrstUVwxyz0123456', TELEGRAM_WEBHOOK_SECRET: 's' },
    });
    const res = await relais.request('/console');
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('CONSOLE_PASSWORD');
  });

  it('asks for the password when one is set', async () => {
    const relais = await startRelais({ env: { CONSOLE_PASSWORD: 'correct horse' } });
    expect((await relais.request('/console')).status).toBe(401);
    expect((await relais.request('/console', { headers: basic('amina', 'wrong') })).status).toBe(401);
    const ok = await relais.request('/console', { headers: basic('amina', 'correct horse') });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('Relais console');
  });

  it('shows the messages that could not be processed, so none is lost from sight', async () => {
    const relais = await startRelais();
    await relais.db.insert(inboundEvents).values({
      channel: 'telegram',
      externalId: '991',
      personKey: '4242',
      status: 'failed',
      attempts: 5,
      lastError: 'engine crashed',
      payload: { channel: 'telegram', externalId: '991', personKey: '4242', receivedAt: new Date(), body: { kind: 'text', text: 'Mon frère est à Roissy' } },
    });
    const page = await (await relais.request('/console')).text();
    expect(page).toContain('Messages received but not answered (1)');
    expect(page).toContain('Mon frère est à Roissy');
    expect(page).toContain('engine crashed');
    expect(page).not.toContain('4242');
  });
});
