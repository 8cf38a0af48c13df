import { GrammyError, HttpError, type Api } from 'grammy';

/**
 * Can Relais use the volunteers' group? It must be a supergroup with topics, and the bot an admin of
 * it allowed to manage topics (an admin bot also reads every message there, privacy mode or not).
 * Asked at start-up (a warning line), by `npm run telegram:webhook -- --info`, when the bot's rights
 * change, and by the console; a group that cannot be used never stops cases: they work from the console.
 * `refused`: not asked, but learnt when Telegram refused a post (the bot lost a right since).
 */
export type GroupCheck =
  | { status: 'ok'; title: string }
  | { status: 'missing' | 'not-forum' | 'not-admin' | 'no-topic-rights' | 'unreachable' | 'refused'; problem: string };

/** The bot's own user id: the number before the colon of its token (no `getMe` needed). */
export function botIdOf(token: string): number {
  return Number(token.split(':')[0]);
}

export async function checkVolunteerGroup(api: Api, chatId: string, botId: number): Promise<GroupCheck> {
  let title: string;
  try {
    const chat = await api.getChat(chatId);
    if (chat.type !== 'supergroup' || !chat.is_forum) {
      return { status: 'not-forum', problem: 'the group has no topics: turn Topics on in its settings (a supergroup with topics)' };
    }
    title = chat.title;
  } catch (error) {
    return failed(error, 'the bot is not in the group, or TELEGRAM_VOLUNTEER_CHAT_ID is wrong');
  }
  try {
    const me = await api.getChatMember(chatId, botId);
    if (me.status === 'left' || me.status === 'kicked') return { status: 'missing', problem: 'the bot is not a member of the group (add it as an admin)' };
    if (me.status !== 'administrator' && me.status !== 'creator') {
      return { status: 'not-admin', problem: 'the bot is not an admin of the group: make it an admin allowed to manage topics' };
    }
    if (me.status === 'administrator' && !me.can_manage_topics) {
      return { status: 'no-topic-rights', problem: 'the bot may not manage topics in the group: give it the “Manage topics” right' };
    }
  } catch (error) {
    return failed(error, 'the bot is not a member of the group (add it as an admin)');
  }
  return { status: 'ok', title };
}

function failed(error: unknown, absent: string): GroupCheck {
  if (error instanceof GrammyError && (error.error_code === 400 || error.error_code === 403)) {
    return { status: 'missing', problem: `${absent} (Telegram: ${error.description})` };
  }
  if (error instanceof GrammyError) return { status: 'unreachable', problem: `Telegram answered ${error.error_code} ${error.description}` };
  if (error instanceof HttpError) return { status: 'unreachable', problem: `the Bot API could not be reached (${error.message})` };
  return { status: 'unreachable', problem: error instanceof Error ? error.message : String(error) };
}

/** One line for a terminal or a log: what is wrong and what still works. */
export function describeGroupCheck(check: GroupCheck): string {
  if (check.status === 'ok') return `Volunteers' Telegram group: ready (“${check.title}”, topics managed by the bot).`;
  return `Warning: the volunteers' Telegram group cannot be used: ${check.problem}. Cases still work from the console.`;
}
