import { describe, expect, it } from 'vitest';
import type { AssociationContacts } from '../core/association.js';
import { loadContent } from '../content/index.js';
import { FSI, PDI } from '../content/format.js';
import { UNSUPPORTED_KINDS } from '../content/screens.js';
import { initialState, step, type ConversationState, type StepResult } from './index.js';
import { COMMANDS, type InboundBody, type LanguageHints, type OutboundMessage } from '../core/messages.js';
import { LOCALES, type LocaleCode } from '../core/locales.js';

import frFile from '../../locales/fr.json' with { type: 'json' };
import enFile from '../../locales/en.json' with { type: 'json' };
import arFile from '../../locales/ar.json' with { type: 'json' };
import esFile from '../../locales/es.json' with { type: 'json' };
import ptFile from '../../locales/pt-BR.json' with { type: 'json' };
import faFile from '../../locales/fa.json' with { type: 'json' };
import psFile from '../../locales/ps.json' with { type: 'json' };
import tiFile from '../../locales/ti.json' with { type: 'json' };

const content = loadContent();
const NOW = new Date('2026-11-28T10:00:00Z');

/** A scripted conversation: each `send` runs one engine step and keeps the state, like the inbox does. */
function conversation(options: { association?: AssociationContacts; hints?: LanguageHints } = {}) {
  let state: ConversationState | null = null;
  let n = 0;
  const log: StepResult[] = [];
  const send = (body: InboundBody, hints = options.hints): StepResult => {
    const result = step(
      state,
      { channel: 'telegram', externalId: String(++n), personKey: 'person-1', receivedAt: NOW, ...(hints ? { hints } : {}), body },
      { content, association: options.association ?? {}, channel: 'telegram', now: NOW },
    );
    // What the caller stores must survive JSON.
    state = JSON.parse(JSON.stringify(result.state)) as ConversationState;
    for (const m of result.outbound) {
      if (m.kind === 'choices') {
        expect(m.choices.length).toBeLessThanOrEqual(10);
        for (const c of m.choices) expect(new TextEncoder().encode(c.id).length).toBeLessThanOrEqual(48);
      }
    }
    log.push(result);
    return result;
  };
  return {
    send,
    text: (text: string) => send({ kind: 'text', text }),
    tap: (id: string) => send({ kind: 'choice', id }),
    command: (command: (typeof COMMANDS)[number]) => send({ kind: 'command', command }),
    get state() {
      return state!;
    },
    log,
  };
}

/** A conversation that picked `locale` from the picker and sits on the main menu. */
function inLocale(locale: LocaleCode, options: { association?: AssociationContacts } = {}) {
  const c = conversation(options);
  c.send({ kind: 'start' });
  c.tap(`lang:${locale}`);
  expect(c.state.locale).toBe(locale);
  expect(c.state.topic).toBe(content.rootId);
  return c;
}

const lastChoices = (r: StepResult) => {
  const m = [...r.outbound].reverse().find((o): o is Extract<OutboundMessage, { kind: 'choices' }> => o.kind === 'choices');
  return m?.choices ?? [];
};
const texts = (r: StepResult) => r.outbound.map((m) => m.text);
const handoffs = (r: StepResult) => (r.handoff ? [r.handoff] : []);

/** Every topic with the path of topic ids that reaches it from the root by tapping. */
function paths(): Map<string, string[]> {
  const out = new Map<string, string[]>([[content.rootId, []]]);
  const queue = [content.rootId];
  while (queue.length > 0) {
    const id = queue.shift()!;
    for (const child of content.topics.get(id)!.children) {
      if (out.has(child)) continue;
      out.set(child, [...out.get(id)!, child]);
      queue.push(child);
    }
  }
  return out;
}

describe('first contact and the language picker', () => {
  it('greets in the Telegram language, says a draft is a draft, and shows the picker with native names', () => {
    const c = conversation({ hints: { languageCode: 'es' } });
    const r = c.send({ kind: 'start' });
    expect(r.locale).toBe('es');
    // A draft locale's first reply says the translation is not checked yet, right after the welcome.
    expect(texts(r).slice(0, 2)).toEqual([content.text('es', 'welcome'), content.text('es', 'draft.notice')]);
    const choices = lastChoices(r);
    expect(choices.map((ch) => ch.id)).toEqual(LOCALES.map((l) => `lang:${l}`).sort((a, b) => (a === 'lang:es' ? -1 : b === 'lang:es' ? 1 : 0)));
    expect(choices.map((ch) => ch.label)).toContain('العربية');
    expect(choices.map((ch) => ch.label)).toContain('ትግርኛ');
  });

  it('does not show a draft notice in French, the source language', () => {
    const r = conversation({ hints: { languageCode: 'fr' } }).send({ kind: 'start' });
    expect(texts(r)).not.toContain(content.text('fr', 'draft.notice'));
  });

  it('asks between Arabic, Farsi and Pashto when the first message is in Arabic script, in all three', () => {
    const c = conversation();
    const r = c.text('سلام');
    expect(c.state.locale).toBeUndefined();
    expect(r.direction).toBe('rtl');
    for (const l of ['ar', 'fa', 'ps'] as const) expect(texts(r)[0]).toContain(content.text(l, 'language.ask'));
    expect(lastChoices(r).slice(0, 3).map((ch) => ch.id)).toEqual(['lang:ar', 'lang:fa', 'lang:ps']);
    const picked = c.text('2');
    expect(picked.locale).toBe('fa');
    expect(c.state.topic).toBe(content.rootId);
    expect(texts(picked)).toContain(content.text('fa', 'welcome'));
    expect(texts(picked)).toContain(content.text('fa', 'draft.notice'));
  });

  it('answers Tigrinya at once when the first message is in Ge’ez script', () => {
    const c = conversation();
    const r = c.text('ሰላም');
    expect(r.locale).toBe('ti');
    expect(c.state.locale).toBe('ti');
    expect(texts(r).slice(0, 2)).toEqual([content.text('ti', 'welcome'), content.text('ti', 'draft.notice')]);
  });

  it('guesses from a WhatsApp number and lets the person carry on without picking', () => {
    const c = conversation({ hints: { phoneNumber: '5511999999999' } });
    expect(c.send({ kind: 'text', text: 'oi' }).locale).toBe('pt-BR');
    const r = c.text('pedido de asilo');
    expect(r.locale).toBe('pt-BR');
    expect(c.state.topic).toBe('h-asylum');
    expect(c.state.languageConfirmed).toBe(true);
  });

  it('guesses again when the person writes in another script than the guess', () => {
    const c = conversation({ hints: { phoneNumber: '33612345678' } });
    c.send({ kind: 'start' });
    expect(c.state.locale).toBe('fr');
    const r = c.text('لجوء');
    expect(c.state.locale).toBeUndefined();
    expect(lastChoices(r)[0]!.id).toBe('lang:ar');
    // Typing again instead of picking: carry on in the likeliest language and answer.
    const again = c.text('طلب اللجوء');
    expect(again.locale).toBe('ar');
    expect(c.state.topic).toBe('h-asylum');
  });

  it('asks in Arabic first when the first message is Arabizi, then opens what it asked for', () => {
    const c = conversation();
    const r = c.text('khouya m7bous f matar');
    expect(c.state.locale).toBeUndefined();
    expect(texts(r)[0]).toBe([content.text('ar', 'language.ask'), content.text('fr', 'language.ask'), content.text('en', 'language.ask')].join('\n'));
    expect(lastChoices(r).slice(0, 3).map((ch) => ch.id)).toEqual(['lang:ar', 'lang:fr', 'lang:en']);
    const picked = c.tap('lang:ar');
    expect(picked.locale).toBe('ar');
    expect(c.state.topic).toBe('relative');
  });

  it('carries on in Pashto when a Latin-script Pashto writer keeps typing instead of picking', () => {
    const c = conversation();
    c.text('zama wror pa airport ke band de');
    expect(lastChoices(c.log.at(-1)!)[0]!.id).toBe('lang:ps');
    const r = c.text('za gir yam');
    expect(r.locale).toBe('ps');
    expect(c.state.topic).toBe('held');
  });

  it('answers a first question at once in the guessed language, offering to change it', () => {
    const c = conversation({ hints: { languageCode: 'fr' } });
    const r = c.text('combien de temps ?');
    expect(c.state.topic).toBe('r-duration');
    expect(texts(r)[0]).toBe(content.text('fr', 'welcome'));
    expect(lastChoices(r).map((ch) => ch.id)).toContain('nav:language');
    expect(c.state.languageConfirmed).toBe(false);
  });

  it('alerts a volunteer from the very first message when a deadline is today or tomorrow', () => {
    const fr = conversation({ hints: { phoneNumber: '33600000000' } });
    const r = fr.text('mon vol est demain');
    expect(handoffs(r)).toEqual([{ urgent: true, reason: 'urgent-deadline' }]);
    expect(fr.state.urgent).toBe(true);
    // Arabic script: ask the language, but alert first, in the three candidate languages.
    const ar = conversation();
    const a = ar.text('الرحلة غدا');
    expect(handoffs(a)).toEqual([{ urgent: true, reason: 'urgent-deadline' }]);
    expect(texts(a)[0]).toContain(content.text('fa', 'urgent.detected'));
    expect(lastChoices(a)[0]!.id).toBe('lang:ar');
  });

  it('runs a command sent as the first message', () => {
    const c = conversation({ hints: { languageCode: 'en' } });
    const r = c.command('volunteer');
    expect(handoffs(r)).toEqual([{ urgent: false, reason: 'asked' }]);
    const d = conversation({ hints: { languageCode: 'en' } });
    expect(lastChoices(d.send({ kind: 'unsupported', what: 'audio' })).map((ch) => ch.id)).toEqual(['nav:volunteer', 'nav:menu']);
  });

  it('opens the topic the first words asked for once the language is picked', () => {
    const c = conversation();
    c.text('asylum claim');
    const r = c.tap('lang:en');
    expect(r.locale).toBe('en');
    expect(c.state.topic).toBe('h-asylum');
  });

  it('changes language at any time and shows the same topic in the new language', () => {
    const c = inLocale('fr');
    c.tap('t:held');
    c.tap('t:h-jour-franc');
    c.command('language');
    const r = c.tap('lang:ar');
    expect(r.locale).toBe('ar');
    expect(r.direction).toBe('rtl');
    expect(c.state.topic).toBe('h-jour-franc');
    expect(texts(r)).toContain(content.text('ar', 'language.confirmed'));
    expect(texts(r)).toContain(content.text('ar', 'draft.notice'));
    expect(texts(r)).toContain(content.text('ar', 'h-jour-franc.1'));
  });

  it('switches language when the person types its name', () => {
    const c = inLocale('fr');
    expect(c.text('English').locale).toBe('en');
    expect(c.text('العربية').locale).toBe('ar');
    expect(c.text('Español').locale).toBe('es');
  });
});

describe('every topic, every locale', () => {
  const all = paths();

  it('reaches every topic from the main menu by tapping', () => {
    for (const locale of LOCALES) {
      for (const [topic, path] of all) {
        const c = inLocale(locale);
        let r: StepResult | undefined;
        for (const id of path) {
          expect(lastChoices(c.log.at(-1)!).map((ch) => ch.id), `${locale} ${topic}`).toContain(`t:${id}`);
          r = c.tap(`t:${id}`);
        }
        expect(c.state.topic, `${locale} ${topic}`).toBe(topic);
        if (r) {
          expect(r.locale).toBe(locale);
          expect(texts(r)[0]).toBe(content.text(locale, content.topics.get(topic)!.body[0]!));
        }
      }
    }
  });

  it('reaches every topic by typing the numbers of the choices', () => {
    for (const locale of LOCALES) {
      for (const [topic, path] of all) {
        const c = inLocale(locale);
        for (const id of path) {
          const index = lastChoices(c.log.at(-1)!).findIndex((ch) => ch.id === `t:${id}`);
          expect(index).toBeGreaterThanOrEqual(0);
          c.text(String(index + 1));
        }
        expect(c.state.topic, `${locale} ${topic}`).toBe(topic);
      }
    }
  });

  it('reaches every topic by typing its first keyword', () => {
    for (const locale of LOCALES) {
      const keywords = localeKeywords(locale);
      for (const topic of all.keys()) {
        if (topic === content.rootId) continue;
        const c = inLocale(locale);
        const word = keywords[topic]![0]!;
        const r = c.text(word);
        expect(c.state.topic, `${locale}: typing “${word}” should open ${topic}`).toBe(topic);
        expect(r.locale).toBe(locale);
      }
    }
  });

  it('reaches every topic by number with Arabic-Indic and Persian digits', () => {
    const ar = inLocale('ar');
    ar.text('١');
    expect(ar.state.topic).toBe('relative');
    const fa = inLocale('fa');
    fa.text('۲');
    expect(fa.state.topic).toBe('held');
  });
});

const FILES = { fr: frFile, en: enFile, ar: arFile, es: esFile, 'pt-BR': ptFile, fa: faFile, ps: psFile, ti: tiFile } as const;
function localeKeywords(locale: LocaleCode): Record<string, string[]> {
  return FILES[locale].keywords as Record<string, string[]>;
}
function commandWords(locale: LocaleCode): Record<(typeof COMMANDS)[number], string[]> {
  return FILES[locale].commands as Record<(typeof COMMANDS)[number], string[]>;
}

describe('commands work anywhere, in every locale, by word', () => {
  for (const locale of LOCALES) {
    it(`${locale}: menu, back, language, volunteer, about, erase`, () => {
      const words = commandWords(locale);
      for (const word of words.menu) {
        const c = inLocale(locale);
        c.tap('t:held');
        c.tap('t:h-rights');
        c.text(word);
        expect(c.state.topic, `${locale} “${word}”`).toBe(content.rootId);
        expect(c.state.history).toEqual([]);
      }
      for (const word of words.back) {
        const c = inLocale(locale);
        c.tap('t:border');
        c.tap('t:b-keep');
        c.text(word);
        expect(c.state.topic, `${locale} “${word}”`).toBe('border');
      }
      for (const word of words.language) {
        const c = inLocale(locale);
        const r = c.text(word);
        expect(lastChoices(r).map((ch) => ch.id), `${locale} “${word}”`).toContain('lang:ti');
      }
      for (const word of words.volunteer) {
        const c = inLocale(locale);
        const r = c.text(word);
        expect(handoffs(r), `${locale} “${word}”`).toEqual([{ urgent: false, reason: 'asked', topicId: 'home' }]);
      }
      for (const word of words.about) {
        const c = inLocale(locale);
        c.text(word);
        expect(c.state.topic, `${locale} “${word}”`).toBe('about');
      }
      for (const word of words.erase) {
        const c = inLocale(locale);
        const r = c.text(word);
        expect(c.state.pendingErase, `${locale} “${word}”`).toBe(true);
        expect(lastChoices(r).map((ch) => ch.id)).toEqual(['erase:yes', 'erase:no']);
      }
    });
  }

  it('"0" opens the menu, "/menu" and platform commands work too', () => {
    const c = inLocale('es');
    c.tap('t:relative');
    c.text('0');
    expect(c.state.topic).toBe('home');
    c.tap('t:relative');
    c.text('/menu');
    expect(c.state.topic).toBe('home');
    c.tap('t:relative');
    c.command('menu');
    expect(c.state.topic).toBe('home');
  });

  it('back walks the history, then climbs to the parent', () => {
    const c = inLocale('en');
    c.tap('t:held');
    c.tap('t:h-asylum');
    c.tap('t:h-asylum-refusal');
    c.text('retour'); // a French word still works for an English reader
    expect(c.state.topic).toBe('h-asylum');
    c.command('back');
    expect(c.state.topic).toBe('held');
    c.command('back');
    expect(c.state.topic).toBe('home');
    // No history left (e.g. arrived by deep link): back goes to the parent.
    const d = conversation({ hints: { languageCode: 'en' } });
    d.send({ kind: 'start', payload: 'jour-franc' });
    d.command('back');
    expect(d.state.topic).toBe('held');
  });

  it('back from the language picker or a volunteer reply shows the topic again', () => {
    const c = inLocale('fr');
    c.tap('t:border');
    c.tap('t:b-asylum');
    c.command('volunteer');
    c.tap('nav:back');
    expect(c.state.topic).toBe('b-asylum');
    expect(c.state.onTopic).toBe(true);
  });
});

describe('free text', () => {
  // Asylum words fit both the waiting zone and the land border: read from the held menu.
  it.each([
    ['fr', 'asile'],
    ['fr', 'ASILE'],
    ['fr', 'demande d’asile'],
    ['fr', 'asyle'],
    ['fr', 'réfugié'],
    ['en', 'asylum'],
    ['en', 'Asylum!!'],
    ['en', 'asylm'],
    ['en', 'asylum-seeker'],
    ['ar', 'لجوء'],
    ['ar', 'اللجوء'],
    ['ar', 'لُجُوء'],
    ['ar', 'lujoo'],
    ['fa', 'پناهندگی'],
    ['fa', 'پناهندگي'],
    ['fa', 'panahandegi'],
    ['ti', 'ዑቕባ'],
    ['ti', 'ዕቑባ'],
    ['es', 'asilo'],
    ['pt-BR', 'pedido de asilo'],
    ['ps', 'پناه'],
  ] as [LocaleCode, string][])('%s: “%s” → asylum', (locale, text) => {
    const c = inLocale(locale);
    c.tap('t:held');
    const r = c.text(text);
    expect(c.state.topic).toBe('h-asylum');
    expect(r.locale).toBe(locale);
  });

  it('offers both asylum topics when nothing says where the person is', () => {
    const c = inLocale('fr');
    const r = c.text('asile');
    expect(c.state.onTopic).toBe(false);
    expect(texts(r)).toEqual([content.text('fr', 'didyoumean')]);
    const choices = lastChoices(r);
    expect(choices.map((ch) => ch.id)).toEqual(['t:h-asylum', 't:b-asylum', 'nav:menu', 'nav:volunteer']);
    expect(choices[0]).toEqual({ id: 't:h-asylum', label: content.text('fr', 'h-asylum.label'), description: content.text('fr', 'held.label') });
    c.text('2');
    expect(c.state.topic).toBe('b-asylum');
  });

  it.each([
    ['fr', 'combien de temps ça dure', 'r-duration'],
    ['fr', 'mon frère est bloqué à l’aéroport, ses droits ?', 'r-rights'],
    ['fr', 'je suis à Menton, asile', 'b-asylum'],
    ['fr', 'demande d’asile', 'h-asylum'],
    ['en', 'I am under 18 and held at the airport', 'h-minors'],
    ['en', 'under 18', 'did-you-mean'],
    ['en', 'what is a waiting zone?', 'r-zone'],
    ['es', 'quiero pedir asilo en la frontera', 'b-asylum'],
    ['ar', 'طلب اللجوء', 'h-asylum'],
    ['ti', 'ዑቕባ ኣብ ዶብ', 'b-asylum'],
  ] as [LocaleCode, string, string][])('%s: “%s” → %s', (locale, text, topic) => {
    const c = inLocale(locale);
    const r = c.text(text);
    if (topic === 'did-you-mean') return expect(texts(r)).toEqual([content.text(locale, 'didyoumean')]);
    expect(c.state.topic).toBe(topic);
    expect(r.locale).toBe(locale);
  });

  it('prefers the branch the person is reading when a word fits two topics', () => {
    const c = inLocale('fr');
    c.tap('t:border');
    c.text('mineur');
    expect(c.state.topic).toBe('b-minors');
    const d = inLocale('fr');
    d.tap('t:held');
    d.text('mineur');
    expect(d.state.topic).toBe('h-minors');
  });

  it('says plainly when nothing matches and offers the menu and a volunteer; taking it up hands off as no-match', () => {
    const c = inLocale('fr');
    const r = c.text('xqzw blorp');
    expect(texts(r)).toEqual([content.text('fr', 'nomatch')]);
    expect(lastChoices(r).map((ch) => ch.id)).toEqual(['nav:menu', 'nav:volunteer']);
    expect(handoffs(r)).toEqual([]);
    const v = c.text('2');
    expect(handoffs(v)).toEqual([{ urgent: false, reason: 'no-match', topicId: 'home' }]);
  });

  it('answers a greeting with the menu', () => {
    const c = inLocale('en');
    c.tap('t:held');
    c.text('hello');
    expect(c.state.topic).toBe('home');
  });

  it('a number outside the choices is not a match', () => {
    const c = inLocale('fr');
    const r = c.text('42');
    expect(texts(r)).toEqual([content.text('fr', 'nomatch')]);
  });

  it('a stale or forged choice id gets a polite reply, not a crash', () => {
    const c = inLocale('en');
    const r = c.tap('t:no-such-topic');
    expect(texts(r)).toEqual([content.text('en', 'stale')]);
    expect(c.tap('weird').outbound.length).toBeGreaterThan(0);
    expect(c.tap('lang:xx').outbound.length).toBeGreaterThan(0);
  });
});

describe('who is writing: the person held, or someone close', () => {
  it('asks one short question when the words do not say who writes, and opens the branch the answer names', () => {
    const c = inLocale('en');
    const r = c.text('brother held');
    expect(texts(r)).toEqual([content.text('en', 'who.ask')]);
    expect(lastChoices(r)).toEqual([
      { id: 'who:me', label: content.text('en', 'who.me') },
      { id: 'who:relative', label: content.text('en', 'who.relative') },
    ]);
    expect(c.state.onTopic).toBe(false);
    c.tap('who:relative');
    expect(c.state.topic).toBe('relative');
    const d = inLocale('en');
    d.text('brother held');
    d.tap('who:me');
    expect(d.state.topic).toBe('held');
  });

  it('remembers the question asked: the rights of the person held, or a relative’s view of them', () => {
    const c = inLocale('en');
    c.text('brother held rights');
    c.tap('who:relative');
    expect(c.state.topic).toBe('r-rights');
    const d = inLocale('en');
    d.text('brother held lawyer');
    d.tap('who:me');
    expect(d.state.topic).toBe('h-rights');
  });

  it.each([
    ['fr', 'frère retenu', 'moi', 'held'],
    ['fr', 'frère retenu', 'mon frère', 'relative'],
    ['fr', 'frère retenu', 'une personne proche', 'relative'],
    ['fr', 'frère retenu', '1', 'held'],
    ['fr', 'frère retenu', '2', 'relative'],
    ['en', 'brother held', 'me', 'held'],
    ['en', 'brother held', 'my wife', 'relative'],
    ['es', 'hermano detenido', 'yo', 'held'],
    ['pt-BR', 'irmão detido', 'meu irmão', 'relative'],
    ['ps', 'ورور نیولی', 'زه', 'held'],
    ['ps', 'ورور نیولی', 'زما ورور', 'relative'],
    ['ps', 'ورور نیولی', '٢', 'relative'],
  ] as [LocaleCode, string, string, string][])('%s: «%s», then typing «%s» opens %s', (locale, first, answer, topic) => {
    const c = inLocale(locale);
    expect(lastChoices(c.text(first)).map((ch) => ch.id)).toEqual(['who:me', 'who:relative']);
    const r = c.text(answer);
    expect(c.state.topic).toBe(topic);
    expect(c.state.pendingWho).toBeUndefined();
    expect(r.locale).toBe(locale);
  });

  it('reads anything else after the question as a new message', () => {
    const c = inLocale('fr');
    c.text('frère retenu');
    c.text('combien de temps');
    expect(c.state.topic).toBe('r-duration');
    expect(c.state.pendingWho).toBeUndefined();
    // The question is not asked forever: a later "moi" is just a word.
    c.text('moi');
    expect(c.state.topic).toBe('r-duration');
  });

  it('an old "who" button opens its branch’s menu', () => {
    const c = inLocale('en');
    c.tap('who:relative');
    expect(c.state.topic).toBe('relative');
  });

  it('still alerts a volunteer first when the unclear message carries a deadline', () => {
    const c = inLocale('fr');
    const r = c.text('frère retenu, vol demain');
    expect(handoffs(r)[0]).toMatchObject({ urgent: true, reason: 'urgent-deadline' });
    expect(texts(r)[0]).toBe(content.text('fr', 'urgent.detected'));
    expect(lastChoices(r).map((ch) => ch.id)).toEqual(['who:me', 'who:relative']);
  });

  it('asks after the language when the first words were unclear', () => {
    const c = conversation();
    c.text('ورور نیولی');
    expect(c.state.pendingWho).toEqual({ me: 'held', relative: 'relative' });
    const r = c.tap('lang:ps');
    expect(texts(r)).toEqual([content.text('ps', 'welcome'), content.text('ps', 'draft.notice'), content.text('ps', 'who.ask')]);
    c.tap('who:relative');
    expect(c.state.topic).toBe('relative');
  });
});

describe('urgency', () => {
  it.each([
    ['fr', 'mon vol est demain matin'],
    ['fr', 'L’audience est aujourd’hui'],
    ['en', 'my flight is tomorrow'],
    ['en', 'the hearing is TODAY'],
    ['es', 'mi vuelo es mañana'],
    ['pt-BR', 'o voo é amanhã'],
    ['ar', 'الرحلة غدا'],
    ['ar', 'الجلسة اليوم'],
    ['fa', 'پرواز من فردا است'],
    ['ps', 'سبا الوتنه ده'],
    ['ti', 'ጽባሕ በረራ ኣሎ'],
  ] as [LocaleCode, string][])('%s: “%s” alerts a volunteer at once, marked urgent', (locale, text) => {
    const c = inLocale(locale);
    const r = c.text(text);
    expect(handoffs(r)).toHaveLength(1);
    expect(handoffs(r)[0]).toMatchObject({ urgent: true, reason: 'urgent-deadline' });
    expect(texts(r)[0]).toBe(content.text(locale, 'urgent.detected'));
    expect(c.state.urgent).toBe(true);
    // Later handoffs of this conversation stay urgent.
    expect(handoffs(c.command('volunteer'))[0]).toMatchObject({ urgent: true, reason: 'asked' });
  });

  it('still answers the question asked with the urgency', () => {
    const c = inLocale('en');
    const r = c.text('asylum refused, appeal tomorrow');
    expect(handoffs(r)[0]).toMatchObject({ urgent: true, reason: 'urgent-deadline', topicId: 'h-asylum-refusal' });
    expect(c.state.topic).toBe('h-asylum-refusal');
  });

  it('a day alone, or an event alone, is not urgent', () => {
    const c = inLocale('fr');
    expect(handoffs(c.text('demain'))).toEqual([]);
    expect(handoffs(c.text('audience'))).toEqual([]);
    expect(c.state.urgent).toBe(false);
  });
});

describe('volunteer and the association’s contacts', () => {
  it('emits a handoff and shows no contact when none is configured', () => {
    const c = inLocale('fr');
    c.tap('t:relative');
    const r = c.tap('t:r-volunteer');
    expect(texts(r).join('\n')).not.toMatch(/Téléphone|Adresse|Horaires/);
    const v = c.tap('nav:volunteer');
    expect(handoffs(v)).toEqual([{ urgent: false, reason: 'asked', topicId: 'r-volunteer' }]);
    // What happens next, then the intake, asking first what the relatives' branch did not say.
    expect(texts(v)).toEqual([
      content.text('fr', 'volunteer.requested'),
      content.text('fr', 'handoff.open'),
      content.text('fr', 'intake.intro'),
      content.text('fr', 'intake.zone.ask'),
    ]);
  });

  it('shows only the contacts that are set, isolated in right-to-left text', () => {
    const c = inLocale('ar', { association: { phone: '+33 1 23 45 67 89', email: 'aide@example.org' } });
    const r = c.command('volunteer');
    const contact = texts(r).find((t) => t.startsWith(content.text('ar', 'contact.intro')))!;
    expect(contact).toContain(`${FSI}+33 1 23 45 67 89${PDI}`);
    expect(contact).toContain(`${FSI}aide@example.org${PDI}`);
    expect(contact).not.toContain(content.text('ar', 'contact.hours', { hours: '' }).split(':')[0]);
    const fr = inLocale('fr', { association: { hours: 'lun.–ven. 10 h–18 h' } });
    const fx = fr.command('volunteer');
    expect(texts(fx)).toContain(`${content.text('fr', 'contact.intro')}\n${content.text('fr', 'contact.hours', { hours: 'lun.–ven. 10 h–18 h' })}`);
  });
});

describe('delete my data', () => {
  it('asks, then erases on yes and says what was kept', () => {
    const c = inLocale('es');
    c.tap('t:held');
    const ask = c.command('erase');
    expect(ask.erase).toBe(false);
    expect(texts(ask)).toEqual([content.text('es', 'erase.confirm')]);
    const done = c.text('sí');
    expect(done.erase).toBe(true);
    expect(done.locale).toBe('es');
    expect(texts(done)).toEqual([content.text('es', 'erase.done')]);
    expect(done.state).toEqual(initialState());
  });

  it('erases with the button or its number, in any locale', () => {
    for (const locale of LOCALES) {
      const c = inLocale(locale);
      c.command('erase');
      expect(c.text('1').erase, locale).toBe(true);
      const d = inLocale(locale);
      d.tap('nav:erase');
      expect(d.tap('erase:yes').erase, locale).toBe(true);
    }
  });

  it('keeps everything on no, and on anything else', () => {
    const c = inLocale('fr');
    c.command('erase');
    const no = c.text('non');
    expect(no.erase).toBe(false);
    expect(texts(no)).toEqual([content.text('fr', 'erase.cancelled')]);
    c.command('erase');
    c.text('demande d’asile');
    expect(c.state.pendingErase).toBe(false);
    expect(c.state.topic).toBe('h-asylum');
  });

  it('an old "yes" button without a fresh question asks again', () => {
    const c = inLocale('en');
    const r = c.tap('erase:yes');
    expect(r.erase).toBe(false);
    expect(c.state.pendingErase).toBe(true);
  });
});

describe('unsupported media', () => {
  it.each(LOCALES)('%s: says what Relais can read and offers a volunteer', (locale) => {
    for (const what of UNSUPPORTED_KINDS) {
      const c = inLocale(locale);
      const r = c.send({ kind: 'unsupported', what });
      expect(r.locale).toBe(locale);
      expect(texts(r)).toEqual([content.text(locale, 'unsupported', { what })]);
      expect(lastChoices(r).map((ch) => ch.id)).toEqual(['nav:volunteer', 'nav:menu']);
      const v = c.text('1');
      expect(handoffs(v)).toEqual([{ urgent: false, reason: 'unsupported-media', topicId: 'home' }]);
    }
  });

  it('names the kind of media in the message', () => {
    expect(content.text('fr', 'unsupported', { what: 'audio' })).toContain('messages vocaux');
    expect(content.text('en', 'unsupported', { what: 'image' })).toContain('photos');
  });
});

describe('deep links', () => {
  it.each([
    ['zone-attente', 'r-zone'],
    ['frontiere-italie', 'border'],
    ['frontiere-espagne', 'border'],
    ['menton', 'border'],
    ['asile', 'h-asylum'],
    ['jour-franc', 'h-jour-franc'],
    ['mineur', 'h-minors'],
    ['violences', 'violence'],
    ['proche', 'relative'],
    ['h-leave', 'h-leave'],
    ['ZONE_ATTENTE', 'r-zone'],
  ])('/start %s opens %s in the guessed language', (payload, topic) => {
    const c = conversation({ hints: { languageCode: 'ar' } });
    const r = c.send({ kind: 'start', payload });
    expect(c.state.topic).toBe(topic);
    expect(r.locale).toBe('ar');
    expect(texts(r)[0]).toBe(content.text('ar', 'draft.notice'));
    // The first screen offers to change language, since nobody confirmed it.
    expect(lastChoices(r).map((ch) => ch.id)).toContain('nav:language');
  });

  it('a payload can name the language: zone-attente--pt-br', () => {
    const c = conversation({ hints: { languageCode: 'fr' } });
    const r = c.send({ kind: 'start', payload: 'zone-attente--pt-br' });
    expect(r.locale).toBe('pt-BR');
    expect(c.state.topic).toBe('r-zone');
  });

  it('an unknown payload falls back to the welcome and the picker', () => {
    const c = conversation({ hints: { languageCode: 'en' } });
    const r = c.send({ kind: 'start', payload: 'nonsense' });
    expect(texts(r)[0]).toBe(content.text('en', 'welcome'));
    expect(lastChoices(r)[0]!.id).toBe('lang:en');
  });

  it('a deep link later in the conversation opens the topic and keeps history', () => {
    const c = inLocale('en');
    c.tap('t:held');
    c.send({ kind: 'start', payload: 'frontiere-italie' });
    expect(c.state.topic).toBe('border');
    c.command('back');
    expect(c.state.topic).toBe('held');
  });
});

describe('state', () => {
  it('is plain JSON and a stored state from an older shape still works', () => {
    const c = inLocale('fr');
    c.tap('t:held');
    expect(JSON.parse(JSON.stringify(c.state))).toEqual(c.state);
    const old = { v: 1, locale: 'en' } as unknown as ConversationState;
    const r = step(old, { channel: 'web', externalId: 'x', personKey: 'p', receivedAt: NOW, body: { kind: 'text', text: 'asylum claim' } }, {
      content,
      association: {},
      channel: 'web',
      now: NOW,
    });
    expect(r.state.topic).toBe('h-asylum');
  });

  it('does not change the state it was given', () => {
    const c = inLocale('fr');
    const before = JSON.stringify(c.state);
    step(c.state, { channel: 'web', externalId: 'y', personKey: 'p', receivedAt: NOW, body: { kind: 'text', text: 'asile' } }, {
      content,
      association: {},
      channel: 'web',
      now: NOW,
    });
    expect(JSON.stringify(c.state)).toBe(before);
  });
});
