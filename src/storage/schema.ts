import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  bigserial,
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { CaseCard, Outcome, Role } from '../core/handoff.js';
import type { ChannelName, InboundMessage, OutboxChannel, OutboxPayload } from '../core/messages.js';
import type { LocaleCode } from '../core/locales.js';

/**
 * The Relais schema. Migrations in `drizzle/` are generated from this file by `npm run db:generate`
 * (drizzle-kit) and applied by `npm run db:migrate` or, on the embedded database, at start-up.
 */

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/**
 * A person as known on one channel. The same human on two channels is two people: we never link them.
 * One row is not a person: the volunteers' Telegram group (channel `telegram-group`), a recipient of
 * the outbox like a person, so its posts go out durably and in order (see people.ts, `groupRecipient`).
 */
export const people = pgTable(
  'people',
  {
    id: serial('id').primaryKey(),
    channel: text('channel').$type<OutboxChannel>().notNull(),
    /** Telegram chat id, WhatsApp BSUID or wa_id, web session id. Needed to answer; never logged. */
    externalKey: text('external_key').notNull(),
    locale: text('locale').$type<LocaleCode>(),
    /** When the person last wrote: WhatsApp only lets us answer freely for 24 hours after it. */
    lastInboundAt: timestamp('last_inbound_at', { withTimezone: true }),
    /** Set when the person blocked the bot; nothing more is sent. */
    unreachableAt: timestamp('unreachable_at', { withTimezone: true }),
    unreachableReason: text('unreachable_reason'),
    /** When the re-engagement template was last sent (WhatsApp, outside the 24-hour window). */
    invitedAt: timestamp('invited_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('people_channel_key').on(t.channel, t.externalKey)],
);

/** One conversation per person; `state` is the engine's, `version` orders updates. */
export const conversations = pgTable('conversations', {
  id: serial('id').primaryKey(),
  personId: integer('person_id')
    .notNull()
    .unique()
    .references(() => people.id, { onDelete: 'cascade' }),
  state: jsonb('state').$type<Record<string, unknown>>().notNull(),
  version: integer('version').notNull().default(0),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Who said it: the person, the bot, a volunteer (sent to the person), an internal note, the service. */
export type MessageAuthor = 'person' | 'bot' | 'volunteer' | 'note' | 'system';

/** The transcript, both directions. Erased with the person. */
export const messages = pgTable(
  'messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    conversationId: integer('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    author: text('author').$type<MessageAuthor>().notNull(),
    /** What was said, as a volunteer would read it (a tapped choice is stored as its label). */
    text: text('text').notNull(),
    /** Machine-readable detail: the choice id tapped, the topic shown, the choices offered. */
    meta: jsonb('meta').$type<Record<string, unknown>>(),
    /** The case it belongs to (a volunteer's reply, a note, a system line); null for the bot conversation. */
    caseId: integer('case_id'),
    /** Who wrote a volunteer message or a note. */
    volunteerId: integer('volunteer_id'),
    /** The outbox row that carries a volunteer's reply to the person: its delivery state. */
    outboxId: bigint('outbox_id', { mode: 'number' }),
    createdAt: createdAt(),
  },
  (t) => [index('messages_conversation').on(t.conversationId, t.id), index('messages_case').on(t.caseId, t.id)],
);

export type InboundStatus = 'received' | 'processed' | 'failed';

/**
 * Every inbound update, unique per channel and external id: a duplicate or a webhook retry is a no-op.
 * The neutral message is kept until processed (so nothing is lost if processing fails), then cleared.
 */
export const inboundEvents = pgTable(
  'inbound_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    channel: text('channel').$type<ChannelName>().notNull(),
    externalId: text('external_id').notNull(),
    personKey: text('person_key').notNull(),
    payload: jsonb('payload').$type<InboundMessage>(),
    status: text('status').$type<InboundStatus>().notNull().default('received'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    receivedAt: createdAt(),
    processedAt: timestamp('processed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('inbound_events_channel_external').on(t.channel, t.externalId),
    index('inbound_events_pending')
      .on(t.receivedAt)
      .where(sql`status = 'received'`),
  ],
);

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'held';

/**
 * Every message to a person, written in the same transaction as the state change that caused it and
 * delivered after commit. Rows for one person go out in id order.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    channel: text('channel').$type<OutboxChannel>().notNull(),
    payload: jsonb('payload').$type<OutboxPayload>().notNull(),
    /**
     * A post about a case to the volunteers' group: it lives as long as the case (erasing or purging the
     * case takes the copies of the person's words it carries), and later posts of the case join it
     * while it waits. Null for messages to people.
     */
    caseId: integer('case_id').references((): AnyPgColumn => cases.id, { onDelete: 'cascade' }),
    status: text('status').$type<OutboxStatus>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    /** While `sending`, the claim expires at this time; a sender that died is then retried. */
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    lastError: text('last_error'),
    /** Platform message ids once sent (Telegram message_id, WhatsApp wamid), to match later statuses. */
    externalIds: jsonb('external_ids').$type<string[]>(),
    createdAt: createdAt(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    /** When the platform said the person's phone got it, and when they read it (WhatsApp statuses). */
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    readAt: timestamp('read_at', { withTimezone: true }),
  },
  (t) => [
    index('outbox_open').on(t.personId, t.id).where(sql`status in ('pending', 'sending', 'held')`),
    index('outbox_due').on(t.nextAttemptAt).where(sql`status = 'pending'`),
    // Statuses name a message by its platform id (three per message on WhatsApp): found without a scan.
    index('outbox_external_ids').using('gin', sql`${t.externalIds} jsonb_path_ops`),
    index('outbox_case').on(t.caseId, t.id),
  ],
);

export type CaseStatus = 'open' | 'claimed' | 'closed';

/** A request for a human volunteer. The handoff work builds the queue and the console on it. */
export const cases = pgTable(
  'cases',
  {
    id: serial('id').primaryKey(),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    status: text('status').$type<CaseStatus>().notNull().default('open'),
    urgent: boolean('urgent').notNull().default(false),
    reason: text('reason').notNull(),
    topicId: text('topic_id'),
    locale: text('locale').$type<LocaleCode>(),
    /** What the intake learnt (who writes, where, the nearest deadline, consent). */
    card: jsonb('card').$type<CaseCard>().notNull().default({}),
    /** The nearest deadline, from the card: the queue's second key. */
    deadlineAt: timestamp('deadline_at', { withTimezone: true }),
    claimedBy: integer('claimed_by').references(() => volunteers.id, { onDelete: 'set null' }),
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
    lastPersonMessageAt: timestamp('last_person_message_at', { withTimezone: true }),
    lastVolunteerMessageAt: timestamp('last_volunteer_message_at', { withTimezone: true }),
    outcome: text('outcome').$type<Outcome>(),
    /** The volunteers' group forum topic of this case (Telegram `message_thread_id`), once created. */
    telegramThreadId: integer('telegram_thread_id'),
    /** The card's message in that topic (edited when the intake fills the card), and the topic's name as last set. */
    telegramCardMessageId: integer('telegram_card_message_id'),
    telegramTopicTitle: text('telegram_topic_title'),
    /** When volunteers were last told this open case waits (opened, released, reopened, reminded). */
    announcedAt: timestamp('announced_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [
    index('cases_queue').on(t.status, t.urgent, t.createdAt),
    index('cases_person').on(t.personId).where(sql`status in ('open', 'claimed')`),
    // A volunteer's message in a topic names its case by the topic.
    index('cases_telegram_thread').on(t.telegramThreadId).where(sql`telegram_thread_id is not null`),
  ],
);

/** A volunteer or a coordinator of the association. */
export const volunteers = pgTable(
  'volunteers',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    /** Lower case; how accounts are named on the command line. */
    email: text('email').notNull(),
    role: text('role').$type<Role>().notNull().default('volunteer'),
    /** The locales they can answer in. */
    languages: jsonb('languages').$type<LocaleCode[]>().notNull().default([]),
    /** Their Telegram user id, so the volunteers' group and the console show the same holder. */
    telegramUserId: text('telegram_user_id'),
    createdAt: createdAt(),
    /** Removed accounts stay (their notes and replies name them) but can no longer sign in. */
    removedAt: timestamp('removed_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('volunteers_email').on(t.email), uniqueIndex('volunteers_telegram').on(t.telegramUserId)],
);

export type CredentialKind = 'sign-in' | 'session' | 'api';

/**
 * What lets a volunteer in, stored as a SHA-256 of the secret only: one-time sign-in links (24 h),
 * browser sessions (with their CSRF token), API tokens for scripts.
 */
export const credentials = pgTable(
  'credentials',
  {
    id: serial('id').primaryKey(),
    volunteerId: integer('volunteer_id')
      .notNull()
      .references(() => volunteers.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<CredentialKind>().notNull(),
    secretHash: text('secret_hash').notNull(),
    /** Sessions: the token a form or a script must echo (X-CSRF-Token) with every POST. */
    csrfToken: text('csrf_token'),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    /** Sign-in links: when it was used (a second use is refused). */
    usedAt: timestamp('used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('credentials_secret').on(t.secretHash)],
);

/** Failed sign-in attempts per client and minute, to slow down guessing. */
export const signInAttempts = pgTable(
  'sign_in_attempts',
  {
    client: text('client').notNull(),
    minute: timestamp('minute', { withTimezone: true }).notNull(),
    count: integer('count').notNull().default(0),
  },
  (t) => [uniqueIndex('sign_in_attempts_key').on(t.client, t.minute)],
);

/** Canned replies a volunteer can send, one text per locale (a locale without one says so). */
export const cannedReplies = pgTable(
  'canned_replies',
  {
    id: serial('id').primaryKey(),
    key: text('key').notNull(),
    locale: text('locale').$type<LocaleCode>().notNull(),
    title: text('title').notNull(),
    text: text('text').notNull(),
    updatedBy: integer('updated_by').references(() => volunteers.id, { onDelete: 'set null' }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('canned_replies_key').on(t.key, t.locale)],
);

/** Who saw a person's identifier (a phone number, a chat id), when, for which case; and account changes. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: createdAt(),
    volunteerId: integer('volunteer_id').references(() => volunteers.id, { onDelete: 'set null' }),
    action: text('action').notNull(),
    caseId: integer('case_id'),
    detail: jsonb('detail').$type<Record<string, unknown>>(),
  },
  (t) => [index('audit_log_at').on(t.at)],
);

/**
 * The volunteers' Telegram group as the bot sends to it: the times of the last minute's sends (Telegram
 * allows about 20 a minute in a group) and a pause Telegram asked for (429), shared by every instance.
 * Owned by src/channels/telegram/volunteers/send-window.ts.
 */
export const telegramGroup = pgTable('telegram_group', {
  chatId: text('chat_id').primaryKey(),
  recentSends: jsonb('recent_sends').$type<number[]>().notNull().default([]),
  pausedUntil: timestamp('paused_until', { withTimezone: true }),
});

/** Anonymous counts for the observatory: what survives a person erasing their data. */
export const dailyCounts = pgTable(
  'daily_counts',
  {
    day: date('day').notNull(),
    metric: text('metric').notNull(),
    channel: text('channel').notNull(),
    locale: text('locale').notNull(),
    count: integer('count').notNull().default(0),
  },
  (t) => [uniqueIndex('daily_counts_key').on(t.day, t.metric, t.channel, t.locale)],
);

export const schema = {
  people,
  conversations,
  messages,
  inboundEvents,
  outbox,
  cases,
  volunteers,
  credentials,
  signInAttempts,
  cannedReplies,
  auditLog,
  telegramGroup,
  dailyCounts,
};
