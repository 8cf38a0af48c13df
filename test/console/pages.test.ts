import { eq } from 'drizzle-orm';
import { loadContent } from '../../src/content/index.js';
import { readAudit } from '../../src/privacy/audit.js';
import { cases } from '../../src/storage/schema.js';
import { describe, expect, test } from '../support/fixtures.js';
import { body, outboxCount, startCaseWorld, type CaseWorld } from './case-fixtures.js';

/**
 * The console's pages as a browser without JavaScript uses them: server-rendered HTML, forms posted
 * with the CSRF field, a redirect and a flash message after each (or the page again, with the text
 * typed, when a reply is refused), `lang` and `dir` on every line shown.
 */

const content = loadContent();
const HOUR = 3_600_000;

/** The value of the hidden `version` field of the form posting to `action`. */
function versionIn(page: string, action: string): string {
  const form = new RegExp(`<form method="post" action="${action}">(.*?)</form>`, 's').exec(page)?.[1];
  const version = form && /name="version" value="([^"]+)"/.exec(form)?.[1];
  if (!version) throw new Error(`no version in the form for ${action}`);
  return version;
}

/** The ids of the cases listed, in order. */
const listed = (page: string) => [...page.matchAll(/<li class="case[^"]*" id="case-(\d+)">/g)].map((m) => Number(m[1]));

/** An Arabic-speaking person on Telegram asks for a volunteer. */
async function arabicPerson(w: CaseWorld, chat: number): Promise<number> {
  await w.telegram(chat, '/start', 'ar');
  await w.telegram(chat, '/volunteer', 'ar');
  const id = await w.latestCaseId();
  expect((await w.relais.db.select({ locale: cases.locale }).from(cases).where(eq(cases.id, id)))[0]!.locale).toBe('ar');
  return id;
}

describe('the queue page', () => {
  test('tabs, and for each case its urgency, deadline, language, channel, place, wait, holder and the interpreter flag, urgent first', async ({ telegramApi, graphApi }) => {
    const w = await startCaseWorld(telegramApi.url, graphApi.url);
    const amina = await w.volunteer({ name: 'Amina', languages: ['fr', 'ar'] });
    await w.telegram(1101, 'bénévole');
    const calm = await w.latestCaseId();
    w.clock.advance(10 * 60_000);
    const arabic = await arabicPerson(w, 1102);
    await w.telegram(1103, 'bénévole');
    const urgent = await w.latestCaseId();
    await w.relais.db
      .update(cases)
      .set({ urgent: true, deadlineAt: new Date(w.clock.now().getTime() + 5 * HOUR), card: { deadlineKind: 'flight', placeKind: 'waiting-zone', place: 'Roissy' } })
      .where(eq(cases.id, urgent));
    await w.telegram(1104, 'bénévole');
    const pashto = await w.latestCaseId();
    await w.relais.db.update(cases).set({ locale: 'ps' }).where(eq(cases.id, pashto));

    const response = await amina.page('/console');
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('Open (4)');
    expect(page).toContain('Claimed (0)');
    expect(page).toContain('Mine (0)');
    expect(listed(page)).toEqual([urgent, calm, arabic, pashto]);
    const item = (id: number) => new RegExp(`id="case-${id}">(.*?)</li>\\s*</ul>`, 's').exec(page)![1]!;
    expect(item(urgent)).toContain('<span class="badge urgent">URGENT</span>');
    expect(item(urgent)).toContain('flight in 5 h');
    expect(item(urgent)).toContain('Roissy (waiting zone)');
    expect(item(calm)).toContain('waiting 10 min');
    expect(item(calm)).toContain('Telegram');
    expect(item(calm)).toContain('no deadline known');
    expect(item(arabic)).toContain('<span lang="ar" dir="rtl">العربية</span>');
    expect(item(pashto)).toContain('Interpreter needed');
    expect(item(calm)).not.toContain('Interpreter needed');
    // The script keeps it live; the page names it with a versioned URL and no inline script.
    expect(page).toMatch(/<script src="\/console\/assets\/console\.js\?v=[0-9a-z]+" defer><\/script>/);
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(page).toContain('data-poll="queue"');

    // Claim from the queue: the form's redirect lands on the case, with a message shown once.
    const claimed = await amina.form(`/console/cases/${calm}/claim`, { version: versionIn(page, `/console/cases/${calm}/claim`), back: '/console?tab=open' });
    expect(claimed.headers.get('location')).toBe(`/console/cases/${calm}`);
    const casePage = await amina.follow(claimed);
    expect(casePage).toContain(`You hold case #${calm} now`);
    expect(await (await amina.page(`/console/cases/${calm}`)).text()).not.toContain(`You hold case #${calm} now`);
    const mine = await (await amina.page('/console?tab=mine')).text();
    expect(listed(mine)).toEqual([calm]);
    expect(mine).toContain('held by you since 10:10');
    expect(listed(await (await amina.page('/console?tab=claimed')).text())).toEqual([calm]);
  });

  test('two volunteers click claim at once: one holds it, the other is told who and since when', async ({ telegramApi, graphApi }) => {
    const w = await startCaseWorld(telegramApi.url, graphApi.url);
    const amina = await w.volunteer({ name: 'Amina' });
    const bruno = await w.volunteer({ name: 'Bruno' });
    await w.telegram(1201, 'bénévole');
    const id = await w.latestCaseId();
    const seenByBoth = versionIn(await (await amina.page('/console')).text(), `/console/cases/${id}/claim`);
    w.clock.advance(2 * 60_000);
    const [first, second] = await Promise.all([
      amina.form(`/console/cases/${id}/claim`, { version: seenByBoth, back: '/console?tab=open' }),
      bruno.form(`/console/cases/${id}/claim`, { version: seenByBoth, back: '/console?tab=open' }),
    ]);
    const [holder, other, loser] = first.headers.get('location') === `/console/cases/${id}` ? ['Amina', second, bruno] : ['Bruno', first, amina];
    expect(other.headers.get('location')).toBe('/console?tab=open');
    expect(await loser.follow(other)).toContain(`${holder} holds this case since 10:02`);
  });
});

describe('the case page', () => {
  test('the card, the transcript with French sources and right-to-left lines, replies with delivery, notes apart, canned replies of the person’s language', async ({ telegramApi, graphApi }) => {
    const w = await startCaseWorld(telegramApi.url, graphApi.url);
    const amina = await w.volunteer({ name: 'Amina', languages: ['fr', 'ar'] });
    const chloe = await w.volunteer({ name: 'Chloé', role: 'coordinator' });
    for (const [key, locale, title, text] of [
      ['avocat', 'fr', 'Avocat', 'Demandez l’avocat gratuit du tribunal.'],
      ['avocat', 'ar', 'محامٍ', 'اطلب المحامي المجاني التابع للمحكمة.'],
      ['audience', 'fr', 'Audience', 'L’audience a lieu au tribunal.'],
    ]) {
      expect((await chloe.api('POST', '/canned', { key, locale, title, text })).status).toBe(200);
    }
    const id = await arabicPerson(w, 1301);

    const before = await (await amina.page(`/console/cases/${id}`)).text();
    expect(before).toContain('Claim this case to write to the person.');
    expect(before).not.toContain('id="reply-text"');
    expect(before).toContain(`<span lang="ar" dir="rtl">العربية</span> (Arabic)`);
    expect(before).not.toContain('1301');

    await amina.form(`/console/cases/${id}/claim`, { version: versionIn(before, `/console/cases/${id}/claim`) });
    const reply = await amina.form(`/console/cases/${id}/messages`, { text: 'مرحبا، أنا أمينة من الجمعية' });
    expect(reply.status).toBe(303);
    expect(reply.headers.get('location')).toMatch(new RegExp(`^/console/cases/${id}#m-\\d+$`));
    expect(await amina.follow(reply)).toContain('Your reply is on its way to the person');
    await amina.form(`/console/cases/${id}/notes`, { text: 'Frère à Roissy, vol demain matin' });
    await w.relais.settle();
    await w.telegram(1301, 'شكرا، أخي في المطار', 'ar');

    const page = await (await amina.page(`/console/cases/${id}`)).text();
    // A bot line: the Arabic right to left, the French source beside it, left to right.
    const botLine = /<li class="msg msg-bot has-french"[^>]*>(.*?)<\/li>/s.exec(page)![1]!;
    expect(botLine).toMatch(/<p class="text" lang="ar" dir="rtl">[^<]+<\/p>/);
    expect(botLine).toMatch(/<div class="french"><span class="label">French source<\/span><p lang="fr" dir="ltr">[^<]+<\/p><\/div>/);
    // The person's lines, the reply with its delivery, the note in its own style.
    expect(page).toMatch(/<li class="msg msg-person"[^>]*>.*?<p class="text" lang="ar" dir="auto">شكرا، أخي في المطار<\/p>/s);
    expect(page).toMatch(/<li class="msg msg-volunteer"[^>]*data-state="sent">.*?<span class="who">Amina<\/span>.*?<span class="delivery delivery-sent">sent<\/span>.*?مرحبا، أنا أمينة من الجمعية/s);
    expect(page).toMatch(/<li class="msg msg-note"[^>]*>.*?Internal note · Amina.*?Frère à Roissy, vol demain matin/s);
    expect(telegramApi.sent().map((m) => m.text).join('\n')).not.toContain('Frère à Roissy');
    // The reply box writes right to left when needed; the canned replies are those of Arabic only.
    expect(page).toContain('<textarea id="reply-text" name="text" rows="4" maxlength="4000" lang="ar" dir="auto" required>');
    const picker = /<select id="canned" name="canned">(.*?)<\/select>/s.exec(page)![1]!;
    expect(picker).toContain('value="avocat"');
    expect(picker).not.toContain('audience');
    expect(page).toContain('Not in Arabic yet: audience.');
    expect(page).toContain('<dd lang="ar" dir="rtl">اطلب المحامي المجاني التابع للمحكمة.</dd>');

    // The canned reply goes in Arabic; one that Arabic lacks is refused on the page.
    await amina.form(`/console/cases/${id}/messages`, { canned: 'avocat' });
    await w.relais.settle();
    expect(telegramApi.sent().filter((m) => m.chatId === '1301').at(-1)!.text).toBe('اطلب المحامي المجاني التابع للمحكمة.');
    const missing = await amina.form(`/console/cases/${id}/messages`, { canned: 'audience' });
    expect(missing.status).toBe(409);
    expect(await missing.text()).toContain('This reply does not exist in Arabic yet: write it yourself or ask a coordinator to add it.');
  });

  test('bad input on the page: an empty or oversized reply is refused with the text kept; a closed case and a stale form are refused politely', async ({ telegramApi, graphApi }) => {
    const w = await startCaseWorld(telegramApi.url, graphApi.url);
    const amina = await w.volunteer({ name: 'Amina' });
    const bruno = await w.volunteer({ name: 'Bruno' });
    const chloe = await w.volunteer({ name: 'Chloé', role: 'coordinator' });
    await w.telegram(1401, 'bénévole');
    const id = await w.latestCaseId();
    await amina.api('POST', `/cases/${id}/claim`);
    const sent = await outboxCount(w.relais, id);

    const empty = await amina.form(`/console/cases/${id}/messages`, { text: '   ' });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain('Nothing was sent: text: the reply is empty.');
    const long = `Début ${'x'.repeat(4000)}`;
    const oversized = await amina.form(`/console/cases/${id}/messages`, { text: long });
    expect(oversized.status).toBe(400);
    const oversizedPage = await oversized.text();
    expect(oversizedPage).toContain('Nothing was sent: text: the reply is longer than 4000 characters.');
    expect(oversizedPage).toContain(`>${long}</textarea>`);
    const unknown = await amina.form('/console/cases/424242/messages', { text: 'Bonjour' });
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('There is no case #424242.');
    expect((await amina.page('/console/cases/424242')).status).toBe(404);
    expect(await outboxCount(w.relais, id)).toBe(sent);

    // Chloé's page shows Amina holding the case; meanwhile Amina releases it and Bruno takes it.
    const chloePage = await (await chloe.page(`/console/cases/${id}`)).text();
    await amina.api('POST', `/cases/${id}/release`);
    w.clock.advance(5 * 60_000);
    await bruno.api('POST', `/cases/${id}/claim`);
    const stale = await chloe.form(`/console/cases/${id}/close`, { outcome: 'no-answer', version: versionIn(chloePage, `/console/cases/${id}/close`) });
    expect(await chloe.follow(stale)).toContain(`Case #${id} changed since this page was shown. Bruno holds this case since 10:05. Nothing was done.`);
    expect((await body(await chloe.api('GET', `/cases/${id}`))).case).toMatchObject({ status: 'claimed', claimedBy: { name: 'Bruno' } });
    expect(await outboxCount(w.relais, id)).toBe(sent);

    // Bruno types a reply while Chloé closes the case: his reply is refused, and he keeps his text.
    const brunoPage = await (await bruno.page(`/console/cases/${id}`)).text();
    expect(brunoPage).toContain('id="reply-text"');
    expect((await chloe.api('POST', `/cases/${id}/close`, { outcome: 'other' })).status).toBe(200);
    const late = await bruno.form(`/console/cases/${id}/messages`, { text: 'Je reviens vers vous demain' });
    expect(late.status).toBe(409);
    const latePage = await late.text();
    expect(latePage).toContain('The case was closed meanwhile: nothing was sent.');
    expect(latePage).toContain('Je reviens vers vous demain</textarea>');
    // The close form Bruno's page still shows is stale now.
    const closeAgain = await bruno.form(`/console/cases/${id}/close`, { outcome: 'other', version: versionIn(brunoPage, `/console/cases/${id}/close`) });
    expect(await bruno.follow(closeAgain)).toContain('The case was closed at 10:05 (other). Nothing was done.');
  });

  test('close with an outcome, then reopen, through the forms; the person gets the closing message in their language', async ({ telegramApi, graphApi }) => {
    const w = await startCaseWorld(telegramApi.url, graphApi.url);
    const amina = await w.volunteer({ name: 'Amina', languages: ['ar'] });
    const id = await arabicPerson(w, 1501);
    let page = await (await amina.page(`/console/cases/${id}`)).text();
    await amina.form(`/console/cases/${id}/claim`, { version: versionIn(page, `/console/cases/${id}/claim`) });
    page = await (await amina.page(`/console/cases/${id}`)).text();
    expect(page).toContain('<option value="asylum-interview-support">asylum interview support</option>');
    const closed = await amina.form(`/console/cases/${id}/close`, { outcome: 'asylum-interview-support', version: versionIn(page, `/console/cases/${id}/close`) });
    page = await amina.follow(closed);
    expect(page).toContain(`Case #${id} is closed (asylum interview support). The person gets the closing message in Arabic.`);
    expect(page).toContain('Closed at 10:00 · asylum interview support');
    await w.relais.settle();
    expect(telegramApi.sent().filter((m) => m.chatId === '1501').at(-1)!.text).toBe(content.text('ar', 'case.closed'));
    expect(page).toMatch(/<li class="msg msg-system"[^>]*>.*?<p class="text" lang="ar" dir="rtl">/s);

    const reopened = await amina.form(`/console/cases/${id}/reopen`, { version: versionIn(page, `/console/cases/${id}/reopen`) });
    expect(await amina.follow(reopened)).toContain(`Case #${id} is open again, in the queue.`);
  });

  test('the identifier is shown on request only, to the holder or a coordinator, and recorded', async ({ telegramApi, graphApi }) => {
    const w = await startCaseWorld(telegramApi.url, graphApi.url);
    const amina = await w.volunteer({ name: 'Amina' });
    const bruno = await w.volunteer({ name: 'Bruno' });
    const fatima = { waId: '33611223344' };
    await w.whatsapp(fatima, 'bénévole');
    const id = await w.latestCaseId();
    await amina.api('POST', `/cases/${id}/claim`);

    const brunoPage = await (await bruno.page(`/console/cases/${id}`)).text();
    expect(brunoPage).not.toContain(`/console/cases/${id}/reveal`);
    expect(brunoPage).not.toContain('33611223344');
    const refused = await bruno.form(`/console/cases/${id}/reveal`);
    expect(await bruno.follow(refused)).toContain('claim it first');

    const page = await (await amina.page(`/console/cases/${id}`)).text();
    expect(page).not.toContain('33611223344');
    expect(page).toContain('Show the phone number or WhatsApp id');
    const shown = await amina.form(`/console/cases/${id}/reveal`);
    expect(shown.status).toBe(200);
    expect(await shown.text()).toContain('WhatsApp phone number: <strong>+33611223344</strong>');
    // Never in a cookie or a URL: shown on this answer only.
    expect(shown.headers.get('set-cookie') ?? '').not.toContain('33611223344');
    expect(await readAudit(w.relais.db, { action: 'reveal-identifier' })).toEqual([
      expect.objectContaining({ volunteerId: amina.volunteer.id, caseId: id, detail: { channel: 'whatsapp', kind: 'phone-number' } }),
    ]);
  });
});

describe('the coordinators’ pages', () => {
  test('volunteers: a volunteer is refused; a coordinator adds one (the link shown once), changes languages, removes one holding a case', async ({ telegramApi, graphApi }) => {
    const w = await startCaseWorld(telegramApi.url, graphApi.url);
    const bruno = await w.volunteer({ name: 'Bruno' });
    const chloe = await w.volunteer({ name: 'Chloé', role: 'coordinator' });
    const refused = await bruno.page('/console/volunteers');
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('Coordinators only');
    expect((await bruno.form('/console/volunteers', { name: 'X', email: 'x@example.org' })).status).toBe(403);
    expect(await (await bruno.page('/console')).text()).not.toContain('href="/console/volunteers"');

    const bad = await chloe.form('/console/volunteers', { name: 'Nour', email: 'not an address', languages: ['ar'] });
    expect(bad.status).toBe(400);
    const badPage = await bad.text();
    expect(badPage).toContain('Not added: email: must be an e-mail address such as amina@example.org.');
    expect(badPage).toContain('value="Nour"');

    const added = await chloe.form('/console/volunteers', { name: 'Nour', email: 'nour@example.org', languages: ['ar', 'fr'], role: 'volunteer' });
    expect(added.status).toBe(201);
    const addedPage = await added.text();
    const link = /<p class="link-once">([^<]+)<\/p>/.exec(addedPage)![1]!;
    expect(link).toMatch(/^http:\/\/localhost\/console\/sign-in\/[A-Za-z0-9_-]{43}$/);
    expect(await (await w.relais.request(new URL(link).pathname)).text()).toContain('Sign in as Nour');
    const listPage = await (await chloe.page('/console/volunteers')).text();
    expect(listPage).toContain('Nour');
    expect(listPage).not.toContain(link.split('/').at(-1)!);

    const nour = ((await body(await chloe.api('GET', '/volunteers'))).volunteers as { id: number; name: string }[]).find((v) => v.name === 'Nour')!;
    const saved = await chloe.form(`/console/volunteers/${nour.id}`, { languages: ['ar', 'ti'], role: 'volunteer' });
    expect(await chloe.follow(saved)).toContain('Saved: Nour answers in ar, ti, as volunteer.');
    const fresh = await chloe.form(`/console/volunteers/${nour.id}/sign-in-link`);
    expect(fresh.status).toBe(201);
    expect(await fresh.text()).toMatch(/<p class="link-once">http:\/\/localhost\/console\/sign-in\/[A-Za-z0-9_-]{43}<\/p>/);

    await w.telegram(1601, 'bénévole');
    const id = await w.latestCaseId();
    await bruno.api('POST', `/cases/${id}/claim`);
    const removed = await chloe.form(`/console/volunteers/${bruno.volunteer.id}/remove`);
    expect(await chloe.follow(removed)).toContain(`Bruno was removed: their sessions and links no longer work. The case they held (#${id}) is back in the queue.`);
    expect((await body(await chloe.api('GET', `/cases/${id}`))).case).toMatchObject({ status: 'open', claimedBy: null });
    expect((await bruno.page('/console')).status).toBe(401);
  });

  test('canned replies: everyone reads them, each in its language and direction; coordinators add, edit and delete them', async ({ telegramApi, graphApi }) => {
    const w = await startCaseWorld(telegramApi.url, graphApi.url);
    const bruno = await w.volunteer({ name: 'Bruno' });
    const chloe = await w.volunteer({ name: 'Chloé', role: 'coordinator' });

    const empty = await chloe.form('/console/canned', { key: 'avocat', locale: 'fa', title: 'وکیل', text: ' ' });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain('Not saved: text: the text is empty.');
    const saved = await chloe.form('/console/canned', { key: 'avocat', locale: 'fa', title: 'وکیل', text: 'از دادگاه وکیل رایگان بخواهید.' });
    expect(saved.headers.get('location')).toBe('/console/canned#canned-avocat');
    expect(await chloe.follow(saved)).toContain('Saved: “avocat” in Persian (Farsi/Dari).');

    const page = await (await bruno.page('/console/canned')).text();
    expect(page).toContain('<p lang="fa" dir="rtl" style="white-space: pre-wrap">از دادگاه وکیل رایگان بخواهید.</p>');
    expect(page).toContain('Not yet in: French, English, Arabic');
    expect(page).not.toContain('Add or replace a reply');
    expect((await bruno.form('/console/canned', { key: 'x', locale: 'fr', title: 'x', text: 'x' })).status).toBe(403);
    expect((await bruno.form('/console/canned/avocat/fa/delete')).status).toBe(403);

    expect(await (await chloe.page('/console/canned')).text()).toContain('Add or replace a reply');
    const deleted = await chloe.form('/console/canned/avocat/fa/delete');
    expect(await chloe.follow(deleted)).toContain('Deleted: “avocat” in Persian (Farsi/Dari).');
    expect((await body(await bruno.api('GET', '/canned'))).canned).toEqual([]);
  });

  test('the audit log: coordinators read who saw which identifier; volunteers are refused', async ({ telegramApi, graphApi }) => {
    const w = await startCaseWorld(telegramApi.url, graphApi.url);
    const amina = await w.volunteer({ name: 'Amina' });
    const chloe = await w.volunteer({ name: 'Chloé', role: 'coordinator' });
    await w.telegram(1701, 'bénévole');
    const id = await w.latestCaseId();
    await chloe.api('POST', `/cases/${id}/reveal`);
    expect((await amina.page('/console/audit')).status).toBe(403);
    const page = await (await chloe.page('/console/audit')).text();
    expect(page).toMatch(new RegExp(`<td>Chloé</td><td>saw the person’s identifier</td><td><a href="/console/cases/${id}">#${id}</a></td>`));
    expect(page).not.toContain('1701');
    const filtered = await (await chloe.page(`/console/audit?case=${id}`)).text();
    expect(filtered).toContain(`Audit log · case #${id}`);
    expect(filtered).not.toContain('signed in');
  });
});

describe('the console’s static files', () => {
  test('are public, cached for a year, under the console’s CSP, and carry no secret', async () => {
    const { startRelais } = await import('../support/relais.js');
    const relais = await startRelais();
    for (const [path, type] of [
      ['/console/assets/console.js', 'text/javascript'],
      ['/console/assets/console.css', 'text/css'],
    ] as const) {
      const response = await relais.request(`${path}?v=whatever`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain(type);
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(response.headers.get('set-cookie')).toBeNull();
    }
    const script = await (await relais.request('/console/assets/console.js')).text();
    expect(script).toContain('/console/api/queue-version');
    expect(script).not.toMatch(/csrf|token|password/i);
  });
});

