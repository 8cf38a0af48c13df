import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { ROLES, type Role } from '../core/handoff.js';
import { LOCALES, type LocaleCode } from '../core/locales.js';
import type { Db, DbOrTx } from '../storage/database.js';
import { volunteers } from '../storage/schema.js';

/**
 * Volunteer and coordinator accounts: the `volunteers` table's only owner. Accounts are named by their
 * e-mail address (lower case), which is only a name here: Relais never sends e-mail.
 *
 * Removing an account keeps its row (its notes and replies still name it) but it can no longer sign in:
 * the console's `removeAccount` (src/console/auth/accounts.ts) removes it and revokes its credentials in
 * one transaction, and authentication refuses a removed account's credentials anyway.
 */

/** An active account as the rest of Relais sees it. */
export interface Volunteer {
  id: number;
  name: string;
  email: string;
  role: Role;
  languages: LocaleCode[];
  /** Their Telegram user id (the volunteers' group), or null. */
  telegramUserId: string | null;
}

/** A transaction: the changes that must not leave the association without a coordinator take one. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** A volunteer's columns, as `Volunteer`: also what the console's credentials read beside their own. */
export const volunteerColumns = {
  id: volunteers.id,
  name: volunteers.name,
  email: volunteers.email,
  role: volunteers.role,
  languages: volunteers.languages,
  telegramUserId: volunteers.telegramUserId,
};

const active = isNull(volunteers.removedAt);

// --- Inputs (console forms, the JSON API, the command line) ---------------------------------------

/** An account's name: printable, 1–100 characters. */
const nameSchema = z
  .string({ message: 'must be text' })
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .refine((name) => !/\p{Cc}/u.test(name), 'must not contain control characters');

/** Lower-cased; any address with one @ will do, as no e-mail is ever sent to it (`coordinator@localhost`). */
export const emailSchema = z
  .string({ message: 'must be text' })
  .trim()
  .toLowerCase()
  .max(254, 'must be at most 254 characters')
  .regex(/^[^\s@]+@[^\s@]+$/, 'must be an e-mail address such as amina@example.org');

const languagesSchema = z
  .array(z.enum(LOCALES, { message: `must be locale codes among ${LOCALES.join(', ')}` }), {
    message: `must be a list of locale codes among ${LOCALES.join(', ')}`,
  })
  .min(1, 'must name at least one language')
  .transform((codes) => [...new Set(codes)]);

const roleSchema = z.enum(ROLES, { message: `must be ${ROLES.join(' or ')}` });

/** A Telegram user id: a positive whole number (JSON number or digits). */
const telegramIdSchema = z
  .union([z.string().trim().regex(/^[1-9]\d{0,15}$/), z.number().int().positive().max(Number.MAX_SAFE_INTEGER)], {
    message: 'must be a Telegram user id (a positive whole number)',
  })
  .transform(String);

/** A new account. Languages default to French, the role to volunteer. */
export const volunteerInput = z.object({
  name: nameSchema,
  email: emailSchema,
  languages: languagesSchema.default(['fr']),
  role: roleSchema.default('volunteer'),
  telegramId: telegramIdSchema.nullish(),
});
export type VolunteerInput = z.input<typeof volunteerInput>;

/** A change to an account: any of its languages, role, Telegram id (null removes it), name. */
export const volunteerChange = z
  .object({
    name: nameSchema.optional(),
    languages: languagesSchema.optional(),
    role: roleSchema.optional(),
    telegramId: telegramIdSchema.nullable().optional(),
  })
  .refine((change) => Object.values(change).some((value) => value !== undefined), 'nothing to change');
export type VolunteerChange = z.input<typeof volunteerChange>;

// --- Reads ----------------------------------------------------------------------------------------

/** The active accounts, coordinators first, then by name. */
export async function listVolunteers(db: DbOrTx): Promise<Volunteer[]> {
  return db
    .select(volunteerColumns)
    .from(volunteers)
    .where(active)
    .orderBy(sql`${volunteers.role} = 'coordinator' desc`, asc(volunteers.name), asc(volunteers.id));
}

export async function getVolunteer(db: DbOrTx, id: number): Promise<Volunteer | undefined> {
  const [row] = await db.select(volunteerColumns).from(volunteers).where(and(eq(volunteers.id, id), active));
  return row;
}

export async function getVolunteerByEmail(db: DbOrTx, email: string): Promise<Volunteer | undefined> {
  const [row] = await db
    .select(volunteerColumns)
    .from(volunteers)
    .where(and(eq(volunteers.email, email.trim().toLowerCase()), active));
  return row;
}

/** Who a member of the volunteers' Telegram group is, if they have an active account. */
export async function getVolunteerByTelegramUserId(db: DbOrTx, telegramUserId: string | number): Promise<Volunteer | undefined> {
  const [row] = await db
    .select(volunteerColumns)
    .from(volunteers)
    .where(and(eq(volunteers.telegramUserId, String(telegramUserId)), active));
  return row;
}

/** The names of these accounts, removed ones included: past replies and notes keep their author. */
export async function volunteerNames(db: DbOrTx, ids: readonly number[]): Promise<Map<number, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await db.select({ id: volunteers.id, name: volunteers.name }).from(volunteers).where(inArray(volunteers.id, unique));
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Whether the account named by this e-mail was removed (and so must not come back by itself). */
export async function wasRemoved(db: DbOrTx, email: string): Promise<boolean> {
  const [row] = await db
    .select({ id: volunteers.id })
    .from(volunteers)
    .where(and(eq(volunteers.email, email.trim().toLowerCase()), sql`${volunteers.removedAt} is not null`));
  return row !== undefined;
}

/** Whether any account exists at all, removed ones included (the first start creates one if not). */
export async function hasAnyVolunteer(db: DbOrTx): Promise<boolean> {
  const [row] = await db.select({ id: volunteers.id }).from(volunteers).limit(1);
  return row !== undefined;
}

export async function countCoordinators(db: DbOrTx): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(volunteers)
    .where(and(eq(volunteers.role, 'coordinator'), active));
  return row?.n ?? 0;
}

// --- Changes --------------------------------------------------------------------------------------

export type AddVolunteerOutcome =
  | { status: 'added'; volunteer: Volunteer; /** A removed account with this e-mail came back. */ reactivated: boolean }
  | { status: 'email-taken'; volunteer: Volunteer }
  | { status: 'telegram-taken'; volunteer: Volunteer };

/**
 * Adds an account. An e-mail that names an active account is refused; one that names a removed account
 * brings that account back with the new details (its history stays attached to one row).
 */
export async function addVolunteer(db: DbOrTx, input: VolunteerInput): Promise<AddVolunteerOutcome> {
  const { name, email, languages, role, telegramId } = volunteerInput.parse(input);
  const telegramUserId = telegramId ?? null;

  const taken = await getVolunteerByEmail(db, email);
  if (taken) return { status: 'email-taken', volunteer: taken };
  if (telegramUserId) {
    const holder = await getVolunteerByTelegramUserId(db, telegramUserId);
    if (holder) return { status: 'telegram-taken', volunteer: holder };
  }

  const [reactivated] = await db
    .update(volunteers)
    .set({ name, languages, role, telegramUserId, removedAt: null })
    .where(and(eq(volunteers.email, email), sql`${volunteers.removedAt} is not null`))
    .returning(volunteerColumns);
  if (reactivated) return { status: 'added', volunteer: reactivated, reactivated: true };

  // Two additions racing for one address or Telegram id: the unique indexes decide, the loser is told.
  const [created] = await db
    .insert(volunteers)
    .values({ name, email, languages, role, telegramUserId })
    .onConflictDoNothing()
    .returning(volunteerColumns);
  if (created) return { status: 'added', volunteer: created, reactivated: false };
  const byEmail = await getVolunteerByEmail(db, email);
  if (byEmail) return { status: 'email-taken', volunteer: byEmail };
  const byTelegram = telegramUserId ? await getVolunteerByTelegramUserId(db, telegramUserId) : undefined;
  if (byTelegram) return { status: 'telegram-taken', volunteer: byTelegram };
  throw new Error('addVolunteer: the insertion conflicted with an account that no longer exists');
}

export type UpdateVolunteerOutcome =
  | { status: 'updated'; volunteer: Volunteer }
  | { status: 'not-found' }
  | { status: 'telegram-taken'; volunteer: Volunteer }
  | { status: 'last-coordinator' };

/** Changes an account's name, languages, role or Telegram id. The last coordinator stays one. */
export async function updateVolunteer(tx: Tx, id: number, change: VolunteerChange): Promise<UpdateVolunteerOutcome> {
  const parsed = volunteerChange.parse(change);
  const current = await getVolunteer(tx, id);
  if (!current) return { status: 'not-found' };
  if (current.role === 'coordinator' && parsed.role === 'volunteer' && (await isLastCoordinator(tx, id))) {
    return { status: 'last-coordinator' };
  }
  if (parsed.telegramId) {
    const holder = await getVolunteerByTelegramUserId(tx, parsed.telegramId);
    if (holder && holder.id !== id) return { status: 'telegram-taken', volunteer: holder };
  }
  const [updated] = await tx
    .update(volunteers)
    .set({
      ...(parsed.name !== undefined ? { name: parsed.name } : {}),
      ...(parsed.languages !== undefined ? { languages: parsed.languages } : {}),
      ...(parsed.role !== undefined ? { role: parsed.role } : {}),
      ...(parsed.telegramId !== undefined ? { telegramUserId: parsed.telegramId } : {}),
    })
    .where(and(eq(volunteers.id, id), active))
    .returning(volunteerColumns);
  return updated ? { status: 'updated', volunteer: updated } : { status: 'not-found' };
}

export type RemoveVolunteerOutcome =
  | { status: 'removed'; volunteer: Volunteer }
  | { status: 'not-found' }
  | { status: 'last-coordinator' };

/**
 * Marks an account removed (its row stays for the history) and frees its Telegram id, so that Telegram
 * account no longer acts as a volunteer in the group. Refuses to remove the last coordinator: nobody
 * could then add volunteers from the console. Call it through `removeAccount`, which also revokes the
 * account's credentials.
 */
export async function removeVolunteer(tx: Tx, id: number, at: Date): Promise<RemoveVolunteerOutcome> {
  const current = await getVolunteer(tx, id);
  if (!current) return { status: 'not-found' };
  if (current.role === 'coordinator' && (await isLastCoordinator(tx, id))) return { status: 'last-coordinator' };
  const [removed] = await tx
    .update(volunteers)
    .set({ removedAt: at, telegramUserId: null })
    .where(and(eq(volunteers.id, id), active))
    .returning(volunteerColumns);
  return removed ? { status: 'removed', volunteer: { ...removed, telegramUserId: current.telegramUserId } } : { status: 'not-found' };
}

/**
 * Whether `id` is the only active coordinator. Locks the active coordinators' rows until the
 * transaction ends, so two coordinators removing each other at the same moment cannot both succeed.
 */
async function isLastCoordinator(tx: Tx, id: number): Promise<boolean> {
  const coordinators = await tx
    .select({ id: volunteers.id })
    .from(volunteers)
    .where(and(eq(volunteers.role, 'coordinator'), active))
    .for('update');
  return coordinators.every((c) => c.id === id);
}
