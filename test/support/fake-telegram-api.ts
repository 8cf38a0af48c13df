import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readBody } from './read-body.js';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP server on 127.0.0.1 (random port) standing in for the Telegram Bot API: the far side of
 * the network, nothing more. The real grammY client reaches it through `apiRoot` /
 * `TELEGRAM_API_ROOT`. It implements the methods Relais uses (getMe, sendMessage,
 * answerCallbackQuery, editMessageReplyMarkup, setWebhook, getWebhookInfo, deleteWebhook,
 * getUpdates), records every call, and can be scripted to fail the next calls of a method the way
 * Telegram does (429 with `retry_after`, 403 blocked, 400s, 5xx, a dropped connection).
 *
 * Supergroups with topics (the volunteers' group) are modelled too: `addGroup` makes one, with the
 * bot's status and rights and its members; getChat, getChatMember, createForumTopic, editForumTopic,
 * closeForumTopic, reopenForumTopic, deleteForumTopic, editMessageText and setMessageReaction answer
 * as Telegram does, refusing what the bot's rights do not allow ("not enough rights to create a
 * topic", 403 once it is out of the group) and posts to a topic that is not there.
 */

export const FAKE_BOT_TOKEN = '123456789:AAFakeTokenForRelaisTests_abcdefgh';
export const FAKE_BOT_ID = 123456789;

/** What the fake answers to `getMe`. */
export const FAKE_BOT_INFO = {
  id: FAKE_BOT_ID,
  is_bot: true,
  first_name: 'Relais',
  username: 'RelaisTestBot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
} as const;

export interface TelegramCall {
  method: string;
  payload: Record<string, unknown>;
  /** What the fake answered: `ok` and, on failure, the error code (0 for a dropped connection). */
  ok: boolean;
  errorCode?: number;
  /** For a successful `sendMessage`, the message id it made up. */
  messageId?: number;
}

/** How the next call of a method fails. */
export type ScriptedFailure =
  /** A Bot API error body (`ok: false`), with the HTTP status Telegram uses for it. */
  | { errorCode: number; description: string; retryAfter?: number }
  /** A bare HTTP failure with a body that is not JSON (a proxy in front of Telegram). */
  | { httpStatus: number; body?: string }
  /** The connection is dropped without an answer (network failure). */
  | { disconnect: true }
  /** Not a failure: this call succeeds (to fail the second call, script `pass` then a failure). */
  | { pass: true }
  /** Never answered: the request hangs until the client gives up or dies (a process killed mid-send). */
  | { stall: true };

/** Failures as Telegram phrases them. */
export const failures = {
  tooManyRequests: (retryAfter: number): ScriptedFailure => ({
    errorCode: 429,
    description: `Too Many Requests: retry after ${retryAfter}`,
    retryAfter,
  }),
  blocked: (): ScriptedFailure => ({ errorCode: 403, description: 'Forbidden: bot was blocked by the user' }),
  deactivated: (): ScriptedFailure => ({ errorCode: 403, description: 'Forbidden: user is deactivated' }),
  notModified: (): ScriptedFailure => ({
    errorCode: 400,
    description:
      'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
  }),
  badRequest: (description = "Bad Request: can't parse entities"): ScriptedFailure => ({ errorCode: 400, description }),
  serverError: (): ScriptedFailure => ({ errorCode: 500, description: 'Internal Server Error' }),
  badGateway: (): ScriptedFailure => ({ httpStatus: 502, body: '<html>502 Bad Gateway</html>' }),
  disconnect: (): ScriptedFailure => ({ disconnect: true }),
  stall: (): ScriptedFailure => ({ stall: true }),
  pass: (): ScriptedFailure => ({ pass: true }),
};

export interface SentMessage {
  chatId: string;
  messageId: number;
  text: string;
  replyMarkup?: { inline_keyboard: Array<Array<{ text: string; callback_data?: string }>> };
  /** In a supergroup with topics: the topic it was posted in. */
  threadId?: number;
  /** The message it answers. */
  replyTo?: number;
}

/** The bot's place in a group: what getChatMember says of it, and what Telegram lets it do. */
export interface FakeBotRights {
  status: 'administrator' | 'member' | 'left' | 'kicked';
  canManageTopics: boolean;
}

export interface FakeGroupOptions {
  title?: string;
  isForum?: boolean;
  bot?: FakeBotRights;
  /** Members' user ids and their status (`member` when not given). */
  members?: Array<number | { id: number; status: 'creator' | 'administrator' | 'member' | 'restricted' | 'left' | 'kicked' }>;
}

export interface FakeTopic {
  threadId: number;
  name: string;
  closed: boolean;
  deleted: boolean;
}

export interface WebhookState {
  url: string;
  secretToken?: string;
  allowedUpdates?: string[];
  maxConnections?: number;
}

export interface FakeTelegramApi {
  /** `http://127.0.0.1:<port>`: pass as `TELEGRAM_API_ROOT` / `apiRoot`. */
  url: string;
  token: string;
  /** Every call, in arrival order. */
  calls: TelegramCall[];
  /** Payloads of the successful calls of one method, in order. */
  succeeded(method: string): Record<string, unknown>[];
  /** Text messages delivered (successful `sendMessage` calls). */
  sent(): SentMessage[];
  /** The next calls of `method` fail with these, in order, then it succeeds again. */
  failNext(method: string, ...scripted: ScriptedFailure[]): void;
  /**
   * Every distinct message (same chat, same text) meets these failures on its first attempts, in order,
   * then goes through: unlike one queue shared by all calls, no message can keep drawing the failures
   * while others draw the passes.
   */
  failEachMessage(method: string, ...scripted: ScriptedFailure[]): void;
  /** Every later `sendMessage` to this chat answers 403 blocked (until `unblock`). */
  block(chatId: string | number): void;
  unblock(chatId: string | number): void;
  /** Queues an update for `getUpdates` (long polling). */
  pushUpdate(update: Record<string, unknown>): void;
  webhook(): WebhookState | undefined;
  /** A supergroup (topics on by default) with the bot an admin allowed to manage topics, unless said. */
  addGroup(chatId: number, options?: FakeGroupOptions): void;
  /** The bot is promoted, demoted or removed (Telegram would send `my_chat_member`; tests post it). */
  setBotRights(chatId: number, rights: FakeBotRights): void;
  /** The group's topics, in creation order. */
  topics(chatId: number): FakeTopic[];
  /** A member deletes a topic. */
  deleteTopic(chatId: number, threadId: number): void;
  /** Forget calls, scripts and state (not the port). */
  reset(): void;
  close(): Promise<void>;
}

export interface FakeTelegramOptions {
  token?: string;
  /**
   * Keep every call in `calls` (default). The bench turns this off: over tens of thousands of sends a
   * growing history costs the fake memory and GC time on the machine it shares with the server measured.
   */
  keepCalls?: boolean;
  /** Called once the answer to a call has been written (its outcome is final): the bench counts here. */
  onCall?: (call: TelegramCall) => void;
}

export async function startFakeTelegramApi(options: FakeTelegramOptions = {}): Promise<FakeTelegramApi> {
  const token = options.token ?? FAKE_BOT_TOKEN;
  const keepCalls = options.keepCalls ?? true;
  const calls: TelegramCall[] = [];
  const scripts = new Map<string, ScriptedFailure[]>();
  const perMessage = new Map<string, ScriptedFailure[]>();
  const attemptsPerMessage = new Map<string, number>();
  const blocked = new Set<string>();
  let updates: Array<Record<string, unknown>> = [];
  let pollers: Array<() => void> = [];
  let webhook: WebhookState | undefined;
  let nextMessageId = 1000;
  interface Group {
    title: string;
    isForum: boolean;
    bot: FakeBotRights;
    members: Map<number, string>;
    topics: Map<number, FakeTopic>;
  }
  const groups = new Map<string, Group>();
  let closing = false;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(new URL(req.url ?? '/', 'http://x').pathname);
    const raw = await readBody(req);
    if (!match) return reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const [, callToken, method] = match as unknown as [string, string, string];
    let payload: Record<string, unknown> = {};
    if (raw.length > 0) {
      try {
        payload = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return reply(res, 400, { ok: false, error_code: 400, description: 'Bad Request: the fake only reads JSON' });
      }
    }
    const call: TelegramCall = { method, payload, ok: false };
    if (keepCalls) calls.push(call);
    if (options.onCall) res.on('finish', () => options.onCall!(call));

    if (callToken !== token) {
      call.errorCode = 401;
      return reply(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    }

    const scripted = scripts.get(method)?.shift() ?? perMessageFailure(method, payload);
    const failure = scripted && !('pass' in scripted) ? scripted : undefined;
    const chatId = payload.chat_id === undefined ? undefined : String(payload.chat_id);
    const effective = failure ?? (method === 'sendMessage' && chatId && blocked.has(chatId) ? failures.blocked() : undefined);
    if (effective && !('pass' in effective)) return fail(res, call, effective);

    const result = answer(method, payload, call);
    if (result === undefined) {
      call.errorCode = 404;
      return reply(res, 404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
    }
    try {
      const value = await result;
      call.ok = true;
      return reply(res, 200, { ok: true, result: value });
    } catch (error) {
      if (!(error instanceof FakeError)) throw error;
      call.errorCode = error.code;
      return reply(res, error.code, { ok: false, error_code: error.code, description: error.description });
    }
  }

  /** The group a call names, after Telegram's checks of the bot's place in it; undefined for other chats. */
  function groupFor(payload: Record<string, unknown>, needs: 'post' | 'topics'): Group | undefined | Promise<never> {
    const group = groups.get(String(payload.chat_id));
    if (!group) return undefined;
    if (group.bot.status === 'left' || group.bot.status === 'kicked') {
      return Promise.reject(new FakeError(403, 'Forbidden: bot is not a member of the supergroup chat'));
    }
    if (needs === 'topics') {
      if (!group.isForum) return badRequest('the chat is not a forum');
      if (group.bot.status !== 'administrator' || !group.bot.canManageTopics) return badRequest('not enough rights to create a topic');
    }
    return group;
  }

  function topicOf(group: Group, threadId: unknown): FakeTopic | Promise<never> {
    const topic = group.topics.get(Number(threadId));
    if (!topic || topic.deleted) return badRequest('TOPIC_ID_INVALID');
    return topic;
  }

  function answer(method: string, payload: Record<string, unknown>, call: TelegramCall): unknown {
    switch (method) {
      case 'getMe':
        return FAKE_BOT_INFO;
      case 'sendMessage': {
        if (typeof payload.text !== 'string' || payload.text.length === 0) return badRequest('message text is empty');
        if (payload.text.length > 4096) return badRequest('message is too long');
        const group = groupFor(payload, 'post');
        if (group instanceof Promise) return group;
        const threadId = typeof payload.message_thread_id === 'number' ? payload.message_thread_id : undefined;
        if (group && threadId !== undefined) {
          const topic = group.topics.get(threadId);
          if (!topic || topic.deleted) return badRequest('message thread not found');
        }
        const messageId = nextMessageId++;
        call.messageId = messageId;
        return {
          message_id: messageId,
          date: Math.floor(Date.now() / 1000),
          chat: group ? { id: Number(payload.chat_id), type: 'supergroup', title: group.title, is_forum: group.isForum } : { id: Number(payload.chat_id), type: 'private' },
          from: { id: FAKE_BOT_ID, is_bot: true, first_name: 'Relais', username: 'RelaisTestBot' },
          ...(threadId !== undefined ? { message_thread_id: threadId, is_topic_message: true } : {}),
          text: payload.text,
          ...(payload.reply_markup ? { reply_markup: payload.reply_markup } : {}),
        };
      }
      case 'getChat': {
        const group = groups.get(String(payload.chat_id));
        if (!group) return badRequest('chat not found');
        if (group.bot.status === 'left' || group.bot.status === 'kicked') return Promise.reject(new FakeError(403, 'Forbidden: bot was kicked from the supergroup chat'));
        return { id: Number(payload.chat_id), type: 'supergroup', title: group.title, ...(group.isForum ? { is_forum: true } : {}) };
      }
      case 'getChatMember': {
        const group = groups.get(String(payload.chat_id));
        if (!group) return badRequest('chat not found');
        const userId = Number(payload.user_id);
        if (userId === FAKE_BOT_ID) {
          const user = { id: FAKE_BOT_ID, is_bot: true, first_name: 'Relais', username: 'RelaisTestBot' };
          return group.bot.status === 'administrator'
            ? { status: 'administrator', user, can_be_edited: false, is_anonymous: false, can_manage_chat: true, can_delete_messages: true, can_manage_video_chats: false, can_restrict_members: true, can_promote_members: false, can_change_info: false, can_invite_users: true, can_post_stories: false, can_edit_stories: false, can_delete_stories: false, can_pin_messages: true, can_manage_topics: group.bot.canManageTopics }
            : { status: group.bot.status, user, ...(group.bot.status === 'kicked' ? { until_date: 0 } : {}) };
        }
        if (group.bot.status === 'left' || group.bot.status === 'kicked') return Promise.reject(new FakeError(403, 'Forbidden: bot is not a member of the supergroup chat'));
        const status = group.members.get(userId);
        if (!status) return badRequest('user not found');
        const user = { id: userId, is_bot: false, first_name: 'Member' };
        return status === 'restricted' ? { status, user, is_member: true, until_date: 0 } : { status, user };
      }
      case 'createForumTopic': {
        const group = groupFor(payload, 'topics');
        if (group instanceof Promise) return group;
        if (!group) return badRequest('the chat is not a forum');
        const name = String(payload.name ?? '');
        if (name.length === 0 || name.length > 128) return badRequest('TOPIC_NAME_INVALID');
        const threadId = nextMessageId++;
        group.topics.set(threadId, { threadId, name, closed: false, deleted: false });
        return { message_thread_id: threadId, name, icon_color: 7322096 };
      }
      case 'editForumTopic':
      case 'closeForumTopic':
      case 'reopenForumTopic':
      case 'deleteForumTopic': {
        const group = groupFor(payload, 'topics');
        if (group instanceof Promise) return group;
        if (!group) return badRequest('the chat is not a forum');
        const topic = topicOf(group, payload.message_thread_id);
        if (topic instanceof Promise) return topic;
        if (method === 'deleteForumTopic') topic.deleted = true;
        else if (method === 'editForumTopic') {
          const name = String(payload.name ?? '');
          if (name.length === 0 || name.length > 128) return badRequest('TOPIC_NAME_INVALID');
          if (name === topic.name) return badRequest('TOPIC_NOT_MODIFIED');
          topic.name = name;
        } else {
          const closing = method === 'closeForumTopic';
          if (topic.closed === closing) return badRequest('TOPIC_NOT_MODIFIED');
          topic.closed = closing;
        }
        return true;
      }
      case 'editMessageText':
        if (typeof payload.text !== 'string' || payload.text.length === 0 || payload.text.length > 4096) return badRequest('message text is empty');
        return {
          message_id: Number(payload.message_id),
          date: Math.floor(Date.now() / 1000),
          chat: { id: Number(payload.chat_id), type: groups.has(String(payload.chat_id)) ? 'supergroup' : 'private' },
          text: payload.text,
        };
      case 'setMessageReaction':
        return true;
      case 'answerCallbackQuery':
        return true;
      case 'editMessageReplyMarkup':
        return {
          message_id: Number(payload.message_id),
          date: Math.floor(Date.now() / 1000),
          chat: { id: Number(payload.chat_id), type: 'private' },
          text: '',
        };
      case 'setWebhook':
        webhook = {
          url: String(payload.url ?? ''),
          ...(typeof payload.secret_token === 'string' ? { secretToken: payload.secret_token } : {}),
          ...(Array.isArray(payload.allowed_updates) ? { allowedUpdates: payload.allowed_updates as string[] } : {}),
          ...(typeof payload.max_connections === 'number' ? { maxConnections: payload.max_connections } : {}),
        };
        if (payload.drop_pending_updates) updates = [];
        return true;
      case 'deleteWebhook':
        webhook = undefined;
        if (payload.drop_pending_updates) updates = [];
        return true;
      case 'getWebhookInfo':
        return {
          url: webhook?.url ?? '',
          has_custom_certificate: false,
          pending_update_count: updates.length,
          ...(webhook?.allowedUpdates ? { allowed_updates: webhook.allowedUpdates } : {}),
          ...(webhook?.maxConnections ? { max_connections: webhook.maxConnections } : {}),
        };
      case 'getUpdates':
        return getUpdates(payload);
      default:
        return undefined;
    }
  }

  /** Long polling: answers at once when updates wait, else when one arrives or the timeout ends. */
  async function getUpdates(payload: Record<string, unknown>): Promise<unknown[]> {
    const offset = typeof payload.offset === 'number' ? payload.offset : 0;
    // Telegram forgets updates below the offset once they are asked with it.
    updates = updates.filter((u) => (u.update_id as number) >= offset);
    if (updates.length === 0 && !closing) {
      const seconds = typeof payload.timeout === 'number' ? payload.timeout : 0;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, seconds * 1000);
        function done() {
          clearTimeout(timer);
          pollers = pollers.filter((p) => p !== done);
          resolve();
        }
        pollers.push(done);
      });
    }
    return updates.filter((u) => (u.update_id as number) >= offset);
  }

  function badRequest(description: string): Promise<never> {
    return Promise.reject(new FakeError(400, `Bad Request: ${description}`));
  }

  function fail(res: ServerResponse, call: TelegramCall, failure: Exclude<ScriptedFailure, { pass: true }>) {
    if ('stall' in failure) {
      // Counted as not delivered: Telegram never said it took the message.
      call.errorCode = -1;
      return;
    }
    if ('disconnect' in failure) {
      call.errorCode = 0;
      res.socket?.destroy();
      return;
    }
    if ('httpStatus' in failure) {
      call.errorCode = failure.httpStatus;
      res.writeHead(failure.httpStatus, { 'content-type': 'text/html' });
      res.end(failure.body ?? '');
      return;
    }
    call.errorCode = failure.errorCode;
    reply(res, failure.errorCode, {
      ok: false,
      error_code: failure.errorCode,
      description: failure.description,
      ...(failure.retryAfter !== undefined ? { parameters: { retry_after: failure.retryAfter } } : {}),
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const fake: FakeTelegramApi = {
    url: `http://127.0.0.1:${port}`,
    token,
    calls,
    succeeded: (method) => calls.filter((c) => c.method === method && c.ok).map((c) => c.payload),
    sent: () =>
      calls
        .filter((c) => c.method === 'sendMessage' && c.ok)
        .map((c) => ({
          chatId: String(c.payload.chat_id),
          messageId: c.messageId!,
          text: String(c.payload.text),
          ...(c.payload.reply_markup ? { replyMarkup: c.payload.reply_markup as never } : {}),
          ...(typeof c.payload.message_thread_id === 'number' ? { threadId: c.payload.message_thread_id } : {}),
          ...(c.payload.reply_parameters ? { replyTo: (c.payload.reply_parameters as { message_id: number }).message_id } : {}),
        })),
    failNext(method, ...scripted) {
      scripts.set(method, [...(scripts.get(method) ?? []), ...scripted]);
    },
    failEachMessage(method, ...scripted) {
      perMessage.set(method, scripted);
    },
    block: (chatId) => void blocked.add(String(chatId)),
    unblock: (chatId) => void blocked.delete(String(chatId)),
    pushUpdate(update) {
      updates.push(update);
      for (const poller of [...pollers]) poller();
    },
    webhook: () => webhook,
    addGroup(chatId, options = {}) {
      const members = new Map<number, string>();
      for (const m of options.members ?? []) members.set(typeof m === 'number' ? m : m.id, typeof m === 'number' ? 'member' : m.status);
      groups.set(String(chatId), {
        title: options.title ?? 'Volunteers',
        isForum: options.isForum ?? true,
        bot: options.bot ?? { status: 'administrator', canManageTopics: true },
        members,
        topics: new Map(),
      });
    },
    setBotRights(chatId, rights) {
      const group = groups.get(String(chatId));
      if (!group) throw new Error(`no fake group ${chatId}`);
      group.bot = rights;
    },
    topics: (chatId) => [...(groups.get(String(chatId))?.topics.values() ?? [])].map((t) => ({ ...t })),
    deleteTopic(chatId, threadId) {
      const topic = groups.get(String(chatId))?.topics.get(threadId);
      if (topic) topic.deleted = true;
    },
    reset() {
      calls.length = 0;
      scripts.clear();
      perMessage.clear();
      attemptsPerMessage.clear();
      blocked.clear();
      updates = [];
      webhook = undefined;
      groups.clear();
    },
    async close() {
      closing = true;
      for (const poller of [...pollers]) poller();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;

  function perMessageFailure(method: string, payload: Record<string, unknown>): ScriptedFailure | undefined {
    const scripted = perMessage.get(method);
    if (!scripted) return undefined;
    const key = JSON.stringify([method, payload.chat_id, payload.text]);
    const attempt = attemptsPerMessage.get(key) ?? 0;
    attemptsPerMessage.set(key, attempt + 1);
    return scripted[attempt];
  }

  // Hoisted helper: errors thrown by `answer` become Bot API error bodies.
  function reply(res: ServerResponse, status: number, body: unknown) {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }
}

class FakeError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
  ) {
    super(description);
  }
}


/**
 * Updates as Telegram sends them (JSON shapes from the Bot API), for driving the webhook and
 * `toInbound`. `chatId` is the person's user id: in a private chat both are the same.
 */
export const telegramUpdates = {
  user(chatId: number, languageCode?: string) {
    return {
      id: chatId,
      is_bot: false,
      first_name: 'Amina',
      ...(languageCode ? { language_code: languageCode } : {}),
    };
  },

  privateChat(chatId: number) {
    return { id: chatId, first_name: 'Amina', type: 'private' };
  },

  message(updateId: number, chatId: number, fields: Record<string, unknown>, languageCode?: string) {
    return {
      update_id: updateId,
      message: {
        message_id: updateId % 100_000,
        from: telegramUpdates.user(chatId, languageCode),
        chat: telegramUpdates.privateChat(chatId),
        date: 1_764_316_800,
        ...fields,
      },
    };
  },

  text(updateId: number, chatId: number, text: string, languageCode?: string) {
    const command = /^\/\w+(@\w+)?/.exec(text);
    return telegramUpdates.message(
      updateId,
      chatId,
      { text, ...(command ? { entities: [{ offset: 0, length: command[0].length, type: 'bot_command' }] } : {}) },
      languageCode,
    );
  },

  /** A photo, voice note, sticker…: the fields Telegram sets for each kind (file ids made up). */
  media(updateId: number, chatId: number, kind: MediaKind, languageCode?: string) {
    return telegramUpdates.message(updateId, chatId, MEDIA_FIELDS[kind], languageCode);
  },

  callback(updateId: number, chatId: number, data: string, messageId = 1000, languageCode?: string) {
    return {
      update_id: updateId,
      callback_query: {
        id: `cbq-${updateId}`,
        from: telegramUpdates.user(chatId, languageCode),
        message: {
          message_id: messageId,
          from: { id: FAKE_BOT_ID, is_bot: true, first_name: 'Relais', username: 'RelaisTestBot' },
          chat: telegramUpdates.privateChat(chatId),
          date: 1_764_316_800,
          text: '…',
          reply_markup: { inline_keyboard: [[{ text: '…', callback_data: data }]] },
        },
        chat_instance: '-4590011223344556677',
        data,
      },
    };
  },

  myChatMember(updateId: number, chatId: number, status: 'kicked' | 'member') {
    const bot = { id: FAKE_BOT_ID, is_bot: true, first_name: 'Relais', username: 'RelaisTestBot' };
    return {
      update_id: updateId,
      my_chat_member: {
        chat: telegramUpdates.privateChat(chatId),
        from: telegramUpdates.user(chatId),
        date: 1_764_316_800,
        old_chat_member: { user: bot, status: status === 'kicked' ? 'member' : 'kicked', ...(status === 'member' ? { until_date: 0 } : {}) },
        new_chat_member: { user: bot, status, ...(status === 'kicked' ? { until_date: 0 } : {}) },
      },
    };
  },

  groupText(updateId: number, groupId: number, fromId: number, text: string, type: 'group' | 'supergroup' = 'supergroup') {
    return {
      update_id: updateId,
      message: {
        message_id: updateId % 100_000,
        from: telegramUpdates.user(fromId),
        chat: { id: groupId, title: 'Some group', type },
        date: 1_764_316_800,
        text,
      },
    };
  },

  /** A member's message in a topic of a supergroup with topics (the volunteers' group). */
  topicMessage(
    updateId: number,
    groupId: number,
    threadId: number,
    from: { id: number; firstName?: string; lastName?: string; languageCode?: string },
    fields: Record<string, unknown>,
  ) {
    return {
      update_id: updateId,
      message: {
        message_id: 50_000 + (updateId % 100_000),
        from: {
          id: from.id,
          is_bot: false,
          first_name: from.firstName ?? `Member ${from.id}`,
          ...(from.lastName ? { last_name: from.lastName } : {}),
          ...(from.languageCode ? { language_code: from.languageCode } : {}),
        },
        chat: { id: groupId, title: 'Volunteers', type: 'supergroup', is_forum: true },
        date: 1_764_316_800,
        message_thread_id: threadId,
        is_topic_message: true,
        ...fields,
      },
    };
  },

  topicText(updateId: number, groupId: number, threadId: number, from: { id: number; firstName?: string; lastName?: string; languageCode?: string }, text: string) {
    const command = /^\/\w+(@\w+)?/.exec(text);
    return telegramUpdates.topicMessage(updateId, groupId, threadId, from, {
      text,
      ...(command ? { entities: [{ offset: 0, length: command[0].length, type: 'bot_command' }] } : {}),
    });
  },

  topicMedia(updateId: number, groupId: number, threadId: number, from: { id: number; firstName?: string }, kind: MediaKind) {
    return telegramUpdates.topicMessage(updateId, groupId, threadId, from, MEDIA_FIELDS[kind]);
  },

  /** A member taps a button under one of the bot's messages in a topic. */
  groupCallback(updateId: number, groupId: number, from: { id: number; firstName?: string; lastName?: string }, data: string, messageId: number, threadId?: number) {
    return {
      update_id: updateId,
      callback_query: {
        id: `gcbq-${updateId}`,
        from: { id: from.id, is_bot: false, first_name: from.firstName ?? `Member ${from.id}`, ...(from.lastName ? { last_name: from.lastName } : {}) },
        message: {
          message_id: messageId,
          from: { id: FAKE_BOT_ID, is_bot: true, first_name: 'Relais', username: 'RelaisTestBot' },
          chat: { id: groupId, title: 'Volunteers', type: 'supergroup', is_forum: true },
          date: 1_764_316_800,
          ...(threadId !== undefined ? { message_thread_id: threadId, is_topic_message: true } : {}),
          text: '…',
        },
        chat_instance: '-8811223344556677',
        data,
      },
    };
  },

  /** The bot's own status in a group changed (promoted, demoted, removed). */
  botInGroup(updateId: number, groupId: number, status: 'administrator' | 'member' | 'left', canManageTopics = true) {
    const bot = { id: FAKE_BOT_ID, is_bot: true, first_name: 'Relais', username: 'RelaisTestBot' };
    return {
      update_id: updateId,
      my_chat_member: {
        chat: { id: groupId, title: 'Volunteers', type: 'supergroup', is_forum: true },
        from: { id: 1, is_bot: false, first_name: 'Admin' },
        date: 1_764_316_800,
        old_chat_member: { user: bot, status: 'member' },
        new_chat_member:
          status === 'administrator'
            ? { user: bot, status, can_be_edited: false, is_anonymous: false, can_manage_chat: true, can_delete_messages: true, can_manage_video_chats: false, can_restrict_members: false, can_promote_members: false, can_change_info: false, can_invite_users: true, can_post_stories: false, can_edit_stories: false, can_delete_stories: false, can_manage_topics: canManageTopics }
            : { user: bot, status },
      },
    };
  },

  channelPost(updateId: number, channelId: number, text: string) {
    return {
      update_id: updateId,
      channel_post: {
        message_id: updateId % 100_000,
        sender_chat: { id: channelId, title: 'A channel', type: 'channel' },
        chat: { id: channelId, title: 'A channel', type: 'channel' },
        date: 1_764_316_800,
        text,
      },
    };
  },
};

export type MediaKind =
  | 'photo'
  | 'voice'
  | 'audio'
  | 'video'
  | 'video_note'
  | 'animation'
  | 'sticker'
  | 'document'
  | 'location'
  | 'venue'
  | 'contact'
  | 'poll';

const file = (id: string) => ({ file_id: `${id}-file-id`, file_unique_id: `${id}-unique` });

const MEDIA_FIELDS: Record<MediaKind, Record<string, unknown>> = {
  photo: {
    photo: [
      { ...file('p1'), width: 90, height: 67, file_size: 1200 },
      { ...file('p2'), width: 1280, height: 960, file_size: 98000 },
    ],
    caption: 'my papers',
  },
  voice: { voice: { ...file('v'), duration: 7, mime_type: 'audio/ogg', file_size: 23000 } },
  audio: { audio: { ...file('a'), duration: 120, mime_type: 'audio/mpeg', title: 'Recording' } },
  video: { video: { ...file('vid'), width: 640, height: 360, duration: 12, mime_type: 'video/mp4' } },
  video_note: { video_note: { ...file('vn'), length: 240, duration: 9 } },
  animation: {
    animation: { ...file('gif'), width: 320, height: 240, duration: 3 },
    document: { ...file('gif'), mime_type: 'video/mp4' },
  },
  sticker: {
    sticker: { ...file('s'), type: 'regular', width: 512, height: 512, is_animated: false, is_video: false, emoji: '🙏' },
  },
  document: { document: { ...file('d'), file_name: 'refus.pdf', mime_type: 'application/pdf' } },
  location: { location: { latitude: 43.7765, longitude: 7.5048 } },
  venue: {
    location: { latitude: 43.7765, longitude: 7.5048 },
    venue: { location: { latitude: 43.7765, longitude: 7.5048 }, title: 'Pont Saint-Ludovic', address: 'Menton' },
  },
  contact: { contact: { phone_number: '+33600000000', first_name: 'Karim', user_id: 99 } },
  poll: {
    poll: {
      id: '1',
      question: 'Q?',
      options: [
        { text: 'a', voter_count: 0 },
        { text: 'b', voter_count: 0 },
      ],
      total_voter_count: 0,
      is_closed: false,
      is_anonymous: true,
      type: 'regular',
      allows_multiple_answers: false,
    },
  },
};
