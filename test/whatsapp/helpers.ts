import { asc, eq } from 'drizzle-orm';
import type { FakeGraphApi, GraphCall } from '../support/fake-graph-api.js';
import type { TestRelais } from '../support/relais.js';
import { signedInit, type WaPerson } from '../support/whatsapp-fixtures.js';
import { inboundEvents, outbox, people } from '../../src/storage/schema.js';

/**
 * Helpers for this folder's end-to-end tests (through `app.request('/webhooks/whatsapp', …)`):
 * posting signed webhooks, reading what reached the fake Graph API, and looking at the database.
 */

export async function postWebhook(relais: TestRelais, body: unknown, options: Parameters<typeof signedInit>[1] = {}) {
  return relais.request('/webhooks/whatsapp', signedInit(body, options));
}

/** Who a call was addressed to: `to` (phone) or `recipient` (BSUID). */
export function addressee(call: GraphCall): string | undefined {
  return (call.body.to as string | undefined) ?? (call.body.recipient as string | undefined);
}

export function keyOf(person: WaPerson): string {
  return person.bsuid ?? person.waId!;
}

/** Successful sends (not read receipts) to one person, in order. */
export function sentTo(fake: FakeGraphApi, person: WaPerson): GraphCall[] {
  return fake.sent().filter((c) => addressee(c) === keyOf(person));
}

/** The visible text of a send: text body, interactive body, or the template name. */
export function textOf(call: GraphCall): string {
  const b = call.body as {
    type: string;
    text?: { body: string };
    interactive?: { body: { text: string } };
    template?: { name: string };
  };
  if (b.type === 'text') return b.text!.body;
  if (b.type === 'interactive') return b.interactive!.body.text;
  return `[template ${b.template?.name}]`;
}

export type Offered =
  | { kind: 'button'; options: { id: string; title: string }[] }
  | { kind: 'list'; options: { id: string; title: string }[] };

/** The choices of the last interactive message sent to the person, if any. */
export function lastOffer(fake: FakeGraphApi, person: WaPerson): Offered | undefined {
  const calls = sentTo(fake, person).filter((c) => c.body.type === 'interactive');
  const last = calls[calls.length - 1];
  if (!last) return undefined;
  const i = last.body.interactive as {
    type: 'button' | 'list';
    action: { buttons?: { reply: { id: string; title: string } }[]; sections?: { rows: { id: string; title: string }[] }[] };
  };
  if (i.type === 'button') return { kind: 'button', options: i.action.buttons!.map((b) => b.reply) };
  return { kind: 'list', options: i.action.sections!.flatMap((s) => s.rows) };
}

export async function inboundRows(relais: TestRelais) {
  return relais.db.select().from(inboundEvents).where(eq(inboundEvents.channel, 'whatsapp')).orderBy(asc(inboundEvents.id));
}

export async function peopleRows(relais: TestRelais) {
  return relais.db.select().from(people).where(eq(people.channel, 'whatsapp')).orderBy(asc(people.id));
}

export async function outboxRows(relais: TestRelais) {
  return relais.db.select().from(outbox).where(eq(outbox.channel, 'whatsapp')).orderBy(asc(outbox.id));
}
