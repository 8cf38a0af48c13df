import {
  addVolunteer,
  hasAnyVolunteer,
  removeVolunteer,
  updateVolunteer,
  type AddVolunteerOutcome,
  type RemoveVolunteerOutcome,
  type UpdateVolunteerOutcome,
  type Volunteer,
  type VolunteerChange,
  type VolunteerInput,
} from '../../handoff/volunteers.js';
import { releaseCasesHeldBy } from '../../handoff/cases.js';
import type { Tx } from '../../handoff/volunteers.js';
import { recordAudit } from '../../privacy/audit.js';
import type { Db } from '../../storage/database.js';
import { createApiToken, createSignInLink, revokeAll } from './credentials.js';

/**
 * Account changes as the console, the command line and the first start make them: each is one
 * transaction holding the change, the credentials it creates or revokes, and its audit entry.
 */

/** Who is acting and through what: `by` is the coordinator (null for the command line or the server). */
export interface Actor {
  by: number | null;
  via: 'console' | 'cli' | 'first-start';
  now: Date;
}

/** The sign-in URL of a link's secret. */
export function signInUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/console/sign-in/${token}`;
}

export type AddAccountOutcome =
  | { status: 'added'; volunteer: Volunteer; reactivated: boolean; signInToken: string }
  | Exclude<AddVolunteerOutcome, { status: 'added' }>;

/** Adds an account and makes its first sign-in link. */
export async function addAccount(db: Db, input: VolunteerInput, actor: Actor): Promise<AddAccountOutcome> {
  return db.transaction(async (tx) => {
    const added = await addVolunteer(tx, input);
    if (added.status !== 'added') return added;
    const { volunteer, reactivated } = added;
    const signInToken = await createSignInLink(tx, volunteer.id, actor.now);
    await recordAudit(tx, {
      volunteerId: actor.by,
      action: 'volunteer.added',
      at: actor.now,
      detail: { volunteerId: volunteer.id, email: volunteer.email, role: volunteer.role, languages: volunteer.languages, reactivated, via: actor.via },
    });
    return { status: 'added', volunteer, reactivated, signInToken };
  });
}

/** A new one-time sign-in link for an existing account (its session ended, its link expired). */
export async function issueSignInLink(db: Db, volunteer: Volunteer, actor: Actor): Promise<string> {
  return db.transaction(async (tx) => {
    const token = await createSignInLink(tx, volunteer.id, actor.now);
    await recordAudit(tx, { volunteerId: actor.by, action: 'sign-in-link.created', at: actor.now, detail: { volunteerId: volunteer.id, via: actor.via } });
    return token;
  });
}

/** A new API token, shown once. */
export async function issueApiToken(db: Db, volunteer: Volunteer, actor: Actor): Promise<string> {
  return db.transaction(async (tx) => {
    const token = await createApiToken(tx, volunteer.id, actor.now);
    await recordAudit(tx, { volunteerId: actor.by, action: 'api-token.created', at: actor.now, detail: { volunteerId: volunteer.id, via: actor.via } });
    return token;
  });
}

/** Revokes every session, API token and unused sign-in link of the account. */
export async function revokeAccountCredentials(db: Db, volunteer: Volunteer, actor: Actor) {
  return db.transaction(async (tx) => {
    const revoked = await revokeAll(tx, volunteer.id, actor.now);
    await recordAudit(tx, { volunteerId: actor.by, action: 'credentials.revoked', at: actor.now, detail: { volunteerId: volunteer.id, ...revoked, via: actor.via } });
    return revoked;
  });
}

export async function updateAccount(db: Db, id: number, change: VolunteerChange, actor: Actor): Promise<UpdateVolunteerOutcome> {
  return db.transaction(async (tx) => {
    const updated = await updateVolunteer(tx, id, change);
    if (updated.status === 'updated') {
      const { volunteer } = updated;
      await recordAudit(tx, {
        volunteerId: actor.by,
        action: 'volunteer.updated',
        at: actor.now,
        detail: { volunteerId: volunteer.id, role: volunteer.role, languages: volunteer.languages, telegram: volunteer.telegramUserId !== null, via: actor.via },
      });
    }
    return updated;
  });
}

export type RemoveAccountOutcome =
  | { status: 'removed'; volunteer: Volunteer; /** The cases it held, back in the queue. */ releasedCases: number[] }
  | Exclude<RemoveVolunteerOutcome, { status: 'removed' }>;

export interface RemoveAccountOptions {
  /**
   * Gives the cases the account holds back to the queue, inside the removal's transaction: the app
   * passes the handoff service's, which also tells the volunteers' group. By default the cases are
   * released without telling anyone else.
   */
  releaseCases?: (tx: Tx, volunteerId: number) => Promise<number[]>;
}

/**
 * Removes an account (its row stays for the history), revokes all its credentials and releases the
 * cases it held, so nobody waits behind a volunteer who is gone: all or nothing.
 */
export async function removeAccount(db: Db, id: number, actor: Actor, options: RemoveAccountOptions = {}): Promise<RemoveAccountOutcome> {
  const releaseCases = options.releaseCases ?? ((tx: Tx, volunteerId: number) => releaseCasesHeldBy(tx, volunteerId, actor.now));
  return db.transaction(async (tx) => {
    const removed = await removeVolunteer(tx, id, actor.now);
    if (removed.status !== 'removed') return removed;
    const revoked = await revokeAll(tx, id, actor.now);
    const releasedCases = await releaseCases(tx, id);
    await recordAudit(tx, {
      volunteerId: actor.by,
      action: 'volunteer.removed',
      at: actor.now,
      detail: { volunteerId: id, email: removed.volunteer.email, revoked, releasedCases, via: actor.via },
    });
    return { ...removed, releasedCases };
  });
}

/** The first coordinator's account, made on a first start (see `prepareFirstCoordinator`). */
export const FIRST_COORDINATOR = { name: 'Coordinator', email: 'coordinator@localhost', languages: ['fr', 'en'], role: 'coordinator' } as const;

export type FirstCoordinator =
  | { status: 'created'; volunteer: Volunteer; signInToken: string }
  /** Accounts exist already: nothing to do, nothing to print. */
  | { status: 'present' };

/**
 * On a start with no account at all, creates a coordinator and a sign-in link for them, so a
 * newcomer is in the console within a minute. Only ever once: the account stays.
 */
export async function prepareFirstCoordinator(db: Db, now: Date): Promise<FirstCoordinator> {
  if (await hasAnyVolunteer(db)) return { status: 'present' };
  const added = await addAccount(db, { ...FIRST_COORDINATOR, languages: [...FIRST_COORDINATOR.languages] }, { by: null, via: 'first-start', now });
  // Another instance got there first (only possible on PostgreSQL): its link is the one to use.
  if (added.status !== 'added') return { status: 'present' };
  return { status: 'created', volunteer: added.volunteer, signInToken: added.signInToken };
}
