import type { Api } from 'grammy';
import type { CaseEventSink } from '../../../handoff/events.js';
import type { Handoff } from '../../../handoff/service.js';
import type { Logger } from '../../../logger.js';
import { releaseHeld } from '../../../outbox/rows.js';
import type { ChannelSender } from '../../../outbox/sender.js';
import { groupRecipient } from '../../../people/people.js';
import type { Db } from '../../../storage/database.js';
import type { VolunteerChatHandler } from '../webhook.js';
import { checkVolunteerGroup, type GroupCheck } from './check.js';
import { createMembers } from './members.js';
import { createCaseMirror } from './mirror.js';
import { createGroupReceiver } from './receive.js';
import { createSendWindow } from './send-window.js';
import { createGroupSender } from './sender.js';

/**
 * The volunteers' Telegram group (`TELEGRAM_VOLUNTEER_CHAT_ID`, a supergroup with topics): the same
 * cases, claim locks and outbox as the console, worked from volunteers' phones. One topic per case.
 *
 *   case events ──► mirror (posts queued in the outbox, in the transaction of the change)
 *                     └─► outbox ──► group sender (topic, card, lines; 20 a minute) ──► Telegram
 *   group updates ──► receiver (taps, replies, /note) ──► handoff service ──► person's channel
 *
 * Rooms: `mirror.ts` (events → posts), `sender.ts` (posts → Bot API calls), `send-window.ts` (the
 * rate limit), `receive.ts` (what members do), `members.ts` (who may act, as whom), `posts.ts` (every
 * word shown), `callback-data.ts`, `check.ts` (can the bot work there).
 */
export interface VolunteersGroup {
  /** Told what happens to cases (joins the app's sinks). */
  caseEvents: CaseEventSink;
  /** Delivers the group's outbox rows (recipient `telegram-group`). */
  sender: ChannelSender;
  /** Updates from the group (the Telegram channel's `onVolunteerChatUpdate`). */
  receive: VolunteerChatHandler;
  /**
   * Asks Telegram whether the bot can work in the group now (a supergroup with topics, the bot an
   * admin allowed to manage topics). When it can, posts held while it could not go out.
   */
  check(): Promise<GroupCheck>;
  /** The last answer, asked again when older than 5 minutes: what the console shows. */
  status(): Promise<GroupCheck>;
  /** For the sweep: asks again now and then, sooner while the bot could not post. */
  sweep(): Promise<void>;
}

export interface VolunteersGroupOptions {
  api: Api;
  db: Db;
  chatId: string;
  botId: number;
  handoff: Handoff;
  logger: Logger;
  now: () => Date;
  deliverSoon: () => void;
}

const STATUS_FRESH_MS = 5 * 60_000;
const RECHECK_BLOCKED_MS = 60_000;
const RECHECK_OK_MS = 30 * 60_000;

export function createVolunteersGroup(options: VolunteersGroupOptions): VolunteersGroup {
  const { api, db, chatId, botId, handoff, now, deliverSoon } = options;
  const logger = options.logger.child({ feature: 'volunteers-group' });
  const window = createSendWindow({ db, chatId, now });
  const mirror = createCaseMirror({ chatId, now });
  const members = createMembers({ api, db, chatId, now });
  let last: { check: GroupCheck; at: number } | undefined;

  async function check(): Promise<GroupCheck> {
    // The group's recipient row exists before the first case event needs it (at start-up, at the first
    // sweep), so two transactions never race to create it.
    await groupRecipient(db, chatId);
    const result = await checkVolunteerGroup(api, chatId, botId);
    const before = last?.check.status;
    last = { check: result, at: now().getTime() };
    if (result.status !== 'ok') {
      // Asked again every minute while it lasts: said once per change, not every minute.
      if (before !== result.status) logger.warn('telegram.group_unusable', { status: result.status, problem: result.problem });
      return result;
    }
    if (before !== 'ok') logger.info('telegram.group_ready');
    // Posts held while the bot could not post go now, in their order.
    await db.transaction(async (tx) => releaseHeld(tx, await groupRecipient(tx, chatId), now()));
    deliverSoon();
    return result;
  }

  const sender = createGroupSender({
    api,
    db,
    window,
    logger,
    onBlocked(problem) {
      last = { check: { status: 'refused', problem: `Telegram refused a post: ${problem}` }, at: now().getTime() };
      logger.warn('telegram.group_unusable', { status: 'refused', problem });
    },
  });

  const receive = createGroupReceiver({ api, db, chatId, handoff, members, mirror, window, logger, now, deliverSoon, recheck: check });

  return {
    caseEvents: mirror.sink,
    sender,
    receive: async (update) => receive(update),
    check,
    async status() {
      if (last && now().getTime() - last.at < STATUS_FRESH_MS) return last.check;
      return check();
    },
    async sweep() {
      const age = last ? now().getTime() - last.at : Infinity;
      if (age >= (last?.check.status === 'ok' ? RECHECK_OK_MS : RECHECK_BLOCKED_MS)) await check();
    },
  };
}

export { checkVolunteerGroup, describeGroupCheck, botIdOf, type GroupCheck } from './check.js';
