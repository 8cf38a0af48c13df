import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import type { WebReply } from '../channels/web/index.js';
import { COMMANDS, type CommandName } from '../core/messages.js';
import { createLogger } from '../logger.js';
import { bootOrExit } from './boot.js';

/**
 * `npm run chat -- --lang fr`: talk to Relais in the terminal, through the same web channel, engine,
 * database and outbox as `/chat`. Type a number to pick a choice, words to search, `/menu`,
 * `/language`, `/volunteer`, `/about`, `/erase`, `/back`; `/quit` or Ctrl-D to leave.
 */
const { values } = parseArgs({
  options: {
    lang: { type: 'string', short: 'l' },
    start: { type: 'string', short: 's' },
    new: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log('Usage: npm run chat -- [--lang fr|en|ar|es|pt-BR|fa|ps|ti] [--start zone-attente] [--new]');
  process.exit(0);
}

const booted = await bootOrExit(process.env, {
  // Its own embedded database folder, so it can run beside `npm start`.
  configure: (config) => ({ ...config, simulatorEnabled: true, dataDir: join(config.dataDir, 'terminal') }),
  logger: createLogger('warn', (line) => console.error(line)),
});
const { relais } = booted;
const session = values.new ? `term${Date.now().toString(36)}` : 'terminal-chat';
let after = 0;
let counter = 0;

async function send(body: Record<string, string>): Promise<void> {
  const res = await relais.app.request('/chat/api/messages', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ session, id: `t${Date.now().toString(36)}${counter++}`, ...(values.lang ? { language: values.lang } : {}), ...body }),
  });
  if (!res.ok) console.log(`! ${((await res.json()) as { error?: string }).error ?? res.statusText}`);
  const { replies } = (await (await relais.app.request(`/chat/api/messages?session=${session}&after=${after}`)).json()) as {
    replies: WebReply[];
  };
  for (const reply of replies) {
    after = Math.max(after, reply.id);
    const m = reply.payload.message;
    console.log(`\n${m.text}`);
    if (m.kind === 'choices') {
      m.choices.forEach((c, i) => console.log(`  ${i + 1}. ${c.label}${c.description ? ` — ${c.description}` : ''}`));
    }
  }
}

const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
await send({ start: values.start ?? '' });
rl.setPrompt('\n> ');
rl.prompt();
for await (const line of rl) {
  const text = line.trim();
  if (text === '/quit' || text === '/exit') break;
  if (text) {
    const command = text.startsWith('/') ? text.slice(1).toLowerCase() : undefined;
    if (command && (COMMANDS as readonly string[]).includes(command)) await send({ command: command as CommandName });
    else await send({ text });
  }
  rl.prompt();
}
rl.close();
await booted.close();
