#!/usr/bin/env node
/**
 * Applies the reviewed patches in `patches/` to installed dependencies: the `postinstall` script, so
 * `npm ci` and `npm ci --omit=dev` (production) both run it. `--check` only verifies that every patch
 * is applied (exit 1 if not), for tests and CI.
 *
 * Why our own script rather than patch-package: production installs with `--omit=dev`, so the tool
 * would have to be a runtime dependency, with its own dependency tree, to apply a few dozen lines; and
 * patch-package tolerates a version mismatch with a warning. This script has no dependency, needs
 * neither git nor patch(1) on the host, and is strict on purpose:
 * - a patch is named `<package>+<version>.patch` (`@scope+name+version` for a scoped package) and
 *   applies only to exactly that installed version: after an upgrade it fails, loudly, until someone
 *   checks whether the fix is still needed and re-does or drops the patch;
 * - each hunk must match its file exactly (context and removed lines, no fuzz), else it fails;
 * - it is idempotent: a file whose every hunk is already applied is left alone, so running it twice
 *   (npm install after npm ci, a cached node_modules) is harmless;
 * - nothing is written unless every hunk of every file of the patch applies.
 * The patch files are ordinary unified diffs (`git apply` reads them too); text before the first
 * `--- ` line is their header, for the reviewer.
 */
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const patchesDir = join(root, 'patches');
const checkOnly = process.argv.includes('--check');

function fail(message) {
  console.error(`patch-dependencies: ${message}`);
  process.exit(1);
}

/** Parses a unified diff into files and hunks (old and new line blocks, and the old start line). */
function parsePatch(text, name) {
  const lines = text.split('\n');
  const files = [];
  let i = lines.findIndex((line) => line.startsWith('--- '));
  if (i === -1) fail(`${name}: no file in the patch`);
  while (i < lines.length) {
    const line = lines[i];
    if (!line.startsWith('--- ')) {
      i++;
      continue;
    }
    const plus = lines[i + 1] ?? '';
    if (!plus.startsWith('+++ ')) fail(`${name}: "--- " without "+++ " at line ${i + 1}`);
    const path = plus.slice(4).split('\t')[0].replace(/^b\//, '');
    const file = { path, hunks: [] };
    files.push(file);
    i += 2;
    while (i < lines.length && lines[i].startsWith('@@')) {
      const header = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(lines[i]);
      if (!header) fail(`${name}: bad hunk header at line ${i + 1}`);
      let oldCount = header[2] === undefined ? 1 : Number(header[2]);
      let newCount = header[4] === undefined ? 1 : Number(header[4]);
      const hunk = { oldStart: Number(header[1]), old: [], new: [], at: i + 1 };
      i++;
      while (oldCount > 0 || newCount > 0) {
        const body = lines[i];
        if (body === undefined) fail(`${name}: hunk at line ${hunk.at} is cut short`);
        const tag = body[0];
        const content = body.slice(1);
        if (tag === ' ' || body === '') {
          hunk.old.push(content);
          hunk.new.push(content);
          oldCount--;
          newCount--;
        } else if (tag === '-') {
          hunk.old.push(content);
          oldCount--;
        } else if (tag === '+') {
          hunk.new.push(content);
          newCount--;
        } else if (tag !== '\\') {
          fail(`${name}: unexpected line ${i + 1} in the hunk at line ${hunk.at}`);
        }
        i++;
      }
      if (oldCount < 0 || newCount < 0) fail(`${name}: hunk at line ${hunk.at} does not match its header`);
      file.hunks.push(hunk);
    }
  }
  return files;
}

/** Where `block` occurs in `lines` at or after `from`: the occurrence nearest `hint`, or -1. */
function find(lines, block, from, hint) {
  let best = -1;
  for (let start = from; start + block.length <= lines.length; start++) {
    let same = true;
    for (let k = 0; k < block.length; k++) {
      if (lines[start + k] !== block[k]) {
        same = false;
        break;
      }
    }
    if (same && (best === -1 || Math.abs(start - hint) < Math.abs(best - hint))) best = start;
  }
  return best;
}

/** Applies the hunks in order, exactly; null when one of them does not match. */
function apply(lines, hunks, direction) {
  const out = [...lines];
  let from = 0;
  for (const hunk of hunks) {
    const [before, after] = direction === 'forward' ? [hunk.old, hunk.new] : [hunk.new, hunk.old];
    const at = find(out, before, from, hunk.oldStart - 1);
    if (at === -1) return null;
    out.splice(at, before.length, ...after);
    from = at + after.length;
  }
  return out;
}

/** `postgres+3.4.9.patch` → { name: 'postgres', version: '3.4.9' }; `@a+b+1.0.0.patch` → `@a/b`. */
function target(fileName) {
  const parts = fileName.replace(/\.patch$/, '').split('+');
  const version = parts.pop();
  if (!version || parts.length === 0) fail(`${fileName}: name it <package>+<version>.patch`);
  return { name: parts.join('/'), version };
}

const patchFiles = existsSync(patchesDir) ? readdirSync(patchesDir).filter((f) => f.endsWith('.patch')).sort() : [];
const report = [];
for (const fileName of patchFiles) {
  const { name, version } = target(fileName);
  const manifest = join(root, 'node_modules', name, 'package.json');
  if (!existsSync(manifest)) fail(`${fileName}: ${name} is not installed (node_modules/${name})`);
  const installed = JSON.parse(readFileSync(manifest, 'utf8')).version;
  if (installed !== version) {
    fail(
      `${fileName} is for ${name} ${version}, but ${installed} is installed. Check whether ${installed} still ` +
        `needs it (see the patch's header), then re-make it for ${installed} or delete it.`,
    );
  }

  const writes = [];
  let applied = 0;
  for (const file of parsePatch(readFileSync(join(patchesDir, fileName), 'utf8'), fileName)) {
    const path = join(root, file.path);
    if (!existsSync(path)) fail(`${fileName}: ${file.path} does not exist`);
    const lines = readFileSync(path, 'utf8').split('\n');
    const patched = apply(lines, file.hunks, 'forward');
    if (patched) {
      writes.push({ path, text: patched.join('\n') });
      continue;
    }
    if (apply(lines, file.hunks, 'reverse')) {
      applied++;
      continue;
    }
    fail(`${fileName}: ${file.path} matches neither the unpatched nor the patched text: the patch must be re-made.`);
  }

  if (checkOnly) {
    if (writes.length > 0) fail(`${fileName}: not applied to ${writes.map((w) => w.path.slice(root.length + 1)).join(', ')}`);
  } else {
    for (const { path, text } of writes) {
      writeFileSync(`${path}.relais-patch-tmp`, text);
      renameSync(`${path}.relais-patch-tmp`, path);
    }
  }
  report.push(`${name}@${version}: ${writes.length} file(s) ${checkOnly ? 'to patch' : 'patched'}, ${applied} already`);
}

console.log(`patch-dependencies: ${report.length === 0 ? 'no patches' : report.join('; ')}`);
