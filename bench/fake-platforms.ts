/**
 * The far side of the network for `npm run bench`, in a process of its own: the fake Bot API and the
 * fake Graph API of the tests (test/support/), in count-only mode, so their work and memory are not
 * charged to the server measured nor to the load generator.
 *
 * Forked by bench/run.ts with an IPC channel, which is its control endpoint:
 *   → { id, op: 'counts' }  ← { id, result: FakeCounts }
 *   → { id, op: 'firstReplies' } ← [person, wall-clock ms of their first reply][]
 *   → { id, op: 'reset' }   ← { id, result: FakeCounts }  (counts before the reset)
 * On start it sends { ready: { telegram, graph } } with both base URLs. It exits when the orchestrator
 * goes away (IPC disconnect), so a crashed bench leaves no fake behind.
 */
import { startFakeGraphApi } from '../test/support/fake-graph-api.js';
import { startFakeTelegramApi } from '../test/support/fake-telegram-api.js';
import { TEST_ACCESS_TOKEN } from '../test/support/whatsapp-fixtures.js';
import { serveRpc } from './rpc.js';

export interface FakeCounts {
  /** Successful Telegram `sendMessage` calls: the replies delivered. */
  telegramSends: number;
  /** Successful calls of any other Bot API method (getMe…), by method. */
  telegramOther: Record<string, number>;
  /** Failed Bot API calls (there should be none). */
  telegramFailures: number;
  /** Successful WhatsApp message sends (text, interactive, template): the replies delivered. */
  whatsappSends: number;
  /** Successful WhatsApp read receipts (a chore, not a reply). */
  whatsappReads: number;
  whatsappFailures: number;
  /** Distinct chats / recipients that got at least one reply. */
  telegramChats: number;
  whatsappRecipients: number;
  /** Wall-clock time (ms since the epoch, fractional) of the last reply delivered on either platform. */
  lastSendAt: number | null;
}

/** A wall clock with sub-millisecond resolution, comparable across processes on one machine. */
const wallNow = () => performance.timeOrigin + performance.now();

function emptyCounts(): FakeCounts {
  return {
    telegramSends: 0,
    telegramOther: {},
    telegramFailures: 0,
    whatsappSends: 0,
    whatsappReads: 0,
    whatsappFailures: 0,
    telegramChats: 0,
    whatsappRecipients: 0,
    lastSendAt: null,
  };
}

let counts = emptyCounts();
// Ids only (a few thousand short strings), never payloads.
let telegramChats = new Set<string>();
let whatsappRecipients = new Set<string>();
/** When each person got their first reply (wall clock): the bench's reply latency. */
let firstReplyAt = new Map<string, number>();
const replied = (person: string, at: number) => {
  if (!firstReplyAt.has(person)) firstReplyAt.set(person, at);
};

const telegram = await startFakeTelegramApi({
  keepCalls: false,
  onCall(call) {
    if (!call.ok) {
      counts.telegramFailures += 1;
      return;
    }
    if (call.method === 'sendMessage') {
      counts.telegramSends += 1;
      counts.lastSendAt = wallNow();
      telegramChats.add(String(call.payload.chat_id));
      replied(String(call.payload.chat_id), counts.lastSendAt);
    } else {
      counts.telegramOther[call.method] = (counts.telegramOther[call.method] ?? 0) + 1;
    }
  },
});

const graph = await startFakeGraphApi({
  accessToken: TEST_ACCESS_TOKEN,
  keepCalls: false,
  onCall(call) {
    if (call.status !== 200) {
      counts.whatsappFailures += 1;
      return;
    }
    if (call.body.status === 'read') {
      counts.whatsappReads += 1;
      return;
    }
    counts.whatsappSends += 1;
    counts.lastSendAt = wallNow();
    const to = String(call.body.to ?? call.body.recipient);
    whatsappRecipients.add(to);
    replied(to, counts.lastSendAt);
  },
});

const snapshot = (): FakeCounts => ({
  ...counts,
  telegramOther: { ...counts.telegramOther },
  telegramChats: telegramChats.size,
  whatsappRecipients: whatsappRecipients.size,
});

serveRpc({
  counts: () => snapshot(),
  /** [person, wall-clock ms] of every person's first reply since the last reset. */
  firstReplies: () => [...firstReplyAt],
  reset: () => {
    const before = snapshot();
    counts = emptyCounts();
    telegramChats = new Set();
    whatsappRecipients = new Set();
    firstReplyAt = new Map();
    return before;
  },
});

process.send!({ ready: { telegram: telegram.url, graph: graph.url } });
