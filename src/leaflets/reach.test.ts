import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/config.js';
import { createReach } from './reach.js';

const token = { TELEGRAM_BOT_TOKEN: '123456:ABCdefGhIJKlmnOPQrstUVwxyz0123456', TELEGRAM_WEBHOOK_SECRET: 'secret_1' };

describe('where leaflets send people', () => {
  it('takes the configured username and number, and never asks Telegram then', async () => {
    let asked = 0;
    const reach = createReach(parseConfig({ ...token, TELEGRAM_BOT_USERNAME: 'RelaisBot', WHATSAPP_DISPLAY_NUMBER: '+33 6 12 34 56 78' }), {
      getMe: async () => (asked++, { username: 'OtherBot' }),
    });
    expect(await reach()).toEqual({ telegram: { status: 'ok', username: 'RelaisBot' }, whatsapp: { status: 'ok', number: '33612345678' } });
    expect(asked).toBe(0);
  });

  it('learns the username from getMe once when only a token is set; a failure is said and asked again next time', async () => {
    let asked = 0;
    let fail = true;
    const reach = createReach(parseConfig(token), {
      getMe: async () => {
        asked++;
        if (fail) throw new Error('Network request for getMe failed');
        return { username: 'Relais_AnafeBot' };
      },
    });
    const first = await reach();
    expect(first.telegram).toEqual({ status: 'missing', why: expect.stringContaining('getMe failed') });
    expect(first.whatsapp).toEqual({ status: 'missing', why: expect.stringContaining('WHATSAPP_DISPLAY_NUMBER') });
    fail = false;
    expect((await reach()).telegram).toEqual({ status: 'ok', username: 'Relais_AnafeBot' });
    await reach();
    expect(asked).toBe(2);
  });

  it('says what to set when nothing is configured', async () => {
    const reach = await createReach(parseConfig({}))();
    expect(reach.telegram).toEqual({ status: 'missing', why: expect.stringContaining('TELEGRAM_BOT_USERNAME') });
  });
});
