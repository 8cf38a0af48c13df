import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import type { VolunteerInput } from '../../src/handoff/volunteers.js';
import { cases, outbox } from '../../src/storage/schema.js';
import { telegramUpdates as u } from '../support/fake-telegram-api.js';
import { startRelais, type TestRelais } from '../support/relais.js';
import { signedInit, wa, webhookOf, whatsappEnv, type WaPerson } from '../support/whatsapp-fixtures.js';
import { apiToken, bearer, signedIn, type Session } from './helpers.js';

/**
 * The console's case tests start here: the real app on the real database with Telegram and WhatsApp
 * on (the far side faked by the fixtures' local servers), a clock the test moves, people who ask for
 * a volunteer through the real webhooks, and volunteers signed in through the real routes.
 */

export const TELEGRAM_SECRET = 'console-cases-secret';
export const START = new Date('2026-11-30T09:00:00Z');

export interface CaseWorld {
  relais: TestRelais;
  clock: { now: () => Date; advance(ms: number): void; set(at: Date): void };
  /** A Telegram person writes (and what follows is processed). */
  telegram(chat: number, text: string, language?: string): Promise<void>;
  /** A WhatsApp person writes. */
  whatsapp(person: WaPerson, text: string): Promise<void>;
  /** A WhatsApp status for a message we sent (delivered, read). */
  whatsappStatus(wamid: string, status: 'delivered' | 'read', person: WaPerson): Promise<void>;
  /** The latest case's id (or the case of a person, by the order they came). */
  latestCaseId(): Promise<number>;
  /** A signed-in volunteer: a browser session and an API client speaking for them. */
  volunteer(input?: Partial<VolunteerInput>): Promise<Member>;
}

export interface Member extends Session {
  volunteer: Awaited<ReturnType<typeof signedIn>>['volunteer'];
  token: string;
  /** A JSON call to the API with the session cookie and its CSRF token (as the console's script would). */
  api(method: string, path: string, body?: unknown): Promise<Response>;
  /** The same with the API token (as a script would). */
  bearer(method: string, path: string, body?: unknown): Promise<Response>;
  /** A form post with the CSRF field, as a page's form sends it. */
  form(path: string, fields?: Record<string, string | string[]>): Promise<Response>;
  /** A page, as the browser asks for it. */
  page(path: string): Promise<Response>;
  /** Follows a form's redirect as the browser does, with the flash cookie it set: the page's HTML. */
  follow(response: Response): Promise<string>;
}

let updateId = 1;

export async function startCaseWorld(telegramUrl: string, graphUrl: string, env: Record<string, string> = {}): Promise<CaseWorld> {
  let at = START.getTime();
  const clock = {
    now: () => new Date(at),
    advance: (ms: number) => {
      at += ms;
    },
    set: (d: Date) => {
      at = d.getTime();
    },
  };
  const relais = await startRelais({
    env: {
      TELEGRAM_BOT_TOKEN: '123456789:AAFakeTokenForRelaisTests_abcdefgh',
      TELEGRAM_WEBHOOK_SECRET: TELEGRAM_SECRET,
      TELEGRAM_API_ROOT: telegramUrl,
      ...whatsappEnv(graphUrl),
      ...env,
    },
    now: clock.now,
    channelOptions: { whatsapp: { now: clock.now } },
  });

  const world: CaseWorld = {
    relais,
    clock,
    async telegram(chat, text, language = 'fr') {
      const response = await relais.request('/webhooks/telegram', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET },
        body: JSON.stringify(u.text(updateId++, chat, text, language)),
      });
      expect(response.status).toBe(200);
      await relais.settle();
    },
    async whatsapp(person, text) {
      const response = await relais.request('/webhooks/whatsapp', signedInit(webhookOf(wa.text(person, text, { at: clock.now() }))));
      expect(response.status).toBe(200);
      await relais.settle();
    },
    async whatsappStatus(id, status, person) {
      const response = await relais.request('/webhooks/whatsapp', signedInit(webhookOf(wa.status(id, status, person))));
      expect(response.status).toBe(200);
      await relais.settle();
    },
    async latestCaseId() {
      const rows = await relais.db.select({ id: cases.id }).from(cases).orderBy(cases.id);
      expect(rows.length).toBeGreaterThan(0);
      return rows.at(-1)!.id;
    },
    async volunteer(input = {}) {
      const signed = await signedIn(relais, input, clock.now());
      const token = await apiToken(relais, signed.volunteer, clock.now());
      const call = (headers: Record<string, string>) => (method: string, path: string, body?: unknown) =>
        relais.request(`/console/api${path}`, {
          method,
          headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
          ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
        });
      return {
        ...signed,
        token,
        api: call({ cookie: signed.cookie, 'x-csrf-token': signed.csrfToken }),
        bearer: call(bearer(token)),
        form: (path, fields = {}) => {
          const body = new URLSearchParams();
          body.append('_csrf', signed.csrfToken);
          for (const [key, value] of Object.entries(fields)) for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
          return relais.request(path, { method: 'POST', headers: { cookie: signed.cookie, 'content-type': 'application/x-www-form-urlencoded' }, body });
        },
        page: (path) => relais.request(path, { headers: { cookie: signed.cookie } }),
        async follow(response) {
          expect(response.status, await response.clone().text()).toBe(303);
          const flash = cookieOf(response, 'relais_flash');
          const cookie = flash ? `${signed.cookie}; relais_flash=${flash}` : signed.cookie;
          const next = await relais.request(response.headers.get('location')!, { headers: { cookie } });
          expect(next.status).toBe(200);
          return next.text();
        },
      };
    },
  };
  return world;
}

/** The body of a JSON answer, typed loosely for assertions. */
export async function body<T = Record<string, any>>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

/** How many outbox rows a case's person has (to prove a refused action sent nothing). */
export async function outboxCount(relais: TestRelais, caseId: number): Promise<number> {
  const [kase] = await relais.db.select({ personId: cases.personId }).from(cases).where(eq(cases.id, caseId));
  return (await relais.db.select({ id: outbox.id }).from(outbox).where(eq(outbox.personId, kase!.personId))).length;
}

/** A cookie's value in a response's Set-Cookie headers. */
export function cookieOf(response: Response, name: string): string | undefined {
  const all = response.headers.getSetCookie?.() ?? [response.headers.get('set-cookie') ?? ''];
  for (const line of all) {
    const match = new RegExp(`(?:^|, )${name}=([^;]*)`).exec(line);
    if (match) return match[1];
  }
  return undefined;
}
