import { describe, expect, it } from 'vitest';
import { readAudit } from '../../src/privacy/audit.js';
import { startRelais } from '../support/relais.js';
import { apiToken, bearer, clock, HOUR, newAccount, signIn } from './helpers.js';

describe('sign-in links', () => {
  it('GET shows "Sign in as <name>" with a POST form and does not use the link (link previews fetch URLs)', async () => {
    const relais = await startRelais();
    const { signInPath } = await newAccount(relais, { name: 'Amina Diallo' });
    for (let i = 0; i < 3; i++) {
      const page = await relais.request(signInPath);
      expect(page.status).toBe(200);
      const text = await page.text();
      expect(text).toContain('Sign in as Amina Diallo');
      expect(text).toContain(`<form method="post" action="${signInPath}">`);
      expect(page.headers.get('cache-control')).toBe('no-store');
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
      expect(page.headers.get('set-cookie')).toBeNull();
    }
    // Still unused: the POST signs in.
    const session = await signIn(relais, signInPath);
    expect(session.cookie).toMatch(/^relais_session=[A-Za-z0-9_-]{43}$/);
  });

  it('POST sets an HttpOnly, SameSite=Lax session cookie on /console and redirects to the console', async () => {
    const relais = await startRelais();
    const { volunteer, signInPath } = await newAccount(relais);
    const response = await relais.request(signInPath, { method: 'POST' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/console');
    const cookie = response.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^relais_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('Path=/console');
    expect(cookie).not.toContain('Secure');
    const page = await relais.request('/console', { headers: { cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect((await readAudit(relais.db, { action: 'volunteer.signed-in' }))[0]).toMatchObject({ volunteerId: volunteer.id });
  });

  it('marks the cookie Secure behind https: an https PUBLIC_URL, an https request, or a TLS proxy saying so', async () => {
    const viaPublicUrl = await startRelais({ env: { PUBLIC_URL: 'https://relais.example.org' } });
    const first = await newAccount(viaPublicUrl);
    expect((await signIn(viaPublicUrl, first.signInPath)).setCookie).toContain('Secure');

    const relais = await startRelais();
    const second = await newAccount(relais);
    const https = await relais.request(`https://relais.example.org${second.signInPath}`, { method: 'POST' });
    expect(https.headers.get('set-cookie')).toContain('Secure');
    const third = await newAccount(relais);
    const proxied = await relais.request(third.signInPath, { method: 'POST', headers: { 'x-forwarded-proto': 'https' } });
    expect(proxied.headers.get('set-cookie')).toContain('Secure');
  });

  it('works once: a second POST gets 410 and a page saying to ask a coordinator', async () => {
    const relais = await startRelais();
    const { signInPath } = await newAccount(relais);
    await signIn(relais, signInPath);
    for (const method of ['POST', 'GET']) {
      const again = await relais.request(signInPath, { method });
      expect(again.status).toBe(410);
      expect(again.headers.get('set-cookie')).toBeNull();
      const text = await again.text();
      expect(text).toContain('already been used');
      expect(text).toContain('Ask a coordinator for a new sign-in link');
    }
  });

  it('two POSTs racing with one link: one session only', async () => {
    const relais = await startRelais();
    const { signInPath } = await newAccount(relais);
    const responses = await Promise.all([1, 2, 3].map(() => relais.request(signInPath, { method: 'POST' })));
    expect(responses.map((r) => r.status).sort()).toEqual([303, 410, 410]);
  });

  it('expires after 24 hours (410), and an unknown link is 404', async () => {
    const time = clock();
    const relais = await startRelais({ now: time.now });
    const { signInPath } = await newAccount(relais, {}, time.now());
    time.advance(24 * HOUR + 1000);
    const expired = await relais.request(signInPath, { method: 'POST' });
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain('expired');
    expect((await relais.request(signInPath)).status).toBe(410);

    const unknown = await relais.request(`/console/sign-in/${'A'.repeat(43)}`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('Ask a coordinator');
    expect((await relais.request('/console/sign-in/not-even-a-token', { method: 'POST' })).status).toBe(404);
  });

  it('refuses a sign-in form sent from another site (login CSRF), leaving the link usable', async () => {
    const relais = await startRelais();
    const { signInPath } = await newAccount(relais);
    const crossSite = await relais.request(signInPath, { method: 'POST', headers: { 'sec-fetch-site': 'cross-site' } });
    expect(crossSite.status).toBe(403);
    const otherOrigin = await relais.request(signInPath, { method: 'POST', headers: { origin: 'https://evil.example', host: 'localhost' } });
    expect(otherOrigin.status).toBe(403);
    // Our own page: same origin, and Origin "null" (its Referrer-Policy is no-referrer).
    await signIn(relais, signInPath, { headers: { 'sec-fetch-site': 'same-origin', origin: 'null' } });
  });

  it('signing in again over an old session ends the old one', async () => {
    const relais = await startRelais();
    const first = await newAccount(relais);
    const old = await signIn(relais, first.signInPath);
    const second = await newAccount(relais);
    const response = await relais.request(second.signInPath, { method: 'POST', headers: { cookie: old.cookie } });
    expect(response.status).toBe(303);
    expect((await relais.request('/console', { headers: { cookie: old.cookie } })).status).toBe(401);
  });
});

describe('signing out', () => {
  it('needs the CSRF token; then the session ends and the cookie is cleared', async () => {
    const relais = await startRelais();
    const { signInPath } = await newAccount(relais);
    const { cookie, csrfToken } = await signIn(relais, signInPath);
    const form = (body: string) => ({
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    const forged = await relais.request('/console/sign-out', form(''));
    expect(forged.status).toBe(403);
    expect(await forged.json()).toEqual({ error: 'missing or wrong CSRF token' });
    expect((await relais.request('/console', { headers: { cookie } })).status).toBe(200);

    const out = await relais.request('/console/sign-out', form(`_csrf=${encodeURIComponent(csrfToken)}`));
    expect(out.status).toBe(200);
    expect(await out.text()).toContain('You are signed out');
    expect(out.headers.get('set-cookie')).toMatch(/^relais_session=;.*Max-Age=0/);
    const after = await relais.request('/console', { headers: { cookie } });
    expect(after.status).toBe(401);
    expect(await after.text()).toContain('Your session has ended');
  });
});

describe('throttling', () => {
  it('answers 429 with Retry-After to the 11th failed attempt in a minute, before looking at the link; other clients and the next minute go on', async () => {
    const time = clock(new Date('2026-11-30T09:00:10Z'));
    const relais = await startRelais({ now: time.now });
    const { signInPath } = await newAccount(relais, {}, time.now());
    const from = (ip: string) => ({ headers: { 'cf-connecting-ip': ip } });
    for (let i = 0; i < 10; i++) {
      const guess = await relais.request(`/console/sign-in/${String(i).padStart(43, 'x')}`, from('203.0.113.9'));
      expect(guess.status).toBe(404);
    }
    // Even a good link waits: the throttle comes before the lookup.
    const throttled = await relais.request(signInPath, { method: 'POST', ...from('203.0.113.9') });
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('50');
    expect(await throttled.text()).toContain('Too many sign-in attempts');
    expect((await relais.request(signInPath, from('203.0.113.9'))).status).toBe(429);

    // Another client is not affected, and the link was not used by the refused attempts.
    expect((await relais.request(signInPath, from('198.51.100.7'))).status).toBe(200);
    time.advance(50_000);
    const next = await relais.request(signInPath, { method: 'POST', ...from('203.0.113.9') });
    expect(next.status).toBe(303);
  });

  it('counts bad bearer tokens the same way: after 10, even a good token waits', async () => {
    const relais = await startRelais();
    const { volunteer } = await newAccount(relais);
    const token = await apiToken(relais, volunteer);
    const from = { 'cf-connecting-ip': '203.0.113.20' };
    for (let i = 0; i < 10; i++) {
      const bad = await relais.request('/console/api/me', { headers: { ...from, ...bearer(`${'y'.repeat(42)}${i}`) } });
      expect(bad.status).toBe(401);
    }
    const throttled = await relais.request('/console/api/me', { headers: { ...from, ...bearer(token) } });
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await throttled.json()).toEqual({ error: 'too many failed attempts: try again later' });
    // A session (a cookie, 256 random bits) is not what a guesser would try: not throttled.
    const ok = await relais.request('/console/api/me', { headers: { 'cf-connecting-ip': '203.0.113.21', ...bearer(token) } });
    expect(ok.status).toBe(200);
  });
});
