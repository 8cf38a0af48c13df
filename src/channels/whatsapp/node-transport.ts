import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import nodeFetch from 'node-fetch';

/**
 * The WhatsApp client's `fetch` on Node: node-fetch over keep-alive agents, as grammY's Bot API client
 * does. Node's built-in fetch (undici, with web streams and an abort signal per call) took about a
 * quarter more of the server's CPU per update in `npm run bench` (WhatsApp, PostgreSQL). Workers keep
 * their own `fetch`.
 */
export function graphFetch(): typeof fetch {
  const http = new HttpAgent({ keepAlive: true });
  const https = new HttpsAgent({ keepAlive: true });
  const call = (input: string | URL | Request, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    return nodeFetch(url, { ...(init as object), agent: (parsed: URL) => (parsed.protocol === 'http:' ? http : https) });
  };
  return call as unknown as typeof fetch;
}
