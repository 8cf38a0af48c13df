// Compiles the Node entries to JavaScript (dist/node/), so production runs plain JavaScript: no
// TypeScript compiler in the server's memory (tsx stays for development and tests). Our code is
// bundled; dependencies stay in node_modules (PGlite loads its WebAssembly from there). Runs before
// `npm start` and the operators' commands; it takes a fraction of a second.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export const NODE_ENTRIES = {
  server: 'src/entry/node.ts',
  migrate: 'src/entry/migrate.ts',
  chat: 'src/entry/chat-cli.ts',
  'telegram-webhook': 'src/entry/telegram-webhook.ts',
  'telegram-polling': 'src/entry/telegram-polling.ts',
  volunteers: 'src/entry/volunteers-cli.ts',
  leaflets: 'src/entry/leaflets-cli.ts',
};

export async function buildNode() {
  await build({
    absWorkingDir: root,
    entryPoints: NODE_ENTRIES,
    outdir: 'dist/node',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
    // Chunks share code between entries; the banner lets bundled CommonJS helpers find `require`.
    chunkNames: 'chunks/[name]-[hash]',
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await buildNode();
