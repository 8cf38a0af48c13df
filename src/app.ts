import { and, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { createBackground, type Background } from './background.js';
import type { Channel, ChannelCore } from './channels/channel.js';
import { createChannels, type ChannelOptions } from './channels/index.js';
import type { Config } from './config.js';
import type { Content } from './content/index.js';
import { step, type ConversationState } from './conversation/engine.js';
import type { ChannelName } from './conversation/messages.js';
import { createConsoleRoutes } from './handoff/console.js';
import { createInbox, type Inbox } from './inbound/inbox.js';
import { withLogContext, type Logger } from './logger.js';
import { createOutbox, type DeliveryReport, type Outbox } from './outbox/outbox.js';
import type { DatabaseHandle } from './storage/database.js';
import { purgeExpired, type PurgeReport } from './storage/retention.js';
import { people } from './storage/schema.js';

export interface AppDeps {
  config: Config;
  database: DatabaseHandle;
  content: Content;
  logger: Logger;
  now?: () => Date;
  /** Per-channel options (a `fetch` for the WhatsApp client, Telegram's bot info…). */
  channelOptions?: ChannelOptions;
}

export interface SweepReport {
  inboundPeople: number;
  delivery: DeliveryReport;
  /** Present when this sweep also purged expired data (at most once an hour per instance). */
  purged?: PurgeReport;
}

const PURGE_EVERY_MS = 3_600_000;

export interface RelaisApp {
  app: Hono;
  inbox: Inbox;
  outbox: Outbox;
  channels: Channel[];
  background: Background;
  /** The periodic work: events left unprocessed, due or expired outbox rows. */
  sweep(): Promise<SweepReport>;
}

/** Builds the whole service from its dependencies. Both runtimes (Node, Workers) call this. */
export function createApp(deps: AppDeps): RelaisApp {
  const { config, database, content, logger } = deps;
  const db = database.db;
  const now = deps.now ?? (() => new Date());
  const background = createBackground(logger);
  let lastPurge = 0;

  const senders = new Map<ChannelName, Channel['sender']>();
  const outbox = createOutbox({ db, senders, logger, maxAttempts: config.outbox.maxAttempts, now });
  const inbox = createInbox({
    db,
    outbox,
    logger,
    now,
    runEngine: (state, inbound) =>
      step(state as ConversationState | null, inbound, {
        content,
        association: config.association,
        channel: inbound.channel,
        now: now(),
      }),
  });

  const setReachable = async (channel: ChannelName, personKey: string, reason: string | null) => {
    await db
      .update(people)
      .set({ unreachableAt: reason ? now() : null, unreachableReason: reason })
      .where(and(eq(people.channel, channel), eq(people.externalKey, personKey)));
  };
  const core: ChannelCore = {
    inbox,
    people: {
      markUnreachable: (channel, personKey, reason) => setReachable(channel, personKey, reason),
      markReachable: (channel, personKey) => setReachable(channel, personKey, null),
    },
    outbox: { markFailedByExternalId: outbox.markFailedByExternalId, holdByExternalId: outbox.holdByExternalId },
    firstSeen: inbox.firstSeen,
    logger,
    defer: (c, task) => background.defer(c, task),
  };

  const channels = createChannels({ config, core, db, content, now }, deps.channelOptions);
  for (const channel of channels) senders.set(channel.name, channel.sender);

  const app = new Hono();
  app.use(requestId());
  app.use(function accessLog(c, next) {
    // Every line logged for this request, and for the work it defers, carries its id.
    return withLogContext({ requestId: c.get('requestId') }, async () => {
      const started = performance.now();
      await next();
      // The path only: query strings can carry tokens (WhatsApp's hub.verify_token).
      logger.info('http.request', {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
      });
    });
  });

  app.onError((error, c) => {
    // Expected refusals (basic auth's 401…) carry their own response.
    if (error instanceof HTTPException) return error.getResponse();
    logger.error('http.error', { requestId: c.get('requestId'), path: c.req.path, error });
    return c.json({ error: 'internal error', requestId: c.get('requestId') }, 500);
  });
  app.notFound((c) => c.json({ error: 'not found' }, 404));

  app.get('/healthz', async (c) => {
    try {
      await withTimeout(database.ping(), 3_000);
      return c.json({ status: 'ok', database: { status: 'up', driver: database.driver } });
    } catch (error) {
      logger.warn('health.database_down', { error });
      return c.json({ status: 'degraded', database: { status: 'down', driver: database.driver } }, 503);
    }
  });

  for (const channel of channels) {
    app.route(channel.name === 'web' ? '/chat' : `/webhooks/${channel.name}`, channel.routes);
  }
  app.route('/console', createConsoleRoutes({ db, config, logger }));
  app.get('/', (c) =>
    config.simulatorEnabled
      ? c.redirect('/chat')
      : c.json({ name: 'Relais', channels: channels.map((ch) => ch.name), health: '/healthz' }),
  );

  return {
    app,
    inbox,
    outbox,
    channels,
    background,
    async sweep() {
      const inboundPeople = await inbox.processWaiting();
      const delivery = await outbox.deliver();
      const at = now();
      if (at.getTime() - lastPurge < PURGE_EVERY_MS) return { inboundPeople, delivery };
      lastPurge = at.getTime();
      const purged = await purgeExpired(db, at, config.retentionDays);
      if (purged.people + purged.closedCases + purged.inboundEvents > 0) logger.info('retention.purged', { ...purged });
      return { inboundPeople, delivery, purged };
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
