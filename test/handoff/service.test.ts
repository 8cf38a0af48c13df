import { and, eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { loadContent } from '../../src/content/index.js';
import type { Actor } from '../../src/handoff/service.js';
import { cannedReplies, cases, messages, outbox, volunteers } from '../../src/storage/schema.js';
import { telegramUpdates as u } from '../support/fake-telegram-api.js';
import { test } from '../support/fixtures.js';
import { startRelais, type TestRelais } from '../support/relais.js';
import { signedInit, wa, webhookOf, whatsappEnv } from '../support/whatsapp-fixtures.js';

/**
 * The handoff as volunteers work it, through the app's own service (the console's API and the
 * volunteers' group call the same functions), against the real database and the fake platforms.
 */

const SECRET = 'handoff-secret';
let clock = new Date('2026-11-30T09:00:00Z');

async function start(telegramUrl: string, graphUrl: string, extraEnv: Record<string, string> = {}) {
  clock = new Date('2026-11-30T09:00:00Z');
  const relais = await startRelais({
    env: {
      TELEGRAM_BOT_TOKEN: '123456789:AAFakeTokenForRelaisTests_abcdefgh',
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: telegramUrl,
      ...whatsappEnv(graphUrl),
      ...extraEnv,
    },
    now: () => clock,
    channelOptions: { whatsapp: { now: () => clock } },
  });
  const volunteer = async (name: string, languages: string[], role: 'volunteer' | 'coordinator' = 'volunteer'): Promise<Actor> => {
    const [row] = await relais.db
      .insert(volunteers)
      .values({ name, email: `${name.toLowerCase()}@example.org`, role, languages: languages as never })
      .returning();
    return { id: row!.id, name: row!.name, role: row!.role, languages: row!.languages };
  };
  const telegram = async (chat: number, text: string, updateId: number) => {
    await relais.request('/webhooks/telegram', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify(u.text(updateId, chat, text, 'fr')),
    });
    await relais.settle();
  };
  return { relais, volunteer, telegram };
}

async function caseIdFor(relais: TestRelais): Promise<number> {
  const [row] = await relais.db.select({ id: cases.id }).from(cases);
  return row!.id;
}

describe('the handoff service', () => {
  test('orders the queue: urgent, in my languages, nearest deadline, longest wait; flags a language nobody reads', async ({ telegramApi, graphApi }) => {
    const { relais, volunteer, telegram } = await start(telegramApi.url, graphApi.url);
    const amina = await volunteer('Amina', ['fr', 'ar']);
    let id = 1;
    // Four people ask for a volunteer, a minute apart.
    for (const chat of [1001, 1002, 1003, 1004]) {
      await telegram(chat, 'bénévole', id++);
      clock = new Date(clock.getTime() + 60_000);
    }
    const rows = await relais.db.select().from(cases).orderBy(cases.id);
    const [a, b, c, d] = rows.map((r) => r.id) as [number, number, number, number];
    await relais.db.update(cases).set({ urgent: true }).where(eq(cases.id, d));
    await relais.db.update(cases).set({ deadlineAt: new Date('2026-12-03T10:00:00Z') }).where(eq(cases.id, c));
    await relais.db.update(cases).set({ locale: 'ti' }).where(eq(cases.id, a));

    const queue = await relais.relais.handoff.queue('open', amina);
    expect(queue.map((q) => q.id)).toEqual([d, c, b, a]);
    expect(queue.find((q) => q.id === a)!.needsInterpreter).toBe(true);
    expect(queue.find((q) => q.id === b)!.needsInterpreter).toBe(false);
    // The contract's Case carries no phone number or chat id.
    expect(JSON.stringify(queue)).not.toContain('1001');
  });

  test('many claims at once from two volunteers: one holder, the others told who', async ({ telegramApi, graphApi }) => {
    const { relais, volunteer, telegram } = await start(telegramApi.url, graphApi.url);
    const [amina, bruno] = [await volunteer('Amina', ['fr']), await volunteer('Bruno', ['fr'])];
    await telegram(2001, 'bénévole', 1);
    const caseId = await caseIdFor(relais);
    const attempts = await Promise.all(
      Array.from({ length: 40 }, (_, i) => relais.relais.handoff.claim(caseId, i % 2 ? amina : bruno)),
    );
    const winners = new Set(attempts.filter((a) => a.status === 'claimed').map((a) => a.case!.claimedBy!.id));
    expect(winners.size).toBe(1);
    const holder = [...winners][0]!;
    for (const a of attempts) {
      if (a.status === 'taken') expect(a.claimedBy.id).toBe(holder);
      else expect(a.status).toBe('claimed');
    }
    const [row] = await relais.db.select().from(cases).where(eq(cases.id, caseId));
    expect(row!.claimedBy).toBe(holder);
  });

  test('release by the holder or a coordinator; auto-release after the configured silence', async ({ telegramApi, graphApi }) => {
    const { relais, volunteer, telegram } = await start(telegramApi.url, graphApi.url, { HANDOFF_AUTO_RELEASE_MINUTES: '30' });
    const [amina, bruno, chloe] = [await volunteer('Amina', ['fr']), await volunteer('Bruno', ['fr']), await volunteer('Chloé', ['fr'], 'coordinator')];
    await telegram(3001, 'bénévole', 1);
    const caseId = await caseIdFor(relais);
    await relais.relais.handoff.claim(caseId, amina);
    expect((await relais.relais.handoff.release(caseId, bruno)).status).toBe('not-holder');
    expect((await relais.relais.handoff.release(caseId, chloe)).status).toBe('released');
    await relais.relais.handoff.claim(caseId, bruno);
    // Bruno says nothing for 31 minutes: the sweep gives the case back to the queue.
    clock = new Date(clock.getTime() + 29 * 60_000);
    expect((await relais.sweep()).released).toEqual([]);
    clock = new Date(clock.getTime() + 2 * 60_000);
    expect((await relais.sweep()).released).toEqual([caseId]);
    expect((await relais.relais.handoff.view(caseId))!.case).toMatchObject({ status: 'open', claimedBy: null });
  });

  test('announces again an open case nobody takes, once per period (HANDOFF_REMIND_MINUTES), counting from the last announcement', async ({ telegramApi, graphApi }) => {
    const { relais, volunteer, telegram } = await start(telegramApi.url, graphApi.url, { HANDOFF_REMIND_MINUTES: '30' });
    const amina = await volunteer('Amina', ['fr']);
    await telegram(3501, 'bénévole', 1);
    const caseId = await caseIdFor(relais);
    clock = new Date(clock.getTime() + 29 * 60_000);
    expect((await relais.sweep()).reminded).toEqual([]);
    clock = new Date(clock.getTime() + 60_000);
    expect((await relais.sweep()).reminded).toEqual([caseId]);
    expect((await relais.sweep()).reminded).toEqual([]);
    clock = new Date(clock.getTime() + 30 * 60_000);
    expect((await relais.sweep()).reminded).toEqual([caseId]);
    // Taken, then released: the release is an announcement; the next reminder is a period after it.
    await relais.relais.handoff.claim(caseId, amina);
    clock = new Date(clock.getTime() + 60 * 60_000);
    expect((await relais.sweep()).reminded).toEqual([]);
    await relais.relais.handoff.release(caseId, amina);
    clock = new Date(clock.getTime() + 29 * 60_000);
    expect((await relais.sweep()).reminded).toEqual([]);
    clock = new Date(clock.getTime() + 60_000);
    expect((await relais.sweep()).reminded).toEqual([caseId]);
  });

  test('relays both ways with a Telegram person; notes never reach them; close sends the closing message and the bot is theirs again', async ({ telegramApi, graphApi }) => {
    const { relais, volunteer, telegram } = await start(telegramApi.url, graphApi.url);
    const amina = await volunteer('Amina', ['fr']);
    const chat = 4001;
    await telegram(chat, 'bénévole', 1);
    const caseId = await caseIdFor(relais);
    const sentTo = () => telegramApi.sent().filter((m) => m.chatId === String(chat)).map((m) => m.text);

    expect((await relais.relais.handoff.reply(caseId, amina, { text: 'Bonjour' })).status).toBe('not-holder');
    await relais.relais.handoff.claim(caseId, amina);
    const reply = await relais.relais.handoff.reply(caseId, amina, { text: 'Bonjour, je suis Amina, bénévole. Où êtes-vous ?' });
    expect(reply.status).toBe('queued');
    await relais.relais.handoff.note(caseId, amina, 'Note interne : frère à Roissy');
    await relais.settle();
    expect(sentTo().at(-1)).toBe('Bonjour, je suis Amina, bénévole. Où êtes-vous ?');
    expect(sentTo().join('\n')).not.toContain('Note interne');

    // The person answers: it goes to the case; the bot stays silent.
    const before = sentTo().length;
    await telegram(chat, 'À Roissy, terminal 2', 2);
    expect(sentTo()).toHaveLength(before);
    const view = (await relais.relais.handoff.view(caseId))!;
    const lines = view.messages.filter((m) => m.author !== 'bot');
    expect(lines.map((m) => [m.author, m.text]).slice(-3)).toEqual([
      ['volunteer', 'Bonjour, je suis Amina, bénévole. Où êtes-vous ?'],
      ['note', 'Note interne : frère à Roissy'],
      ['person', 'À Roissy, terminal 2'],
    ]);
    expect(lines.find((m) => m.author === 'volunteer')!.delivery).toEqual({ state: 'sent' });

    const closed = await relais.relais.handoff.close(caseId, 'information-given', amina);
    expect(closed.status).toBe('closed');
    await relais.settle();
    expect(sentTo().at(-1)).toBe(loadContent().text('fr', 'case.closed'));
    // The bot answers again.
    const afterClose = sentTo().length;
    await telegram(chat, 'menu', 3);
    expect(sentTo().length).toBeGreaterThan(afterClose);
    expect((await relais.relais.handoff.reopen(caseId)).status).toBe('reopened');
  });

  test('relays to a WhatsApp person; after the 24-hour window the reply is held, the person invited, and the volunteer sees it', async ({ telegramApi, graphApi }) => {
    const { relais, volunteer } = await start(telegramApi.url, graphApi.url, {
      WHATSAPP_REENGAGE_TEMPLATE: 'relais_reprise',
      WHATSAPP_TEMPLATE_LANGUAGES: 'fr=fr,ar=ar',
    });
    const amina = await volunteer('Amina', ['fr']);
    const fatima = { waId: '33612345678', name: 'Fatima' };
    await relais.request('/webhooks/whatsapp', signedInit(webhookOf(wa.text(fatima, 'bénévole', { at: clock }))));
    await relais.settle();
    const caseId = await caseIdFor(relais);
    await relais.relais.handoff.claim(caseId, amina);
    await relais.relais.handoff.reply(caseId, amina, { text: 'Bonjour Fatima, ici Amina.' });
    await relais.settle();
    expect(graphApi.sent().some((c) => (c.body.text as { body?: string } | undefined)?.body === 'Bonjour Fatima, ici Amina.')).toBe(true);

    clock = new Date(clock.getTime() + 25 * 3_600_000);
    await relais.relais.handoff.reply(caseId, amina, { text: 'Avez-vous des nouvelles ?' });
    await relais.settle();
    const view = (await relais.relais.handoff.view(caseId))!;
    expect(view.messages.at(-1)).toMatchObject({ author: 'volunteer', text: 'Avez-vous des nouvelles ?', delivery: { state: 'held' } });
    expect(graphApi.sent().at(-1)!.body.type).toBe('template');
  });

  test('canned replies go in the person’s language, and a language without one says so rather than sending French', async ({ telegramApi, graphApi }) => {
    const { relais, volunteer, telegram } = await start(telegramApi.url, graphApi.url);
    const amina = await volunteer('Amina', ['fr', 'ar']);
    await relais.db.insert(cannedReplies).values([
      { key: 'avocat', locale: 'fr', title: 'Avocat', text: 'Demandez l’avocat gratuit du tribunal.' },
      { key: 'avocat', locale: 'en', title: 'Lawyer', text: 'Ask for the court’s free lawyer.' },
    ]);
    await telegram(5001, 'bénévole', 1);
    const caseId = await caseIdFor(relais);
    await relais.relais.handoff.claim(caseId, amina);
    expect(await relais.relais.handoff.reply(caseId, amina, { canned: 'avocat' })).toMatchObject({ status: 'queued', message: { text: 'Demandez l’avocat gratuit du tribunal.' } });
    await relais.db.update(cases).set({ locale: 'ar' }).where(eq(cases.id, caseId));
    expect(await relais.relais.handoff.reply(caseId, amina, { canned: 'avocat' })).toEqual({ status: 'no-canned-reply', locale: 'ar' });
    const queued = await relais.db.select().from(outbox).where(eq(outbox.personId, (await relais.db.select().from(cases))[0]!.personId));
    expect(queued.filter((r) => r.payload.message.text === 'Demandez l’avocat gratuit du tribunal.')).toHaveLength(1);
    const notes = await relais.db.select().from(messages).where(and(eq(messages.author, 'volunteer')));
    expect(notes).toHaveLength(1);
  });
});
