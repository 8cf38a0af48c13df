// `node scripts/run.mjs <entry> [args…]`: builds the Node entries, then runs one of them (the
// operators' commands: migrations, Telegram webhook setup, the terminal chat).
import { pathToFileURL } from 'node:url';
import { buildNode, NODE_ENTRIES } from './build-node.mjs';

const [entry, ...args] = process.argv.slice(2);
if (!entry || !(entry in NODE_ENTRIES)) {
  console.error(`usage: node scripts/run.mjs <${Object.keys(NODE_ENTRIES).join('|')}> [args…]`);
  process.exit(2);
}
await buildNode();
process.argv = [process.argv[0], `dist/node/${entry}.js`, ...args];
await import(pathToFileURL(`dist/node/${entry}.js`).href);
