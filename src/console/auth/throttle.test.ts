import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { clientAddress, isLocalOrPrivate } from './throttle.js';

describe('clientAddress', () => {
  const app = new Hono().get('/', (c) => c.text(clientAddress(c)));
  /** As @hono/node-server passes the request's socket. */
  const node = (remoteAddress: string) => ({ incoming: { socket: { remoteAddress, remotePort: 1234, remoteFamily: 'IPv4' } } });
  const ask = async (headers: Record<string, string>, env?: object) => (await app.request('/', { headers }, env)).text();

  it('on Node: the socket, or behind a local or private proxy the hop that proxy added (the last one)', async () => {
    expect(await ask({}, node('203.0.113.5'))).toBe('203.0.113.5');
    // A client on the internet cannot pick its own address by writing the header.
    expect(await ask({ 'x-forwarded-for': '1.2.3.4' }, node('203.0.113.5'))).toBe('203.0.113.5');
    expect(await ask({ 'x-forwarded-for': '198.51.100.7' }, node('127.0.0.1'))).toBe('198.51.100.7');
    // Entries before the proxy's own are the client's words: ignored.
    expect(await ask({ 'x-forwarded-for': 'forged, 198.51.100.7' }, node('::ffff:10.0.0.3'))).toBe('198.51.100.7');
    // CF-Connecting-IP means nothing on Node: anyone can send it.
    expect(await ask({ 'cf-connecting-ip': '1.2.3.4' }, node('203.0.113.5'))).toBe('203.0.113.5');
  });

  it('elsewhere (Workers): CF-Connecting-IP', async () => {
    expect(await ask({ 'cf-connecting-ip': '198.51.100.8' })).toBe('198.51.100.8');
    expect(await ask({})).toBe('unknown');
  });

  it('knows loopback and private addresses', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '::1', '::ffff:127.0.0.1', 'fd12:3456::1']) {
      expect(isLocalOrPrivate(a), a).toBe(true);
    }
    for (const a of ['203.0.113.5', '172.32.0.1', '8.8.8.8', '2001:db8::1', '::ffff:8.8.8.8']) expect(isLocalOrPrivate(a), a).toBe(false);
  });
});
