import { Hono } from 'hono';
import { z } from 'zod';
import type { Content } from '../../content/index.js';
import { WEB_WORDS, type WebWord } from '../../content/screens.js';
import { LOCALES, type Direction, type LocaleCode } from '../../core/locales.js';
import { COMMANDS, type InboundMessage } from '../../core/messages.js';
import { storableJson } from '../../core/text.js';
import { deliveredTo, type DeliveredReply } from '../../outbox/rows.js';
import type { ChannelSender } from '../../outbox/sender.js';
import type { Db } from '../../storage/database.js';
import type { Channel, ChannelCore } from '../channel.js';
import { CHAT_PAGE } from './chat-page.js';

/**
 * The local web chat (`/chat`): the first thing a newcomer sees after `npm start`, and the way to try
 * Relais without any token. It goes through the same inbox, engine, database and outbox as Telegram and
 * WhatsApp; "delivery" just marks the row sent, and the page reads the replies from the outbox.
 */

const session = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'session must be 8–64 characters among A-Z a-z 0-9 _ -');

const postSchema = z
  .object({
    session,
    /** Client-made id of this message, so a double submit is answered once. */
    id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'id must be 8–64 characters among A-Z a-z 0-9 _ -'),
    text: z.string().trim().min(1).max(4000).optional(),
    choice: z.string().min(1).max(256).optional(),
    command: z.enum(COMMANDS).optional(),
    start: z.string().max(64).optional(),
    /** The browser's language, for the first-contact guess. */
    language: z.string().max(35).optional(),
  })
  .refine((b) => [b.text, b.choice, b.command, b.start].filter((v) => v !== undefined).length === 1, {
    message: 'send exactly one of text, choice, command or start',
  });

const pollSchema = z.object({ session, after: z.coerce.number().int().min(0).default(0) });
const wordsSchema = z.object({ locale: z.enum(LOCALES) });

export type WebReply = DeliveredReply;

/** The page's own words in a locale (header buttons, input, Send), and the direction to lay it out in. */
export interface WebWords {
  locale: LocaleCode;
  direction: Direction;
  words: Record<WebWord, string>;
}

/** The web chat's words from the content: translated with the rest, `web.*` in every locale. */
export function webWordsFrom(content: Content): (locale: LocaleCode) => WebWords {
  return (locale) => ({
    locale,
    direction: content.locales[locale].direction,
    words: Object.fromEntries(WEB_WORDS.map((w) => [w, content.translation(locale, `web.${w}`)])) as Record<WebWord, string>,
  });
}

export function createWebChannel(db: Db, core: ChannelCore, words: (locale: LocaleCode) => WebWords): Channel {
  const routes = new Hono();

  routes.get('/', (c) => {
    c.header('Content-Security-Policy', "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'");
    return c.html(CHAT_PAGE);
  });

  routes.post('/api/messages', async (c) => {
    // The same cleaning as the platforms' webhooks: nothing typed can make recording fail.
    const body = postSchema.safeParse(storableJson(await c.req.json().catch(() => undefined)));
    if (!body.success) return c.json({ error: z.prettifyError(body.error) }, 400);
    const b = body.data;
    const inbound: InboundMessage = {
      channel: 'web',
      externalId: `${b.session}:${b.id}`,
      personKey: b.session,
      receivedAt: new Date(),
      ...(b.language ? { hints: { languageCode: b.language } } : {}),
      body:
        b.text !== undefined
          ? { kind: 'text', text: b.text }
          : b.choice !== undefined
            ? { kind: 'choice', id: b.choice }
            : b.command !== undefined
              ? { kind: 'command', command: b.command }
              : { kind: 'start', ...(b.start ? { payload: b.start } : {}) },
    };
    const { recorded } = await core.inbox.record([inbound]);
    // The page waits for its answer, so here processing happens before the response.
    await core.inbox.process(recorded);
    return c.json({ ok: true });
  });

  // The page asks once per language it meets: its buttons and input follow the conversation's language.
  routes.get('/api/words', (c) => {
    const query = wordsSchema.safeParse(c.req.query());
    if (!query.success) return c.json({ error: z.prettifyError(query.error) }, 400);
    c.header('Cache-Control', 'public, max-age=300');
    return c.json(words(query.data.locale));
  });

  routes.get('/api/messages', async (c) => {
    const query = pollSchema.safeParse(c.req.query());
    if (!query.success) return c.json({ error: z.prettifyError(query.error) }, 400);
    return c.json({ replies: await deliveredTo(db, 'web', query.data.session, query.data.after) });
  });

  const sender: ChannelSender = {
    channel: 'web',
    // The page reads replies from the outbox: being committed is being delivered.
    send: async (delivery) => ({ status: 'sent', externalIds: [String(delivery.id)] }),
  };

  return { name: 'web', mount: '/chat', routes, sender };
}
