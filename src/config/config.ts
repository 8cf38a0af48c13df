import { z } from 'zod';
import type { AssociationContacts } from '../core/association.js';
import { parseOfficeHours, type OfficeHours } from './office-hours.js';
import { isLocale, LOCALES, type LocaleCode } from '../core/locales.js';

/**
 * Configuration, parsed once at the edge from `process.env` (Node) or the Worker's bindings.
 * No module reads the environment at import time: entries call `parseConfig(env)` and pass the
 * result down.
 */

export type EnvSource = Record<string, unknown>;

/** Thrown when the environment is wrong; `problems` names every bad variable at once. */
export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(
      'Relais cannot start: the configuration is invalid.\n' +
        problems.map((p) => `  - ${p.variable}: ${p.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** An unset variable and one set to blanks mean the same: not set. Every variable goes through this. */
const unsetIfBlank = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === undefined || (typeof v === 'string' && v.trim() === '') ? undefined : v), schema);

const optionalString = unsetIfBlank(z.string().trim().optional());

const url = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine((value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    }, `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);

const optionalUrl = (protocols: string[]) => unsetIfBlank(url(protocols).optional());

const booleanFlag = unsetIfBlank(
  z.enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'], { message: 'must be true or false' }).optional(),
).transform((v) => (v === undefined ? undefined : ['1', 'true', 'yes', 'on'].includes(v)));

const positiveInt = (fallback: number, max = Number.MAX_SAFE_INTEGER) =>
  unsetIfBlank(
    z.coerce.number({ message: 'must be a whole number' }).int('must be a whole number').min(1).max(max).default(fallback),
  );

/** `fr=fr,en=en_US,ar=ar`: one WhatsApp template language code per Relais locale. */
const templateLanguages = unsetIfBlank(z.string().optional()).transform((raw, ctx) => {
  const out: Partial<Record<LocaleCode, string>> = {};
  if (!raw) return out;
  for (const pair of raw.split(',')) {
    const [locale, code] = pair.split('=').map((s) => s.trim());
    if (!locale || !code || !isLocale(locale)) {
      ctx.addIssue({ code: 'custom', message: `"${pair}" is not locale=code with a locale among ${LOCALES.join(', ')}` });
      return z.NEVER;
    }
    out[locale] = code;
  }
  return out;
});

const envSchema = z.object({
  PORT: positiveInt(8787, 65535),
  DATABASE_URL: optionalUrl(['postgres:', 'postgresql:']),
  DATA_DIR: optionalString,
  PUBLIC_URL: optionalUrl(['https:', 'http:']),
  LOG_LEVEL: unsetIfBlank(z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info')),
  SIMULATOR_ENABLED: booleanFlag,

  TELEGRAM_BOT_TOKEN: unsetIfBlank(
    z.string().regex(/^\d+:[A-Za-z0-9_-]{20,}$/, 'must look like 123456:ABC… as given by @BotFather').optional(),
  ),
  TELEGRAM_WEBHOOK_SECRET: unsetIfBlank(
    z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, 'must be 1–256 characters among A-Z, a-z, 0-9, _ and -').optional(),
  ),
  TELEGRAM_API_ROOT: optionalUrl(['https:', 'http:']),
  /** Printed in leaflets' links (`t.me/<username>`); a leading "@" is allowed. */
  TELEGRAM_BOT_USERNAME: unsetIfBlank(
    z
      .string()
      .trim()
      .transform((v) => v.replace(/^@/, ''))
      .pipe(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{1,28}bot$/i, 'must be the bot’s username as @BotFather gave it: 5–32 letters, digits or _, ending in "bot"'))
      .optional(),
  ),
  TELEGRAM_VOLUNTEER_CHAT_ID: unsetIfBlank(
    z.string().regex(/^-?\d+$/, 'must be a numeric chat id such as -1001234567890').optional(),
  ),

  WHATSAPP_ACCESS_TOKEN: optionalString,
  WHATSAPP_PHONE_NUMBER_ID: unsetIfBlank(
    z.string().regex(/^\d+$/, 'must be the numeric phone number id from Meta').optional(),
  ),
  WHATSAPP_APP_SECRET: optionalString,
  WHATSAPP_VERIFY_TOKEN: optionalString,
  WHATSAPP_API_BASE: optionalUrl(['https:', 'http:']),
  WHATSAPP_GRAPH_VERSION: unsetIfBlank(z.string().regex(/^v\d+\.\d+$/, 'must look like v23.0').default('v23.0')),
  WHATSAPP_REENGAGE_TEMPLATE: optionalString,
  /** The number people write to, printed in leaflets' links (`wa.me/<digits>`): international form, spaces allowed. */
  WHATSAPP_DISPLAY_NUMBER: unsetIfBlank(
    z
      .string()
      .trim()
      .regex(/^\+?[\d\s.()-]+$/, 'must be the WhatsApp number in international form, such as +33 6 12 34 56 78')
      .transform((v) => v.replace(/\D/g, ''))
      .pipe(z.string().regex(/^[1-9]\d{7,14}$/, 'must be the WhatsApp number in international form: country code and number, 8 to 15 digits'))
      .optional(),
  ),
  WHATSAPP_TEMPLATE_LANGUAGES: templateLanguages,

  ASSOCIATION_NAME: optionalString,
  ASSOCIATION_PHONE: optionalString,
  ASSOCIATION_HOURS: optionalString,
  ASSOCIATION_ADDRESS: optionalString,
  ASSOCIATION_EMAIL: optionalString,
  ASSOCIATION_URGENT_CONTACT: optionalString,

  OFFICE_HOURS: optionalString,
  OFFICE_HOLIDAYS: optionalString,
  HANDOFF_ANSWER_MINUTES: unsetIfBlank(z.coerce.number({ message: 'must be a whole number' }).int().min(1).max(10_080).optional()),
  HANDOFF_AUTO_RELEASE_MINUTES: positiveInt(120, 10_080),
  HANDOFF_REMIND_MINUTES: positiveInt(30, 10_080),

  LOG_HASH_KEY: unsetIfBlank(z.string().min(16, 'must be at least 16 characters (a random secret)').optional()),
  OUTBOX_MAX_ATTEMPTS: positiveInt(8, 100),
  OUTBOX_SWEEP_INTERVAL_MS: positiveInt(5_000),
  OUTBOX_LEASE_SECONDS: positiveInt(60, 3600),
  RETENTION_DAYS: positiveInt(90, 3650),
});

/** What a person asking for a volunteer is told, and how long a claim holds without a word. */
export interface HandoffConfig {
  officeHours: OfficeHours;
  /** How soon a volunteer usually answers in office hours (unset: no promise, "as soon as we can"). */
  answerMinutes?: number;
  /** Who to call when it cannot wait, outside office hours (from configuration, never invented). */
  urgentContact?: string;
  /** A claimed case whose volunteer has been silent this long goes back to the queue. */
  autoReleaseMs: number;
  /** An open case nobody has taken is announced again to volunteers after this long, once per period. */
  remindMs: number;
}

export interface TelegramConfig {
  botToken: string;
  webhookSecret: string;
  apiRoot: string;
  volunteerChatId?: string;
}

export interface WhatsAppConfig {
  accessToken: string;
  phoneNumberId: string;
  appSecret: string;
  verifyToken: string;
  apiBase: string;
  graphVersion: string;
  /** Approved template inviting a person to reply once the 24-hour window has closed. */
  reengageTemplate?: { name: string; languages: Partial<Record<LocaleCode, string>> };
}

/**
 * What leaflets print: the bot's Telegram username (else learned from `getMe` when a token is set)
 * and the WhatsApp number people write to (digits, with the country code). Either may be missing:
 * that QR code is then left out, with a note for the coordinator.
 */
export interface LeafletConfig {
  telegramBotUsername?: string;
  whatsappNumber?: string;
}

export interface Config {
  port: number;
  databaseUrl?: string;
  dataDir: string;
  publicUrl?: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  simulatorEnabled: boolean;
  telegram?: TelegramConfig;
  whatsapp?: WhatsAppConfig;
  association: AssociationContacts;
  leaflets: LeafletConfig;
  handoff: HandoffConfig;
  /** Key of the HMAC that tags identifiers in logs; random per process when unset. */
  logHashKey?: string;
  /** Delivery: attempts before giving up; the sweep's interval; how long a claimed row is ours before another instance may retry it. */
  outbox: { maxAttempts: number; sweepIntervalMs: number; leaseMs: number };
  retentionDays: number;
}

/** Parses the environment once. Throws `ConfigError` naming every wrong variable. */
export function parseConfig(env: EnvSource): Config {
  const strings: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(env)) if (typeof value === 'string') strings[key] = value;

  const parsed = envSchema.safeParse(strings);
  const problems: { variable: string; message: string }[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push({ variable: String(issue.path[0] ?? 'environment'), message: issue.message });
    }
  }
  const e = parsed.success ? parsed.data : undefined;
  const present = (name: string) => typeof strings[name] === 'string' && (strings[name] as string).trim() !== '';

  // A channel is on when its variables are set; a half-configured channel is an error.
  requireTogether(['TELEGRAM_BOT_TOKEN', 'TELEGRAM_WEBHOOK_SECRET'], 'Telegram', present, problems);
  if (present('TELEGRAM_VOLUNTEER_CHAT_ID') && !present('TELEGRAM_BOT_TOKEN')) {
    problems.push({ variable: 'TELEGRAM_BOT_TOKEN', message: 'required when TELEGRAM_VOLUNTEER_CHAT_ID is set' });
  }
  requireTogether(
    ['WHATSAPP_ACCESS_TOKEN', 'WHATSAPP_PHONE_NUMBER_ID', 'WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN'],
    'WhatsApp',
    present,
    problems,
  );
  if (present('WHATSAPP_REENGAGE_TEMPLATE') !== present('WHATSAPP_TEMPLATE_LANGUAGES')) {
    const missing = present('WHATSAPP_REENGAGE_TEMPLATE') ? 'WHATSAPP_TEMPLATE_LANGUAGES' : 'WHATSAPP_REENGAGE_TEMPLATE';
    problems.push({ variable: missing, message: 'the re-engagement template needs both its name and its languages' });
  }

  // Read from the raw strings, so that a wrong schedule is reported with every other problem.
  const text = (name: string) => (typeof strings[name] === 'string' ? (strings[name] as string) : undefined);
  let officeHours: OfficeHours = parseOfficeHours(undefined, undefined);
  try {
    officeHours = parseOfficeHours(text('OFFICE_HOURS'), undefined);
  } catch (error) {
    problems.push({ variable: 'OFFICE_HOURS', message: (error as Error).message });
  }
  try {
    officeHours = { ...officeHours, holidays: parseOfficeHours(undefined, text('OFFICE_HOLIDAYS')).holidays };
  } catch (error) {
    problems.push({ variable: 'OFFICE_HOLIDAYS', message: (error as Error).message });
  }
  if (problems.length > 0 || !e) throw new ConfigError(dedupe(problems));

  const telegram: TelegramConfig | undefined =
    e.TELEGRAM_BOT_TOKEN && e.TELEGRAM_WEBHOOK_SECRET
      ? {
          botToken: e.TELEGRAM_BOT_TOKEN,
          webhookSecret: e.TELEGRAM_WEBHOOK_SECRET,
          apiRoot: stripSlash(e.TELEGRAM_API_ROOT ?? 'https://api.telegram.org'),
          ...(e.TELEGRAM_VOLUNTEER_CHAT_ID ? { volunteerChatId: e.TELEGRAM_VOLUNTEER_CHAT_ID } : {}),
        }
      : undefined;

  const whatsapp: WhatsAppConfig | undefined =
    e.WHATSAPP_ACCESS_TOKEN && e.WHATSAPP_PHONE_NUMBER_ID && e.WHATSAPP_APP_SECRET && e.WHATSAPP_VERIFY_TOKEN
      ? {
          accessToken: e.WHATSAPP_ACCESS_TOKEN,
          phoneNumberId: e.WHATSAPP_PHONE_NUMBER_ID,
          appSecret: e.WHATSAPP_APP_SECRET,
          verifyToken: e.WHATSAPP_VERIFY_TOKEN,
          apiBase: stripSlash(e.WHATSAPP_API_BASE ?? 'https://graph.facebook.com'),
          graphVersion: e.WHATSAPP_GRAPH_VERSION,
          ...(e.WHATSAPP_REENGAGE_TEMPLATE
            ? { reengageTemplate: { name: e.WHATSAPP_REENGAGE_TEMPLATE, languages: e.WHATSAPP_TEMPLATE_LANGUAGES } }
            : {}),
        }
      : undefined;

  const association: AssociationContacts = {};
  if (e.ASSOCIATION_NAME) association.name = e.ASSOCIATION_NAME;
  if (e.ASSOCIATION_PHONE) association.phone = e.ASSOCIATION_PHONE;
  if (e.ASSOCIATION_HOURS) association.hours = e.ASSOCIATION_HOURS;
  if (e.ASSOCIATION_ADDRESS) association.address = e.ASSOCIATION_ADDRESS;
  if (e.ASSOCIATION_EMAIL) association.email = e.ASSOCIATION_EMAIL;

  return {
    port: e.PORT,
    ...(e.DATABASE_URL ? { databaseUrl: e.DATABASE_URL } : {}),
    dataDir: e.DATA_DIR ?? '.data',
    ...(e.PUBLIC_URL ? { publicUrl: stripSlash(e.PUBLIC_URL) } : {}),
    logLevel: e.LOG_LEVEL,
    // The local web chat is on by default only when no real channel is configured.
    simulatorEnabled: e.SIMULATOR_ENABLED ?? (!telegram && !whatsapp),
    ...(telegram ? { telegram } : {}),
    ...(whatsapp ? { whatsapp } : {}),
    association,
    leaflets: {
      ...(e.TELEGRAM_BOT_USERNAME ? { telegramBotUsername: e.TELEGRAM_BOT_USERNAME } : {}),
      ...(e.WHATSAPP_DISPLAY_NUMBER ? { whatsappNumber: e.WHATSAPP_DISPLAY_NUMBER } : {}),
    },
    ...(e.LOG_HASH_KEY ? { logHashKey: e.LOG_HASH_KEY } : {}),
    outbox: { maxAttempts: e.OUTBOX_MAX_ATTEMPTS, sweepIntervalMs: e.OUTBOX_SWEEP_INTERVAL_MS, leaseMs: e.OUTBOX_LEASE_SECONDS * 1000 },
    retentionDays: e.RETENTION_DAYS,
    handoff: {
      officeHours,
      ...(e.HANDOFF_ANSWER_MINUTES ? { answerMinutes: e.HANDOFF_ANSWER_MINUTES } : {}),
      ...(e.ASSOCIATION_URGENT_CONTACT ? { urgentContact: e.ASSOCIATION_URGENT_CONTACT } : {}),
      autoReleaseMs: e.HANDOFF_AUTO_RELEASE_MINUTES * 60_000,
      remindMs: e.HANDOFF_REMIND_MINUTES * 60_000,
    },
  };
}

function requireTogether(
  names: string[],
  channel: string,
  present: (name: string) => boolean,
  problems: { variable: string; message: string }[],
) {
  const set = names.filter(present);
  if (set.length === 0 || set.length === names.length) return;
  for (const name of names) {
    if (!present(name)) {
      problems.push({ variable: name, message: `required to turn ${channel} on (${set.join(', ')} is set)` });
    }
  }
}

function dedupe(problems: { variable: string; message: string }[]) {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.variable}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function stripSlash(value: string): string {
  return value.replace(/\/+$/, '');
}
