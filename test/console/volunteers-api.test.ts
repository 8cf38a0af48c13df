import { describe, expect, it } from 'vitest';
import { readAudit } from '../../src/privacy/audit.js';
import { startRelais } from '../support/relais.js';
import { apiToken, bearer, json, newAccount, signedIn } from './helpers.js';

/** The coordinators' routes: /console/api/volunteers (DESIGN.md, handoff contract). */

async function coordinatorToken(relais: Awaited<ReturnType<typeof startRelais>>, input = {}) {
  const { volunteer } = await newAccount(relais, { role: 'coordinator', ...input });
  return { volunteer, headers: bearer(await apiToken(relais, volunteer)) };
}

describe('GET /console/api/volunteers', () => {
  it('401 without or with bad credentials, 403 for a volunteer, the contract for a coordinator', async () => {
    const relais = await startRelais();
    expect((await relais.request('/console/api/volunteers')).status).toBe(401);
    expect((await relais.request('/console/api/volunteers', { headers: bearer('z'.repeat(43)) })).status).toBe(401);

    const { volunteer: plain } = await newAccount(relais, { name: 'Yonas', email: 'yonas@example.org', languages: ['ti', 'en'] });
    const asVolunteer = await relais.request('/console/api/volunteers', { headers: bearer(await apiToken(relais, plain)) });
    expect(asVolunteer.status).toBe(403);
    expect(await asVolunteer.json()).toEqual({ error: 'only coordinators may do this' });
    const volunteerSession = await signedIn(relais);
    expect((await relais.request('/console/api/volunteers', { headers: { cookie: volunteerSession.cookie } })).status).toBe(403);

    const { volunteer: coordinator, headers } = await coordinatorToken(relais, { name: 'Claire', email: 'claire@example.org', languages: ['fr', 'es'] });
    const removed = await newAccount(relais, { name: 'Gone' });
    await relais.request(`/console/api/volunteers/${removed.volunteer.id}`, { method: 'DELETE', headers });

    const list = await relais.request('/console/api/volunteers', { headers });
    expect(list.status).toBe(200);
    const body = (await list.json()) as { volunteers: unknown[] };
    expect(body.volunteers[0]).toEqual({ id: coordinator.id, name: 'Claire', email: 'claire@example.org', role: 'coordinator', languages: ['fr', 'es'] });
    expect(body.volunteers).toContainEqual({ id: plain.id, name: 'Yonas', email: 'yonas@example.org', role: 'volunteer', languages: ['ti', 'en'] });
    expect(body.volunteers).toHaveLength(3);
    for (const v of body.volunteers) expect(Object.keys(v as object).sort()).toEqual(['email', 'id', 'languages', 'name', 'role']);
  });
});

describe('POST /console/api/volunteers', () => {
  it('adds an account (201) with a sign-in link that works, and audits it', async () => {
    const relais = await startRelais({ env: { PUBLIC_URL: 'https://relais.example.org' } });
    const { volunteer: coordinator, headers } = await coordinatorToken(relais);
    const response = await relais.request(
      '/console/api/volunteers',
      json('POST', { name: ' Nour ', email: 'Nour@Example.org', languages: ['ar', 'fr', 'ar'], role: 'volunteer', telegramId: 5551234 }, headers),
    );
    expect(response.status).toBe(201);
    const { volunteer, signInLink } = (await response.json()) as { volunteer: { id: number }; signInLink: string };
    expect(volunteer).toEqual({ id: volunteer.id, name: 'Nour', email: 'nour@example.org', role: 'volunteer', languages: ['ar', 'fr'], telegramUserId: '5551234' });
    expect(signInLink).toMatch(/^https:\/\/relais\.example\.org\/console\/sign-in\/[A-Za-z0-9_-]{43}$/);
    const page = await relais.request(new URL(signInLink).pathname);
    expect(await page.text()).toContain('Sign in as Nour');

    const [entry] = await readAudit(relais.db, { action: 'volunteer.added' });
    expect(entry).toMatchObject({ volunteerId: coordinator.id, detail: { volunteerId: volunteer.id, email: 'nour@example.org', via: 'console' } });
    // The link's secret is nowhere in the audit.
    expect(JSON.stringify(await readAudit(relais.db))).not.toContain(signInLink.split('/').at(-1));
  });

  it('400 with a reason for bad input; 409 for an e-mail or a Telegram id already in use', async () => {
    const relais = await startRelais();
    const { headers } = await coordinatorToken(relais, { email: 'claire@example.org', telegramId: '42' });
    const bad = await relais.request('/console/api/volunteers', json('POST', { name: '', email: 'not an address', languages: ['de'], role: 'boss' }, headers));
    expect(bad.status).toBe(400);
    const { error } = (await bad.json()) as { error: string };
    expect(error).toContain('name: must not be empty');
    expect(error).toContain('email: must be an e-mail address');
    expect(error).toContain('languages.0: must be locale codes among fr, en, ar');
    expect(error).toContain('role: must be volunteer or coordinator');
    const notJson = await relais.request('/console/api/volunteers', { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: '{' });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual({ error: 'the body must be a JSON object' });

    const taken = await relais.request('/console/api/volunteers', json('POST', { name: 'Claire bis', email: 'CLAIRE@example.org' }, headers));
    expect(taken.status).toBe(409);
    expect(await taken.json()).toMatchObject({ error: 'an account with this e-mail address already exists' });
    const telegram = await relais.request('/console/api/volunteers', json('POST', { name: 'T', email: 't@example.org', telegramId: '42' }, headers));
    expect(telegram.status).toBe(409);
  });
});

describe('removing and changing accounts', () => {
  it('DELETE removes the account (200), revokes its credentials, audits; the list no longer shows it', async () => {
    const relais = await startRelais();
    const { volunteer: coordinator, headers } = await coordinatorToken(relais);
    const leaving = await signedIn(relais, { name: 'Leaving' });
    const token = await apiToken(relais, leaving.volunteer);

    const removed = await relais.request(`/console/api/volunteers/${leaving.volunteer.id}`, { method: 'DELETE', headers });
    expect(removed.status).toBe(200);
    expect(await removed.json()).toMatchObject({ volunteer: { id: leaving.volunteer.id, name: 'Leaving' } });
    expect((await relais.request('/console/api/me', { headers: { cookie: leaving.cookie } })).status).toBe(401);
    expect((await relais.request('/console/api/me', { headers: bearer(token) })).status).toBe(401);
    const list = (await (await relais.request('/console/api/volunteers', { headers })).json()) as { volunteers: { id: number }[] };
    expect(list.volunteers.map((v) => v.id)).toEqual([coordinator.id]);
    const [entry] = await readAudit(relais.db, { action: 'volunteer.removed' });
    expect(entry).toMatchObject({ volunteerId: coordinator.id, detail: { volunteerId: leaving.volunteer.id, revoked: { session: 1, api: 1 } } });

    expect((await relais.request(`/console/api/volunteers/${leaving.volunteer.id}`, { method: 'DELETE', headers })).status).toBe(404);
    expect((await relais.request('/console/api/volunteers/abc', { method: 'DELETE', headers })).status).toBe(400);
  });

  it('the last coordinator cannot remove themselves (409), nor stop being a coordinator; with two, one can go', async () => {
    const relais = await startRelais();
    const { volunteer: claire, headers } = await coordinatorToken(relais);
    const self = await relais.request(`/console/api/volunteers/${claire.id}`, { method: 'DELETE', headers });
    expect(self.status).toBe(409);
    expect(await self.json()).toEqual({ error: 'the last coordinator cannot be removed: make someone else a coordinator first' });
    const demote = await relais.request(`/console/api/volunteers/${claire.id}`, json('PATCH', { role: 'volunteer' }, headers));
    expect(demote.status).toBe(409);

    const { volunteer: second } = await newAccount(relais);
    const promoted = await relais.request(`/console/api/volunteers/${second.id}`, json('PATCH', { role: 'coordinator', languages: ['fa', 'ps'] }, headers));
    expect(promoted.status).toBe(200);
    expect(await promoted.json()).toMatchObject({ volunteer: { id: second.id, role: 'coordinator', languages: ['fa', 'ps'] } });
    expect((await relais.request(`/console/api/volunteers/${claire.id}`, { method: 'DELETE', headers })).status).toBe(200);
    // Claire's own token went with her account.
    expect((await relais.request('/console/api/volunteers', { headers })).status).toBe(401);
  });

  it('two coordinators removing each other at once: one of them stays', async () => {
    const relais = await startRelais();
    const a = await coordinatorToken(relais);
    const b = await coordinatorToken(relais);
    const [ab, ba] = await Promise.all([
      relais.request(`/console/api/volunteers/${b.volunteer.id}`, { method: 'DELETE', headers: a.headers }),
      relais.request(`/console/api/volunteers/${a.volunteer.id}`, { method: 'DELETE', headers: b.headers }),
    ]);
    // One wins; the other finds itself the last coordinator (409), or already removed (401).
    const statuses = [ab.status, ba.status].sort();
    expect(statuses[0]).toBe(200);
    expect([401, 409]).toContain(statuses[1]);
    const { countCoordinators } = await import('../../src/handoff/volunteers.js');
    expect(await countCoordinators(relais.db)).toBe(1);
  });

  it('a coordinator makes a new sign-in link for an account whose session ended', async () => {
    const relais = await startRelais();
    const { headers } = await coordinatorToken(relais);
    const { volunteer } = await newAccount(relais, { name: 'Back again' });
    const response = await relais.request(`/console/api/volunteers/${volunteer.id}/sign-in-link`, { method: 'POST', headers });
    expect(response.status).toBe(201);
    const { signInLink } = (await response.json()) as { signInLink: string };
    expect(signInLink).toMatch(/^http:\/\/localhost\/console\/sign-in\//);
    expect(await (await relais.request(new URL(signInLink).pathname)).text()).toContain('Sign in as Back again');
    expect((await relais.request('/console/api/volunteers/999/sign-in-link', { method: 'POST', headers })).status).toBe(404);
  });
});
