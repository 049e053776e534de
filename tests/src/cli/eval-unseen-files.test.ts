import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureIo } from '../../helpers/cli-io.js';
import { main } from '../../../src/cli/dispatch.js';
import { parseCsv } from '../../../src/lib/csv.js';
import { withDecimalPoints } from '../../../src/cli/read-table.js';

/**
 * `eval score` and `eval text` given files written by someone else: the same rows as the fixtures, spelled the ways
 * exports spell them. Each either gives the fixtures' figures or exits 2 naming the file and the column; never a
 * figure computed on labels or columns read wrongly.
 */
const fixture = (name: string) => join(process.cwd(), 'tests/fixtures/models', name);
const dir = mkdtempSync(join(tmpdir(), 'closeloop-unseen-'));
const rowsOf = (name: string) => parseCsv(readFileSync(fixture(name), 'utf8'));
const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
/** Write rows (header first) as CSV, after `edit` changed them. */
function write(name: string, rows: string[][]): string {
  const path = join(dir, name);
  writeFileSync(path, `${rows.map((r) => r.map(quote).join(',')).join('\r\n')}\r\n`);
  return path;
}

async function run(argv: string[]) {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, out: io.stdout, err: io.stderr, json: code === 0 ? JSON.parse(io.stdout) : null };
}

const score = (train: string, test: string, more: string[] = []) =>
  run(['eval', 'score', '--train', train, '--test', test, '--target', 'outcome', '--positive', 'won', ...more]);
const text = (train: string, test: string, positive = 'yes') =>
  run([
    'eval',
    'text',
    '--train',
    train,
    '--test',
    test,
    '--text',
    'text',
    '--target',
    'ask',
    '--positive',
    positive,
    '--encoder',
    'none',
  ]);

/** The label column of `rows` (header first) rewritten by `f`, the header left as it is. */
const relabel = (rows: string[][], col: number, f: (v: string, i: number) => string) =>
  rows.map((r, i) => (i === 0 ? r : r.map((v, c) => (c === col ? f(v, i) : v))));

describe('eval score and eval text on files spelled differently from the fixtures', () => {
  const leadsTrain = fixture('leads-train.csv');
  const leadsTest = fixture('leads-test.csv');
  const sentTrain = fixture('sentences-train.csv');
  const sentTest = fixture('sentences-test.csv');

  it('eval text: test labels "Yes", " YES ", "No" are the labels yes and no (not every row negative, F1 0)', async () => {
    const base = await text(sentTrain, sentTest);
    expect(base.code).toBe(0);
    expect(base.json.f1).toBeGreaterThan(0);
    const spelled = write(
      'sentences-test-case.csv',
      relabel(rowsOf('sentences-test.csv'), 1, (v, i) => (v === 'yes' ? (i % 2 ? 'Yes' : ' YES ') : 'No')),
    );
    const r = await text(sentTrain, spelled);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    for (const k of ['precision', 'recall', 'f1', 'test_rows', 'positive_rate']) expect(r.json[k]).toBe(base.json[k]);
  });

  it('eval score: labels "Won" / "LOST" in the test file and --positive " WON " give the same AUC', async () => {
    const base = await score(leadsTrain, leadsTest, ['--drop', 'lead_id', '--model', 'logreg']);
    expect(base.code).toBe(0);
    const spelled = write(
      'leads-test-case.csv',
      relabel(rowsOf('leads-test.csv'), 5, (v) => v.toUpperCase()),
    );
    const r = await run([
      'eval',
      'score',
      '--train',
      leadsTrain,
      '--test',
      spelled,
      '--target',
      'outcome',
      '--positive',
      ' WON ',
      '--drop',
      'lead_id',
      '--model',
      'logreg',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect([r.json.auc, r.json.test_rows, r.json.positive_rate]).toEqual([
      base.json.auc,
      base.json.test_rows,
      base.json.positive_rate,
    ]);
  });

  it('numeric labels: "1.0" in one file is 1 in the other', async () => {
    const asNumber = (v: string) => (v === 'won' ? '1' : '0');
    const train = write('leads-train-01.csv', relabel(rowsOf('leads-train.csv'), 5, asNumber));
    const test = write(
      'leads-test-01.csv',
      relabel(rowsOf('leads-test.csv'), 5, (v) => `${asNumber(v)}.0`),
    );
    const base = await score(leadsTrain, leadsTest, ['--drop', 'lead_id', '--model', 'logreg']);
    const r = await run(
      ['eval', 'score', '--train', train, '--test', test, '--target', 'outcome', '--positive', '1'].concat([
        '--drop',
        'lead_id',
        '--model',
        'logreg',
      ]),
    );
    expect(r.code).toBe(0);
    expect(r.json.auc).toBe(base.json.auc);
  });

  it('a --positive that no row has, or a test file of one outcome: exit 2 naming the file, the column and its labels', async () => {
    const r = await text(sentTrain, sentTest, 'maybe');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.split('\n')[0]).toBe(
      `closeloop eval text: ${sentTrain}: no row has ask="maybe" (labels seen: "yes": 12, "no": 12); ` +
        '--positive must be one of the labels (case and surrounding spaces are ignored)',
    );
    // The test file has no positive row: precision and recall would be 0 (and were printed, exit 0).
    const negatives = write(
      'sentences-test-no.csv',
      relabel(rowsOf('sentences-test.csv'), 1, () => 'no'),
    );
    const t = await text(sentTrain, negatives);
    expect(t.code).toBe(2);
    expect(t.err.split('\n')[0]).toBe(
      `closeloop eval text: ${negatives}: no row has ask="yes" (labels seen: "no": 8); ` +
        '--positive must be one of the labels (case and surrounding spaces are ignored)',
    );
    const lost = write(
      'leads-test-lost.csv',
      relabel(rowsOf('leads-test.csv'), 5, () => 'won'),
    );
    const s = await score(leadsTrain, lost, ['--drop', 'lead_id']);
    expect(s.code).toBe(2);
    expect(s.err.split('\n')[0]).toBe(
      `closeloop eval score: ${lost}: every row has outcome="won" (120 rows); both outcomes are needed`,
    );
  });

  it('eval text: a test file whose texts are all empty says so (not "no label")', async () => {
    const blank = write(
      'sentences-test-blank.csv',
      relabel(rowsOf('sentences-test.csv'), 0, () => ' '),
    );
    const r = await text(sentTrain, blank);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toBe(
      `closeloop eval text: ${blank}: no row with a label in column "ask" has a text in column "text"`,
    );
  });

  it('eval score: a test file without a column the model uses is refused, naming it (not scored as missing)', async () => {
    const rows = rowsOf('leads-test.csv');
    const visits = rows[0]!.indexOf('visits');
    const test = write(
      'leads-test-no-visits.csv',
      rows.map((r) => r.filter((_, c) => c !== visits)),
    );
    const r = await score(leadsTrain, test, ['--drop', 'lead_id']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.split('\n')[0]).toBe(
      `closeloop eval score: ${test}: no column "visits", which the model trained on ${leadsTrain} uses; ` +
        'add it to the test file, or leave it out of training with --drop lead_id,visits',
    );
    // Columns in another order, and one the model never saw, change nothing.
    const order = [5, 4, 3, 2, 1, 0];
    const shuffled = write(
      'leads-test-reordered.csv',
      rows.map((r, i) => [...order.map((c) => r[c]!), i === 0 ? 'notes' : 'n/a']),
    );
    const base = await score(leadsTrain, leadsTest, ['--drop', 'lead_id', '--model', 'logreg']);
    const same = await score(leadsTrain, shuffled, ['--drop', 'lead_id', '--model', 'logreg']);
    expect(same.code).toBe(0);
    expect(same.json.auc).toBe(base.json.auc);
  });

  it('eval score: numbers it cannot read ("1 234", "12%") are read as missing, and it says so per file and column', async () => {
    const rows = rowsOf('leads-test.csv');
    const visits = rows[0]!.indexOf('visits');
    const spelled = write(
      'leads-test-percent.csv',
      rows.map((r, i) => (i > 0 && i % 4 === 0 ? r.map((v, c) => (c === visits ? `${v}%` : v)) : r)),
    );
    const r = await score(leadsTrain, spelled, ['--drop', 'lead_id', '--model', 'logreg']);
    expect(r.code).toBe(0);
    expect(r.err).toBe(
      `eval score: ${spelled}: column "visits": 30 of 120 values are not numbers (e.g. "${rows[4]![visits]}%"), read as missing\n`,
    );
    expect((await score(leadsTrain, leadsTest, ['--drop', 'lead_id', '--model', 'logreg'])).err).toBe('');
  });

  it('eval score: a column or a value that differs only in case is named on stderr as the test file spells it', async () => {
    const rows = rowsOf('leads-test.csv');
    const renamed = write('leads-test-Visits.csv', [
      rows[0]!.map((c) => (c === 'visits' ? 'Visits' : c)),
      ...rows.slice(1),
    ]);
    const r = await score(leadsTrain, renamed, ['--drop', 'lead_id']);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toBe(
      `closeloop eval score: ${renamed}: no column "visits", which the model trained on ${leadsTrain} uses ` +
        '(it has "Visits": names must match exactly); add it to the test file, or leave it out of training with --drop lead_id,visits',
    );
    const plan = rows[0]!.indexOf('plan');
    const upper = write(
      'leads-test-PLAN.csv',
      relabel(rows, plan, (v) => (v === 'pro' ? 'PRO' : v)),
    );
    const pro = rows.filter((row) => row[plan] === 'pro').length;
    expect(pro).toBeGreaterThan(0);
    const u = await score(leadsTrain, upper, ['--drop', 'lead_id', '--model', 'logreg']);
    expect(u.code).toBe(0);
    expect(u.err).toBe(
      `eval score: ${upper}: column "plan": ${pro} of 120 values differ from a training value only in case ` +
        '(e.g. "PRO" for "pro"), read as values never seen in training\n',
    );
  });

  it('labels other than --positive: a third label (or a typo) counted as negative is said on stderr, same figures', async () => {
    const rows = rowsOf('leads-test.csv');
    const outcome = rows[0]!.indexOf('outcome');
    const lost = rows.filter((r, i) => i > 0 && r[outcome] === 'lost').length;
    const open = write(
      'leads-test-open.csv',
      relabel(rows, outcome, (v, i) => (v === 'lost' && i % 3 === 0 ? 'open' : v)),
    );
    const opens = parseCsv(readFileSync(open, 'utf8')).filter((r) => r[outcome] === 'open').length;
    expect(opens).toBeGreaterThan(0);
    const r = await score(leadsTrain, open, ['--drop', 'lead_id', '--model', 'logreg']);
    const plain = await score(leadsTrain, leadsTest, ['--drop', 'lead_id', '--model', 'logreg']);
    expect(r.code).toBe(0);
    expect(r.json.auc).toBe(plain.json.auc);
    expect(r.err).toBe(
      `eval score: ${open}: column "outcome" has 2 labels besides "won", all counted as negative ` +
        `("lost": ${lost - opens}, "open": ${opens})\n`,
    );
    expect(plain.err).toBe('');
    // Case alone is no other label: "Lost" and "lost" are one.
    const cased = write(
      'leads-test-Lost.csv',
      relabel(rows, outcome, (v, i) => (v === 'lost' && i % 2 === 0 ? 'Lost' : v)),
    );
    expect((await score(leadsTrain, cased, ['--drop', 'lead_id', '--model', 'logreg'])).err).toBe('');
  });

  it('a model that gives every test row the same answer (a training file of a few rows) is said on stderr', async () => {
    const rows = rowsOf('leads-train.csv');
    const won = rows.findIndex((r) => r[5] === 'won');
    const lost = rows.findIndex((r) => r[5] === 'lost');
    const tiny = write('leads-train-tiny.csv', [rows[0]!, rows[won]!, rows[lost]!, rows[won + 1]!, rows[lost + 1]!]);
    const r = await score(tiny, leadsTest, ['--drop', 'lead_id', '--model', 'gbdt']);
    expect(r.code).toBe(0);
    expect(r.json.auc).toBe(0.5);
    expect(r.err).toMatch(
      new RegExp(
        `^eval score: the model \\(gbdt-v2\\) gives every test row the same score \\([0-9.]+\\), so the AUC of 0\\.5 ` +
          `measures nothing; .*leads-train-tiny\\.csv has 4 labelled rows \\(\\d positive\\): train on more rows`,
      ),
    );
    // Two training texts sharing no word with the test texts: one probability for every test text.
    const two = write('sentences-two.csv', [
      ['text', 'ask'],
      ['zzz qqq', 'yes'],
      ['xxx www', 'no'],
    ]);
    const t = await text(two, sentTest);
    expect(t.code).toBe(0);
    expect(t.err).toMatch(
      /^eval text: the classifier \(signals-tfidf-logreg-v2\) predicts "yes" for (no|every) test row, so the figures describe that, not the texts; .*sentences-two\.csv has 2 labelled texts \(1 yes\)\n$/,
    );
    expect((await text(sentTrain, sentTest)).err).toBe('');
  });

  it('eval score: numbers with a decimal comma (a European export, ;-separated) are the same numbers', async () => {
    // The signal column with two decimals, written 1.45 (comma-separated) or 1,45 (semicolon-separated).
    const written = (name: string, decimal: '.' | ',') => {
      const rows = rowsOf(name);
      const signal = rows[0]!.indexOf('signal');
      const path = join(dir, name.replace('.csv', decimal === ',' ? '-comma.csv' : '-point.csv'));
      const value = (v: string) => Number(v).toFixed(2).replace('.', decimal);
      const sep = decimal === ',' ? ';' : ',';
      writeFileSync(
        path,
        rows.map((r, i) => r.map((v, c) => (i > 0 && c === signal ? value(v) : v)).join(sep)).join('\n'),
      );
      return path;
    };
    const args = ['--drop', 'lead_id', '--model', 'logreg'];
    const point = await score(written('leads-train.csv', '.'), written('leads-test.csv', '.'), args);
    expect(point.json.top_factors[0].name).toBe('signal');
    // "1,45" was no number at all: the signal column read as categories or ignored, the AUC another.
    const comma = await score(written('leads-train.csv', ','), written('leads-test.csv', ','), args);
    expect(comma.err).toBe('');
    expect([comma.json.auc, comma.json.top_factors[0].name]).toEqual([point.json.auc, 'signal']);
    // Rewritten only where no value can be a thousands grouping and every value is a number (or missing).
    expect(
      withDecimalPoints(
        [
          ['0,5', 'x'],
          ['1.234,5', 'y'],
          ['7', 'z'],
          ['NA', 'w'],
        ],
        2,
      ),
    ).toEqual([
      ['0.5', 'x'],
      ['1234.5', 'y'],
      ['7', 'z'],
      ['NA', 'w'],
    ]);
    for (const column of [
      ['1,234', '2,500'],
      ['0,5', 'a,b'],
      ['0,5', '1.5'],
    ])
      expect(
        withDecimalPoints(
          column.map((v) => [v]),
          1,
        ),
      ).toEqual(column.map((v) => [v]));
  });

  it('header cells with spaces are the trimmed names; a column named twice is refused', async () => {
    const rows = rowsOf('leads-train.csv');
    const spaced = write('leads-train-spaced.csv', [rows[0]!.map((c) => ` ${c} `), ...rows.slice(1)]);
    const base = await score(leadsTrain, leadsTest, ['--drop', 'lead_id', '--model', 'logreg']);
    const r = await score(spaced, leadsTest, ['--drop', 'lead_id', '--model', 'logreg']);
    expect(r.err).toBe('');
    expect(r.json.auc).toBe(base.json.auc);
    const twice = write('leads-train-twice.csv', [
      rows[0]!.map((c) => (c === 'visits' ? 'plan' : c)),
      ...rows.slice(1),
    ]);
    const t = await score(twice, leadsTest, ['--drop', 'lead_id']);
    expect(t.code).toBe(2);
    expect(t.err.split('\n')[0]).toBe(
      `closeloop eval score: ${twice}: the header has the column "plan" twice; rename or remove one of them`,
    );
  });

  it('eval signals: labels in capitals are the signal types; an unknown one names its data row and the types', async () => {
    const rows = parseCsv(readFileSync(join(process.cwd(), 'tests/fixtures/signals/sales-sentences.csv'), 'utf8'));
    const sample = [rows[0]!, ...rows.slice(1).filter((_, i) => i % 8 === 0)];
    const signals = (path: string) => run(['eval', 'signals', '--sentences', path, '--encoder', 'none']);
    const base = await signals(write('signals.csv', sample));
    expect(base.code).toBe(0);
    const upper = await signals(
      write(
        'signals-upper.csv',
        relabel(sample, 1, (v) => v.toUpperCase()),
      ),
    );
    expect(upper.err).toBe('');
    expect(upper.json).toEqual({ ...base.json, seconds: upper.json.seconds });
    const bad = write('signals-bad.csv', [sample[0]!, ['', ''], ['Send the quote.', 'explicit_ask'], ['Hi.', 'asks']]);
    const r = await signals(bad);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toBe(
      `closeloop eval signals: ${bad}: data row 3: unknown signal type "asks" (types: budget_constraint, timeline, ` +
        'competitor, decision_maker, objection, negative_sentiment, explicit_ask)',
    );
  });
});
