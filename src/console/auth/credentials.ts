import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { volunteerColumns, type Volunteer } from '../../handoff/volunteers.js';
import type { DbOrTx } from '../../storage/database.js';
import { credentials, volunteers } from '../../storage/schema.js';
import { hashSecret, looksLikeSecret, newSecret } from './secrets.js';

/**
 * What lets a volunteer in: the `credentials` table's only owner. Three kinds, each a random secret
 * stored as its SHA-256 (see secrets.ts) and found through the unique index on that hash:
 * - `sign-in`: a one-time link, valid 24 hours, consumed atomically by the first POST;
 * - `session`: a browser session (the `relais_session` cookie) with its CSRF token;
 * - `api`: a token for scripts (`Authorization: Bearer`), without expiry, until revoked.
 * A removed account's credentials are refused by every lookup here, revoked or not.
 *
 * Times come from the caller's clock (`now`), never the database's, so tests can move time.
 */

export const SIGN_IN_LINK_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * Sessions slide: each request pushes the end to 12 hours later, never past 7 days after sign-in.
 * 12 idle hours cover a day's shift (a volunteer does not lose the case they are writing in) while a
 * browser forgotten on a shared computer at a help desk closes overnight; the 7-day cap bounds how long
 * a stolen cookie is worth anything. Signing in again only takes a new link from a coordinator.
 */
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
export const SESSION_MAX_MS = 7 * 24 * 60 * 60 * 1000;

const volunteer = volunteerColumns;

const ofActiveVolunteer = and(eq(volunteers.id, credentials.volunteerId), isNull(volunteers.removedAt));

const iso = (date: Date) => sql`${date.toISOString()}::timestamptz`;

// --- Sign-in links --------------------------------------------------------------------------------

/** A new one-time sign-in link's secret (the `<token>` of `/console/sign-in/<token>`). */
export async function createSignInLink(db: DbOrTx, volunteerId: number, now: Date): Promise<string> {
  const secret = newSecret();
  await db.insert(credentials).values({
    volunteerId,
    kind: 'sign-in',
    secretHash: await hashSecret(secret),
    createdAt: now,
    expiresAt: new Date(now.getTime() + SIGN_IN_LINK_TTL_MS),
  });
  return secret;
}

/** Why a link does not work: never seen (404), or seen but no longer valid (410). */
export type SignInLinkRefusal = 'unknown' | 'used' | 'expired' | 'revoked';

export type SignInLinkLookup = { status: 'valid'; volunteer: Volunteer } | { status: SignInLinkRefusal };

/** What a link is, without using it (the page a GET shows: link previews must not consume it). */
export async function findSignInLink(db: DbOrTx, token: string, now: Date): Promise<SignInLinkLookup> {
  if (!looksLikeSecret(token)) return { status: 'unknown' };
  const [row] = await db
    .select({
      volunteer,
      usedAt: credentials.usedAt,
      revokedAt: credentials.revokedAt,
      expiresAt: credentials.expiresAt,
      removedAt: volunteers.removedAt,
    })
    .from(credentials)
    .innerJoin(volunteers, eq(volunteers.id, credentials.volunteerId))
    .where(and(eq(credentials.secretHash, await hashSecret(token)), eq(credentials.kind, 'sign-in')));
  if (!row) return { status: 'unknown' };
  if (row.usedAt) return { status: 'used' };
  if (row.revokedAt || row.removedAt) return { status: 'revoked' };
  if (!row.expiresAt || row.expiresAt <= now) return { status: 'expired' };
  return { status: 'valid', volunteer: row.volunteer };
}

export type SignInLinkUse = { status: 'consumed'; volunteer: Volunteer } | { status: SignInLinkRefusal };

/**
 * Uses a link: one statement sets `used_at` only if it is still unused, unexpired and unrevoked and
 * its account active, so two POSTs racing with one link cannot both get a session.
 */
export async function consumeSignInLink(db: DbOrTx, token: string, now: Date): Promise<SignInLinkUse> {
  if (!looksLikeSecret(token)) return { status: 'unknown' };
  const hash = await hashSecret(token);
  const [row] = await db
    .update(credentials)
    .set({ usedAt: now, lastUsedAt: now })
    .from(volunteers)
    .where(
      and(
        eq(credentials.secretHash, hash),
        eq(credentials.kind, 'sign-in'),
        isNull(credentials.usedAt),
        isNull(credentials.revokedAt),
        gt(credentials.expiresAt, now),
        ofActiveVolunteer,
      ),
    )
    .returning({ volunteer });
  if (row) return { status: 'consumed', volunteer: row.volunteer };
  const why = await findSignInLink(db, token, now);
  // A link that turned valid between the two statements cannot happen (nothing un-uses a link).
  return { status: why.status === 'valid' ? 'used' : why.status };
}

// --- Sessions -------------------------------------------------------------------------------------

export interface NewSession {
  /** The cookie's value. */
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

export async function createSession(db: DbOrTx, volunteerId: number, now: Date): Promise<NewSession> {
  const token = newSecret();
  const csrfToken = newSecret();
  const expiresAt = new Date(now.getTime() + SESSION_IDLE_MS);
  await db.insert(credentials).values({
    volunteerId,
    kind: 'session',
    secretHash: await hashSecret(token),
    csrfToken,
    createdAt: now,
    expiresAt,
    lastUsedAt: now,
  });
  return { token, csrfToken, expiresAt };
}

export interface FoundSession {
  credentialId: number;
  volunteer: Volunteer;
  csrfToken: string;
  expiresAt: Date;
}

/**
 * The session behind a cookie, if it is still good, sliding its end forward in the same statement
 * (one round trip per request).
 */
export async function findSession(db: DbOrTx, token: string, now: Date): Promise<FoundSession | undefined> {
  if (!looksLikeSecret(token)) return undefined;
  const idleEnd = new Date(now.getTime() + SESSION_IDLE_MS);
  const [row] = await db
    .update(credentials)
    .set({
      lastUsedAt: now,
      expiresAt: sql`least(${iso(idleEnd)}, ${credentials.createdAt} + ${SESSION_MAX_MS} * interval '1 millisecond')`,
    })
    .from(volunteers)
    .where(
      and(
        eq(credentials.secretHash, await hashSecret(token)),
        eq(credentials.kind, 'session'),
        isNull(credentials.revokedAt),
        gt(credentials.expiresAt, now),
        ofActiveVolunteer,
      ),
    )
    .returning({ credentialId: credentials.id, volunteer, csrfToken: credentials.csrfToken, expiresAt: credentials.expiresAt });
  if (!row?.csrfToken || !row.expiresAt) return undefined;
  return { credentialId: row.credentialId, volunteer: row.volunteer, csrfToken: row.csrfToken, expiresAt: row.expiresAt };
}

// --- API tokens -----------------------------------------------------------------------------------

/** A new API token (shown once: only its hash is kept). */
export async function createApiToken(db: DbOrTx, volunteerId: number, now: Date): Promise<string> {
  const token = newSecret();
  await db.insert(credentials).values({ volunteerId, kind: 'api', secretHash: await hashSecret(token), createdAt: now });
  return token;
}

export interface FoundApiToken {
  credentialId: number;
  volunteer: Volunteer;
}

export async function findApiToken(db: DbOrTx, token: string, now: Date): Promise<FoundApiToken | undefined> {
  if (!looksLikeSecret(token)) return undefined;
  const [row] = await db
    .update(credentials)
    .set({ lastUsedAt: now })
    .from(volunteers)
    .where(
      and(eq(credentials.secretHash, await hashSecret(token)), eq(credentials.kind, 'api'), isNull(credentials.revokedAt), ofActiveVolunteer),
    )
    .returning({ credentialId: credentials.id, volunteer });
  return row;
}

// --- Revocation -----------------------------------------------------------------------------------

/** Ends one credential (signing out ends its session). */
export async function revokeCredential(db: DbOrTx, credentialId: number, now: Date): Promise<void> {
  await db
    .update(credentials)
    .set({ revokedAt: now })
    .where(and(eq(credentials.id, credentialId), isNull(credentials.revokedAt)));
}

/** Ends a cookie's session, if it names one (signing in again over an old session). */
export async function revokeSessionToken(db: DbOrTx, token: string, now: Date): Promise<void> {
  if (!looksLikeSecret(token)) return;
  await db
    .update(credentials)
    .set({ revokedAt: now })
    .where(and(eq(credentials.secretHash, await hashSecret(token)), eq(credentials.kind, 'session'), isNull(credentials.revokedAt)));
}

/**
 * Revokes every credential of an account still in force: sessions, API tokens and unused sign-in
 * links. Returns how many, by kind.
 */
export async function revokeAll(db: DbOrTx, volunteerId: number, now: Date): Promise<Record<'sign-in' | 'session' | 'api', number>> {
  const revoked = await db
    .update(credentials)
    .set({ revokedAt: now })
    .where(
      and(
        eq(credentials.volunteerId, volunteerId),
        isNull(credentials.revokedAt),
        // Used links and ended sessions need nothing; marking them would only blur the history.
        sql`not (${credentials.kind} = 'sign-in' and ${credentials.usedAt} is not null)`,
        sql`(${credentials.expiresAt} is null or ${credentials.expiresAt} > ${iso(now)})`,
      ),
    )
    .returning({ kind: credentials.kind });
  const counts = { 'sign-in': 0, session: 0, api: 0 };
  for (const { kind } of revoked) counts[kind]++;
  return counts;
}
