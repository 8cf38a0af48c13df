/**
 * Request/answer over Node's IPC channel between the bench orchestrator and the helper processes it
 * forks (fake platforms, wire proxy, load generator). IPC rather than HTTP so that controlling a helper
 * never adds requests to the ports being measured.
 */
import type { ChildProcess } from 'node:child_process';

type Handlers = Record<string, (arg: unknown) => unknown>;

interface RpcRequest {
  id: number;
  op: string;
  arg?: unknown;
}
interface RpcAnswer {
  id: number;
  result?: unknown;
  error?: string;
}

/** In a forked helper: answer the orchestrator's requests; exit when it goes away. */
export function serveRpc(handlers: Handlers): void {
  if (!process.send) throw new Error('this helper must be forked by bench/run.ts (no IPC channel)');
  process.on('message', async (message: RpcRequest) => {
    if (typeof message !== 'object' || message === null || typeof message.id !== 'number') return;
    const handler = handlers[message.op];
    let answer: RpcAnswer;
    try {
      if (!handler) throw new Error(`unknown op ${message.op}`);
      answer = { id: message.id, result: await handler(message.arg) };
    } catch (error) {
      answer = { id: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    }
    process.send!(answer);
  });
  // The orchestrator died or closed the channel: a helper must never outlive the bench.
  process.on('disconnect', () => process.exit(0));
}

/** In the orchestrator: call a forked helper's ops. */
export function rpcClient(child: ChildProcess) {
  let next = 1;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  child.on('message', (message: RpcAnswer) => {
    if (typeof message !== 'object' || message === null || typeof message.id !== 'number') return;
    const w = waiting.get(message.id);
    if (!w) return;
    waiting.delete(message.id);
    if (message.error !== undefined) w.reject(new Error(message.error));
    else w.resolve(message.result);
  });
  child.on('exit', (code, signal) => {
    for (const w of waiting.values()) w.reject(new Error(`helper exited (${signal ?? code}) before answering`));
    waiting.clear();
  });
  return function call<T>(op: string, arg?: unknown): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const id = next++;
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, op, arg } satisfies RpcRequest, (error) => {
        if (error) {
          waiting.delete(id);
          reject(error);
        }
      });
    });
  };
}

/** The first message a helper sends once it is listening: `{ ready: … }`. */
export function readyMessage<T>(child: ChildProcess, what: string, timeoutMs = 30_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (message: { ready?: T }) => {
      if (typeof message === 'object' && message !== null && 'ready' in message) {
        cleanup();
        resolve(message.ready as T);
      }
    };
    const onExit = (code: number | null, signal: string | null) => {
      cleanup();
      reject(new Error(`${what} exited (${signal ?? code}) before it was ready`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}
