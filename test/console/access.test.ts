import { describe, expect, it } from 'vitest';
import { startRelais } from '../support/relais.js';
import { inboundEvents } from '../../src/storage/schema.js';
import { apiToken, bearer, newAccount, signedIn } from './helpers.js';

const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

function expectSecurityHeaders(response: Response) {
  expect(response.headers.get('content-security-policy')).toBe(CSP);
  expect(response.headers.get('x-frame-options')).toBe('DENY');
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
}

describe('/console access', () => {
  it('is closed without credentials, in local mode too: a page saying how to get a sign-in link, or 401 JSON under /console/api', async () => {
    const relais = await startRelais();
    const page = await relais.request('/console');
    expect(page.status).toBe(401);
    expect(page.headers.get('content-type')).toContain('text/html');
    const text = await page.text();
    expect(text).toContain('sign-in link');
    expect(text).toContain('npm run volunteers -- link --email');
    expectSecurityHeaders(page);

    for (const path of ['/console/api/undelivered', '/console/api/volunteers', '/console/api/me', '/console/api/nothing-here']) {
      const api = await relais.request(path);
      expect(api.status, path).toBe(401);
      expect(await api.json(), path).toEqual({ error: 'you are not signed in' });
      expect(api.headers.get('www-authenticate')).toContain('Bearer');
    }
    // Every method, not only GET.
    const post = await relais.request('/console/api/volunteers', { method: 'POST', body: '{}' });
    expect(post.status).toBe(401);
  });

  it('stays closed with a real channel on, and the old basic auth opens nothing', async () => {
    const relais = await startRelais({
      env: { TELEGRAM_BOT_TOKEN: '123456:ABCdefGhIJKlmnOPQrstUVwxyz0123456', TELEGRAM_WEBHOOK_SECRET: 's' },
    });
    expect((await relais.request('/console')).status).toBe(401);
    const basic = await relais.request('/console/api/undelivered', { headers: { authorization: `Basic ${btoa('amina:pw')}` } });
    expect(basic.status).toBe(401);
    expect(await basic.json()).toEqual({ error: 'the Authorization header must be "Bearer <API token>"' });
  });

  it('refuses a bad or revoked bearer token with 401', async () => {
    const relais = await startRelais();
    const { volunteer } = await newAccount(relais);
    const token = await apiToken(relais, volunteer);
    expect((await relais.request('/console/api/undelivered', { headers: bearer(token) })).status).toBe(200);
    const bad = await relais.request('/console/api/undelivered', { headers: bearer(`${token.slice(0, -1)}x`) });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ error: 'unknown or revoked API token' });

    const { revokeAll } = await import('../../src/console/auth/credentials.js');
    await revokeAll(relais.db, volunteer.id, new Date());
    expect((await relais.request('/console/api/undelivered', { headers: bearer(token) })).status).toBe(401);
  });

  it('opens with a session: the page, security headers, never cached', async () => {
    const relais = await startRelais();
    const { cookie, volunteer } = await signedIn(relais, { name: 'Amina' });
    const page = await relais.request('/console', { headers: { cookie } });
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain('Relais console');
    expect(text).toContain(volunteer.name);
    expectSecurityHeaders(page);
    expect(page.headers.get('cache-control')).toBe('no-store');
    const api = await relais.request('/console/api/undelivered', { headers: { cookie } });
    expect(api.status).toBe(200);
    expect(api.headers.get('cache-control')).toBe('no-store');
    expectSecurityHeaders(api);
  });

  it('shows the messages that could not be processed, so none is lost from sight', async () => {
    const relais = await startRelais();
    const { cookie } = await signedIn(relais);
    await relais.db.insert(inboundEvents).values({
      channel: 'telegram',
      externalId: '991',
      personKey: '4242',
      status: 'failed',
      attempts: 5,
      lastError: 'engine crashed',
      payload: { channel: 'telegram', externalId: '991', personKey: '4242', receivedAt: new Date(), body: { kind: 'text', text: 'Mon frère est à Roissy' } },
    });
    const page = await (await relais.request('/console', { headers: { cookie } })).text();
    expect(page).toContain('Messages received but not answered (1)');
    expect(page).toContain('Mon frère est à Roissy');
    expect(page).toContain('engine crashed');
    expect(page).not.toContain('4242');
  });

  it('closes every case route and page without credentials; refuses a change without its CSRF token, and a volunteer on coordinators’ routes', async () => {
    const relais = await startRelais();
    // Someone asks for a volunteer through the local web chat.
    const say = (body: Record<string, string>) =>
      relais.request('/chat/api/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ session: 'web-person-1', id: crypto.randomUUID(), ...body }) });
    await say({ start: '', language: 'fr' });
    await say({ command: 'volunteer' });
    const apiRoutes: [string, string][] = [
      ['GET', '/console/api/cases'],
      ['GET', '/console/api/cases/1'],
      ['GET', '/console/api/queue-version'],
      ['GET', '/console/api/canned'],
      ['GET', '/console/api/audit'],
      ...['claim', 'release', 'transfer', 'messages', 'notes', 'close', 'reopen', 'reveal'].map((a): [string, string] => ['POST', `/console/api/cases/1/${a}`]),
      ['POST', '/console/api/canned'],
      ['DELETE', '/console/api/canned/avocat/fr'],
    ];
    for (const [method, path] of apiRoutes) {
      const response = await relais.request(path, { method, headers: { 'content-type': 'application/json' }, ...(method === 'GET' ? {} : { body: '{"text":"hi"}' }) });
      expect(response.status, `${method} ${path}`).toBe(401);
      expect(await response.json()).toEqual({ error: 'you are not signed in' });
    }
    for (const path of ['/console/cases/1', '/console/canned', '/console/volunteers', '/console/audit']) {
      const page = await relais.request(path);
      expect(page.status, path).toBe(401);
      expect(await page.text()).toContain('sign-in link');
    }
    for (const path of ['/console/cases/1/claim', '/console/cases/1/messages', '/console/volunteers', '/console/canned']) {
      expect((await relais.request(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'text=hi' })).status, path).toBe(401);
    }

    // A session without its CSRF token changes nothing, from a script or a form.
    const { cookie, csrfToken } = await signedIn(relais, { name: 'Amina' });
    for (const headers of [{ cookie }, { cookie, 'x-csrf-token': 'forged' }] as Record<string, string>[]) {
      const claim = await relais.request('/console/api/cases/1/claim', { method: 'POST', headers });
      expect(claim.status).toBe(403);
      expect(await claim.json()).toEqual({ error: 'missing or wrong CSRF token' });
    }
    const form = await relais.request('/console/cases/1/claim', { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: '_csrf=forged' });
    expect(form.status).toBe(403);
    const api = (path: string, init: RequestInit = {}) => relais.request(path, { ...init, headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' } });
    expect(((await (await api('/console/api/cases/1')).json()) as { case: { status: string } }).case.status).toBe('open');

    // A volunteer on the coordinators' routes.
    for (const [method, path, body] of [
      ['POST', '/console/api/cases/1/transfer', '{"volunteerId":1}'],
      ['POST', '/console/api/canned', '{"key":"a","locale":"fr","title":"a","text":"a"}'],
      ['DELETE', '/console/api/canned/a/fr', undefined],
      ['GET', '/console/api/audit', undefined],
    ] as const) {
      const response = await api(path, { method, ...(body ? { body } : {}) });
      expect(response.status, `${method} ${path}`).toBe(403);
      expect(await response.json()).toEqual({ error: 'only coordinators may do this' });
    }
    for (const path of ['/console/volunteers', '/console/audit']) {
      const page = await relais.request(path, { headers: { cookie } });
      expect(page.status, path).toBe(403);
      expect(await page.text()).toContain('Coordinators only');
    }
  });

  it('leaves the rest of the service alone: no console headers on /chat or /healthz', async () => {
    const relais = await startRelais();
    const health = await relais.request('/healthz');
    expect(health.status).toBe(200);
    expect(health.headers.get('content-security-policy')).toBeNull();
  });
});
