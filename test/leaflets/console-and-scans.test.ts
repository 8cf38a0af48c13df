import { and, eq, like } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { loadContent } from '../../src/content/index.js';
import type { LocaleCode } from '../../src/core/locales.js';
import { dailyCounts } from '../../src/storage/schema.js';
import { signedIn } from '../console/helpers.js';
import { FAKE_BOT_INFO, telegramUpdates as u } from '../support/fake-telegram-api.js';
import { test } from '../support/fixtures.js';
import { qrCodesOf } from '../support/qr.js';
import { startRelais, type TestRelais } from '../support/relais.js';
import { wa, webhookOf, whatsappEnv, type WaPerson } from '../support/whatsapp-fixtures.js';
import { postWebhook, sentTo, textOf } from '../whatsapp/helpers.js';

/**
 * Leaflets end to end: a coordinator opens `/console/leaflets`, sees a leaflet; a person scans its
 * WhatsApp code, which prefills a greeting; the greeting goes through the real signed webhook, opens
 * the entry point's topic in the leaflet's language, and the entry point is counted anonymously.
 */
const content = loadContent();
const NUMBER = '33612345678';

async function leafletPage(relais: TestRelais, cookie: string, query: string): Promise<{ status: number; html: string }> {
  const response = await relais.request(`/console/leaflets/view?${query}`, { headers: { cookie } });
  return { status: response.status, html: await response.text() };
}

async function entryRows(relais: TestRelais) {
  return relais.db
    .select({ metric: dailyCounts.metric, channel: dailyCounts.channel, locale: dailyCounts.locale, count: dailyCounts.count })
    .from(dailyCounts)
    .where(like(dailyCounts.metric, 'entry.%'));
}

describe('/console/leaflets', () => {
  test('is behind sign-in; shows the form, then a leaflet whose codes read back to its links', async ({ graphApi }) => {
    const relais = await startRelais({
      env: whatsappEnv(graphApi.url, { TELEGRAM_BOT_USERNAME: 'Relais_AnafeBot', WHATSAPP_DISPLAY_NUMBER: `+${NUMBER}`, ASSOCIATION_NAME: 'Anafé' }),
    });
    expect((await relais.request('/console/leaflets')).status).toBe(401);
    expect((await relais.request('/console/leaflets/view?entry=asile&locale=ar&layout=a6')).status).toBe(401);

    const { cookie } = await signedIn(relais, { role: 'coordinator' });
    const index = await relais.request('/console/leaflets', { headers: { cookie } });
    expect(index.status).toBe(200);
    const form = await index.text();
    expect(form).toContain('<option value="frontiere-italie">Renvoyé(e) vers l’Italie ? (frontiere-italie)</option>');
    expect(form).toContain('No one yet.');

    const { status, html } = await leafletPage(relais, cookie, 'entry=frontiere-espagne&locale=ps&layout=a4&bilingual=1');
    expect(status).toBe(200);
    expect(html).toContain('<script src="/console/leaflets/print.js" defer></script>');
    expect(html).toContain('Anafé');
    expect(qrCodesOf(html).map((c) => c.decoded)).toEqual([
      'https://t.me/Relais_AnafeBot?start=frontiere-espagne--fr',
      `https://wa.me/${NUMBER}?text=${encodeURIComponent('Bonjour Relais (frontiere-espagne--fr)')}`,
      'https://t.me/Relais_AnafeBot?start=frontiere-espagne--ps',
      `https://wa.me/${NUMBER}?text=${encodeURIComponent(content.translation('ps', 'leaflet.whatsapp.text', { code: 'frontiere-espagne--ps' }))}`,
    ]);

    const script = await relais.request('/console/leaflets/print.js', { headers: { cookie } });
    expect(script.headers.get('content-type')).toContain('javascript');
    expect(await script.text()).toContain('window.print()');

    const bad = await leafletPage(relais, cookie, 'entry=nulle-part&locale=xx');
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('entry must be one of');
  });

  test('learns the bot’s username from getMe when only a token is set; no WhatsApp number: a note, no code, no link', async ({ telegramApi }) => {
    const relais = await startRelais({
      env: { TELEGRAM_BOT_TOKEN: telegramApi.token, TELEGRAM_WEBHOOK_SECRET: 'secret_1', TELEGRAM_API_ROOT: telegramApi.url },
    });
    const { cookie } = await signedIn(relais);
    const { html } = await leafletPage(relais, cookie, 'entry=mineurs&locale=ti&layout=a6');
    expect(qrCodesOf(html).map((c) => c.decoded)).toEqual([`https://t.me/${FAKE_BOT_INFO.username}?start=mineurs--ti`]);
    expect(html).not.toContain('wa.me');
    expect(html).toContain('WhatsApp: number not configured (set WHATSAPP_DISPLAY_NUMBER). The WhatsApp QR code is left out.');
    // Asked once, then kept.
    await leafletPage(relais, cookie, 'entry=asile&locale=fr&layout=a4');
    expect(telegramApi.calls.filter((c) => c.method === 'getMe')).toHaveLength(1);
  });
});

describe('scanning a leaflet', () => {
  test.for([
    ['frontiere-italie', 'ar', 'border'],
    ['zone-attente', 'ti', 'r-zone'],
    ['asile', 'pt-BR', 'h-asylum'],
  ] as const)('the WhatsApp code of %s (%s) opens its topic in its language through the real webhook, counted once', async ([entry, locale, topic], { graphApi }) => {
    const relais = await startRelais({ env: whatsappEnv(graphApi.url, { WHATSAPP_DISPLAY_NUMBER: NUMBER, TELEGRAM_BOT_USERNAME: 'RelaisBot' }) });
    const { cookie } = await signedIn(relais);
    const { html } = await leafletPage(relais, cookie, `entry=${entry}&locale=${locale}&layout=a6`);
    const scanned = qrCodesOf(html).find((c) => c.channel === 'whatsapp')!.decoded!;
    // What the phone prefills: the text parameter of the click-to-chat link read from the QR code.
    const greeting = new URL(scanned).searchParams.get('text')!;

    // A French phone number: without the code, the bot would start in French.
    const person: WaPerson = { waId: '33698765432', name: 'Amal' };
    expect((await postWebhook(relais, webhookOf(wa.text(person, greeting)))).status).toBe(200);
    await relais.settle();
    const sent = sentTo(graphApi, person).map(textOf);
    expect(sent).toContain(content.text(locale as LocaleCode, content.topics.get(topic)!.body[0]!));

    // The person writes again (a question): the arrival is not counted twice.
    await postWebhook(relais, webhookOf(wa.text(person, 'menu')));
    await relais.settle();
    expect(await entryRows(relais)).toEqual([{ metric: `entry.${entry}`, channel: 'whatsapp', locale, count: 1 }]);

    const index = await (await relais.request('/console/leaflets', { headers: { cookie } })).text();
    expect(index).toMatch(new RegExp(`<td>${entry}</td><td>whatsapp</td><td>${locale}</td><td class="n">1</td>`));
  });

  test('a Telegram deep link from a leaflet is counted per entry point, channel and locale, with no identifier', async ({ telegramApi }) => {
    const relais = await startRelais({
      env: { TELEGRAM_BOT_TOKEN: telegramApi.token, TELEGRAM_WEBHOOK_SECRET: 'secret_1', TELEGRAM_API_ROOT: telegramApi.url },
    });
    const post = (update: unknown) =>
      relais.request('/webhooks/telegram', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'secret_1' },
        body: JSON.stringify(update),
      });
    expect((await post(u.text(910_001, 555_001, '/start violences--fa'))).status).toBe(200);
    expect((await post(u.text(910_002, 555_002, '/start violences--fa'))).status).toBe(200);
    expect((await post(u.text(910_003, 555_001, '/start audience--fa'))).status).toBe(200);
    await relais.settle();
    expect(await entryRows(relais)).toEqual([{ metric: 'entry.violences', channel: 'telegram', locale: 'fa', count: 2 }]);
    // The counts table has no column for a person, a chat or a text.
    const [row] = await relais.db.select().from(dailyCounts).where(and(eq(dailyCounts.metric, 'entry.violences')));
    expect(Object.keys(row!).sort()).toEqual(['channel', 'count', 'day', 'locale', 'metric']);
  });
});
