import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContent } from '../../src/content/index.js';
import { browserAvailable, launchChromium } from '../support/browser.js';
import { startRelaisProcess, type RelaisProcess } from '../support/process.js';

/**
 * A volunteer's first minutes in a real browser (Debian's Chromium through playwright-core, a phone's
 * width) against the real server, started as `npm start` runs it on a fresh embedded database: the
 * sign-in link it prints, the queue, a case, claim, reply, close; the person on the other side is the
 * local web chat's API. Skipped where Chromium is not installed, unless RELAIS_BROWSER_TESTS=required.
 */
const available = browserAvailable('the volunteer console in Chromium');

const content = loadContent();

interface Reply {
  id: number;
  payload: { message: { text: string; choices?: { id: string }[] } };
}

/** A person on the local web chat, through its API (as the /chat page uses it). */
function webPerson(base: string, session: string) {
  let after = 0;
  let sequence = 0;
  const received: Reply[] = [];
  const poll = async () => {
    const response = await fetch(`${base}/chat/api/messages?session=${session}&after=${after}`);
    const { replies } = (await response.json()) as { replies: Reply[] };
    for (const reply of replies) after = Math.max(after, reply.id);
    received.push(...replies);
    return replies;
  };
  return {
    received,
    poll,
    async say(body: Record<string, string>): Promise<Reply[]> {
      sequence += 1;
      const response = await fetch(`${base}/chat/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ session, id: `${session}-${sequence}`, ...body }),
      });
      expect(response.status).toBe(200);
      return poll();
    },
    /** Taps a choice the bot just offered (and fails clearly if it did not offer it). */
    async choose(id: string): Promise<Reply[]> {
      const offered = received.at(-1)?.payload.message.choices?.map((c) => c.id) ?? [];
      expect(offered, `the bot offers ${id}`).toContain(id);
      return this.say({ choice: id });
    },
  };
}

/** Asks for a volunteer and answers the intake: a relative, Roissy, a flight tomorrow at 14:30 (urgent). */
async function askForAVolunteer(person: ReturnType<typeof webPerson>): Promise<void> {
  await person.say({ start: '', language: 'fr' });
  await person.say({ command: 'volunteer' });
  for (const choice of ['in:who:relative', 'in:where:zone', 'in:zone:roissy', 'in:deadline:flight', 'in:day:tomorrow']) await person.choose(choice);
  await person.say({ text: '14:30' });
  await person.choose('in:consent:yes');
}

describe.skipIf(!available)('the volunteer console in Chromium, against the running server', () => {
  let browser: Browser;
  let server: RelaisProcess;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'relais-console-browser-'));
    server = await startRelaisProcess({ DATA_DIR: dataDir, SIMULATOR_ENABLED: 'true', OUTBOX_SWEEP_INTERVAL_MS: '1000' });
    await server.healthy(60_000);
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop('SIGTERM');
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('signs in with the printed link, sees the urgent case, claims it, replies, sees the delivery, sees the answer live, closes it; a new case shows in the queue within seconds', async () => {
    // The first start on an empty embedded database prints a coordinator's one-time link.
    await expect.poll(() => /Sign in to the console: (\S+)/.exec(server.output())?.[1], { timeout: 10_000 }).toBeDefined();
    const link = /Sign in to the console: (\S+)/.exec(server.output())![1]!;
    expect(link).toMatch(/^http:\/\/localhost:\d+\/console\/sign-in\/[A-Za-z0-9_-]{43}$/);

    const person = webPerson(server.url, 'browser-person-1');
    await askForAVolunteer(person);

    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'fr-FR' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));

    // The link shows a button (a link preview uses nothing); the button signs in and opens the queue.
    await page.goto(link);
    await page.getByRole('button', { name: 'Sign in as Coordinator' }).click();
    await page.waitForURL(/\/console$/);
    const card = page.locator('#case-1');
    await card.waitFor();
    expect(await card.locator('.badge.urgent').textContent()).toBe('URGENT');
    const facts = await card.locator('.facts').textContent();
    expect(facts).toMatch(/flight in \d+ h/);
    expect(facts).toContain('Roissy-CDG (waiting zone)');
    expect(facts).toContain('Français');
    expect(facts).toContain('web chat');

    // The case: the card, then claim.
    await card.getByRole('link', { name: 'Case #1' }).click();
    await page.waitForURL(/\/console\/cases\/1$/);
    expect(await page.locator('dl.facts').textContent()).toContain('someone close to them');
    await page.getByRole('button', { name: 'Claim this case' }).click();
    await expect.poll(() => page.locator('.flash').textContent()).toContain('You hold case #1 now');

    // A reply: it shows with its delivery state, which the page's script keeps up to date.
    const reply = 'Bonjour, je suis bénévole de l’association. Votre proche est-il toujours à Roissy ?';
    await page.locator('#reply-text').fill(reply);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => page.locator('.flash').textContent()).toContain('Your reply is on its way');
    const mine = page.locator('li.msg-volunteer').last();
    expect(await mine.locator('.text').textContent()).toBe(reply);
    await expect.poll(() => mine.locator('.delivery').textContent(), { timeout: 10_000 }).toBe('sent');

    // The person answers: the line appears without reloading.
    await person.say({ text: 'Oui, terminal 2, il attend depuis hier soir' });
    await expect.poll(() => page.locator('li.msg-person').last().locator('.text').textContent(), { timeout: 10_000 }).toBe(
      'Oui, terminal 2, il attend depuis hier soir',
    );

    // Close with an outcome.
    await page.locator('#outcome').selectOption('information-given');
    await page.getByRole('button', { name: 'Close the case' }).click();
    await expect.poll(() => page.locator('.flash').textContent()).toContain('Case #1 is closed (information given)');
    expect(await page.locator('.status').textContent()).toContain('Closed at');

    // On the person's side: the reply, then the closing message in French.
    await expect
      .poll(async () => {
        await person.poll();
        return person.received.map((r) => r.payload.message.text);
      }, { timeout: 10_000 })
      .toEqual(expect.arrayContaining([reply, content.text('fr', 'case.closed')]));
    const texts = person.received.map((r) => r.payload.message.text);
    expect(texts.indexOf(reply)).toBeLessThan(texts.indexOf(content.text('fr', 'case.closed')));

    // Back to the queue: someone else asks for help, and the case appears without a reload.
    await page.getByRole('link', { name: 'Queue' }).first().click();
    await page.waitForURL(/\/console$/);
    expect(await page.locator('#case-2').count()).toBe(0);
    const started = Date.now();
    await askForAVolunteer(webPerson(server.url, 'browser-person-2'));
    await page.locator('#case-2 .badge.urgent').waitFor({ timeout: 10_000 });
    expect(Date.now() - started).toBeLessThan(10_000);

    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});
