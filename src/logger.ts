/**
 * Structured JSON logs, one line per event. Never pass message text, phone numbers or chat ids:
 * use `logger.hash()` when an identifier must appear so that lines about one person can still be grouped.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHmac, randomBytes } from 'node:crypto';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (a request id, a channel). */
  child(fields: LogFields): Logger;
  /** Whether lines of this level are written: skip building costly fields (a hash per message) otherwise. */
  enabled(at: Exclude<LogLevel, 'silent'>): boolean;
  /**
   * A short tag for an identifier (chat id, phone number, wamid): HMAC-SHA256 under the log hash key,
   * so that lines about one person can be grouped, but nobody holding the logs and a list of numbers
   * can tell whose they are.
   */
  hash(value: string | number): string;
}

export interface LoggerOptions {
  /**
   * Key for `hash()` (LOG_HASH_KEY). Without one, a random key per process: tags group lines within
   * a process's life only.
   */
  hashKey?: string;
}

/** The logger options a configuration asks for. */
export function loggerOptions(config: { logHashKey?: string }): LoggerOptions {
  return config.logHashKey ? { hashKey: config.logHashKey } : {};
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/**
 * Fields that every line logged inside `fn` carries (the request id), including lines from work the
 * request deferred: async context follows promises, so processing after the response is tagged too.
 */
const context = new AsyncLocalStorage<LogFields>();
export function withLogContext<T>(fields: LogFields, fn: () => T): T {
  return context.run({ ...context.getStore(), ...fields }, fn);
}

export function createLogger(
  level: LogLevel = 'info',
  write: (line: string) => void = (line) => console.log(line),
  base: LogFields = {},
  options: LoggerOptions = {},
): Logger {
  const key = options.hashKey ?? randomBytes(32).toString('base64');
  const emit = (at: Exclude<LogLevel, 'silent'>, event: string, fields?: LogFields) => {
    if (ORDER[at] < ORDER[level]) return;
    write(
      JSON.stringify({ time: new Date().toISOString(), level: at, event, ...context.getStore(), ...base, ...serialise(fields) }),
    );
  };
  return {
    debug: (e, f) => emit('debug', e, f),
    info: (e, f) => emit('info', e, f),
    warn: (e, f) => emit('warn', e, f),
    error: (e, f) => emit('error', e, f),
    child: (fields) => createLogger(level, write, { ...base, ...fields }, { hashKey: key }),
    enabled: (at) => ORDER[at] >= ORDER[level],
    hash: (value) => createHmac('sha256', key).update(String(value)).digest('base64url').slice(0, 12),
  };
}

/** Errors become `{ name, message }`: their stack stays out of the logs, their message in. */
function serialise(fields?: LogFields): LogFields | undefined {
  if (!fields) return fields;
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = value instanceof Error ? describeError(value) : value;
  }
  return out;
}

/**
 * drizzle's `DrizzleQueryError` message ends with the query's parameters (chat ids, message text):
 * log the driver's reason (its `cause`) instead.
 */
function describeError(error: Error): { name: string; message: string } {
  if ('query' in error && 'params' in error) {
    const cause = (error as { cause?: unknown }).cause;
    return { name: error.name, message: cause instanceof Error ? cause.message : 'query failed' };
  }
  return { name: error.name, message: error.message };
}
