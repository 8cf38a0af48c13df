import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readBody } from './read-body.js';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP server on 127.0.0.1 (random port) standing in for Meta's Graph API: the far side of the
 * network, nothing more. It implements `POST /{version}/{phone-number-id}/messages` for text,
 * interactive, template and read receipts, records every call, and can be scripted to fail the next
 * sends with the error bodies Meta uses (throttling codes, 131047, 5xx, `Retry-After`).
 */

export interface GraphCall {
  version: string;
  phoneNumberId: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
  /** What the fake answered: an HTTP status and, for sends, the wamid it made up. */
  status: number;
  wamid?: string;
}

export interface ScriptedFailure {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Drop the connection instead of answering (a network failure). */
  destroy?: boolean;
}

export interface FakeGraphApi {
  /** `http://127.0.0.1:<port>`: pass as `WHATSAPP_API_BASE` / `apiBase`. */
  url: string;
  /** Every request, in arrival order. */
  calls: GraphCall[];
  /** Message sends that succeeded (text, interactive, template), in order. */
  sent(): GraphCall[];
  /** Read receipts (`status: read`). */
  reads(): GraphCall[];
  /** The next sends (not read receipts) answer with these, in order, before succeeding again. */
  failNextSends(...failures: ScriptedFailure[]): void;
  /** The next read receipts answer with these. */
  failNextReads(...failures: ScriptedFailure[]): void;
  /** Forget calls and scripts. */
  reset(): void;
  close(): Promise<void>;
}

/** Meta's error body for `code` (message titles as Meta writes them; details vary in real life). */
export function graphError(code: number, message: string, details?: string, subcode?: number): unknown {
  return {
    error: {
      message: `(#${code}) ${message}`,
      type: 'OAuthException',
      code,
      ...(subcode !== undefined ? { error_subcode: subcode } : {}),
      error_data: { messaging_product: 'whatsapp', details: details ?? message },
      fbtrace_id: 'AbCdEfGhIjK',
    },
  };
}

/** Ready-made failures. */
export const failures = {
  /** A throttling error (4, 80007, 130429, 131048, 131056, 133016), optionally with `Retry-After` seconds. */
  throttled(code = 130429, retryAfterSeconds?: number): ScriptedFailure {
    const titles: Record<number, string> = {
      4: 'Application request limit reached',
      80007: 'Rate limit issues',
      130429: 'Rate limit hit',
      131048: 'Spam rate limit hit',
      131056: '(Business Account, Consumer Account) pair rate limit hit',
      133016: 'Account register deregister rate limit exceeded',
    };
    return {
      status: code === 4 || code === 80007 ? 400 : 429,
      body: graphError(code, titles[code] ?? 'Rate limit hit'),
      ...(retryAfterSeconds !== undefined ? { headers: { 'retry-after': String(retryAfterSeconds) } } : {}),
    };
  },
  /** Outside the 24-hour window. */
  reengagement(): ScriptedFailure {
    return {
      status: 400,
      body: graphError(
        131047,
        'Re-engagement message',
        'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
      ),
    };
  },
  /** A permanent error (default 131026, message undeliverable). */
  permanent(code = 131026, message = 'Message Undeliverable'): ScriptedFailure {
    return { status: 400, body: graphError(code, message) };
  },
  serverError(status = 503, retryAfterSeconds?: number): ScriptedFailure {
    return {
      status,
      body: '<html>Service Unavailable</html>',
      ...(retryAfterSeconds !== undefined ? { headers: { 'retry-after': String(retryAfterSeconds) } } : {}),
    };
  },
  network(): ScriptedFailure {
    return { status: 0, destroy: true };
  },
};

export interface FakeGraphOptions {
  /** Refuse any other bearer token (Meta's error 190). */
  accessToken?: string;
  /**
   * Keep every call in `calls` (default). The bench turns this off: over tens of thousands of sends a
   * growing history costs the fake memory and GC time on the machine it shares with the server measured.
   */
  keepCalls?: boolean;
  /** Called once the answer to a call has been written (its outcome is final): the bench counts here. */
  onCall?: (call: GraphCall) => void;
}

/** Starts the fake. Optionally requires a given bearer token (a wrong one gets Meta's error 190). */
export async function startFakeGraphApi(options: FakeGraphOptions = {}): Promise<FakeGraphApi> {
  const keepCalls = options.keepCalls ?? true;
  const calls: GraphCall[] = [];
  let sendScript: ScriptedFailure[] = [];
  let readScript: ScriptedFailure[] = [];
  let counter = 0;

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: String(error), code: 1 } }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const match = /^\/(v\d+\.\d+)\/([^/]+)\/messages$/.exec(req.url ?? '');
    const raw = await readBody(req);
    if (req.method !== 'POST' || !match) {
      return json(res, 404, graphError(100, 'Unsupported post request'));
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return json(res, 400, graphError(100, 'Invalid parameter', 'body is not JSON'));
    }
    const call: GraphCall = {
      version: match[1]!,
      phoneNumberId: match[2]!,
      authorization: req.headers.authorization,
      body,
      status: 200,
    };
    if (keepCalls) calls.push(call);
    if (options.onCall) res.on('finish', () => options.onCall!(call));

    if (options.accessToken && req.headers.authorization !== `Bearer ${options.accessToken}`) {
      call.status = 401;
      return json(res, 401, graphError(190, 'Invalid OAuth access token - Cannot parse access token'));
    }
    if (body.messaging_product !== 'whatsapp') {
      call.status = 400;
      return json(res, 400, graphError(100, 'Invalid parameter', 'messaging_product must be whatsapp'));
    }

    const isRead = body.status === 'read';
    const scripted = isRead ? readScript.shift() : sendScript.shift();
    if (scripted) {
      call.status = scripted.status;
      if (scripted.destroy) {
        res.socket?.destroy();
        return;
      }
      res.writeHead(scripted.status, {
        'content-type': typeof scripted.body === 'string' ? 'text/html' : 'application/json',
        ...scripted.headers,
      });
      res.end(typeof scripted.body === 'string' ? scripted.body : JSON.stringify(scripted.body ?? {}));
      return;
    }

    if (isRead) {
      if (typeof body.message_id !== 'string') {
        call.status = 400;
        return json(res, 400, graphError(131009, 'Parameter value is not valid'));
      }
      return json(res, 200, { success: true });
    }

    const type = body.type;
    if (type !== 'text' && type !== 'interactive' && type !== 'template') {
      call.status = 400;
      return json(res, 400, graphError(131009, 'Parameter value is not valid', `unsupported type ${String(type)}`));
    }
    const to = typeof body.to === 'string' ? body.to : undefined;
    const recipient = typeof body.recipient === 'string' ? body.recipient : undefined;
    if (!to && !recipient) {
      call.status = 400;
      return json(res, 400, graphError(131008, 'Required parameter is missing', 'to or recipient'));
    }
    counter += 1;
    const wamid = `wamid.FAKE${String(counter).padStart(6, '0')}`;
    call.wamid = wamid;
    return json(res, 200, {
      messaging_product: 'whatsapp',
      contacts: [to ? { input: to, wa_id: to } : { input: recipient, user_id: recipient }],
      messages: [{ id: wamid, ...(type === 'template' ? { message_status: 'accepted' } : {}) }],
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    sent: () => calls.filter((c) => c.body.status !== 'read' && c.status === 200),
    reads: () => calls.filter((c) => c.body.status === 'read'),
    failNextSends: (...f) => void sendScript.push(...f),
    failNextReads: (...f) => void readScript.push(...f),
    reset() {
      calls.length = 0;
      sendScript = [];
      readScript = [];
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}


function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
