import type { CasePost, CasePostStep } from '../../../core/handoff.js';
import { PLATFORM_LIMITS, utf16Length } from '../../../core/limits.js';
import type { OutboxPayload } from '../../../core/messages.js';
import { caseTopic } from '../../../handoff/cases.js';
import type { CaseEvent, CaseEventSink } from '../../../handoff/events.js';
import { enqueueCasePost, enqueueOutbound, replacePayload, waitingCasePost } from '../../../outbox/rows.js';
import { GROUP_CHANNEL, groupRecipient } from '../../../people/people.js';
import type { DbOrTx } from '../../../storage/database.js';
import { splitText } from '../../split-text.js';
import { say } from './posts.js';

/**
 * The case events → posts in the case's topic, queued in the outbox inside the transaction of the
 * change (they commit with it, or not at all). The group is a recipient of its own, so its posts go
 * out in order, durably, within its rate limit (the sender's send window).
 *
 * Batched when needed: while a post of the case is still waiting (its turn has not come, the group
 * is busy), what follows joins it — a line is added to its last message when it fits — instead of
 * queueing a post of its own. A burst of messages from a person is then one or two posts.
 *
 * Some things need no post of their own: the card is rendered when it is sent, so while the case's
 * first post (topic and card) waits, a filled card, an urgency or a reminder is already in it.
 */
export interface CaseMirror {
  sink: CaseEventSink;
  /** Posts these steps in the case's topic (a notice answering a volunteer's message). */
  post(tx: DbOrTx, caseId: number, steps: CasePostStep[]): Promise<void>;
}

/** Below Telegram's 4096, so a line and its prefix joining a message never make it too long. */
const MESSAGE_ROOM = PLATFORM_LIMITS.telegram.text - 96;

export function createCaseMirror(options: { chatId: string; now: () => Date }): CaseMirror {
  const { chatId, now } = options;
  // The group's row is created once and never deleted (people.ts): its id can be remembered.
  let recipient: number | undefined;
  const recipientId = async (tx: DbOrTx) => (recipient ??= await groupRecipient(tx, chatId));

  async function post(tx: DbOrTx, caseId: number, steps: CasePostStep[]): Promise<void> {
    const to = await recipientId(tx);
    const waiting = await waitingCasePost(tx, to, caseId);
    if (waiting?.payload.casePost) {
      const grown = join(waiting.payload.casePost.steps, steps, waiting.externalIds.length);
      await replacePayload(tx, waiting.id, payloadOf({ caseId, steps: grown }));
      return;
    }
    await enqueueCasePost(tx, to, GROUP_CHANNEL, caseId, payloadOf({ caseId, steps }), now());
  }

  /** A post with nothing of its own: when sent, it makes the topic and the card if they are missing. */
  const ensure = (tx: DbOrTx, caseId: number) => post(tx, caseId, []);

  async function announce(tx: DbOrTx, caseId: number, steps: CasePostStep[]): Promise<void> {
    const topic = await caseTopic(tx, caseId);
    // No card posted yet: the card, rendered when it goes, will say it.
    if (!topic?.cardMessageId) return ensure(tx, caseId);
    return post(tx, caseId, steps);
  }

  const lines = (text: string): CasePostStep[] =>
    splitText(text, MESSAGE_ROOM, utf16Length).map((part) => ({ do: 'say', text: part }));

  const sink: CaseEventSink = async (tx, event: CaseEvent) => {
    switch (event.kind) {
      case 'opened':
        return ensure(tx, event.caseId);
      case 'urgent':
        return announce(tx, event.caseId, [{ do: 'say', text: say.urgent(), buttons: 'case' }]);
      case 'waiting':
        return announce(tx, event.caseId, [{ do: 'say', text: say.waiting(event.minutes), buttons: 'case' }]);
      case 'card':
        return announce(tx, event.caseId, [{ do: 'refresh-card' }]);
      case 'person-message':
        // Taps on the bot's buttons and commands are the bot's business; the card shows the answers.
        if (/^\[(choice |start|\/)/.test(event.text)) return;
        return post(tx, event.caseId, lines(say.person(event.text)));
      case 'claimed':
        return post(tx, event.caseId, [{ do: 'say', text: say.claimed(event.by.name) }]);
      case 'released':
        return post(tx, event.caseId, [{ do: 'say', text: say.released(event.by?.name ?? null), buttons: 'case' }]);
      case 'closed':
        return post(tx, event.caseId, [
          { do: 'say', text: say.closed(event.by.name, event.outcome), buttons: 'reopen' },
          { do: 'close-topic' },
        ]);
      case 'reopened':
        return post(tx, event.caseId, [{ do: 'reopen-topic' }, { do: 'say', text: say.reopened(event.by?.name), buttons: 'case' }]);
      case 'volunteer-reply':
        // Written in the topic: it is there already.
        if (event.via === 'telegram-group') return;
        return post(tx, event.caseId, lines(say.consoleReply(event.by.name, event.text)));
      case 'note':
        if (event.via === 'telegram-group') return;
        return post(tx, event.caseId, lines(say.consoleNote(event.by.name, event.text)));
      case 'undelivered':
        return post(tx, event.caseId, lines(event.state === 'held' ? say.held(event.reason) : say.failed(event.reason)));
      case 'erased': {
        // The topic holds the person's words: it goes with their data. The case's waiting posts go
        // with the case (outbox.case_id); this one must outlive it, so it names no case row.
        const topic = await caseTopic(tx, event.caseId);
        if (!topic?.threadId) return;
        const steps: CasePostStep[] = [{ do: 'delete-topic', threadId: topic.threadId }];
        await enqueueOutbound(tx, await recipientId(tx), GROUP_CHANNEL, [payloadOf({ caseId: event.caseId, steps })], now());
        return;
      }
      default: {
        const unhandled: never = event;
        throw new Error(`unhandled case event ${JSON.stringify(unhandled)}`);
      }
    }
  };

  return { sink, post };
}

/** The outbox payload of a post: `message` only names it for whoever reads the outbox. */
function payloadOf(post: CasePost): OutboxPayload {
  return { message: { kind: 'text', text: `post about case #${post.caseId}` }, locale: 'en', direction: 'ltr', casePost: post };
}

/**
 * `steps` added to a waiting post's: a plain line joins the post's last plain message when it fits
 * (and that message has not gone out in an earlier attempt: `done` steps are behind us); a second
 * "refresh the card" adds nothing.
 */
export function join(existing: CasePostStep[], steps: CasePostStep[], done: number): CasePostStep[] {
  const out = [...existing];
  for (const step of steps) {
    const last = out[out.length - 1];
    if (step.do === 'refresh-card' && out.slice(done).some((s) => s.do === 'refresh-card')) continue;
    if (
      step.do === 'say' &&
      !step.buttons &&
      !step.replyTo &&
      last?.do === 'say' &&
      !last.buttons &&
      !last.replyTo &&
      out.length - 1 >= done &&
      utf16Length(last.text) + 1 + utf16Length(step.text) <= MESSAGE_ROOM
    ) {
      out[out.length - 1] = { ...last, text: `${last.text}\n${step.text}` };
      continue;
    }
    out.push(step);
  }
  return out;
}
