import type { SendOutcome } from '../outbox/sender.js';

export type PartFailure = Exclude<SendOutcome, { status: 'sent' }>;

/**
 * Sends a message that a platform takes in several parts (a long text, text then buttons), resuming
 * after the parts an earlier attempt delivered (`delivered`: one platform id per part, kept on the
 * outbox row), so a retry on any instance never repeats a part.
 *
 * `sendOne` sends one part and returns its platform id. `classify` says what an error means; a
 * `skip` is a part that needs no sending (Telegram's "message is not modified") and counts as
 * delivered without an id.
 */
export async function sendParts<Part>(
  parts: readonly Part[],
  delivered: readonly string[],
  sendOne: (part: Part, index: number) => Promise<string>,
  classify: (error: unknown) => PartFailure | { status: 'skip' },
): Promise<SendOutcome> {
  const sent = [...delivered];
  for (let index = sent.length; index < parts.length; index++) {
    try {
      sent.push(await sendOne(parts[index]!, index));
    } catch (error) {
      const outcome = classify(error);
      if (outcome.status === 'skip') {
        sent.push('');
        continue;
      }
      if (sent.length === 0) return outcome;
      // Say how far it got: a volunteer reading a failure sees that the start went out.
      const reason =
        outcome.status === 'failed' || outcome.status === 'unreachable'
          ? `${outcome.reason} (after ${sent.length} of ${parts.length} parts were sent)`
          : outcome.reason;
      return { ...outcome, reason, deliveredParts: sent };
    }
  }
  return { status: 'sent', externalIds: sent.filter((id) => id !== '') };
}
