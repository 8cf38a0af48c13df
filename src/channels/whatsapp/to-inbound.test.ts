import { describe, expect, it } from 'vitest';
import { wa, webhookOf, type WaEvent, type WaPerson } from '../../../test/support/whatsapp-fixtures.js';
import { toInbound } from './to-inbound.js';
import { parseWebhook } from './webhook-payload.js';

const amina: WaPerson = { waId: '33612345678', name: 'Amina' };
const at = new Date('2026-11-28T09:30:00Z');

/** Runs a fixture through the real parser, as the route does, then through toInbound. */
function convert(event: WaEvent) {
  const parsed = parseWebhook(JSON.parse(JSON.stringify(webhookOf(event))));
  if (!parsed.ok) throw new Error(parsed.reason);
  const value = parsed.webhook.values[0]!;
  return toInbound(value.messages![0]!, value.contacts ?? []);
}

function body(event: WaEvent) {
  const result = convert(event);
  if (result.status !== 'message') throw new Error(result.reason);
  return result.message.body;
}

describe('toInbound', () => {
  it('turns a text into a neutral message keyed by wa_id, with the phone number as a language hint', () => {
    const result = convert(wa.text(amina, "J'ai été refoulé à Menton", { id: 'wamid.1', at }));
    expect(result).toEqual({
      status: 'message',
      message: {
        channel: 'whatsapp',
        externalId: 'wamid.1',
        personKey: '33612345678',
        receivedAt: at,
        hints: { phoneNumber: '33612345678' },
        body: { kind: 'text', text: "J'ai été refoulé à Menton" },
      },
    });
  });

  it('keys the person by the business-scoped user id when there is one, still hinting the phone number', () => {
    const result = convert(wa.text({ waId: '212612345678', bsuid: 'MA.13491208655302741918' }, 'مرحبا'));
    expect(result).toMatchObject({
      status: 'message',
      message: { personKey: 'MA.13491208655302741918', hints: { phoneNumber: '212612345678' } },
    });
  });

  it('accepts a username user with a BSUID and no phone number (no hint then)', () => {
    const result = convert(wa.text({ bsuid: 'AF.98765432109876543210' }, 'سلام'));
    if (result.status !== 'message') throw new Error('skipped');
    expect(result.message.personKey).toBe('AF.98765432109876543210');
    expect(result.message.hints).toBeUndefined();
  });

  it('finds the BSUID on the contact when the message lacks from_user_id', () => {
    const event = wa.text(amina, 'Bonjour');
    delete (event.message as Record<string, unknown>).from_user_id;
    (event.contact as Record<string, unknown>).user_id = 'FR.1111';
    expect(convert(event)).toMatchObject({ message: { personKey: 'FR.1111' } });
  });

  it('never takes another person’s BSUID from a contact that does not match', () => {
    const event = wa.text({ waId: '33611111111' }, 'Bonjour');
    event.contact = { wa_id: '33622222222', user_id: 'FR.2222' };
    expect(convert(event)).toMatchObject({ message: { personKey: '33611111111' } });
  });

  it('reads button and list replies as choices', () => {
    expect(body(wa.buttonReply(amina, 'topic:zone-attente', 'Zone d’attente'))).toEqual({ kind: 'choice', id: 'topic:zone-attente' });
    expect(body(wa.listReply(amina, 'topic:asile', 'Asile'))).toEqual({ kind: 'choice', id: 'topic:asile' });
  });

  it('reads a template quick reply as a choice when it carries our payload, else as its text', () => {
    expect(body(wa.templateButton(amina, 'Continuer', 'resume'))).toEqual({ kind: 'choice', id: 'resume' });
    expect(body(wa.templateButton(amina, 'Continuer'))).toEqual({ kind: 'text', text: 'Continuer' });
  });

  it('reads "request_welcome" (first opening of the chat) as a start', () => {
    expect(body(wa.requestWelcome(amina))).toEqual({ kind: 'start' });
  });

  it.each([
    ['image', wa.image(amina), 'image'],
    ['audio', wa.audio(amina), 'audio'],
    ['video', wa.video(amina), 'video'],
    ['document', wa.document(amina), 'document'],
    ['sticker', wa.sticker(amina), 'sticker'],
    ['location', wa.location(amina), 'location'],
    ['contacts', wa.contacts(amina), 'contacts'],
    ['reaction', wa.reaction(amina, 'wamid.X'), 'reaction'],
    ['unsupported', wa.unsupported(amina), 'other'],
  ])('marks %s as unsupported', (_, event, what) => {
    expect(body(event)).toEqual({ kind: 'unsupported', what });
  });

  it('marks an unknown interactive reply (flows) and unknown types as unsupported', () => {
    const flow = wa.buttonReply(amina, 'x');
    (flow.message as Record<string, unknown>).interactive = { type: 'nfm_reply', nfm_reply: { response_json: '{}' } };
    expect(body(flow)).toEqual({ kind: 'unsupported', what: 'other' });
    const order = wa.text(amina, 'x');
    Object.assign(order.message as Record<string, unknown>, { type: 'order', order: {} });
    expect(body(order)).toEqual({ kind: 'unsupported', what: 'other' });
  });

  it('skips system notices and messages without any sender id', () => {
    expect(convert(wa.system(amina))).toEqual({ status: 'skipped', reason: 'system notice' });
    const anonymous = wa.text({}, 'x');
    delete anonymous.contact;
    expect(convert(anonymous)).toEqual({ status: 'skipped', reason: 'message without a sender id' });
  });
});
