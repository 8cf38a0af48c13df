import net, { type AddressInfo, type Socket } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 for fault injection: put it between a client and a server (PostgreSQL, an
 * HTTP API…) and break the network on purpose, the way a database restart, a failover or a NAT timeout
 * does in production. Pure `node:net`, no dependencies; bytes are forwarded untouched, so it works for
 * any protocol without TLS termination.
 *
 * ```ts
 * const proxy = await startTcpProxy({ targetHost: '127.0.0.1', targetPort: 5432 });
 * const sql = postgres(proxy.rewrite('postgres://postgres@127.0.0.1:5432/test'));
 * proxy.cutAll();       // every live connection is reset, both sides, at once
 * proxy.pause();        // new connections are reset as soon as they arrive (server down)…
 * proxy.resume();       // …and forwarded again (server back)
 * await proxy.close();
 * ```
 *
 * - `cutAll()` ends every live connection abruptly on both sides: an RST where the platform can send
 *   one (`socket.resetAndDestroy()`, Node ≥ 16.17), else a plain destroy. The client sees ECONNRESET (or
 *   an unexpected close) mid-conversation; the server sees its client vanish, as when a peer dies.
 * - `pause()` keeps the port (so nobody else can take it) but resets every new connection at once,
 *   like a server that is restarting; connections already open are left alone (`cutAll` them too
 *   for a full outage).
 * - The proxy never throws from its sockets: every error just ends the pair it belongs to.
 */
export interface TcpProxy {
  host: string;
  port: number;
  /** `host:port`, to put in a URL. */
  address: string;
  /** The same URL with its host and port replaced by the proxy's (credentials, path and query kept). */
  rewrite(url: string): string;
  /** Connections currently forwarded (client side open). */
  readonly connections: number;
  /** Connections accepted since the start, refused ones included. */
  readonly accepted: number;
  /** Resets every live connection, both sides; returns how many were cut. */
  cutAll(): number;
  /** Refuses new connections (each is reset on arrival) until `resume()`. */
  pause(): void;
  resume(): void;
  readonly paused: boolean;
  /** Cuts everything and stops listening. */
  close(): Promise<void>;
}

export interface TcpProxyOptions {
  targetHost: string;
  targetPort: number;
  /** Where the proxy listens; 127.0.0.1 by default (only ever loopback in tests). */
  listenHost?: string;
  /** 0 (default): a free port chosen by the system. */
  listenPort?: number;
}

interface Pair {
  client: Socket;
  upstream: Socket;
}

export async function startTcpProxy(options: TcpProxyOptions): Promise<TcpProxy> {
  const listenHost = options.listenHost ?? '127.0.0.1';
  const live = new Set<Pair>();
  let paused = false;
  let accepted = 0;

  const server = net.createServer((client) => {
    accepted++;
    client.on('error', () => {});
    if (paused) {
      reset(client);
      return;
    }
    const upstream = net.connect({ host: options.targetHost, port: options.targetPort });
    upstream.on('error', () => {});
    const pair: Pair = { client, upstream };
    live.add(pair);
    // An error on one side (a reset, a refused upstream) becomes a reset of the other: the failure is
    // passed on as it happened, not softened into a clean close.
    client.on('error', () => reset(upstream));
    upstream.on('error', () => reset(client));
    // A clean end travels through `pipe` (FIN for FIN); once one side is gone, so is the other.
    client.on('close', () => {
      if (!upstream.destroyed) upstream.destroy();
      live.delete(pair);
    });
    upstream.on('close', () => {
      if (!client.destroyed) client.destroy();
    });
    client.pipe(upstream);
    upstream.pipe(client);
  });
  // Server-level errors (EMFILE…) must not take the test process down either.
  server.on('error', () => {});

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.listenPort ?? 0, listenHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const address = `${listenHost}:${port}`;

  function cutAll(): number {
    const pairs = [...live];
    live.clear();
    for (const { client, upstream } of pairs) {
      reset(client);
      reset(upstream);
    }
    return pairs.length;
  }

  return {
    host: listenHost,
    port,
    address,
    rewrite(url) {
      const parsed = new URL(url);
      parsed.hostname = listenHost;
      parsed.port = String(port);
      return parsed.toString();
    },
    get connections() {
      return live.size;
    },
    get accepted() {
      return accepted;
    },
    cutAll,
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
    },
    get paused() {
      return paused;
    },
    async close() {
      cutAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Ends a socket abruptly: RST when possible, and never throws (the socket may be half gone already). */
function reset(socket: Socket): void {
  if (socket.destroyed) return;
  try {
    // Node ≥ 16.17: RST instead of FIN. On a socket still connecting it resets once connected.
    if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
    else socket.destroy();
  } catch {
    socket.destroy();
  }
}
