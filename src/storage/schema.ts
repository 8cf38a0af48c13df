import { sql } from 'drizzle-orm';
import {
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
import type { ChannelName, InboundMessage, OutboxPayload } from '../core/messages.js';
import type { LocaleCode } from '../core/locales.js';

/**
 * The Relais schema. Migrations in `drizzle/` are generated from this file by `npm run db:generate`
 * (drizzle-kit) and applied by `npm run db:migrate` or, on the embedded database, at start-up.
 */

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/** A person as known on one channel. The same human on two channels is two people: we never link them. */
export const people = pgTable(
  'people',
  {
    id: serial('id').primaryKey(),
    channel: text('channel').$type<ChannelName>().notNull(),
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

export type MessageAuthor = 'person' | 'bot' | 'volunteer';

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
    createdAt: createdAt(),
  },
  (t) => [index('messages_conversation').on(t.conversationId, t.id)],
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
    channel: text('channel').$type<ChannelName>().notNull(),
    payload: jsonb('payload').$type<OutboxPayload>().notNull(),
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
  },
  (t) => [
    index('outbox_open').on(t.personId, t.id).where(sql`status in ('pending', 'sending', 'held')`),
    index('outbox_due').on(t.nextAttemptAt).where(sql`status = 'pending'`),
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
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [index('cases_queue').on(t.status, t.urgent, t.createdAt)],
);

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

export const schema = { people, conversations, messages, inboundEvents, outbox, cases, dailyCounts };
