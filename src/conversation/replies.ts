import type { Content } from '../content/index.js';
import type { ChoiceSpec, ScreenSpec } from '../content/screens.js';
import type { AssociationContacts } from '../core/association.js';
import type { Direction, LocaleCode } from '../core/locales.js';
import type { CaseCard } from '../core/handoff.js';
import type { ChannelName, Choice, HandoffRequest, OutboundMessage } from '../core/messages.js';

/** A message and its French source (null when the reader reads French, or there is none). */
export interface Line {
  text: string;
  french: string | null;
}

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
  /** For each outbound message, its French source when the reader reads another language. */
  readonly sources: (string | null)[] = [];
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

  /** The same message in French, the source a volunteer can read beside the translation (null in French). */
  french(id: string, values?: Record<string, string>): string | null {
    return this.locale === 'fr' ? null : this.ctx.content.text('fr', id, values);
  }

  /**
   * One message, in the reader's locale, with its French source kept for the transcript. Values that
   * are themselves formatted per language (a date, a duration) are given as a function of the locale.
   */
  say(id: string, values?: Record<string, string> | ((locale: LocaleCode) => Record<string, string>)): void {
    const of = (locale: LocaleCode) => (typeof values === 'function' ? values(locale) : values);
    this.text(this.message(id, of(this.locale)), this.locale === 'fr' ? null : this.ctx.content.text('fr', id, of('fr')));
  }

  text(text: string, french: string | null = null): void {
    this.outbound.push({ kind: 'text', text });
    this.sources.push(french);
  }

  choices(text: string, specs: ChoiceSpec[], french: string | null = null): void {
    const choices = specs.map((c) => this.choice(c));
    this.outbound.push({ kind: 'choices', text, choices });
    this.sources.push(french);
    this.lastChoices = choices.map((c) => c.id);
  }

  /** Asks for a volunteer. Asked twice in one step, the request is urgent if either was. */
  requestHandoff(request: HandoffRequest): void {
    const urgent = request.urgent || (this.handoff?.urgent ?? false);
    this.handoff = { ...this.handoff, ...request, urgent };
  }

  /** One message, no choices: a screen whose old choices no longer apply. */
  screenText(id: string, values?: Record<string, string>): void {
    this.say(id, values);
    this.lastChoices = [];
  }

  /** Sends each text as its own message; the last one carries the choices. */
  screen(spec: ScreenSpec, extraTexts: Line[] = []): void {
    const lines: Line[] = [
      ...spec.texts.map((t) => ({ text: this.message(t.message, t.values), french: this.french(t.message, t.values) })),
      ...extraTexts,
    ];
    const last = lines.pop();
    for (const line of lines) this.text(line.text, line.french);
    if (last === undefined) return;
    if (spec.choices.length > 0) this.choices(last.text, spec.choices, last.french);
    else {
      this.text(last.text, last.french);
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
  contacts(): Line[] {
    const text = this.contactsIn(this.locale, this.direction() === 'rtl');
    if (text === undefined) return [];
    return [{ text, french: this.locale === 'fr' ? null : (this.contactsIn('fr', false) ?? null) }];
  }

  private contactsIn(locale: LocaleCode, rtl: boolean): string | undefined {
    const { association, content } = this.ctx;
    const say = (id: string, values?: Record<string, string>) => content.text(locale, id, values);
    const lines: string[] = [];
    if (association.name) lines.push(rtl ? `\u2068${association.name}\u2069` : association.name);
    if (association.phone) lines.push(say('contact.phone', { phone: association.phone }));
    if (association.hours) lines.push(say('contact.hours', { hours: association.hours }));
    if (association.address) lines.push(say('contact.address', { address: association.address }));
    if (association.email) lines.push(say('contact.email', { email: association.email }));
    if (lines.length === 0) return undefined;
    return [say('contact.intro'), ...lines].join('\n');
  }
}
