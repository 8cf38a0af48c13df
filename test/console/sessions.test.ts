import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { authenticate, requireCoordinator } from '../../src/console/auth/middleware.js';
import { createThrottle } from '../../src/console/auth/throttle.js';
import { removeAccount } from '../../src/console/auth/accounts.js';
import { startRelais } from '../support/relais.js';
import { apiToken, bearer, clock, HOUR, json, newAccount, signIn, signedIn } from './helpers.js';

describe('sessions', () => {
  it('slide while used (12 idle hours), and end after 12 idle hours, clearing the cookie', async () => {
    const time = clock();
    const relais = await startRelais({ now: time.now });
    const { signInPath } = await newAccount(relais, {}, time.now());
    const { cookie } = await signIn(relais, signInPath);
    for (let i = 0; i < 3; i++) {
      time.advance(11 * HOUR);
      expect((await relais.request('/console', { headers: { cookie } })).status).toBe(200);
    }
    time.advance(12 * HOUR + 1000);
    const ended = await relais.request('/console/api/me', { headers: { cookie } });
    expect(ended.status).toBe(401);
    expect(await ended.json()).toEqual({ error: 'your session has ended: sign in again' });
    expect(ended.headers.get('set-cookie')).toMatch(/^relais_session=;.*Max-Age=0/);
  });

  it('end 7 days after sign-in however busy the volunteer is', async () => {
    const time = clock();
    const relais = await startRelais({ now: time.now });
    const { signInPath } = await newAccount(relais, {}, time.now());
    const { cookie } = await signIn(relais, signInPath);
    let elapsed = 0;
    while (elapsed + 10 * HOUR < 7 * 24 * HOUR) {
      time.advance(10 * HOUR);
      elapsed += 10 * HOUR;
      expect((await relais.request('/console/api/me', { headers: { cookie } })).status).toBe(200);
    }
    time.advance(7 * 24 * HOUR - elapsed + 1000);
    expect((await relais.request('/console/api/me', { headers: { cookie } })).status).toBe(401);
  });

  it("a removed volunteer's session and API token stop working at once", async () => {
    const relais = await startRelais();
    const { volunteer, cookie } = await signedIn(relais);
    const token = await apiToken(relais, volunteer);
    expect((await relais.request('/console/api/me', { headers: { cookie } })).status).toBe(200);
    expect((await relais.request('/console/api/me', { headers: bearer(token) })).status).toBe(200);
    expect((await removeAccount(relais.db, volunteer.id, { by: null, via: 'cli', now: new Date() })).status).toBe('removed');
    expect((await relais.request('/console/api/me', { headers: { cookie } })).status).toBe(401);
    expect((await relais.request('/console/api/me', { headers: bearer(token) })).status).toBe(401);
  });

  it('tell who is asking: GET /console/api/me', async () => {
    const relais = await startRelais();
    const { volunteer, cookie, csrfToken } = await signedIn(relais, { name: 'Amina', email: 'Amina@Example.org', languages: ['fr', 'ar'] });
    const me = (await (await relais.request('/console/api/me', { headers: { cookie } })).json()) as { volunteer: unknown };
    expect(me).toEqual({
      volunteer: { id: volunteer.id, name: 'Amina', email: 'amina@example.org', role: 'volunteer', languages: ['fr', 'ar'], telegramUserId: null },
      auth: 'session',
      csrfToken,
    });
    const viaToken = await (await relais.request('/console/api/me', { headers: bearer(await apiToken(relais, volunteer)) })).json();
    expect(viaToken).toEqual({ volunteer: me.volunteer, auth: 'token' });
  });
});

describe('CSRF', () => {
  it('a session request that changes something needs X-CSRF-Token or _csrf; a bearer request needs none', async () => {
    const relais = await startRelais();
    const { volunteer, cookie, csrfToken } = await signedIn(relais, { role: 'coordinator' });
    const body = { name: 'Nour', email: 'nour@example.org', languages: ['ar'] };

    const none = await relais.request('/console/api/volunteers', json('POST', body, { cookie }));
    expect(none.status).toBe(403);
    expect(await none.json()).toEqual({ error: 'missing or wrong CSRF token' });
    const wrong = await relais.request('/console/api/volunteers', json('POST', body, { cookie, 'x-csrf-token': `${csrfToken.slice(1)}A` }));
    expect(wrong.status).toBe(403);
    // Another session's token is wrong too.
    const other = await signedIn(relais);
    expect((await relais.request('/console/api/volunteers', json('POST', body, { cookie, 'x-csrf-token': other.csrfToken }))).status).toBe(403);

    const ok = await relais.request('/console/api/volunteers', json('POST', body, { cookie, 'x-csrf-token': csrfToken }));
    expect(ok.status).toBe(201);

    const token = await apiToken(relais, volunteer);
    const scripted = await relais.request('/console/api/volunteers', json('POST', { ...body, email: 'nour2@example.org' }, bearer(token)));
    expect(scripted.status).toBe(201);
  });

  it('a form carries it as _csrf, and the handler still reads the form', async () => {
    const relais = await startRelais();
    const { cookie, csrfToken } = await signedIn(relais, { role: 'coordinator' });
    const { volunteer: leaving } = await newAccount(relais);
    const form = (fields: string) => ({
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: fields,
    });
    expect((await relais.request(`/console/api/volunteers/${leaving.id}/remove`, form(''))).status).toBe(403);
    const removed = await relais.request(`/console/api/volunteers/${leaving.id}/remove`, form(`_csrf=${encodeURIComponent(csrfToken)}`));
    expect(removed.status).toBe(200);
  });

  it('reads the form after the middleware did (mounted by another room)', async () => {
    const relais = await startRelais();
    const { cookie, csrfToken } = await signedIn(relais);
    // A route of the kind the console's pages will add, behind the same middleware.
    const app = new Hono();
    app.use(authenticate({ db: relais.db, throttle: createThrottle({ db: relais.db, now: () => new Date() }) }));
    app.post('/console/notes', async (c) => c.json({ text: (await c.req.parseBody())['text'], by: c.var.volunteer.id }));
    app.get('/console/api/coordinators-only', requireCoordinator(), (c) => c.json({ ok: true }));
    const response = await app.request('/console/notes', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: `_csrf=${encodeURIComponent(csrfToken)}&text=bonjour`,
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { text: string }).text).toBe('bonjour');
    const forbidden = await app.request('/console/api/coordinators-only', { headers: { cookie } });
    expect(forbidden.status).toBe(403);
  });
});
