/**
 * Learning curve of the CLI's models: how much the held-out metric moves when the training rows double. Per seed, a
 * stratified seeded test slice of the file is set aside, and the model is trained on nested stratified subsets of
 * the rest (each subset contains the smaller ones; rows keep their file order, which the scoring model's time order
 * reads), with the same code path as the CLI:
 *  - tabular (`eval score`): trainScoringModel with `auto`, ROC-AUC on the test slice;
 *  - text (`--text COL`, `eval text`): the n-gram classifier, and with `--encoder use-lite` (the CLI default) also
 *    the n-gram + sentence-encoder model, the one with the higher cross-validated F1 kept (trainEvalTextModel, as the CLI); F1 of the
 *    positive class on the test slice. The sentence vectors are computed once per distinct text for the whole run.
 * Prints the metric per size and seed, the mean per size, the change per doubling of the training rows between
 * consecutive sizes, and the least-squares slope of the mean against log2(rows): the expected gain of a run that
 * trains on twice the rows (e.g. the whole file instead of a half).
 *
 *   npx tsx bench/scoring/learning-curve.ts FILE.csv --target COL --positive VALUE [--drop c1,c2]
 *     [--text COL [--encoder use-lite|none]] [--test-fraction 0.3] [--fractions 0.25,0.5,0.75,1] [--seeds 1,2,3]
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { labelled, sentenceVectors, trainEvalTextModel } from '../../src/cli/eval-text.js';
import { readTableFile } from '../../src/cli/read-table.js';
import { isMissing, outcomeOf } from '../../src/inference/models/features.js';
import { precisionRecallF1, rocAuc } from '../../src/inference/models/metrics.js';
import { trainScoringModel } from '../../src/inference/models/scoring-model.js';
import { columnIndex, type Table } from '../../src/inference/models/table.js';
import { FUSED_TEXT_MODEL } from '../../src/inference/signals/sentence-text-classifier.js';
import { mulberry32 } from '../../src/lib/random.js';

export interface CurveSplit {
  /** Row indices of the test slice, ascending. */
  test: number[];
  /** Per fraction (same order as asked): row indices of the training subset, ascending; each contains the previous. */
  train: number[][];
}

/**
 * Stratified, seeded, nested: each class's rows are shuffled once (mulberry32); the first round(testFraction × n_c)
 * of each class are the test slice, and the training subset for fraction f is the first round(f × rest_c) of each
 * class's remaining rows, so a larger fraction contains every smaller one and every subset keeps the class mix.
 * Indices come back in file order.
 */
export function curveSplit(y: ArrayLike<number>, testFraction: number, fractions: number[], seed: number): CurveSplit {
  if (!(testFraction > 0 && testFraction < 1)) throw new Error(`test fraction must be in (0, 1), got ${testFraction}`);
  for (const f of fractions) if (!(f > 0 && f <= 1)) throw new Error(`training fractions must be in (0, 1], got ${f}`);
  const next = mulberry32(seed * 2654435761 + 17);
  const test: number[] = [];
  const train = fractions.map(() => [] as number[]);
  for (const cls of [...new Set(Array.from(y))].sort((a, b) => a - b)) {
    const idx: number[] = [];
    for (let i = 0; i < y.length; i++) if (y[i] === cls) idx.push(i);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    const nTest = Math.round(testFraction * idx.length);
    test.push(...idx.slice(0, nTest));
    const rest = idx.slice(nTest);
    fractions.forEach((f, q) => train[q]!.push(...rest.slice(0, Math.round(f * rest.length))));
  }
  const asc = (a: number, b: number) => a - b;
  return { test: test.sort(asc), train: train.map((t) => t.sort(asc)) };
}

/** Least-squares slope of `metric` against log2(`rows`): the change per doubling of the training rows. */
export function slopePerDoubling(rows: number[], metric: number[]): number {
  const x = rows.map((r) => Math.log2(r));
  const mx = x.reduce((a, b) => a + b, 0) / x.length;
  const my = metric.reduce((a, b) => a + b, 0) / metric.length;
  let sxy = 0;
  let sxx = 0;
  x.forEach((v, i) => {
    sxy += (v - mx) * (metric[i]! - my);
    sxx += (v - mx) ** 2;
  });
  return sxx > 0 ? sxy / sxx : 0;
}

const USAGE = `usage: npx tsx bench/scoring/learning-curve.ts FILE.csv --target COL --positive VALUE [--drop c1,c2]
  [--text COL [--encoder use-lite|none]] [--test-fraction 0.3] [--fractions 0.25,0.5,0.75,1] [--seeds 1,2,3]

Learning curve of the CLI's models. Per seed: a stratified seeded test slice (--test-fraction of the rows), then the
model trained on nested stratified subsets of the other rows (--fractions of them), the metric on the test slice.
Tabular (eval score's path: trainScoringModel, auto): ROC-AUC. Text (--text COL; eval text's path: the n-gram
classifier, and with --encoder use-lite, the default, also n-grams + USE Lite, the higher cross-validated F1 kept):
F1 of the positive class. Prints every run, the mean per size, the change per doubling of the training rows between
consecutive sizes, and the least-squares slope per doubling (the expected gain from training on twice the rows).

examples:
  npx tsx bench/scoring/learning-curve.ts ../shared/data/bank_marketing/dev.csv --target y --positive yes --drop duration
  npx tsx bench/scoring/learning-curve.ts ../shared/data/email_intent/dev.csv --text text --target intent --positive Yes --encoder none
`;

const fmt = (x: number) => x.toFixed(4);
const signed = (x: number) => (x >= 0 ? '+' : '') + x.toFixed(4);

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      target: { type: 'string' },
      positive: { type: 'string' },
      drop: { type: 'string', default: '' },
      text: { type: 'string' },
      encoder: { type: 'string', default: 'use-lite' },
      'test-fraction': { type: 'string', default: '0.3' },
      fractions: { type: 'string', default: '0.25,0.5,0.75,1' },
      seeds: { type: 'string', default: '1,2,3' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const [file] = positionals;
  if (!file || !values.target || !values.positive || !['use-lite', 'none'].includes(values.encoder)) {
    process.stderr.write(USAGE);
    return 2;
  }
  const positive = values.positive.trim();
  const testFraction = Number(values['test-fraction']);
  const fractions = values.fractions.split(',').map(Number);
  const seeds = values.seeds.split(',').map(Number);
  const table = await readTableFile(file);
  const ti = columnIndex(table, values.target, file);

  // The rows each kind trains on, their 0/1 labels, and "train on these rows, score those": the metric.
  let y: number[];
  let run: (train: number[], test: number[]) => Promise<{ metric: number; model: string }>;
  let metricName: string;
  if (values.text) {
    metricName = 'F1';
    const data = labelled(table, file, values.text, values.target, positive);
    y = data.y;
    let vectorOf: ((text: string) => Float32Array) | null = null;
    if (values.encoder !== 'none') {
      const unique = [...new Set(data.texts)];
      const t0 = performance.now();
      const s = await sentenceVectors(unique, undefined);
      if (!s.vectors) {
        process.stderr.write(`learning-curve: sentence encoder unavailable (${s.fallback})\n`);
        return 1;
      }
      const byText = new Map(unique.map((t, i) => [t, s.vectors![i]!]));
      vectorOf = (t) => byText.get(t)!;
      console.log(`embedded ${unique.length} texts (${s.id}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    run = async (trainIdx, testIdx) => {
      const texts = trainIdx.map((i) => data.texts[i]!);
      const labels = trainIdx.map((i) => data.y[i]!);
      const chosen = trainEvalTextModel(texts, labels, positive, vectorOf);
      const prob = chosen.probability;
      const threshold = chosen.threshold;
      const model = chosen.model === FUSED_TEXT_MODEL ? `fused(alpha ${chosen.fusedReport?.alpha})` : 'ngram';
      const predicted = testIdx.map((i) => (prob(data.texts[i]!) >= threshold ? 1 : 0));
      return {
        metric: precisionRecallF1(
          predicted,
          testIdx.map((i) => data.y[i]!),
        ).f1,
        model,
      };
    };
  } else {
    metricName = 'ROC-AUC';
    const drop = values.drop.split(',').filter(Boolean);
    // As trainScoringModel: rows with a missing target are not training rows.
    const rows = table.rows.filter((r) => !isMissing(r[ti]));
    y = rows.map((r) => outcomeOf(r[ti], positive));
    const pick = (idx: number[]): Table => ({ columns: table.columns, rows: idx.map((i) => rows[i]!) });
    run = async (trainIdx, testIdx) => {
      const m = trainScoringModel(pick(trainIdx), { target: values.target!, positive, drop, algorithm: 'auto' });
      const auc = rocAuc(
        m.predictTable(pick(testIdx)),
        testIdx.map((i) => y[i]!),
      );
      return { metric: auc, model: m.modelName };
    };
  }

  console.log(
    `${file}: ${y.length} rows, test slice ${testFraction}, training fractions ${fractions.join(' / ')} of the rest, ` +
      `seeds ${seeds.join(' / ')}, metric ${metricName}`,
  );
  const metrics = fractions.map(() => [] as number[]);
  const sizes = fractions.map(() => 0);
  const cpu = fractions.map(() => 0);
  for (const seed of seeds) {
    const split = curveSplit(y, testFraction, fractions, seed);
    for (let q = 0; q < fractions.length; q++) {
      const c0 = process.cpuUsage();
      const r = await run(split.train[q]!, split.test);
      const c = process.cpuUsage(c0);
      cpu[q]! += (c.user + c.system) / 1e6;
      sizes[q] = split.train[q]!.length;
      metrics[q]!.push(r.metric);
      console.log(
        `seed ${seed} train ${split.train[q]!.length} test ${split.test.length}: ${metricName} ${fmt(r.metric)} ${r.model} ` +
          `(${((c.user + c.system) / 1e6).toFixed(1)} s cpu)`,
      );
    }
  }
  const mean = metrics.map((m) => m.reduce((a, b) => a + b, 0) / m.length);
  console.log(
    `\ntrain rows | mean ${metricName} | per seed | change per doubling from the previous size | cpu s (all seeds)`,
  );
  fractions.forEach((_, q) => {
    const perDoubling = q === 0 ? '' : signed((mean[q]! - mean[q - 1]!) / Math.log2(sizes[q]! / sizes[q - 1]!));
    console.log(
      `${sizes[q]} | ${fmt(mean[q]!)} | ${metrics[q]!.map(fmt).join(' / ')} | ${perDoubling} | ${cpu[q]!.toFixed(0)}`,
    );
  });
  console.log(
    `least-squares slope per doubling of the training rows: ${signed(slopePerDoubling(sizes, mean))} ${metricName} ` +
      `(${sizes[0]} → ${sizes[sizes.length - 1]} rows)`,
  );
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  process.exitCode = await main(process.argv.slice(2));
