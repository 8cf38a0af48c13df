import { eq } from 'drizzle-orm';
import { loadContent } from '../../src/content/index.js';
import { OUTCOMES } from '../../src/core/handoff.js';
import { cases, messages } from '../../src/storage/schema.js';
import { describe, expect, test } from '../support/fixtures.js';
import { body, outboxCount, startCaseWorld } from './case-fixtures.js';

/**
 * The handoff contract's JSON API (DESIGN.md) through HTTP, as a script or the console's own script
 * uses it: a session cookie with its CSRF token, or a bearer token; people writing through the real
 * Telegram and WhatsApp webhooks, replies reaching the fake Bot API and Graph API.
 */

const content = loadContent();
const MINUTE = 60_000;
const CASE_KEYS = ['claimedBy', 'channel', 'deadlineAt', 'id', 'lastPersonMessageAt', 'locale', 'openedAt', 'place', 'status', 'urgent'];

describe('GET /console/api/cases and /cases/:id', () => {
  test('answer the contract’s shapes, with no phone number or chat id; ?after= gives only the newer lines', async ({ telegramApi, graphApi }) => {
    const w = await startCaseWorld(telegramApi.url, graphApi.url);
    const amina = await w.volunteer({ name: 'Amina', languages: ['fr'] });
    await w.telegram(777001, 'bénévole');
    const id = await w.latestCaseId();

    const list = await amina.api('GET', '/cases?status=open');
    expect(list.status).toBe(200);
    const { cases: queue } = await body<{ cases: Record<string, unknown>[] }>(list);
    expect(queue).toHaveLength(1);
    for (const key of CASE_KEYS) expect(queue[0]).toHaveProperty(key);
    expect(queue[0]).toMatchObject({ id, status: 'open', urgent: false, locale: 'fr', channel: 'telegram', claimedBy: null });
    expect(JSON.stringify(queue)).not.toContain('777001');
    // Without a status: the open cases. The others are empty.
    expect((await body(await amina.bearer('GET', '/cases'))).cases).toHaveLength(1);
    expect((await body(await amina.api('GET', '/cases?status=claimed'))).cases).toEqual([]);
    expect((await body(await amina.api('GET', '/cases?status=closed'))).cases).toEqual([]);

    const one = await amina.api('GET', `/cases/${id}`);
    expect(one.status).toBe(200);
    const view = await body<{ case: Record<string, unknown>; messages: { id: number; at: string; author: string; text: string; french?: string }[] }>(one);
    expect(view.case).toMatchObject({ id, status: 'open' });
    expect(view.messages.length).toBeGreaterThan(2);
    for (const m of view.messages) {
      expect(['person', 'bot', 'volunteer', 'note', 'system']).toContain(m.author);
      expect(typeof m.id).toBe('number');
      expect(new Date(m.at).toISOString()).toBe(m.at);
      expect(typeof m.text).toBe('string');
    }
    expect(view.messages[0]).toMatchObject({ author: 'person', text: 'bénévole' });
    expect(JSON.stringify(view)).not.toContain('777001');

    const last = view.messages.at(-1)!.id;
    expect((await body(await amina.api('GET', `/cases/${id}?after=${last}`))).messages).toEqual([]);
    const tail = await body<{ messages: { id: number }[] }>(await amina.api('GET', `/cases/${id}?after=${last - 1}`));
    expect(tail.messages.map((m) => m.id)).toEqual([last]);
  });

  test('order the queue for the caller: urgent, their languages, nearest deadline, longest wait; flag a language nobody reads', async ({ telegramApi, graphApi }) => {
    const w = await startCaseWorld(telegramApi.url, graphApi.url);
    const amina = await w.volunteer({ name: 'Amina', languages: ['fr'] });
    const yonas = await w.volunteer({ name: 'Yonas', languages: ['ti', 'en'] });
    const ids: number[] = [];
    for (const chat of [1, 2, 3, 4, 5, 6]) {
      await w.telegram(880000 + chat, 'bénévole');
      ids.push(await w.latestCaseId());
      w.clock.advance(MINUTE);
    }
    const [a, b, c, d, e, f] = ids as [number, number, number, number, number, number];
    const db = w.relais.db;
    await db.update(cases).set({ urgent: true }).where(eq(cases.id, d));
    await db.update(cases).set({ deadlineAt: new Date('2026-12-03T10:00:00Z') }).where(eq(cases.id, c));
    await db.update(cases).set({ locale: 'ti' }).where(eq(cases.id, e));
    await db.update(cases).set({ locale: 'ps' }).where(eq(cases.id, f));

    const order = async (member: typeof amina) =>
      (await body<{ cases: { id: number; needsInterpreter: boolean }[] }>(await member.api('GET', '/cases?status=open'))).cases;
    expect((await order(amina)).map((k) => k.id)).toEqual([d, c, a, b, e, f]);
    // Yonas reads Tigrinya: the Tigrinya case comes before the French ones (after the urgent one).
    expect((await order(yonas)).map((k) => k.id)).toEqual([d, e, c, a, b, f]);
    const flags = Object.fromEntries((await order(amina)).map((k) => [k.id, k.needsInterpreter]));
    expect(flags).toEqual({ [a]: false, [b]: false, [c]: false, [d]: false, [e]: false, [f]: true });
  });
});

describe('POST /console/api/cases/:id/claim', () => {
  test('many claims at once from two volunteers: one holder; every other answer is 409 naming them', async ({ telegramApi, graphApi }) => {
    const w = await startCaseWorld(telegramApi.url, graphApi.url);
    const amina = await w.volunteer({ name: 'Amina' });
    const bruno = await w.volunteer({ name: 'Bruno' });
    await w.telegram(900001, 'bénévole');
    const id = await w.latestCaseId();

    const attempts = await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const who = i % 2 === 0 ? amina : bruno;
        // Half through the browser session (cookie + CSRF), half through the API token.
        const response = i % 4 < 2 ? await who.api('POST', `/cases/${id}/claim`) : await who.bearer('POST', `/cases/${id}/claim`);
        return { who: who.volunteer.id, status: response.status, body: await body(response) };
      }),
    );
    const won = attempts.filter((a) => a.status === 200);
    const holders = new Set(won.map((a) => a.body.case.claimedBy.id));
    expect(holders.size).toBe(1);
    const holder = [...holders][0];
    // The winner's other clicks are fine (they hold it); the other volunteer gets 409 every time.
    expect(won.every((a) => a.who === holder)).toBe(true);
    expect(won).toHaveLength(30);
    const lost = attempts.filter((a) => a.status !== 200);
    expect(lost).toHaveLength(30);
    for (const a of lost) {
      expect(a.status).toBe(409);
      expect(a.body.claimedBy.id).toBe(holder);
      expect(a.body.error).toMatch(/^(Amina|Bruno) holds this case since 10:00\.$/);
    }
    const [row] = await w.relais.db.select().from(cases).where(eq(cases.id, id));
    expect(row!.claimedBy).toBe(holder);
  });
});

describe('release, transfer, auto-release', () => {
  test('the holder or a coordinator releases; a coordinator transfers; silence gives the case back; removing an account frees its cases', async ({ telegramApi, graphApi }) => {
    const w = await startCaseWorld(telegramApi.url, graphApi.url, { HANDOFF_AUTO_RELEASE_MINUTES: '30' });
    const amina = await w.volunteer({ name: 'Amina' });
    const bruno = await w.volunteer({ name: 'Bruno' });
    const chloe = await w.volunteer({ name: 'Chloé', role: 'coordinator' });
    await w.telegram(910001, 'bénévole');
    const id = await w.latestCaseId();

    expect((await amina.api('POST', `/cases/${id}/claim`)).status).toBe(200);
    const refused = await bruno.api('POST', `/cases/${id}/release`);
    expect(refused.status).toBe(403);
    expect(await body(refused)).toEqual({
      error: 'Amina holds this case since 10:00. Only they or a coordinator can release it.',
      claimedBy: { id: amina.volunteer.id, name: 'Amina' },
    });
    const released = await amina.api('POST', `/cases/${id}/release`);
    expect(released.status).toBe(200);
    expect((await body(released)).case).toMatchObject({ id, status: 'open', claimedBy: null });
    const nothing = await amina.api('POST', `/cases/${id}/release`);
    expect(nothing.status).toBe(409);
    expect((await body(nothing)).error).toBe('Nobody holds this case: there is nothing to release.');

    await amina.api('POST', `/cases/${id}/claim`);
    expect((await chloe.api('POST', `/cases/${id}/release`)).status).toBe(200);

    // Transfer: coordinators only, to an active volunteer.
    expect((await amina.api('POST', `/cases/${id}/transfer`, { volunteerId: bruno.volunteer.id })).status).toBe(403);
    const bad = await chloe.api('POST', `/cases/${id}/transfer`, { volunteerId: 'someone' });
    expect(bad.status).toBe(400);
    expect((await body(bad)).error).toBe('volunteerId: must be a volunteer id');
    const unknown = await chloe.api('POST', `/cases/${id}/transfer`, { volunteerId: 424242 });
    expect(unknown.status).toBe(400);
    expect((await body(unknown)).error).toBe('volunteerId: there is no volunteer #424242.');
    const moved = await chloe.api('POST', `/cases/${id}/transfer`, { volunteerId: bruno.volunteer.id });
    expect(moved.status).toBe(200);
    expect((await body(moved)).case).toMatchObject({ status: 'claimed', claimedBy: { id: bruno.volunteer.id, name: 'Bruno' } });

    // Bruno says nothing: after 30 minutes of silence the sweep gives the case back.
    w.clock.advance(29 * MINUTE);
    expect((await w.relais.sweep()).released).toEqual([]);
    w.clock.advance(2 * MINUTE);
    expect((await w.relais.sweep()).released).toEqual([id]);
    const open = await body<{ cases: { id: number; claimedBy: unknown }[] }>(await amina.api('GET', '/cases?status=open'));
    expect(open.cases).toEqual([expect.objectContaining({ id, claimedBy: null })]);

    // A removed account's cases go back to the queue with the removal.
    await bruno.api('POST', `/cases/${id}/claim`);
    const removal = await chloe.api('DELETE', `/volunteers/${bruno.volunteer.id}`);
    expect(removal.status).toBe(200);
    expect((await body(removal)).releasedCases).toEqual([id]);
    expect((await body(await amina.api('GET', `/cases/${id}`))).case).toMatchObject({ status: 'open', claimedBy: null });
  });
});

describe('the relay, both ways', () => {
  test('Telegram: a reply reaches the Bot API, the person’s answer shows on the case, a note never leaves', async ({ telegramApi, graphApi }) => {
    const w = await startCaseWorld(telegramApi.url, graphApi.url);
    const amina = await w.volunteer({ name: 'Amina', languages: ['fr'] });
    const chat = 920001;
    await w.telegram(chat, 'bénévole');
    const id = await w.latestCaseId();
    const sentTo = () => telegramApi.sent().filter((m) => m.chatId === String(chat)).map((m) => m.text);

    const early = await amina.api('POST', `/cases/${id}/messages`, { text: 'Bonjour' });
    expect(early.status).toBe(409);
    expect(await body(early)).toEqual({ error: 'Nobody holds this case: claim it before writing to the person.', claimedBy: null });

    await amina.api('POST', `/cases/${id}/claim`);
    const reply = await amina.api('POST', `/cases/${id}/messages`, { text: 'Bonjour, je suis Amina, bénévole. Où êtes-vous ?' });
    expect(reply.status).toBe(202);
    const { message } = await body(reply);
    expect(message).toMatchObject({ author: 'volunteer', text: 'Bonjour, je suis Amina, bénévole. Où êtes-vous ?', delivery: { state: 'queued' }, volunteer: { id: amina.volunteer.id, name: 'Amina' } });

    const note = await amina.api('POST', `/cases/${id}/notes`, { text: 'Note interne : frère à Roissy, vol demain' });
    expect(note.status).toBe(201);
    expect((await body(note)).message).toMatchObject({ author: 'note', text: 'Note interne : frère à Roissy, vol demain' });
    await w.relais.settle();
    expect(sentTo().at(-1)).toBe('Bonjour, je suis Amina, bénévole. Où êtes-vous ?');

    await w.telegram(chat, 'À Roissy, terminal 2');
    await w.relais.sweep();
    expect(sentTo().join('\n')).not.toContain('Note interne');
    const after = await body<{ messages: { id: number; author: string; text: string; delivery?: { state: string } }[] }>(
      await amina.api('GET', `/cases/${id}?after=${message.id - 1}`),
    );
    expect(after.messages.map((m) => [m.author, m.text])).toEqual([
      ['volunteer', 'Bonjour, je suis Amina, bénévole. Où êtes-vous ?'],
      ['note', 'Note interne : frère à Roissy, vol demain'],
      ['person', 'À Roissy, terminal 2'],
    ]);
    expect(after.messages[0]!.delivery).toEqual({ state: 'sent' });
    expect(after.messages[1]).not.toHaveProperty('delivery');
  });

  test('WhatsApp: a reply reaches the Graph API, delivered then read; the answer shows; after 24 hours a reply is held and says so', async ({ telegramApi, graphApi }) => {
    const w = await startCaseWorld(telegramApi.url, graphApi.url, { WHATSAPP_REENGAGE_TEMPLATE: 'relais_reprise', WHATSAPP_TEMPLATE_LANGUAGES: 'fr=fr' });
    const amina = await w.volunteer({ name: 'Amina', languages: ['fr'] });
    const fatima = { waId: '33612345678', name: 'Fatima' };
    await w.whatsapp(fatima, 'bénévole');
    const id = await w.latestCaseId();
    await amina.api('POST', `/cases/${id}/claim`);
    const reply = await amina.api('POST', `/cases/${id}/messages`, { text: 'Bonjour Fatima, ici Amina.' });
    expect(reply.status).toBe(202);
    const { message } = await body(reply);
    await w.relais.settle();
    const send = graphApi.sent().find((call) => (call.body.text as { body?: string } | undefined)?.body === 'Bonjour Fatima, ici Amina.');
    expect(send).toBeDefined();
    expect(send!.body.to).toBe('33612345678');

    const stateOf = async () =>
      (await body<{ messages: { id: number; delivery?: { state: string; reason?: string } }[] }>(await amina.api('GET', `/cases/${id}`))).messages.find(
        (m) => m.id === message.id,
      )!.delivery;
    expect(await stateOf()).toEqual({ state: 'sent' });
    await w.whatsappStatus(send!.wamid!, 'delivered', fatima);
    expect(await stateOf()).toEqual({ state: 'delivered' });
    await w.whatsappStatus(send!.wamid!, 'read', fatima);
    expect(await stateOf()).toEqual({ state: 'read' });

    await w.whatsapp(fatima, 'Merci, mon frère est à Orly');
    const lines = (await body<{ messages: { author: string; text: string }[] }>(await amina.api('GET', `/cases/${id}?after=${message.id}`))).messages;
    expect(lines).toEqual([expect.objectContaining({ author: 'person', text: 'Merci, mon frère est à Orly' })]);

    // A day later (her browser session has ended by then: she uses her API token).
    w.clock.advance(25 * 3_600_000);
    const late = await amina.bearer('POST', `/cases/${id}/messages`, { text: 'Avez-vous des nouvelles ?' });
    expect(late.status).toBe(202);
    await w.relais.settle();
    const held = (await body<{ messages: { text: string; delivery?: { state: string; reason?: string } }[] }>(await amina.bearer('GET', `/cases/${id}`))).messages.at(-1)!;
    expect(held).toMatchObject({ text: 'Avez-vous des nouvelles ?', delivery: { state: 'held' } });
    expect(held.delivery!.reason).toBeTruthy();
  });
});

describe('canned replies', () => {
  test('coordinators write them per locale; a reply goes in the person’s language; a locale without it is refused, never sent in French', async ({ telegramApi, graphApi }) => {
    const w = await startCaseWorld(telegramApi.url, graphApi.url);
    const amina = await w.volunteer({ name: 'Amina', languages: ['fr', 'en'] });
    const chloe = await w.volunteer({ name: 'Chloé', role: 'coordinator' });

    const denied = await amina.api('POST', '/canned', { key: 'avocat', locale: 'fr', title: 'Avocat', text: 'x' });
    expect(denied.status).toBe(403);
    const invalid = await chloe.api('POST', '/canned', { key: 'Avocat!', locale: 'xx', title: '', text: '' });
    expect(invalid.status).toBe(400);
    expect((await body(invalid)).error).toContain('key: a key is 1–40 characters among a-z, 0-9 and -');
    for (const [locale, title, text] of [
      ['fr', 'Avocat', 'Demandez l’avocat gratuit du tribunal.'],
      ['en', 'Lawyer', 'Ask for the court’s free lawyer.'],
    ] as const) {
      const saved = await chloe.api('POST', '/canned', { key: 'avocat', locale, title, text });
      expect(saved.status).toBe(200);
      expect((await body(saved)).canned).toMatchObject({ key: 'avocat', locale, title, text });
    }
    expect((await body(await amina.api('GET', '/canned?locale=en'))).canned).toEqual([expect.objectContaining({ key: 'avocat', locale: 'en' })]);
    expect((await body(await amina.api('GET', '/canned'))).canned).toHaveLength(2);

    // A French person, then an English one.
    await w.telegram(930001, 'bénévole');
    const french = await w.latestCaseId();
    await w.telegram(930002, 'volunteer', 'en');
    const english = await w.latestCaseId();
    expect((await body(await amina.api('GET', `/cases/${english}`))).case.locale).toBe('en');
    for (const id of [french, english]) await amina.api('POST', `/cases/${id}/claim`);
    expect((await body(await amina.api('POST', `/cases/${french}/messages`, { canned: 'avocat' }))).message.text).toBe('Demandez l’avocat gratuit du tribunal.');
    expect((await body(await amina.api('POST', `/cases/${english}/messages`, { canned: 'avocat' }))).message.text).toBe('Ask for the court’s free lawyer.');
    await w.relais.settle();
    expect(telegramApi.sent().filter((m) => m.chatId === '930002').at(-1)!.text).toBe('Ask for the court’s free lawyer.');

    // The person reads Tigrinya: no such reply there, and nothing goes.
    await w.relais.db.update(cases).set({ locale: 'ti' }).where(eq(cases.id, french));
    const before = await outboxCount(w.relais, french);
    const missing = await amina.api('POST', `/cases/${french}/messages`, { canned: 'avocat' });
    expect(missing.status).toBe(409);
    expect(await body(missing)).toEqual({ error: 'This reply does not exist in Tigrinya yet: write it yourself or ask a coordinator to add it.', locale: 'ti' });
    const unknown = await amina.api('POST', `/cases/${french}/messages`, { canned: 'nothing-like-it' });
    expect(unknown.status).toBe(400);
    expect((await body(unknown)).error).toBe('canned: there is no canned reply "nothing-like-it".');
    expect(await outboxCount(w.relais, french)).toBe(before);

    // Deleting: coordinators only; then the English person's reply is missing too.
    expect((await amina.api('DELETE', '/canned/avocat/en')).status).toBe(403);
    expect((await chloe.api('DELETE', '/canned/avocat/en')).status).toBe(200);
    expect((await chloe.api('DELETE', '/canned/avocat/en')).status).toBe(404);
    expect((await amina.api('POST', `/cases/${english}/messages`, { canned: 'avocat' })).status).toBe(409);
  });
});

describe('close and reopen', () => {
  test('closing needs a known outcome, sends the closing message in the person’s language, and refuses what comes after; reopen puts it back', async ({ telegramApi, graphApi }) => {
    const w = await startCaseWorld(telegramApi.url, graphApi.url);
    const amina = await w.volunteer({ name: 'Amina', languages: ['en'] });
    const bruno = await w.volunteer({ name: 'Bruno', languages: ['en'] });
    const chat = 940001;
    await w.telegram(chat, 'volunteer', 'en');
    const id = await w.latestCaseId();
    await amina.api('POST', `/cases/${id}/claim`);

    const bad = await amina.api('POST', `/cases/${id}/close`, { outcome: 'solved' });
    expect(bad.status).toBe(400);
    expect((await body(bad)).error).toBe(`outcome: must be one of ${OUTCOMES.join(', ')}`);
    const notHers = await bruno.api('POST', `/cases/${id}/close`, { outcome: 'other' });
    expect(notHers.status).toBe(409);
    expect(await body(notHers)).toMatchObject({ error: 'Amina holds this case since 10:00. Only they or a coordinator can close it.', claimedBy: { name: 'Amina' } });

    const closed = await amina.api('POST', `/cases/${id}/close`, { outcome: 'referred-to-lawyer' });
    expect(closed.status).toBe(200);
    expect((await body(closed)).case).toMatchObject({ id, status: 'closed', outcome: 'referred-to-lawyer', claimedBy: null });
    await w.relais.settle();
    expect(telegramApi.sent().filter((m) => m.chatId === String(chat)).at(-1)!.text).toBe(content.text('en', 'case.closed'));
    const last = (await body<{ messages: { author: string; text: string }[] }>(await amina.api('GET', `/cases/${id}`))).messages.at(-1);
    expect(last).toMatchObject({ author: 'system', text: content.text('en', 'case.closed') });
    expect((await body(await amina.api('GET', '/cases?status=closed'))).cases).toEqual([expect.objectContaining({ id, outcome: 'referred-to-lawyer' })]);

    const before = await outboxCount(w.relais, id);
    const late = await amina.api('POST', `/cases/${id}/messages`, { text: 'One more thing' });
    expect(late.status).toBe(409);
    expect((await body(late)).error).toBe('The case was closed meanwhile: nothing was sent.');
    expect((await amina.api('POST', `/cases/${id}/close`, { outcome: 'other' })).status).toBe(409);
    expect((await amina.api('POST', `/cases/${id}/claim`)).status).toBe(409);
    expect(await outboxCount(w.relais, id)).toBe(before);

    const reopened = await bruno.api('POST', `/cases/${id}/reopen`);
    expect(reopened.status).toBe(200);
    expect((await body(reopened)).case).toMatchObject({ id, status: 'open', outcome: null, closedAt: null });
    const again = await bruno.api('POST', `/cases/${id}/reopen`);
    expect(again.status).toBe(409);
    expect((await body(again)).error).toBe('This case is not closed: there is nothing to reopen.');
  });
});

describe('identifiers and the audit log', () => {
  test('the holder or a coordinator sees the chat id or number on request; each look is in the audit log, which only coordinators read', async ({ telegramApi, graphApi }) => {
    const w = await startCaseWorld(telegramApi.url, graphApi.url);
    const amina = await w.volunteer({ name: 'Amina' });
    const bruno = await w.volunteer({ name: 'Bruno' });
    const chloe = await w.volunteer({ name: 'Chloé', role: 'coordinator' });
    await w.telegram(950001, 'bénévole');
    const telegramCase = await w.latestCaseId();
    await w.whatsapp({ waId: '33698765432' }, 'bénévole');
    const phoneCase = await w.latestCaseId();
    await w.whatsapp({ bsuid: 'FR.1a2b3c4d5e6f' }, 'bénévole');
    const bsuidCase = await w.latestCaseId();

    // Nothing in the queue or the case gives the identifier away.
    const everything = JSON.stringify([await body(await amina.api('GET', '/cases')), await body(await amina.api('GET', `/cases/${phoneCase}`))]);
    for (const secret of ['950001', '33698765432', 'FR.1a2b3c4d5e6f']) expect(everything).not.toContain(secret);

    const notHolder = await bruno.api('POST', `/cases/${telegramCase}/reveal`);
    expect(notHolder.status).toBe(403);
    expect((await body(notHolder)).error).toContain('claim it first');
    await amina.api('POST', `/cases/${telegramCase}/claim`);
    const seen = await amina.api('POST', `/cases/${telegramCase}/reveal`);
    expect(seen.status).toBe(200);
    expect(await body(seen)).toEqual({ identifier: '950001', kind: 'chat-id', channel: 'telegram' });
    expect(await body(await chloe.api('POST', `/cases/${phoneCase}/reveal`))).toEqual({ identifier: '+33698765432', kind: 'phone-number', channel: 'whatsapp' });
    expect(await body(await chloe.bearer('POST', `/cases/${bsuidCase}/reveal`))).toEqual({ identifier: 'FR.1a2b3c4d5e6f', kind: 'bsuid', channel: 'whatsapp' });
    expect((await chloe.api('POST', '/cases/424242/reveal')).status).toBe(404);

    expect((await amina.api('GET', '/audit')).status).toBe(403);
    const audit = await chloe.api('GET', '/audit?action=reveal-identifier');
    expect(audit.status).toBe(200);
    const { entries } = await body<{ entries: { at: string; volunteer: { name: string }; action: string; caseId: number; detail: unknown }[] }>(audit);
    expect(entries.map((e) => [e.volunteer.name, e.caseId, e.detail])).toEqual([
      ['Chloé', bsuidCase, { channel: 'whatsapp', kind: 'bsuid' }],
      ['Chloé', phoneCase, { channel: 'whatsapp', kind: 'phone-number' }],
      ['Amina', telegramCase, { channel: 'telegram', kind: 'chat-id' }],
    ]);
    expect(entries[2]!.at).toBe(w.clock.now().toISOString());
    // The log says who looked, never what they saw.
    const log = JSON.stringify(await body(await chloe.api('GET', '/audit')));
    for (const secret of ['950001', '33698765432', 'FR.1a2b3c4d5e6f']) expect(log).not.toContain(secret);
    expect((await body(await chloe.api('GET', `/audit?caseId=${telegramCase}`))).entries).toHaveLength(1);
    expect((await chloe.api('GET', '/audit?limit=0')).status).toBe(400);
  });
});

describe('bad input', () => {
  test('empty, oversized, malformed, unknown case, closed case: a 4xx with a reason, and nothing half-done', async ({ telegramApi, graphApi }) => {
    const w = await startCaseWorld(telegramApi.url, graphApi.url);
    const amina = await w.volunteer({ name: 'Amina' });
    await w.telegram(960001, 'bénévole');
    const id = await w.latestCaseId();
    await amina.api('POST', `/cases/${id}/claim`);
    const lines = async () => (await w.relais.db.select({ id: messages.id }).from(messages)).length;
    const [linesBefore, outboxBefore] = [await lines(), await outboxCount(w.relais, id)];

    const refusals: [string, string, unknown, number, string][] = [
      ['POST', `/cases/${id}/messages`, { text: '' }, 400, 'text: the reply is empty'],
      ['POST', `/cases/${id}/messages`, { text: '  \n ' }, 400, 'text: the reply is empty'],
      ['POST', `/cases/${id}/messages`, { text: 'x'.repeat(4001) }, 400, 'text: the reply is longer than 4000 characters'],
      ['POST', `/cases/${id}/messages`, { text: 'hello', canned: 'avocat' }, 400, 'body: send either text or canned (a canned reply key)'],
      ['POST', `/cases/${id}/messages`, {}, 400, 'body: send either text or canned (a canned reply key)'],
      ['POST', `/cases/${id}/messages`, { text: 42 }, 400, 'text: must be text'],
      ['POST', `/cases/${id}/messages`, '{"text": "unterminated', 400, 'the body must be a JSON object'],
      ['POST', `/cases/${id}/notes`, { text: '' }, 400, 'text: the note is empty'],
      ['POST', `/cases/${id}/close`, {}, 400, `outcome: must be one of ${OUTCOMES.join(', ')}`],
      ['GET', '/cases?status=waiting', undefined, 400, 'status: must be open, claimed or closed'],
      ['GET', `/cases/${id}?after=-3`, undefined, 400, 'after: must be a message id'],
      ['GET', '/cases/abc', undefined, 400, 'id: must be a case id (a positive whole number)'],
      ['GET', '/cases/424242', undefined, 404, 'There is no case #424242.'],
      ['POST', '/cases/424242/claim', undefined, 404, 'There is no case #424242.'],
      ['POST', '/cases/424242/release', undefined, 404, 'There is no case #424242.'],
      ['POST', '/cases/424242/messages', { text: 'hello' }, 404, 'There is no case #424242.'],
      ['POST', '/cases/424242/notes', { text: 'hello' }, 404, 'There is no case #424242.'],
      ['POST', '/cases/424242/close', { outcome: 'other' }, 404, 'There is no case #424242.'],
      ['POST', '/cases/424242/reopen', undefined, 404, 'There is no case #424242.'],
    ];
    for (const [method, path, input, status, error] of refusals) {
      const response = await amina.api(method, path, input);
      expect(response.status, `${method} ${path}`).toBe(status);
      expect((await body(response)).error, `${method} ${path}`).toBe(error);
    }
    expect(await lines()).toBe(linesBefore);
    expect(await outboxCount(w.relais, id)).toBe(outboxBefore);

    // Exactly 4000 characters is fine.
    expect((await amina.api('POST', `/cases/${id}/messages`, { text: 'x'.repeat(4000) })).status).toBe(202);
  });
});
