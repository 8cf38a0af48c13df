import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LocaleCode } from '../core/locales.js';
import { checkContent } from './check.js';
import { LOCALES_FOLDER, readContentFiles, readLocaleJson, writeLocaleJson } from './files.js';
import { buildContent, formatProblem } from './index.js';
import { parseCsv, planImport, REVIEW_COLUMNS, reviewRows, toCsv, type ReviewRow } from './review-file.js';
import { sourceHash } from './versions.js';

const run = promisify(execFile);
const TODAY = '2026-12-04';

/** A copy of `locales/` to change freely. */
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'relais-content-'));
  await cp(LOCALES_FOLDER, dir, { recursive: true });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function snapshot(): Promise<Map<string, Buffer>> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
  return new Map(await Promise.all(names.map(async (n) => [n, await readFile(join(dir, n))] as const)));
}

async function exported(locale: LocaleCode): Promise<ReviewRow[]> {
  return reviewRows(await readContentFiles(dir), locale);
}

/** Imports rows (as CSV) into the copy, writing the locale file when accepted. */
async function importRows(locale: LocaleCode, rows: ReviewRow[], reviewer?: string) {
  const plan = planImport(await readContentFiles(dir), locale, toCsv(rows), { today: TODAY, ...(reviewer ? { reviewer } : {}) });
  if (plan.status === 'ok' && plan.changes.length > 0) await writeLocaleJson(locale, plan.file, dir);
  return plan;
}

const edit = (rows: ReviewRow[], id: string, change: Partial<ReviewRow>) =>
  rows.map((r) => (r.id === id ? { ...r, ...change } : r));
/** The line a row sits on in the exported file (the header is line 1; no field holds a line break). */
const lineOf = (rows: ReviewRow[], id: string) => rows.findIndex((r) => r.id === id) + 2;

describe('content:export', () => {
  it('writes one row per message, with the French, the translation, its status and what to keep in mind', async () => {
    const rows = await exported('fa');
    const csv = toCsv(rows);
    expect(csv.startsWith('\uFEFFid,topic,french,translation,status,reviewer,reviewed_on,notes\r\n')).toBe(true);
    const files = await readContentFiles(dir);
    const fr = (files.locales.fr as { messages: Record<string, string> }).messages;
    expect(rows).toHaveLength(Object.keys(fr).length);
    expect(rows.find((r) => r.id === 'contact.phone')).toMatchObject({
      topic: 'ui',
      french: fr['contact.phone'],
      status: 'draft',
      notes: expect.stringContaining('keep {phone} as in French'),
    });
    expect(rows.find((r) => r.id === 'r-zone.label')!.notes).toMatch(/≤ 20 characters as a button, ≤ 24 in a list; open with a word in your script/);
    expect(rows.find((r) => r.id === 'r-zone.label')!.topic).toBe('r-zone');
  });

  it('reads back what it wrote, quotes, commas and line breaks included', () => {
    const row: ReviewRow = { id: 'x', topic: 'ui', french: 'Dit « oui, "non" »', translation: 'a,b\nc', status: 'draft', reviewer: '', reviewed_on: '', notes: ' lead' };
    const records = parseCsv(toCsv([row, row]));
    expect(records.map((r) => r.line)).toEqual([1, 2, 4]);
    expect(records[1]!.fields).toEqual(REVIEW_COLUMNS.map((c) => row[c]));
    // What a spreadsheet may write: no BOM, LF or CR line ends, CRLF inside a field.
    expect(parseCsv('a,b\n"x\r\ny",z\r').map((r) => r.fields)).toEqual([['a', 'b'], ['x\ny', 'z']]);
  });

  it('names the line of a broken CSV', () => {
    expect(() => parseCsv('a,b\r\nc,"d\r\ne,f\r\n')).toThrow(/^line 2: a quoted field is never closed/);
    expect(() => parseCsv('a,b\r\nc,d"e"\r\n')).toThrow(/^line 2: a quote inside an unquoted field/);
    expect(() => parseCsv('a,b\r\n"c"d,e\r\n')).toThrow(/^line 2: text after a closing quote/);
  });
});

describe('content:import', () => {
  it('an export imported untouched changes nothing: every file stays byte for byte the same', async () => {
    const before = await snapshot();
    for (const locale of ['en', 'ar', 'es', 'pt-BR', 'fa', 'ps', 'ti'] as const) {
      const plan = planImport(await readContentFiles(dir), locale, toCsv(await exported(locale)), { today: TODAY });
      expect(plan).toMatchObject({ status: 'ok', changes: [] });
      // Even written, the file is what it was.
      if (plan.status === 'ok') await writeLocaleJson(locale, plan.file, dir);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('takes an edited row, stamps it as translating the current French, and records its reviewer', async () => {
    const rows = await exported('fa');
    const text = 'منطقهٔ انتظار جایی بسته در سرحد است.';
    const plan = await importRows('fa', edit(rows, 'r-zone.1', { translation: text, reviewer: 'Zahra Ahmadi', reviewed_on: '2026-12-03' }));
    expect(plan).toMatchObject({ status: 'ok', changes: [{ line: lineOf(rows, 'r-zone.1'), id: 'r-zone.1', what: 'updated', stillStale: false }] });
    const fa = await readLocaleJson('fa', dir);
    const fr = await readLocaleJson('fr', dir);
    expect((fa.messages as Record<string, string>)['r-zone.1']).toBe(text);
    expect((fa.sources as Record<string, string>)['r-zone.1']).toBe(sourceHash((fr.messages as Record<string, string>)['r-zone.1']!));
    expect((fa.reviews as Record<string, unknown>)['r-zone.1']).toEqual({ by: 'Zahra Ahmadi', on: '2026-12-03' });
    const content = buildContent(await readContentFiles(dir));
    expect(content.state('fa', 'r-zone.1')).toBe('reviewed');
    expect(checkContent(await readContentFiles(dir)).map(formatProblem)).toEqual([]);
  });

  it('--reviewer vouches for the rows the file changes; a changed translation without a reviewer loses its old review', async () => {
    await importRows('es', edit(await exported('es'), 'r-zone.2', { reviewer: 'Lucía', reviewed_on: '2026-12-01' }));
    expect(((await readLocaleJson('es', dir)).reviews as Record<string, unknown>)['r-zone.2']).toEqual({ by: 'Lucía', on: '2026-12-01' });
    // The export now carries Lucía's review on that row; changing the text without a new review drops it.
    let rows = await exported('es');
    expect(rows.find((r) => r.id === 'r-zone.2')).toMatchObject({ status: 'reviewed', reviewer: 'Lucía', reviewed_on: '2026-12-01' });
    await importRows('es', edit(rows, 'r-zone.2', { translation: 'Una zona de espera es un lugar cerrado.' }));
    expect(((await readLocaleJson('es', dir)).reviews as Record<string, unknown> | undefined)?.['r-zone.2']).toBeUndefined();
    rows = await exported('es');
    const plan = await importRows('es', edit(rows, 'r-zone.3', { translation: 'La policía puede devolverla en cualquier momento.' }), 'Marta');
    expect(plan).toMatchObject({ status: 'ok', changes: [{ id: 'r-zone.3', what: 'updated' }] });
    expect(((await readLocaleJson('es', dir)).reviews as Record<string, unknown>)['r-zone.3']).toEqual({ by: 'Marta', on: TODAY });
  });

  it('refuses a broken file whole, naming each line and reason, and writes nothing', async () => {
    const rows = await exported('ar');
    expect(lineOf(rows, rows[5]!.id)).toBe(7);
    let broken = edit(rows, rows[5]!.id, { translation: 'نص {مكسور' });
    broken = edit(broken, 'r-zone.label', { translation: 'منطقة الانتظار في المطارات والموانئ' });
    broken = [...broken, { ...rows[0]!, id: 'r-zone.9', topic: 'r-zone' }];
    const csvPath = join(dir, 'ar.csv');
    await writeFile(csvPath, toCsv(broken));
    const before = await snapshot();

    const plan = planImport(await readContentFiles(dir), 'ar', toCsv(broken), { today: TODAY });
    // Every error of the file at once, in line order.
    expect(plan.status === 'refused' && plan.errors).toEqual([
      expect.stringMatching(new RegExp(`^line ${lineOf(rows, 'r-zone.label')}: \\[too-long\\] (topic [a-z-]+, )?message "r-zone\\.label": WhatsApp .* over the limit of (20|24)`)),
      expect.stringMatching(new RegExp(`^line 7: \\[icu-syntax\\] message "${rows[5]!.id.replace('.', '\\.')}": ICU syntax error`)),
      `line ${broken.length + 1}: unknown message id "r-zone.9" (not in fr.json)`,
    ]);

    // The command line says the same and leaves every file as it was.
    const cli = await run('npx', ['tsx', 'src/content/import-cli.ts', '--locale', 'ar', csvPath, '--dir', dir], { cwd: process.cwd() }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('refused, nothing was changed');
    expect(cli.stderr).toContain(`line ${broken.length + 1}: unknown message id "r-zone.9"`);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses placeholders that differ from French, a right-to-left text opening with a Latin word, a bad date, a shifted row', async () => {
    const rows = await exported('fa');
    const cases: [Partial<ReviewRow>, string, RegExp][] = [
      [{ translation: 'تلفن: {telefon}' }, 'contact.phone', /\[placeholders\] message "contact\.phone": placeholders differ from fr/],
      [{ translation: 'Relais دستیار است.' }, 'about.1', /\[rtl-starts-latin\] message "about\.1": starts with “Relais”/],
      [{ reviewer: 'Omid', reviewed_on: '2026-13-01' }, 'r-zone.1', /reviewed_on is not a real date/],
      [{ reviewer: 'Omid' }, 'r-zone.1', /reviewer and reviewed_on go together/],
      [{ topic: 'r-duration' }, 'r-zone.2', /"r-zone\.2" belongs to r-zone, not r-duration/],
      [{ status: 'ok' }, 'r-zone.2', /status is one of draft, reviewed, stale, missing/],
      [{ status: 'reviewed' }, 'r-zone.2', /status "reviewed" needs a reviewer and a date/],
      [{ translation: ' ' }, 'r-zone.2', /the translation of "r-zone\.2" is empty/],
    ];
    for (const [change, id, reason] of cases) {
      const plan = planImport(await readContentFiles(dir), 'fa', toCsv(edit(rows, id, change)), { today: TODAY });
      expect(plan.status, id).toBe('refused');
      expect(plan.status === 'refused' && plan.errors[0], JSON.stringify(change)).toMatch(new RegExp(`^line ${lineOf(rows, id)}: ${reason.source}`));
    }
    const header = planImport(await readContentFiles(dir), 'fa', 'id;french\r\n', { today: TODAY });
    expect(header).toEqual({ status: 'refused', errors: [expect.stringMatching(/^line 1: the first line must be the column names/)] });
  });

  it('after a French change: the row is stale, stays so if untouched, and is confirmed or retranslated from the file', async () => {
    const fr = await readLocaleJson('fr', dir);
    const oldExport = await exported('pt-BR');
    (fr.messages as Record<string, string>)['r-zone.3'] = 'La police peut renvoyer la personne à tout moment.';
    await writeLocaleJson('fr', fr, dir);

    const rows = await exported('pt-BR');
    expect(rows.find((r) => r.id === 'r-zone.3')).toMatchObject({ status: 'stale', french: 'La police peut renvoyer la personne à tout moment.' });
    expect(buildContent(await readContentFiles(dir)).text('pt-BR', 'r-zone.3')).toContain('La police peut renvoyer la personne à tout moment.');

    // Untouched, it stays stale.
    expect(await importRows('pt-BR', rows)).toMatchObject({ status: 'ok', changes: [] });
    // A translation made from the export taken before the change is taken, but stays stale.
    const late = await importRows('pt-BR', edit(oldExport, 'r-zone.3', { translation: 'A polícia pode mandar a pessoa de volta a qualquer momento.' }));
    expect(late).toMatchObject({ status: 'ok', changes: [{ id: 'r-zone.3', what: 'updated', stillStale: true }] });
    expect(buildContent(await readContentFiles(dir)).state('pt-BR', 'r-zone.3')).toBe('stale');
    // The translator checks it against the new French and says it still holds: confirmed.
    const confirm = await importRows('pt-BR', edit(await exported('pt-BR'), 'r-zone.3', { status: 'draft' }));
    expect(confirm).toMatchObject({ status: 'ok', changes: [{ id: 'r-zone.3', what: 'confirmed', stillStale: false }] });
    expect(buildContent(await readContentFiles(dir)).state('pt-BR', 'r-zone.3')).toBe('draft');
  });
});
