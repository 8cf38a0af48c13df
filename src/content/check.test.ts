import { describe, expect, it } from 'vitest';
import { checkContent, completeness, LIMITS, overdueReviews, reviewStatus } from './check.js';
import { buildContent, ContentError, formatProblem, loadContent, SHIPPED_FILES, type ContentProblem } from './index.js';
import type { LocaleFile, TopicsFile } from './schema.js';

/** An in-memory copy of the shipped content, with one defect put in by `spoil`. */
function broken(spoil: (files: { topics: TopicsFile; locales: Record<string, LocaleFile> }) => void): ContentProblem[] {
  const files = structuredClone(SHIPPED_FILES) as unknown as { topics: TopicsFile; locales: Record<string, LocaleFile> };
  spoil(files);
  return checkContent(files);
}

const topic = (files: { topics: TopicsFile }, id: string) => files.topics.topics.find((t) => t.id === id)!;

describe('content:check on the shipped content', () => {
  it('finds no problem', () => {
    expect(checkContent(SHIPPED_FILES).map(formatProblem)).toEqual([]);
  });

  it('reports every locale complete', () => {
    const rows = completeness(SHIPPED_FILES, []);
    expect(rows.map((r) => r.locale)).toEqual(['fr', 'en', 'ar', 'es', 'pt-BR', 'fa', 'ps', 'ti']);
    for (const row of rows) {
      const [have, want] = row.messages.split('/');
      expect(have, row.locale).toBe(want);
      const [covered, topics] = row.keywords.split('/');
      expect(covered, row.locale).toBe(topics);
    }
    expect(rows.find((r) => r.locale === 'fr')!.status).toBe('source');
    expect(rows.filter((r) => r.locale !== 'fr').every((r) => r.status === 'draft')).toBe(true);
  });

  it('marks every topic as needing the association’s legal review, with its sources and a date', () => {
    const content = loadContent();
    for (const t of content.topics.values()) {
      expect(t.reviewedOn, t.id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(t.review?.status, t.id).toBe('needs-review');
      if (t.kind === 'info') expect(t.sources.length, t.id).toBeGreaterThan(0);
    }
    // Asylum at the border: the EU Pact applies since 12 June 2026, flagged for the lawyers.
    expect(content.topics.get('h-asylum')!.review!.verify.join(' ')).toMatch(/Pacte/);
    expect(content.topics.get('h-asylum-refusal')!.review!.verify.join(' ')).toMatch(/L921-2/);
  });

  it('invents no phone number, address or e-mail in any message', () => {
    for (const [code, file] of Object.entries(SHIPPED_FILES.locales) as [string, LocaleFile][]) {
      for (const [id, text] of Object.entries(file.messages)) {
        expect(text, `${code} ${id}`).not.toMatch(/\d{2}[ .]\d{2}[ .]\d{2}|@|\bcedex\b|https?:/i);
      }
    }
  });

  it('fits well under 1 MiB once gzipped', async () => {
    const { gzipSync } = await import('node:zlib');
    const size = gzipSync(JSON.stringify(SHIPPED_FILES)).length;
    expect(size).toBeLessThan(200 * 1024);
  });
});

describe('the review tables', () => {
  it('count each locale’s messages as reviewed, draft, stale or missing, and name the reviewers', () => {
    const files = structuredClone(SHIPPED_FILES) as unknown as { topics: TopicsFile; locales: Record<string, LocaleFile> };
    const fa = files.locales.fa!;
    fa.reviews = { 'r-zone.1': { by: 'Zahra', on: '2026-12-02' }, 'r-zone.2': { by: 'Zahra', on: '2026-12-03' }, 'r-zone.3': { by: 'Omid', on: '2026-12-01' } };
    files.locales.fr!.messages['r-zone.3'] = 'Un texte français réécrit.';
    delete fa.messages['r-zone.4'];
    const status = reviewStatus(files)!;
    const row = status.locales.find((l) => l.locale === 'fa')!;
    expect(row.counts).toEqual({ reviewed: 2, draft: row.total - 4, stale: 1, missing: 1 });
    // Omid's review was of the translation of the old French: it no longer counts.
    expect(row.reviewers).toEqual(['Zahra: 2 messages, last 2026-12-03']);
    expect(status.topics.find((t) => t.topic === 'r-zone')!.cells).toMatchObject({ fa: 'S1 M1', es: 'S1', en: 'S1', fr: 'src' });
    expect(status.topics.find((t) => t.topic === 'r-duration')!).toMatchObject({ legal: 'needs-review', reviewBefore: '2027-01-31', cells: { fa: 'd' } });
    expect(status.stale).toContainEqual({ locale: 'fa', message: 'r-zone.3' });
    expect(status.stale).toContainEqual({ locale: 'ti', message: 'r-zone.3' });
    // Stale is listed, not a problem; a missing message still is.
    expect(checkContent(files).map((p) => p.code)).toEqual(['missing-message']);
  });

  it('mark a topic R once every one of its messages is reviewed', () => {
    const files = structuredClone(SHIPPED_FILES) as unknown as { topics: TopicsFile; locales: Record<string, LocaleFile> };
    const ids = ['b-help.label', ...topic(files, 'b-help').body];
    files.locales.ti!.reviews = Object.fromEntries(ids.map((id) => [id, { by: 'Yonas', on: '2026-12-05' }]));
    expect(reviewStatus(files)!.topics.find((t) => t.topic === 'b-help')!.cells.ti).toBe('R');
  });

  it('name the topics whose review-before date has passed, from the day after it', () => {
    const files = structuredClone(SHIPPED_FILES) as unknown as { topics: TopicsFile; locales: Record<string, LocaleFile> };
    const dated = (status: ReturnType<typeof reviewStatus>, today: string) => overdueReviews(status!, today).map((t) => t.topic);
    topic(files, 'b-help').review = { ...topic(files, 'b-help').review!, reviewBefore: '2026-12-15' };
    const status = reviewStatus(files);
    expect(dated(status, '2026-12-15')).not.toContain('b-help');
    expect(dated(status, '2026-12-16')).toContain('b-help');
    // The shipped dates: nothing is overdue before the first of them, the asylum topics are after it.
    expect(dated(reviewStatus(SHIPPED_FILES), '2026-11-30')).toEqual([]);
    expect(dated(reviewStatus(SHIPPED_FILES), '2027-01-01')).toEqual(expect.arrayContaining(['h-asylum', 'h-asylum-refusal']));
    expect(dated(reviewStatus(SHIPPED_FILES), '2027-01-01')).not.toContain('r-duration');
  });
});

describe('content:check on broken samples', () => {
  it('a message missing in one locale', () => {
    const problems = broken((f) => delete f.locales.ar!.messages['h-rights.2']);
    expect(problems).toContainEqual({ code: 'missing-message', locale: 'ar', message: 'h-rights.2', detail: 'required message is missing' });
  });

  it('a message in a locale that the source does not have', () => {
    const problems = broken((f) => (f.locales.es!.messages['h-rights.9'] = 'Algo más.'));
    expect(problems).toContainEqual(expect.objectContaining({ code: 'unknown-message', locale: 'es', message: 'h-rights.9' }));
  });

  it('an ICU syntax error', () => {
    const problems = broken((f) => (f.locales.es!.messages.nomatch = 'No {entiendo'));
    expect(problems).toContainEqual(expect.objectContaining({ code: 'icu-syntax', locale: 'es', message: 'nomatch' }));
    expect(formatProblem(problems.find((p) => p.code === 'icu-syntax')!)).toMatch(/^\[icu-syntax\] locale es, message "nomatch": ICU syntax error/);
  });

  it('placeholders that differ from French', () => {
    const problems = broken((f) => (f.locales.fa!.messages['contact.phone'] = 'تلفن: {telefon}'));
    expect(problems).toContainEqual({
      code: 'placeholders',
      locale: 'fa',
      message: 'contact.phone',
      detail: 'placeholders differ from fr: fr has {phone}, fa has {telefon}',
    });
  });

  it('a select whose argument was translated', () => {
    const problems = broken((f) => (f.locales['pt-BR']!.messages.unsupported = 'Não leio {tipo, select, other {isso}}.'));
    expect(problems).toContainEqual(expect.objectContaining({ code: 'placeholders', locale: 'pt-BR', message: 'unsupported' }));
  });

  it('a button title over 20 characters (three choices or fewer)', () => {
    const problems = broken((f) => (f.locales.en!.messages['nav.back'] = 'Go back to the previous screen'));
    const p = problems.find((x) => x.code === 'too-long' && x.message === 'nav.back');
    expect(p).toMatchObject({ code: 'too-long', locale: 'en', message: 'nav.back' });
    expect(p!.detail).toMatch(/WhatsApp button title .* is 30 characters, over the limit of 20/);
  });

  it('a list row title over 24 characters', () => {
    const problems = broken((f) => (f.locales.fr!.messages['r-zone.label'] = 'La zone d’attente expliquée'));
    expect(problems).toContainEqual(
      expect.objectContaining({ code: 'too-long', locale: 'fr', message: 'r-zone.label', detail: expect.stringMatching(/list row title .* over the limit of 24/) }),
    );
  });

  it('a row description over 72 characters', () => {
    // Branch labels describe topics in "did you mean" lists.
    const problems = broken((f) => (f.locales.es!.messages['held.label'] = 'x'.repeat(80)));
    expect(problems).toContainEqual(expect.objectContaining({ code: 'too-long', locale: 'es', message: 'held.label', detail: expect.stringMatching(/row description .* over the limit of 72/) }));
  });

  it('a body over 1024 characters sent with choices', () => {
    const problems = broken((f) => (f.locales.ti!.messages['b-keep.3'] = 'ሀ'.repeat(1100)));
    expect(problems).toContainEqual(
      expect.objectContaining({ code: 'too-long', locale: 'ti', message: 'b-keep.3', detail: expect.stringMatching(/body sent with choices .* 1100 characters, over the limit of 1024/) }),
    );
  });

  it('a text over 4096 characters', () => {
    const problems = broken((f) => (f.locales.en!.messages['r-zone.1'] = 'a'.repeat(LIMITS.text + 1)));
    expect(problems).toContainEqual(expect.objectContaining({ code: 'too-long', locale: 'en', message: 'r-zone.1', detail: expect.stringMatching(/over the limit of 4096/) }));
  });

  it('a list button text over 20 characters', () => {
    const problems = broken((f) => (f.locales['pt-BR']!.messages['list.button'] = 'Escolher uma das opções'));
    expect(problems).toContainEqual(expect.objectContaining({ code: 'too-long', locale: 'pt-BR', message: 'list.button' }));
  });

  it('more than 10 choices on one screen', () => {
    const problems = broken((f) => topic(f, 'relative').children.push('h-rights', 'h-leave'));
    expect(problems).toContainEqual(expect.objectContaining({ code: 'too-many-choices', topic: 'relative', detail: expect.stringMatching(/offers 11 choices, over the limit of 10/) }));
  });

  it('a right-to-left message or label that opens with a Latin word or a number', () => {
    const problems = broken((f) => {
      f.locales.fa!.messages['about.1'] = 'Relais دستیار یک انجمن است.';
      f.locales.ar!.messages['held.label'] = '«OFPRA» والمطار';
      f.locales.ps!.messages['r-duration.1'] = '4 ورځې';
      f.locales.ar!.messages.unsupported = '{what, select, audio {Relais لا يقرأ} other {لا أستطيع قراءة هذا}}';
      // Latin later in the sentence is fine, and so are left-to-right languages.
      f.locales.ar!.messages['about.1'] = 'مساعد جمعية، Relais.';
      f.locales.fr!.messages['about.1'] = 'Relais est un assistant.';
    });
    const opening = problems.filter((p) => p.code === 'rtl-starts-latin');
    expect(opening.map((p) => [p.locale, p.message]).sort()).toEqual([
      ['ar', 'held.label'],
      ['ar', 'unsupported'],
      ['fa', 'about.1'],
      ['ps', 'r-duration.1'],
    ]);
    expect(formatProblem(opening.find((p) => p.message === 'held.label')!)).toMatch(/^\[rtl-starts-latin\] locale ar, message "held.label": starts with “OFPRA”/);
  });

  it('a topic no path reaches', () => {
    const problems = broken((f) => {
      topic(f, 'violence').children = ['v-report'];
    });
    expect(problems).toContainEqual({ code: 'unreachable', topic: 'v-complaint', detail: 'no path from "home" reaches this topic' });
  });

  it('a dead end with no way back or to a volunteer', () => {
    const problems = broken((f) => (topic(f, 'r-zone').nav = []));
    expect(problems).toContainEqual(expect.objectContaining({ code: 'dead-end', topic: 'r-zone' }));
  });

  it('an info topic without sources', () => {
    const problems = broken((f) => (topic(f, 'r-duration').sources = []));
    expect(problems).toContainEqual({ code: 'no-sources', topic: 'r-duration', detail: 'an info topic must cite its sources (CESEDA articles, decisions)' });
  });

  it('a topic without a reviewed-on date', () => {
    const problems = broken((f) => delete topic(f, 'h-leave').reviewedOn);
    expect(problems).toContainEqual({ code: 'no-review-date', topic: 'h-leave', detail: 'reviewedOn (YYYY-MM-DD) is missing' });
  });

  it('a child that does not exist', () => {
    const problems = broken((f) => topic(f, 'border').children.push('b-nowhere'));
    expect(problems).toContainEqual({ code: 'unknown-topic', topic: 'border', detail: 'child "b-nowhere" does not exist' });
  });

  it('the same deep-link alias on two topics', () => {
    const problems = broken((f) => topic(f, 'h-asylum').aliases.push('menton'));
    expect(problems).toContainEqual(expect.objectContaining({ code: 'duplicate', detail: expect.stringMatching(/alias "menton" is also used by topic/) }));
  });

  it('a topic nobody can reach by typing in one locale', () => {
    const problems = broken((f) => delete f.locales.ti!.keywords['b-keep']);
    expect(problems).toContainEqual({ code: 'missing-keywords', locale: 'ti', topic: 'b-keep', detail: 'no keyword leads to this topic when typed' });
  });

  it('a file that breaks the schema', () => {
    const problems = broken((f) => ((f.locales.ar as unknown as { direction: string }).direction = 'up'));
    expect(problems).toContainEqual(expect.objectContaining({ code: 'schema', locale: 'ar', detail: expect.stringContaining('ar.json direction') }));
  });

  it('a missing locale file', () => {
    const problems = broken((f) => delete f.locales.ps);
    expect(problems).toContainEqual({ code: 'missing-locale', locale: 'ps', detail: 'locales/ps.json is missing' });
  });

  it('loading broken files throws a ContentError naming the problems', () => {
    const files = structuredClone(SHIPPED_FILES) as unknown as { topics: unknown; locales: Record<string, unknown> };
    delete files.locales.fa;
    expect(() => buildContent(files)).toThrow(ContentError);
    expect(() => buildContent(files)).toThrow(/locales\/fa\.json is missing/);
  });
});
