/**
 * A counting TCP proxy between a server under test and PostgreSQL, in a process of its own: bytes pass
 * through untouched; on the side it reads the frontend (client → server) protocol and counts what every
 * driver must put on the wire, whatever it is (postgres.js, pg, anything):
 *
 *   statements  = `Q` (simple query) + `E` (Execute of the extended protocol)
 *   round trips = `Q` + `S` (Sync): each ends a request the client then waits on (pipelined requests
 *                 count one each, so this is an upper bound on the waits a pipelining driver makes)
 *
 * Framing: a connection starts with untyped length-prefixed messages (SSLRequest / GSSENCRequest, then
 * the StartupMessage, or a CancelRequest); after the StartupMessage every message is `type(1) +
 * int32 length`. If the server accepts TLS the stream can no longer be read; such connections are
 * counted in `encrypted` and the bench prints their figures as unreliable.
 *
 * Forked by bench/run.ts: `PROXY_TARGET=host:port`; sends { ready: { port } }; IPC ops `counts`, `reset`.
 */
import { createConnection, createServer, type Socket } from 'node:net';
import { serveRpc } from './rpc.js';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;

export interface WireCounts {
  statements: number;
  roundTrips: number;
  /** `P` (Parse) messages: statements prepared (a driver that caches prepared statements sends few). */
  parses: number;
  /** Client connections opened. */
  connections: number;
  /** Connections whose traffic turned to TLS and could not be counted. */
  encrypted: number;
  /** Connections open now (a gauge, not reset): the size the server's pool actually reached. */
  open: number;
  /** The most connections open at once since the last reset. */
  peakOpen: number;
}

const [host, portText] = (process.env.PROXY_TARGET ?? '127.0.0.1:5432').split(':') as [string, string];
const targetPort = Number(portText);

const zero = () => ({ statements: 0, roundTrips: 0, parses: 0, connections: 0, encrypted: 0, peakOpen: open });
let open = 0;
let counts = zero();

/** A frontend-protocol reader for one connection; `feed` takes the chunks in order. */
function frontendReader() {
  let typed = false;
  let encrypted = false;
  let awaitingSslAnswer = false;
  const header = Buffer.alloc(8);
  let have = 0;
  let skip = 0;
  return {
    get awaitingSslAnswer() {
      return awaitingSslAnswer;
    },
    /** The server's one-byte answer to SSLRequest/GSSENCRequest: 'S'/'G' means the rest is encrypted. */
    serverAnswered(byte: number) {
      awaitingSslAnswer = false;
      if (byte === 0x53 /* S */ || byte === 0x47 /* G */) {
        encrypted = true;
        counts.encrypted += 1;
      }
    },
    feed(chunk: Buffer) {
      if (encrypted) return;
      let i = 0;
      while (i < chunk.length) {
        if (skip > 0) {
          const n = Math.min(skip, chunk.length - i);
          skip -= n;
          i += n;
          continue;
        }
        const need = typed ? 5 : 8;
        while (have < need && i < chunk.length) header[have++] = chunk[i++]!;
        if (have < need) return;
        have = 0;
        if (typed) {
          const type = header[0]!;
          skip = header.readInt32BE(1) - 4;
          if (type === 0x51 /* Q */) {
            counts.statements += 1;
            counts.roundTrips += 1;
          } else if (type === 0x45 /* E */) counts.statements += 1;
          else if (type === 0x53 /* S */) counts.roundTrips += 1;
          else if (type === 0x50 /* P */) counts.parses += 1;
        } else {
          skip = header.readInt32BE(0) - 8;
          const code = header.readInt32BE(4);
          if (code === SSL_REQUEST || code === GSSENC_REQUEST) awaitingSslAnswer = true;
          else if (code !== CANCEL_REQUEST) typed = true; // the StartupMessage: typed messages follow
        }
      }
    },
  };
}

const server = createServer((client: Socket) => {
  counts.connections += 1;
  open += 1;
  counts.peakOpen = Math.max(counts.peakOpen, open);
  let closed = false;
  const upstream = createConnection({ host, port: targetPort });
  const reader = frontendReader();
  client.setNoDelay(true);
  upstream.setNoDelay(true);
  client.on('data', (chunk: Buffer) => reader.feed(chunk));
  upstream.on('data', (chunk: Buffer) => {
    if (reader.awaitingSslAnswer && chunk.length > 0) reader.serverAnswered(chunk[0]!);
  });
  // pipe() keeps backpressure; the 'data' listeners above only read.
  client.pipe(upstream);
  upstream.pipe(client);
  const close = () => {
    if (!closed) open -= 1;
    closed = true;
    client.destroy();
    upstream.destroy();
  };
  client.on('error', close);
  upstream.on('error', close);
  client.on('close', close);
  upstream.on('close', close);
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  serveRpc({
    counts: (): WireCounts => ({ ...counts, open }),
    reset: (): WireCounts => {
      const before = { ...counts, open };
      counts = zero();
      return before;
    },
  });
  process.send!({ ready: { port } });
});
