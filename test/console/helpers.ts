import { expect } from 'vitest';
import { addAccount } from '../../src/console/auth/accounts.js';
import { createApiToken } from '../../src/console/auth/credentials.js';
import type { Volunteer, VolunteerInput } from '../../src/handoff/volunteers.js';
import type { TestRelais } from '../support/relais.js';

/**
 * Accounts and sign-ins for the console tests, made as a coordinator or the command line makes them
 * (the real account code on the real database) and signed in through the real routes.
 */

let counter = 0;

/** A new account and the path of its one-time sign-in link. */
export async function newAccount(
  relais: TestRelais,
  input: Partial<VolunteerInput> = {},
  now = new Date(),
): Promise<{ volunteer: Volunteer; signInPath: string }> {
  counter++;
  const added = await addAccount(
    relais.db,
    { name: `Volunteer ${counter}`, email: `volunteer${counter}@example.org`, languages: ['fr'], ...input },
    { by: null, via: 'cli', now },
  );
  if (added.status !== 'added') throw new Error(`could not add the account: ${added.status}`);
  return { volunteer: added.volunteer, signInPath: `/console/sign-in/${added.signInToken}` };
}

export interface Session {
  /** `relais_session=…`, for a Cookie header. */
  cookie: string;
  csrfToken: string;
  /** The Set-Cookie header of the sign-in. */
  setCookie: string;
}

/** Uses a sign-in link as a browser does (POST), then reads the session's CSRF token from /api/me. */
export async function signIn(relais: TestRelais, signInPath: string, init: RequestInit = {}): Promise<Session> {
  const response = await relais.request(signInPath, { method: 'POST', ...init });
  expect(response.status).toBe(303);
  const setCookie = response.headers.get('set-cookie') ?? '';
  const cookie = /relais_session=[^;]+/.exec(setCookie)?.[0];
  if (!cookie) throw new Error(`no session cookie in ${setCookie}`);
  const me = await relais.request('/console/api/me', { headers: { cookie } });
  expect(me.status).toBe(200);
  const { csrfToken } = (await me.json()) as { csrfToken: string };
  return { cookie, csrfToken, setCookie };
}

/** A signed-in account: a coordinator or a volunteer. */
export async function signedIn(relais: TestRelais, input: Partial<VolunteerInput> = {}, now = new Date()) {
  const { volunteer, signInPath } = await newAccount(relais, input, now);
  return { volunteer, ...(await signIn(relais, signInPath)) };
}

/** A new API token for the account (as `npm run volunteers -- token` makes it). */
export async function apiToken(relais: TestRelais, volunteer: Volunteer, now = new Date()): Promise<string> {
  return createApiToken(relais.db, volunteer.id, now);
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A JSON request's init. */
export function json(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

export const HOUR = 3_600_000;

/** A clock the test moves: sessions and links are checked against `now()`. */
export function clock(start = new Date('2026-11-30T09:00:00Z')) {
  let at = start.getTime();
  return {
    now: () => new Date(at),
    advance: (ms: number) => {
      at += ms;
    },
  };
}
