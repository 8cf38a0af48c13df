import type { Content } from '../content/index.js';
import type { ChoiceSpec, ScreenSpec } from '../content/screens.js';
import type { AssociationContacts } from '../core/association.js';
import type { Direction, LocaleCode } from '../core/locales.js';
import type { CaseCard } from '../core/handoff.js';
import type { ChannelName, Choice, HandoffRequest, OutboundMessage } from '../core/messages.js';

/** What a step reads besides the state and the message: the content, the association, the clock. */
export interface EngineContext {
  content: Content;
  association: AssociationContacts;
  channel: ChannelName;
  now: Date;
  /** The person's case, if one is open: while a volunteer holds it, the bot stays silent. */
  case?: { status: 'open' | 'claimed'; card: CaseCard };
  /** Whether volunteers answer now, and what to promise (office hours from configuration). */
  availability?: Availability;
}

/** What the bot can honestly tell a person who asks for a volunteer. */
export interface Availability {
  open: boolean;
  /** When the service opens again (outside office hours). */
  reopensAt?: Date;
  /** How soon a volunteer usually answers in office hours. */
  answerMinutes?: number;
  /** Who to call when it cannot wait (configuration). */
  urgentContact?: string;
}

/**
 * Collects what one step says (in order) and what it wants done (a handoff, an erasure), and renders
 * screen descriptions in the reader's locale.
 */
export class Reply {
  readonly outbound: OutboundMessage[] = [];
  lastChoices: string[] | undefined;
  handoff: HandoffRequest | undefined;
  /** What the intake learnt, for the case card. */
  card: CaseCard | undefined;
  /** The message was for the volunteer holding the case. */
  relayed = false;
  eraseRequested = false;

  constructor(
    readonly ctx: EngineContext,
    public locale: LocaleCode,
  ) {}

  direction(): Direction {
    return this.ctx.content.locales[this.locale].direction;
  }

  /** A message in the reader's locale. */
  message(id: string, values?: Record<string, string>): string {
    return this.ctx.content.text(this.locale, id, values);
  }

  text(text: string): void {
    this.outbound.push({ kind: 'text', text });
  }

  choices(text: string, specs: ChoiceSpec[]): void {
    const choices = specs.map((c) => this.choice(c));
    this.outbound.push({ kind: 'choices', text, choices });
    this.lastChoices = choices.map((c) => c.id);
  }

  /** Asks for a volunteer. Asked twice in one step, the request is urgent if either was. */
  requestHandoff(request: HandoffRequest): void {
    const urgent = request.urgent || (this.handoff?.urgent ?? false);
    this.handoff = { ...this.handoff, ...request, urgent };
  }

  /** One message, no choices: a screen whose old choices no longer apply. */
  screenText(id: string, values?: Record<string, string>): void {
    this.text(this.message(id, values));
    this.lastChoices = [];
  }

  /** Sends each text as its own message; the last one carries the choices. */
  screen(spec: ScreenSpec, extraTexts: string[] = []): void {
    const texts = [...spec.texts.map((t) => this.message(t.message, t.values)), ...extraTexts];
    const last = texts.pop();
    for (const t of texts) this.text(t);
    if (last === undefined) return;
    if (spec.choices.length > 0) this.choices(last, spec.choices);
    else {
      this.text(last);
      this.lastChoices = [];
    }
  }

  choice(spec: ChoiceSpec): Choice {
    const label = 'literal' in spec.label ? spec.label.literal : this.message(spec.label.message);
    return {
      id: spec.id,
      label,
      ...(spec.description ? { description: this.message(spec.description.message) } : {}),
    };
  }

  /** The association's contacts from configuration, as one message, or nothing when none is set. */
  contacts(): string[] {
    const { association } = this.ctx;
    const lines: string[] = [];
    if (association.name) lines.push(this.direction() === 'rtl' ? `\u2068${association.name}\u2069` : association.name);
    if (association.phone) lines.push(this.message('contact.phone', { phone: association.phone }));
    if (association.hours) lines.push(this.message('contact.hours', { hours: association.hours }));
    if (association.address) lines.push(this.message('contact.address', { address: association.address }));
    if (association.email) lines.push(this.message('contact.email', { email: association.email }));
    if (lines.length === 0) return [];
    return [[this.message('contact.intro'), ...lines].join('\n')];
  }
}
