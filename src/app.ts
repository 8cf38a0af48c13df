import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import type { Channel, ChannelCore } from './channels/channel.js';
import { createChannels, type ChannelOptions } from './channels/index.js';
import type { TelegramChannel } from './channels/telegram/index.js';
import type { VolunteersGroup } from './channels/telegram/volunteers/index.js';
import type { Config, HandoffConfig } from './config/config.js';
import { availability } from './config/office-hours.js';
import { createConsoleRoutes } from './console/routes.js';
import type { Content } from './content/index.js';
import { step, type Availability, type ConversationState } from './conversation/index.js';
import type { OutboxChannel } from './core/messages.js';
import { accessLog } from './http/access-log.js';
import { healthHandler } from './http/health.js';
import { metricsHandler } from './http/metrics.js';
import { openCasesOf } from './handoff/cases.js';
import { caseEvents, type CaseEventSink } from './handoff/events.js';
import { createHandoff, type Handoff } from './handoff/service.js';
import { createInbox, type Inbox } from './inbound/inbox.js';
import { createBackground, type Background } from './jobs/background.js';
import { createSweep, type SweepReport } from './jobs/sweep.js';
import type { Logger } from './logger.js';
import { createOutbox, type Outbox, type Undelivered } from './outbox/outbox.js';
import type { ChannelSender } from './outbox/sender.js';
import { setReachability } from './people/people.js';
import type { DatabaseHandle, Db } from './storage/database.js';

export type { SweepReport } from './jobs/sweep.js';

export interface AppDeps {
  config: Config;
  database: DatabaseHandle;
  content: Content;
  logger: Logger;
  now?: () => Date;
  /** Per-channel options (a `fetch` for the WhatsApp client, Telegram's bot info…). */
  channelOptions?: ChannelOptions;
  /**
   * Whether work deferred by different requests may share a transaction or a delivery round (Node:
   * yes). Workers say no: there a database connection belongs to the request that opened it.
   */
  shareWorkAcrossRequests?: boolean;
}

export interface RelaisApp {
  app: Hono;
  inbox: Inbox;
  outbox: Outbox;
  /** Cases as volunteers work them, from the console or the volunteers' group. */
  handoff: Handoff;
  /**
   * The volunteers' Telegram group, when `TELEGRAM_VOLUNTEER_CHAT_ID` is set: `status()` says whether
   * the bot can work there (the console shows it), `check()` asks Telegram now (start-up).
   */
  volunteersGroup?: Pick<VolunteersGroup, 'status' | 'check'>;
  channels: Channel[];
  background: Background;
  /** The periodic work: events left unprocessed, due or expired outbox rows, retention. */
  sweep(): Promise<SweepReport>;
}

/** Builds the whole service from its dependencies. Both runtimes (Node, Workers) call this. Wiring only. */
export function createApp(deps: AppDeps): RelaisApp {
  const { config, database, content, logger } = deps;
  const db = database.db;
  const now = deps.now ?? (() => new Date());
  const background = createBackground(logger);

  const senders = new Map<OutboxChannel, ChannelSender>();
  // Whoever mirrors cases (the volunteers' group) joins once the channels are built.
  const sinks: CaseEventSink[] = [];
  const tell = caseEvents(sinks);
  const outbox = createOutbox({
    db,
    senders,
    logger,
    maxAttempts: config.outbox.maxAttempts,
    leaseMs: config.outbox.leaseMs,
    now,
    onUndelivered: async (rows) => {
      if (sinks.length > 0) await tellUndelivered(db, tell, rows);
    },
  });
  const share = deps.shareWorkAcrossRequests ?? true;
  const inbox = createInbox({
    db,
    logger,
    now,
    shareBatches: share,
    // PGlite is one connection: a second batch in flight only waits for it, and cuts both batches short.
    concurrency: database.driver === 'pglite' ? 1 : 2,
    caseEvents: tell,
    deliverSoon: share ? () => outbox.deliverSoon() : () => outbox.deliver().then(() => undefined),
    runEngine: (state, inbound, kase) => {
      const at = now();
      return step(state as ConversationState | null, inbound, {
        content,
        association: config.association,
        channel: inbound.channel,
        now: at,
        ...(kase ? { case: { status: kase.status, card: kase.card } } : {}),
        availability: availabilityAt(config.handoff, at),
      });
    },
  });

  // A reply or a close is delivered after the response, tracked like the webhooks' deferred work.
  const deliverSoon = () => background.defer(undefined, () => outbox.deliverSoon());
  const handoff = createHandoff({ db, content, now, caseEvents: tell, deliverSoon });

  const core: ChannelCore = {
    inbox,
    people: { setReachability: (channel, personKey, reason) => setReachability(db, { channel, externalKey: personKey }, reason, now()) },
    outbox,
    logger,
    defer: (c, task) => background.defer(c, task),
  };
  const channels = createChannels({ config, core, db, content, now, handoff, deliverSoon }, deps.channelOptions);
  const chores: Array<() => Promise<unknown>> = [];
  for (const channel of channels) {
    senders.set(channel.name, channel.sender);
    for (const more of channel.moreSenders ?? []) senders.set(more.channel, more);
    if (channel.caseEvents) sinks.push(channel.caseEvents);
    if (channel.sweep) chores.push(channel.sweep);
  }
  const volunteersGroup = channels.find((c): c is TelegramChannel => c.name === 'telegram')?.volunteersGroup;

  const app = new Hono();
  app.use(requestId());
  app.use(accessLog(logger));
  app.use(background.requestScope());
  app.onError((error, c) => {
    // Expected refusals carry their own response.
    if (error instanceof HTTPException) return error.getResponse();
    logger.error('http.error', { requestId: c.get('requestId'), path: c.req.path, error });
    return c.json({ error: 'internal error', requestId: c.get('requestId') }, 500);
  });
  app.notFound((c) => c.json({ error: 'not found' }, 404));

  app.get('/healthz', healthHandler(database, logger));
  app.get('/metrics', metricsHandler(database));
  for (const channel of channels) app.route(channel.mount, channel.routes);
  app.route('/console', createConsoleRoutes({ db, config, logger, content, handoff, now, ...(volunteersGroup ? { volunteersGroup } : {}) }));
  app.get('/', (c) =>
    config.simulatorEnabled
      ? c.redirect('/chat')
      : c.json({ name: 'Relais', channels: channels.map((ch) => ch.name), health: '/healthz' }),
  );

  const sweep = createSweep({
    db,
    inbox,
    outbox,
    handoff,
    logger,
    retentionDays: config.retentionDays,
    autoReleaseMs: config.handoff.autoReleaseMs,
    remindMs: config.handoff.remindMs,
    officeHours: config.handoff.officeHours,
    chores,
    now,
  });
  return { app, inbox, outbox, handoff, channels, background, sweep, ...(volunteersGroup ? { volunteersGroup } : {}) };
}

/** What the engine may promise a person asking for a volunteer, now. */
function availabilityAt(handoff: HandoffConfig, at: Date): Availability {
  const now = availability(handoff.officeHours, at);
  return {
    open: now.open,
    ...(!now.open && now.reopensAt ? { reopensAt: now.reopensAt } : {}),
    ...(handoff.answerMinutes ? { answerMinutes: handoff.answerMinutes } : {}),
    ...(handoff.urgentContact ? { urgentContact: handoff.urgentContact } : {}),
  };
}

/** A message that did not go, to a person with an open case: the case is told (its volunteer sees it). */
async function tellUndelivered(db: Db, tell: CaseEventSink, rows: Undelivered[]): Promise<void> {
  await db.transaction(async (tx) => {
    const open = await openCasesOf(tx, [...new Set(rows.map((r) => r.personId))]);
    for (const row of rows) {
      const kase = open.get(row.personId);
      if (kase) await tell(tx, { kind: 'undelivered', caseId: kase.id, state: row.state, reason: row.reason });
    }
  });
}
