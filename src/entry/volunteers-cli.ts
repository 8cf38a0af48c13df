import { parseArgs } from 'node:util';
import {
  addAccount,
  issueApiToken,
  issueSignInLink,
  revokeAccountCredentials,
  signInUrl,
  type Actor,
} from '../console/auth/accounts.js';
import type { Config } from '../config/config.js';
import { getVolunteerByEmail, listVolunteers, volunteerInput, type Volunteer } from '../handoff/volunteers.js';
import type { Db } from '../storage/database.js';
import { openRelaisDatabase } from './boot.js';
import { DatabaseInUseError } from './data-dir-lock.js';
import { readConfigOrSay } from './read-config.js';

/**
 * `npm run volunteers -- <command>`: volunteer accounts from the command line, on DATABASE_URL or the
 * embedded database (which must not be open in a running server: PGlite allows one process at a time).
 * Exit codes: 0 done, 1 refused (unknown or taken e-mail, configuration, database in use), 2 usage.
 */
const USAGE = `usage:
  npm run volunteers -- add --email E --name N [--languages fr,ar] [--role volunteer|coordinator] [--telegram-id ID]
      creates an account (languages default to fr, the role to volunteer) and prints its one-time
      sign-in link, valid 24 hours
  npm run volunteers -- link --email E      prints a new one-time sign-in link for the account
  npm run volunteers -- token --email E     prints a new API token, alone on the last line (shown once)
  npm run volunteers -- revoke --email E    revokes the account's sessions, API tokens and unused links
  npm run volunteers -- list                lists the active accounts`;

const OPTIONS = {
  email: { type: 'string' },
  name: { type: 'string' },
  languages: { type: 'string' },
  role: { type: 'string' },
  'telegram-id': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'string' ? string : boolean };

const COMMANDS: Record<string, { options: (keyof typeof OPTIONS)[]; needsEmail: boolean }> = {
  add: { options: ['email', 'name', 'languages', 'role', 'telegram-id'], needsEmail: true },
  link: { options: ['email'], needsEmail: true },
  token: { options: ['email'], needsEmail: true },
  revoke: { options: ['email'], needsEmail: true },
  list: { options: [], needsEmail: false },
};

/** A refusal the operator can act on: printed as is, exit 1. */
class Refusal extends Error {}

async function main(argv: string[]): Promise<number> {
  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [command, ...extra] = positionals;
  const spec = command ? COMMANDS[command] : undefined;
  if (!command || !spec) {
    console.error(command ? `Unknown command: ${command}\n${USAGE}` : USAGE);
    return 2;
  }
  const misplaced = Object.keys(values).filter((name) => !spec.options.includes(name as keyof typeof OPTIONS));
  if (extra.length > 0 || misplaced.length > 0) {
    const what = [...extra, ...misplaced.map((name) => `--${name}`)].join(' ');
    console.error(`Not understood with "${command}": ${what}\n${USAGE}`);
    return 2;
  }
  if (spec.needsEmail && !values.email?.trim()) {
    console.error(`"${command}" needs --email.\n${USAGE}`);
    return 2;
  }

  // Check the input before opening anything.
  let input: ReturnType<typeof volunteerInput.parse> | undefined;
  if (command === 'add') {
    const parsed = volunteerInput.safeParse({
      email: values.email,
      name: values.name ?? '',
      ...(values.languages !== undefined ? { languages: values.languages.split(',').map((code) => code.trim()).filter(Boolean) } : {}),
      ...(values.role !== undefined ? { role: values.role } : {}),
      ...(values['telegram-id'] !== undefined ? { telegramId: values['telegram-id'] } : {}),
    });
    if (!parsed.success) {
      const flag = (path: PropertyKey[]) => `--${String(path[0]).replace('telegramId', 'telegram-id')}`;
      console.error(parsed.error.issues.map((issue) => `${flag(issue.path)}: ${issue.message}`).join('\n'));
      return 2;
    }
    input = parsed.data;
  }

  const config = readConfigOrSay(process.env);
  if (!config) return 1;

  let database;
  try {
    // One connection is plenty for a one-shot command.
    database = await openRelaisDatabase(config, { maxConnections: 1 });
  } catch (error) {
    if (error instanceof DatabaseInUseError) {
      console.error(
        `${error.message}\nWhile the server runs, coordinators add volunteers and make links in the console (/console).`,
      );
      return 1;
    }
    throw error;
  }

  const base = config.publicUrl ?? `http://localhost:${config.port}`;
  const actor: Actor = { by: null, via: 'cli', now: new Date() };
  const db = database.db;
  try {
    switch (command) {
      case 'add':
        await add(db, input!, base, actor);
        break;
      case 'link': {
        const volunteer = await account(db, values.email!);
        const token = await issueSignInLink(db, volunteer, actor);
        console.log(`A new one-time sign-in link for ${who(volunteer)} (valid 24 hours; send it privately):`);
        console.log(signInUrl(base, token));
        break;
      }
      case 'token': {
        const volunteer = await account(db, values.email!);
        const token = await issueApiToken(db, volunteer, actor);
        console.log(`A new API token for ${who(volunteer)}. It is shown only this once: scripts send it as`);
        console.log(`"Authorization: Bearer <token>". Revoke it with: npm run volunteers -- revoke --email ${volunteer.email}`);
        console.log(token);
        break;
      }
      case 'revoke': {
        const volunteer = await account(db, values.email!);
        const revoked = await revokeAccountCredentials(db, volunteer, actor);
        console.log(
          `Revoked for ${who(volunteer)}: ${count(revoked.session, 'session')}, ${count(revoked.api, 'API token')}, ` +
            `${count(revoked['sign-in'], 'unused sign-in link')}. The account stays; a new link: ` +
            `npm run volunteers -- link --email ${volunteer.email}`,
        );
        break;
      }
      case 'list': {
        const all = await listVolunteers(db);
        if (all.length === 0) console.log('No accounts yet.');
        for (const v of all) console.log(`${String(v.id).padStart(4)}  ${v.role.padEnd(11)}  ${v.email}  ${v.name}  [${v.languages.join(', ')}]`);
        break;
      }
    }
    return 0;
  } catch (error) {
    if (error instanceof Refusal) {
      console.error(error.message);
      return 1;
    }
    throw error;
  } finally {
    await database.close();
  }
}

async function add(db: Db, input: ReturnType<typeof volunteerInput.parse>, base: string, actor: Actor): Promise<void> {
  const added = await addAccount(db, input, actor);
  switch (added.status) {
    case 'added': {
      const { volunteer } = added;
      console.log(
        `${added.reactivated ? 'Added back (the account had been removed)' : 'Added'}: ${who(volunteer)}, ` +
          `${volunteer.role}, languages ${volunteer.languages.join(', ')}.`,
      );
      console.log('Their one-time sign-in link (valid 24 hours; send it privately):');
      console.log(signInUrl(base, added.signInToken));
      return;
    }
    case 'email-taken':
      throw new Refusal(
        `An account with ${input.email} already exists (${added.volunteer.name}). ` +
          `For a new sign-in link: npm run volunteers -- link --email ${input.email}`,
      );
    case 'telegram-taken':
      throw new Refusal(`Telegram id ${input.telegramId} already belongs to ${who(added.volunteer)}.`);
    default: {
      const never: never = added;
      throw new Error(`unexpected outcome ${JSON.stringify(never)}`);
    }
  }
}

async function account(db: Db, email: string): Promise<Volunteer> {
  const volunteer = await getVolunteerByEmail(db, email);
  if (!volunteer) {
    throw new Refusal(`No active account has the e-mail ${email.trim().toLowerCase()}. See them all with: npm run volunteers -- list`);
  }
  return volunteer;
}

const who = (v: Volunteer) => `${v.name} <${v.email}>`;
const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

process.exitCode = await main(process.argv.slice(2));
