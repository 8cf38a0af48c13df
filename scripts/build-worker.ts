/**
 * `npm run build:worker`: bundles the Worker exactly as `wrangler deploy` would (dry run, minified) and
 * prints its size, raw and gzip. Fails above 1 MiB gzip: the budget with every locale on board.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const outdir = 'dist/worker';
const LIMIT = 1024 * 1024;

rmSync(outdir, { recursive: true, force: true });
execFileSync('npx', ['wrangler', 'deploy', '--dry-run', '--minify', '--outdir', outdir], {
  stdio: ['ignore', 'ignore', 'inherit'],
  env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
});

let raw = 0;
let gzip = 0;
for (const file of readdirSync(outdir, { recursive: true }) as string[]) {
  const path = join(outdir, file);
  if (!statSync(path).isFile() || path.endsWith('.map') || path.endsWith('README.md')) continue;
  const bytes = readFileSync(path);
  raw += bytes.length;
  gzip += gzipSync(bytes, { level: 9 }).length;
}
const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
console.log(`Worker bundle: ${kib(raw)} raw, ${kib(gzip)} gzip (limit ${kib(LIMIT)} gzip) in ${outdir}/`);
if (gzip > LIMIT) {
  console.error('The Worker bundle is over the 1 MiB gzip budget.');
  process.exit(1);
}
