/**
 * The orchestrator's view of processes: starting children it is sure to stop (on success, failure,
 * Ctrl-C), and reading what Linux says about them (/proc: resident memory, CPU time).
 */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

const children = new Set<ChildProcess>();
const cleanups: Array<() => Promise<void> | void> = [];
let cleaningUp: Promise<void> | undefined;
/** Set once a signal asked the bench to stop: failures after that are its consequence, not news. */
export let interrupted = false;

/** Runs at the end, in reverse order, whatever happens (a database to drop, a folder to remove). */
export function onCleanup(task: () => Promise<void> | void): () => void {
  cleanups.push(task);
  return () => {
    const i = cleanups.indexOf(task);
    if (i >= 0) cleanups.splice(i, 1);
  };
}

/** Kills every child still running, then runs the clean-ups. Safe to call twice. */
export function cleanUpAll(): Promise<void> {
  cleaningUp ??= (async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all([...children].map((c) => exited(c, 5_000)));
    for (const task of cleanups.reverse()) {
      try {
        await task();
      } catch (error) {
        console.error(`bench clean-up failed: ${error instanceof Error ? error.message : error}`);
      }
    }
  })();
  return cleaningUp;
}

/** Ctrl-C, a kill, an uncaught error: children killed, databases dropped, then exit. */
export function installExitHandlers(): void {
  const bail = (code: number) => {
    interrupted = true;
    void cleanUpAll().finally(() => process.exit(code));
  };
  process.on('SIGINT', () => {
    // A terminal's Ctrl-C reaches us twice: from the terminal and relayed by tsx.
    if (!interrupted) console.error('\nInterrupted: stopping the processes and dropping the bench databases…');
    bail(130);
  });
  process.on('SIGTERM', () => bail(143));
  process.on('SIGHUP', () => bail(129));
}

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

/**
 * A TypeScript helper (fakes, proxy, generator) forked with tsx's loader and an IPC channel. The pid is
 * node's own (no wrapper process), so /proc readings are the helper's.
 */
export function forkHelper(script: string, env: Record<string, string> = {}): ChildProcess {
  return track(
    fork(`${ROOT}bench/${script}`, [], {
      cwd: ROOT,
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
}

/**
 * A server under test: `node <args>` with exactly `env` (nothing inherited but PATH/HOME, so a
 * DATABASE_URL in the shell cannot leak in), output to `logFile`. No IPC channel: the server carries
 * nothing the bench added.
 */
export function spawnServer(args: string[], env: Record<string, string>, logFile: string): ChildProcess {
  const log = openSync(logFile, 'a');
  try {
    const base: Record<string, string> = {};
    for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']) if (process.env[key]) base[key] = process.env[key]!;
    // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof": flags for the servers' Node only.
    const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
    return track(spawn(process.execPath, [...nodeArgs, ...args], { cwd: ROOT, env: { ...base, ...env }, stdio: ['ignore', log, log] }));
  } finally {
    closeSync(log);
  }
}

/** Resolves when the child has exited (true), or after `timeoutMs` (false). */
export function exited(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** SIGTERM (a clean stop: databases closed), then SIGKILL if it takes longer than `graceMs`. */
export async function stop(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  if (!(await exited(child, graceMs))) {
    child.kill('SIGKILL');
    await exited(child, 5_000);
  }
}

/** A port nobody listens on now (Relais takes PORT from the environment and cannot be told 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resident memory of a process in MiB (VmRSS), or NaN once it is gone. */
export function rssMiB(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU time a process has used (all its threads), in ms; NaN once it is gone. The scheduler's own count
 * (/proc/<pid>/task/<tid>/schedstat, in ns) is exact, where /proc/<pid>/stat counts 10 ms ticks — too
 * coarse for 32 PostgreSQL backends that each work a few ms. Falls back to stat without schedstat.
 */
export function cpuMs(pid: number): number {
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // a thread that just ended
      }
    }
    if (Number.isFinite(ns) && ns > 0) return ns / 1e6;
  } catch {
    // no schedstat here, or the process is gone
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm)": state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/** The whole machine's CPU time so far (ms summed over cores): busy, idle, and stolen by the hypervisor. */
export function machineCpu(): { busy: number; idle: number; steal: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number) as number[];
  const ms = (ticks: number) => (ticks * 1000) / CLOCK_TICKS;
  return { busy: ms(user! + nice! + system! + irq! + softirq!), idle: ms(idle! + iowait!), steal: ms(steal ?? 0) };
}
