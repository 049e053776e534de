import { jest } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run as runScore } from '../../../src/cli/eval-score.js';
import { run as runText } from '../../../src/cli/eval-text.js';
import { run as runSignals } from '../../../src/cli/eval-signals.js';
import { splitCsvFile } from '../../../bench/scoring/split.js';

const fixture = (name: string) => join(process.cwd(), 'tests/fixtures/models', name);

async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    out += String(s);
    return true;
  });
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    err += String(s);
    return true;
  });
  try {
    return { code: await fn(), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('closeloop eval score', () => {
  it('prints one JSON object with the metrics', async () => {
    const r = await capture(() =>
      runScore([
        '--train',
        fixture('leads-train.csv'),
        '--test',
        fixture('leads-test.csv'),
        '--target',
        'outcome',
        '--positive',
        'won',
        '--drop',
        'lead_id',
        '--model',
        'logreg',
      ]),
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ train_rows: 300, test_rows: 120, model: 'logreg-v1' });
    expect(j.auc).toBeGreaterThan(0.85);
    expect(j.pr_auc).toBeGreaterThan(0.7);
    // Calibration on the test rows: better than always predicting the base rate, with a reliability curve.
    expect(j.calibration.brier).toBeLessThan(j.calibration.brier_base_rate);
    expect(j.calibration.reliability.reduce((a: number, b: { n: number }) => a + b.n, 0)).toBe(120);
    expect(j.calibration.ece).toBeGreaterThanOrEqual(0);
    expect(typeof j.seconds).toBe('number');
    expect(j.top_factors[0].name).toBe('signal');
    expect(r.out.trim().split('\n')).toHaveLength(1);
  });

  it.each([
    [['--train', 'missing.csv', '--test', 'x.csv', '--target', 'y', '--positive', 'yes'], /cannot read missing.csv/],
    [
      [
        '--train',
        fixture('leads-train.csv'),
        '--test',
        fixture('leads-test.csv'),
        '--target',
        'nope',
        '--positive',
        'won',
      ],
      /no column "nope"/,
    ],
    [
      [
        '--train',
        fixture('leads-train.csv'),
        '--test',
        fixture('leads-test.csv'),
        '--target',
        'outcome',
        '--positive',
        'maybe',
      ],
      /no row has outcome="maybe"/,
    ],
    [
      ['--train', fixture('leads-train.csv'), '--target', 'outcome', '--positive', 'won'],
      /missing required option --test/,
    ],
    [
      [
        '--train',
        fixture('leads-train.csv'),
        '--test',
        fixture('leads-test.csv'),
        '--target',
        'outcome',
        '--positive',
        'won',
        '--model',
        'svm',
      ],
      /--model must be/,
    ],
    [['--bogus', '1'], /unknown option --bogus/],
  ])('exits 2 with a clear message on bad input %#', async (argv, message) => {
    const r = await capture(() => runScore(argv as string[]));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message as RegExp);
    expect(r.out).toBe('');
  });
});

describe('closeloop eval text', () => {
  const args = (more: string[]) => [
    '--train',
    fixture('sentences-train.csv'),
    '--test',
    fixture('sentences-test.csv'),
    '--text',
    'text',
    '--target',
    'ask',
    '--positive',
    'yes',
    ...more,
  ];
  it('prints precision, recall, f1 and row counts', async () => {
    const r = await capture(() => runText(args([])));
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ train_rows: 24, test_rows: 8 });
    // Both models were trained and cross-validated on the training rows; the higher CV F1 is the one scored.
    expect(j.encoder).toMatchObject({ name: 'use-lite', fallback: null, id: expect.stringMatching(/^use-lite-en:/) });
    expect(j.selection_fused.grid).toHaveLength(6);
    const fusedWins = j.selection_fused.validationF1 > j.selection.validationF1 + 1e-9;
    expect(j.encoder.used).toBe(fusedWins);
    expect(j.model).toBe(fusedWins ? 'signals-tfidf+use-lite-logreg-v1' : 'signals-tfidf-logreg-v2');
    expect(j.encoder.embed_seconds).toBeGreaterThan(0);
    expect(j.f1).toBeGreaterThanOrEqual(0.75);
    expect(j).toHaveProperty('precision');
    expect(j).toHaveProperty('recall');
    // Calibration of the test probabilities: every test row in one reliability bin, scores in range.
    expect(j.calibration.bins.reduce((s: number, b: { n: number }) => s + b.n, 0)).toBe(8);
    expect(j.calibration.brier).toBeGreaterThanOrEqual(0);
    expect(j.calibration.brier).toBeLessThanOrEqual(1);
    expect(j.calibration.ece).toBeGreaterThanOrEqual(0);
    expect(j.calibration.base_rate_brier).toBeGreaterThan(0);
  });
  it('falls back to the n-gram classifier when the sentence encoder cannot load, and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'closeloop-broken-model-'));
    writeFileSync(join(dir, 'model.json'), '{"not": "a model"}');
    writeFileSync(join(dir, 'vocab.json'), '[]');
    const r = await capture(() => runText(args(['--encoder-model', dir])));
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.model).toBe('signals-tfidf-logreg-v2');
    expect(j.encoder.used).toBe(false);
    expect(j.encoder.fallback).toMatch(/sentence model failed to load/);
    expect(j.selection_fused).toBeNull();
    expect(r.err).toMatch(/n-gram classifier only/);
    // Same model and figures as asking for no encoder at all.
    const none = JSON.parse((await capture(() => runText(args(['--encoder', 'none'])))).out);
    expect(none).toMatchObject({ model: 'signals-tfidf-logreg-v2', f1: j.f1, precision: j.precision });
    expect(none.encoder).toMatchObject({ name: 'none', used: false, fallback: null });
  });
  it('exits 2 when --encoder-model names a folder without a model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'closeloop-no-model-'));
    for (const d of [dir, join(dir, 'missing')]) {
      const r = await capture(() => runText(args(['--encoder-model', d])));
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/--encoder-model .* holds no model\.json/);
      expect(r.out).toBe('');
    }
  });
  it('exits 2 when the text column is missing', async () => {
    const r = await capture(() =>
      runText([
        '--train',
        fixture('sentences-train.csv'),
        '--test',
        fixture('sentences-test.csv'),
        '--text',
        'body',
        '--target',
        'ask',
        '--positive',
        'yes',
      ]),
    );
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no column "body"/);
  });
});

describe('closeloop eval signals', () => {
  it('prints per-signal precision and recall of the learned detector next to the lexicon', async () => {
    const r = await capture(() =>
      runSignals(['--sentences', join(process.cwd(), 'tests/fixtures/signals/sales-sentences.csv')]),
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.sentences).toBe(234);
    expect(j.learned.explicit_ask.support).toBe(60);
    expect(j.learned.explicit_ask.f1).toBeGreaterThan(j.lexicon.explicit_ask.f1);
    expect(Object.keys(j.learned)).toEqual(
      expect.arrayContaining(['budget_constraint', 'competitor', 'negative_sentiment', 'timeline']),
    );
    // Sentences with no signal that would be quoted as a risk: counted for both detectors, a minority of them.
    expect(j.no_signal_sentences.rows).toBe(73);
    expect(j.no_signal_sentences.flagged_with_a_risk_type.learned).toBeLessThan(73 / 4);
    expect(j.no_signal_sentences.flagged_with_a_risk_type.lexicon).toBeGreaterThanOrEqual(0);
    // Calibration of every shipped model on the held-out sentences: better than the set's own prevalence.
    expect(Object.keys(j.calibration).sort()).toEqual(Object.keys(j.learned).sort());
    for (const c of Object.values(j.calibration) as {
      brier: number;
      prevalence_brier: number;
      bins: { n: number }[];
    }[]) {
      expect(c.bins.reduce((s, b) => s + b.n, 0)).toBe(234);
      expect(c.brier).toBeLessThan(c.prevalence_brier);
    }
    // The production detector reads the sentences with the fused models (the shipped encoder loaded), the n-gram
    // models alone are printed beside it.
    expect(j.encoder).toMatchObject({ id: expect.stringMatching(/^use-lite-en:/), fallback: null });
    expect(j.models).toMatch(/^signals-v2-fused@/);
    expect(j.macro_f1.learned).toBeGreaterThan(j.macro_f1.ngram);
    expect(Object.keys(j.ngram).sort()).toEqual(Object.keys(j.learned).sort());
  });
  it('--encoder none: the n-gram models are the production detector; a bad value exits 2', async () => {
    const file = join(process.cwd(), 'tests/fixtures/signals/sales-sentences.csv');
    const r = await capture(() => runSignals(['--sentences', file, '--encoder', 'none']));
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.models).toMatch(/^signals-v2@/);
    expect(j.encoder).toMatchObject({ id: null, fallback: 'off (--encoder none)' });
    expect(j.learned).toEqual(j.ngram);
    const bad = await capture(() => runSignals(['--sentences', file, '--encoder', 'bert']));
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--encoder: use-lite or none/);
  });
  it('--errors lists each false positive with its confidence and each missed label', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'closeloop-signals-'));
    // A request labelled with nothing (a false positive of explicit_ask), a greeting labelled as a budget limit (a
    // missed label), and a budget cut labelled as one (no error).
    writeFileSync(
      join(dir, 's.csv'),
      'text,signals\nCould you send me the signed order form?,\nHi Sam.,budget_constraint\nOur budget was cut in half.,budget_constraint\n',
    );
    const r = await capture(() => runSignals(['--sentences', join(dir, 's.csv'), '--errors', '--encoder', 'none']));
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.errors.false_positives).toEqual([
      {
        text: 'Could you send me the signed order form?',
        type: 'explicit_ask',
        confidence: expect.any(Number),
        model: expect.stringMatching(/^signals-tfidf-logreg-v2:signals-v2@/),
        cue: expect.anything(),
      },
    ]);
    expect(j.errors.false_positives[0].confidence).toBeGreaterThanOrEqual(0.5);
    expect(j.errors.false_negatives).toEqual([
      { text: 'Hi Sam.', type: 'budget_constraint', confidence: null, model: null, cue: null },
    ]);
    // The lists explain the counts.
    expect(j.learned.explicit_ask).toMatchObject({ precision: 0 });
    expect(j.learned.budget_constraint).toMatchObject({ support: 2, recall: 0.5 });
    const plain = await capture(() => runSignals(['--sentences', join(dir, 's.csv'), '--encoder', 'none']));
    expect(JSON.parse(plain.out).errors).toBeUndefined();
  });
  it('exits 2 on an unknown signal type', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'closeloop-signals-'));
    writeFileSync(join(dir, 's.csv'), 'text,signals\nPlease send it.,explicit_ask\nHi.,bogus\n');
    const r = await capture(() => runSignals(['--sentences', join(dir, 's.csv')]));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown signal type "bogus"/);
  });
});

describe('split tool', () => {
  it('keeps row order and bytes: first 70 % train, last 30 % test', () => {
    const dir = mkdtempSync(join(tmpdir(), 'closeloop-split-test-'));
    const input = join(dir, 'in.csv');
    writeFileSync(input, 'a,b\n1,"x, y"\n2,z\n3,w\n4,v\n5,"multi\nline"\n6,u\n7,t\n8,s\n9,r\n10,q\n');
    const r = splitCsvFile(input, join(dir, 'out'), 0.3);
    expect(r).toMatchObject({ trainRows: 7, testRows: 3 });
    expect(readFileSync(r.train, 'utf8')).toBe('a,b\n1,"x, y"\n2,z\n3,w\n4,v\n5,"multi\nline"\n6,u\n7,t\n');
    expect(readFileSync(r.test, 'utf8')).toBe('a,b\n8,s\n9,r\n10,q\n');
  });
  it('refuses to write inside the repository', () => {
    expect(() => splitCsvFile(fixture('leads-train.csv'), join(process.cwd(), 'tmp-split'), 0.3)).toThrow(
      /inside the repository/,
    );
  });
});
