/**
 * Probe (issue 18 item 3): out-of-fold target encodings of low-cardinality column keys, added to the table as
 * numeric columns before the unchanged scoring model trains on it. Measures whether such features help on the
 * seeded halves made by split.ts; nothing in src/ uses them (docs/benchmarks.md, held-out-style splits for
 * scoring, has the figures).
 *
 *   npx tsx bench/scoring/te-probe.ts DIR_PREFIX TARGET POSITIVE [--drop c1,c2] [--model auto|logreg|gbdt|blend]
 *     [--mode none|pairs|key|greedy|screen] [--top 8] [--max-corr 1] [--key c1,c2,…] [--max-distinct 64]
 *     [--smooth 20] [--seeds 1,2,3]
 *
 * Low-cardinality columns: 2 to --max-distinct distinct values in the training half (target and --drop excluded).
 * Modes: `pairs` — every pair of them, the --top with the best out-of-fold AUC of the encoding alone (skipping a
 * pair whose encoding correlates above --max-corr with one already taken); `key` — the one key --key (column
 * names); `greedy` — one key grown column by column while its out-of-fold AUC rises by > 0.001; `screen` — print
 * the 15 best pairs (out-of-fold AUC on the training half, AUC on the test half) and train nothing.
 * Encoding: (positives + smooth × prior) / (rows + smooth) of the key; training rows out-of-fold (5 stratified
 * folds), test rows from all training rows, an unseen key gets the prior. A per-row offset of at most 1e-6 keeps
 * the encodings from looking like period snapshots (few distinct values, new values in the test half), which the
 * model would otherwise route to its new-period model.
 */
import { parseArgs } from 'node:util';
import { stratifiedFolds, trainScoringModel, type AlgorithmChoice } from '../../src/inference/models/scoring-model.js';
import { rocAuc } from '../../src/inference/models/metrics.js';
import type { Table } from '../../src/inference/models/table.js';
import { labelsOf, readHalves } from './halves.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    drop: { type: 'string', default: '' },
    model: { type: 'string', default: 'auto' },
    seeds: { type: 'string', default: '1,2,3' },
    mode: { type: 'string', default: 'pairs' },
    top: { type: 'string', default: '8' },
    'max-corr': { type: 'string', default: '1' },
    key: { type: 'string', default: '' },
    'max-distinct': { type: 'string', default: '64' },
    smooth: { type: 'string', default: '20' },
    help: { type: 'boolean', default: false },
  },
});
const USAGE = `usage: npx tsx bench/scoring/te-probe.ts DIR_PREFIX TARGET POSITIVE [--drop c1,c2] [--model auto|logreg|gbdt|blend]
  [--mode none|pairs|key|greedy|screen] [--top 8] [--max-corr 1] [--key c1,c2,...] [--max-distinct 64] [--smooth 20]
  [--seeds 1,2,3]

Out-of-fold target encodings of low-cardinality column keys added to the table before the unchanged scoring model
trains on the halves DIR_PREFIX_h<seed>/{train,test}.csv (made by bench/scoring/split.ts); prints the test AUC per
seed. The file's header describes each mode.
`;
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const [prefix, target, positive] = positionals;
if (!prefix || !target || !positive) {
  console.error('usage: te-probe.ts DIR_PREFIX TARGET POSITIVE [--drop …] [--mode …] (see the header)');
  process.exit(2);
}
const drop = values.drop.split(',').filter(Boolean);
const maxDistinct = Number(values['max-distinct']);
const smooth = Number(values.smooth);
const FOLDS = 5;

interface Encoded {
  cols: number[];
  oof: Float64Array;
  auc: number;
}
type Counts = Map<string, [number, number]>;
const keyOf = (r: string[], cols: number[]) => cols.map((c) => (r[c] ?? '').trim()).join('\u0001');
function countKeys(rows: string[][], cols: number[], y: Uint8Array, idx: number[]): Counts {
  const t: Counts = new Map();
  for (const i of idx) {
    const k = keyOf(rows[i]!, cols);
    const e = t.get(k) ?? [0, 0];
    e[0] += y[i]!;
    e[1]++;
    t.set(k, e);
  }
  return t;
}
const encode = (t: Counts, prior: number, k: string) => {
  const e = t.get(k);
  return e ? (e[0] + smooth * prior) / (e[1] + smooth) : prior;
};
function corr(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  const ma = a.reduce((s, v) => s + v, 0) / n;
  const mb = b.reduce((s, v) => s + v, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / (Math.sqrt(saa * sbb) || 1);
}
const offset = (i: number) => ((i * 2654435761) % 1000003) * 1e-12;
const label = (t: Table, cols: number[]) => cols.map((c) => t.columns[c]).join('×');

const aucs: number[] = [];
const started = process.cpuUsage();
for (const seed of values.seeds.split(',').map(Number)) {
  const { train, test } = await readHalves(prefix, seed);
  const y = labelsOf(train, target, positive);
  const yTest = labelsOf(test, target, positive);
  const prior = y.reduce((a, b) => a + b, 0) / y.length;
  const low: number[] = [];
  train.columns.forEach((c, i) => {
    if (c === target || drop.includes(c)) return;
    const d = new Set(train.rows.map((r) => (r[i] ?? '').trim())).size;
    if (d >= 2 && d <= maxDistinct) low.push(i);
  });
  const fold = stratifiedFolds(y, FOLDS, 7);
  const all = train.rows.map((_, i) => i);
  const encodeOof = (cols: number[]): Encoded => {
    const oof = new Float64Array(y.length);
    for (let f = 0; f < FOLDS; f++) {
      const t = countKeys(
        train.rows,
        cols,
        y,
        all.filter((i) => fold[i] !== f),
      );
      for (const i of all) if (fold[i] === f) oof[i] = encode(t, prior, keyOf(train.rows[i]!, cols));
    }
    return { cols, oof, auc: rocAuc(oof, [...y]) };
  };
  const encodeTest = (cols: number[]) => {
    const t = countKeys(train.rows, cols, y, all);
    return test.rows.map((r) => encode(t, prior, keyOf(r, cols)));
  };

  let chosen: Encoded[] = [];
  if (values.mode === 'pairs' || values.mode === 'screen') {
    const pairs: Encoded[] = [];
    for (let a = 0; a < low.length; a++)
      for (let b = a + 1; b < low.length; b++) pairs.push(encodeOof([low[a]!, low[b]!]));
    pairs.sort((a, b) => b.auc - a.auc);
    if (values.mode === 'screen') {
      console.log(`seed ${seed}: low-cardinality columns ${label(train, low)}`);
      for (const p of pairs.slice(0, 15))
        console.log(
          `  ${label(train, p.cols)} oof ${p.auc.toFixed(4)} test ${rocAuc(encodeTest(p.cols), yTest).toFixed(4)}`,
        );
      continue;
    }
    for (const p of pairs) {
      if (chosen.length >= Number(values.top)) break;
      if (!chosen.some((c) => corr(c.oof, p.oof) > Number(values['max-corr']))) chosen.push(p);
    }
  } else if (values.mode === 'key') {
    chosen = [encodeOof(values.key.split(',').map((c) => train.columns.indexOf(c)))];
  } else if (values.mode === 'greedy') {
    let best: Encoded | null = null;
    for (;;) {
      let step: Encoded | null = null;
      for (const c of low) {
        if (best?.cols.includes(c)) continue;
        const e = encodeOof([...(best?.cols ?? []), c]);
        if (e.auc > (best?.auc ?? 0.5) + 0.001 && (!step || e.auc > step.auc)) step = e;
      }
      if (!step) break;
      best = step;
    }
    chosen = best ? [best] : [];
  }

  const names = chosen.map((_, j) => `te${j}`);
  const widen = (t: Table, extra: string[][]): Table => ({
    columns: [...t.columns, ...names],
    rows: t.rows.map((r, i) => [...r, ...extra[i]!]),
  });
  const trainExtra = train.rows.map((_, i) => chosen.map((e) => String(e.oof[i]! + offset(i))));
  const testCols = chosen.map((e) => encodeTest(e.cols));
  const testExtra = test.rows.map((_, i) => testCols.map((col) => String(col[i]! + offset(i + 7))));
  const model = trainScoringModel(widen(train, trainExtra), {
    target,
    positive,
    drop,
    algorithm: values.model as AlgorithmChoice,
  });
  const auc = rocAuc(model.predictTable(widen(test, testExtra)), yTest);
  aucs.push(auc);
  const c = model.training.candidates.find((x) => x.algorithm === model.algorithm)!;
  console.log(
    `seed ${seed}: auc ${auc.toFixed(4)} ${model.modelName} (${c.setting}; cv ${c.validationAuc?.toFixed(4)}) ` +
      `keys: ${chosen.map((e) => label(train, e.cols)).join(', ') || 'none'}`,
  );
}
const cpu = process.cpuUsage(started);
if (aucs.length > 0)
  console.log(
    `mean auc ${(aucs.reduce((a, b) => a + b, 0) / aucs.length).toFixed(4)}, cpu ${((cpu.user + cpu.system) / 1e6).toFixed(0)} s`,
  );
