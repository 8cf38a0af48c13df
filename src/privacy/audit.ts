import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../storage/database.js';
import { auditLog } from '../storage/schema.js';

/**
 * The audit log, its only owner: who saw a person's identifier (a phone number, a chat id), when and
 * for which case; and every change to the accounts (added, removed, tokens issued, credentials
 * revoked). Write it in the same transaction as the change it records, so neither exists without the
 * other. `detail` never carries message text or a person's identifier: it says what was done, not
 * what was read.
 */

/** What was done. Account changes are written by the console's auth; the case engineer adds case actions. */
export type AuditAction =
  | 'volunteer.added'
  | 'volunteer.updated'
  | 'volunteer.removed'
  | 'volunteer.signed-in'
  | 'sign-in-link.created'
  | 'api-token.created'
  | 'credentials.revoked'
  | (string & {});

export interface AuditEntry {
  /** Who did it; null for the command line or the server itself. */
  volunteerId: number | null;
  action: AuditAction;
  caseId?: number | null;
  detail?: Record<string, unknown>;
  /** Defaults to the database's clock. */
  at?: Date;
}

export interface AuditRecord {
  id: number;
  at: Date;
  volunteerId: number | null;
  action: string;
  caseId: number | null;
  detail: Record<string, unknown> | null;
}

export async function recordAudit(tx: DbOrTx, entry: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values({
    volunteerId: entry.volunteerId,
    action: entry.action,
    caseId: entry.caseId ?? null,
    detail: entry.detail ?? null,
    ...(entry.at ? { at: entry.at } : {}),
  });
}

export interface AuditQuery {
  volunteerId?: number;
  caseId?: number;
  action?: AuditAction;
  /** Entries with an id below this one (paging back in time). */
  before?: number;
  limit?: number;
}

/** The newest entries first, filtered by who, which case or which action. */
export async function readAudit(db: DbOrTx, query: AuditQuery = {}): Promise<AuditRecord[]> {
  const where: SQL[] = [];
  if (query.volunteerId !== undefined) where.push(eq(auditLog.volunteerId, query.volunteerId));
  if (query.caseId !== undefined) where.push(eq(auditLog.caseId, query.caseId));
  if (query.action !== undefined) where.push(eq(auditLog.action, query.action));
  if (query.before !== undefined) where.push(lt(auditLog.id, query.before));
  return db
    .select()
    .from(auditLog)
    .where(where.length > 0 ? and(...where) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(Math.min(Math.max(query.limit ?? 100, 1), 1000));
}
