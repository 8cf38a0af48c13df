import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.js';

function problems(env: Record<string, string>) {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const telegram = { TELEGRAM_BOT_TOKEN: '123456:ABCdefGhIJKlmnOPQrstUVwxyz0123456', TELEGRAM_WEBHOOK_SECRET: 'secret_1' };
const whatsapp = {
  WHATSAPP_ACCESS_TOKEN: 'EAAG-token',
  WHATSAPP_PHONE_NUMBER_ID: '1234567890',
  WHATSAPP_APP_SECRET: 'app-secret',
  WHATSAPP_VERIFY_TOKEN: 'verify-me',
};

describe('parseConfig', () => {
  it('starts with nothing set: embedded database, web chat on, no channel', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({ port: 8787, dataDir: '.data', simulatorEnabled: true, logLevel: 'info' });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.telegram).toBeUndefined();
    expect(config.whatsapp).toBeUndefined();
    expect(config.association).toEqual({});
  });

  it('turns a channel on when all its variables are set, with its defaults', () => {
    const config = parseConfig({ ...telegram, ...whatsapp, DATABASE_URL: 'postgres://u@db:5432/relais' });
    expect(config.telegram).toEqual({
      botToken: telegram.TELEGRAM_BOT_TOKEN,
      webhookSecret: 'secret_1',
      apiRoot: 'https://api.telegram.org',
    });
    expect(config.whatsapp).toMatchObject({ apiBase: 'https://graph.facebook.com', graphVersion: 'v23.0' });
    // With a real channel on, the local web chat is off unless asked for.
    expect(config.simulatorEnabled).toBe(false);
    expect(parseConfig({ ...telegram, SIMULATOR_ENABLED: 'true' }).simulatorEnabled).toBe(true);
  });

  it('names every wrong variable at once', () => {
    const found = problems({
      PORT: 'eighty',
      DATABASE_URL: 'mysql://localhost/db',
      TELEGRAM_BOT_TOKEN: telegram.TELEGRAM_BOT_TOKEN,
      WHATSAPP_ACCESS_TOKEN: 'x',
      WHATSAPP_API_BASE: 'not a url',
      SIMULATOR_ENABLED: 'maybe',
    });
    const names = found.map((p) => p.variable).sort();
    expect(names).toEqual([
      'DATABASE_URL',
      'PORT',
      'SIMULATOR_ENABLED',
      'TELEGRAM_WEBHOOK_SECRET',
      'WHATSAPP_API_BASE',
      'WHATSAPP_APP_SECRET',
      'WHATSAPP_PHONE_NUMBER_ID',
      'WHATSAPP_VERIFY_TOKEN',
    ]);
    expect(found.find((p) => p.variable === 'TELEGRAM_WEBHOOK_SECRET')!.message).toBe(
      'required to turn Telegram on (TELEGRAM_BOT_TOKEN is set)',
    );
  });

  it('prints one message listing each problem', () => {
    expect(() => parseConfig({ PORT: '70000', TELEGRAM_WEBHOOK_SECRET: 'has spaces' })).toThrowError(
      /PORT: .*\n.*TELEGRAM_WEBHOOK_SECRET: .*\n.*TELEGRAM_BOT_TOKEN: required/,
    );
  });

  it('reads the association contacts only when set, and the template languages per locale', () => {
    const config = parseConfig({
      ...whatsapp,
      ASSOCIATION_NAME: 'Anafé',
      ASSOCIATION_PHONE: ' ',
      WHATSAPP_REENGAGE_TEMPLATE: 'relais_reply_invite',
      WHATSAPP_TEMPLATE_LANGUAGES: 'fr=fr, en=en_US,ar=ar',
    });
    expect(config.association).toEqual({ name: 'Anafé' });
    expect(config.whatsapp?.reengageTemplate).toEqual({
      name: 'relais_reply_invite',
      languages: { fr: 'fr', en: 'en_US', ar: 'ar' },
    });
    expect(problems({ ...whatsapp, WHATSAPP_REENGAGE_TEMPLATE: 't', WHATSAPP_TEMPLATE_LANGUAGES: 'xx=fr' })[0]!.variable).toBe(
      'WHATSAPP_TEMPLATE_LANGUAGES',
    );
  });

  it('reads what leaflets print: the bot’s username and the WhatsApp number, neither turning a channel on', () => {
    const config = parseConfig({ TELEGRAM_BOT_USERNAME: '@Relais_AnafeBot', WHATSAPP_DISPLAY_NUMBER: '+33 6 12-34.56 78' });
    expect(config.leaflets).toEqual({ telegramBotUsername: 'Relais_AnafeBot', whatsappNumber: '33612345678' });
    expect(config.telegram).toBeUndefined();
    expect(config.whatsapp).toBeUndefined();
    expect(parseConfig({}).leaflets).toEqual({});
    expect(problems({ TELEGRAM_BOT_USERNAME: 'relais', WHATSAPP_DISPLAY_NUMBER: '06 12 34' }).map((p) => p.variable).sort()).toEqual([
      'TELEGRAM_BOT_USERNAME',
      'WHATSAPP_DISPLAY_NUMBER',
    ]);
    expect(problems({ TELEGRAM_BOT_USERNAME: 'https://t.me/RelaisBot' })[0]!.message).toMatch(/ending in "bot"/);
    expect(problems({ WHATSAPP_DISPLAY_NUMBER: 'wa.me/33612345678' })[0]!.variable).toBe('WHATSAPP_DISPLAY_NUMBER');
  });
});
