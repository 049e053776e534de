/**
 * Side-by-side check of the `eval text` classifier against the variants issue 18 suggested (character n-grams,
 * word + character, NB log-count-ratio weighting, an average of word and character models, a plain word TF-IDF
 * baseline), each with the same protocol: C ∈ {1, 3, 10} and the F1 threshold chosen by stratified 5-fold
 * cross-validation inside the training half, Platt scaling on the out-of-fold margins, then one fit on the whole
 * training half and one look at the test half. The `production` row is `trainTextClassifier` itself (what
 * `closeloop eval text` runs). Prints one JSON object: per split and variant the cross-validated F1 (the only number a
 * choice may be made on) and the test F1, then means over the splits and the ratio to production.
 *
 *   for s in 1 2 3; do npx tsx bench/scoring/split.ts ../shared/data/email_intent/dev.csv /tmp/cl/email_intent_s$s --test-fraction 0.5 --seed $s; done
 *   node_modules/node/bin/node --import tsx bench/signals/text-variants.ts /tmp/cl/email_intent_s1 /tmp/cl/email_intent_s2 /tmp/cl/email_intent_s3
 *
 * Sentence-encoder variants (issue 18 item 1), with the USE Lite vectors shipped in node_modules (embedded once per
 * distinct text per run, in two worker threads): logistic regression on the 512-d vector alone; the n-gram features
 * concatenated with the vector scaled by alpha ∈ {0.5, 1, 2} (alpha, C, threshold by the same inner CV:
 * `trainFusedTextClassifier`); the mean of the calibrated n-gram and USE probabilities (threshold by CV on the mean
 * of the out-of-fold probabilities); and `eval text` as it now runs (n-gram vs n-gram + USE with alpha ∈ {0.5, 1},
 * whichever has the higher CV F1). `--only-encoder` skips the older character / NB variants.
 *
 * `--more` adds a second pass of variants (issue 18 item 1, 2026-12-06): word + USE at alpha 0.5 and 1 and the mean
 * of the two; a small MLP on the USE vector and its mean with the word model; kNN on the USE vector and its mean with
 * the word model; word + USE + the element-wise max of the USE vectors of the sentence's clauses (it skips the
 * alpha 0.5/1/2 row). `--vectors FILE` keeps the sentence vectors in a JSON file between runs (read if present and of
 * the same encoder id, written at the end).
 *
 *   node_modules/node/bin/node --import tsx bench/signals/text-variants.ts --only-encoder --more --vectors /tmp/cl/use.json /tmp/cl/email_intent_s1
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import {
  bestF1Threshold,
  buildVectorizer,
  fitPlatt,
  fitSparse,
  interleavedFolds,
  outOfFoldMargins,
  sigmoid,
  textFeatures,
  trainTextClassifier,
  vectorize,
  type NamedFeature,
  type SparseRow,
  type Vectorizer,
} from '../../src/inference/signals/text-classifier.js';
import { trainFusedTextClassifier } from '../../src/inference/signals/sentence-text-classifier.js';
import { ThreadedEmbedder } from '../../src/context/threaded-embedder.js';
import { mulberry32 } from '../../src/lib/random.js';

const FOLDS = 5;
const GRID = [1, 3, 10];

const named = (names: string[]): NamedFeature[] => names.map((name) => ({ name, start: 0, end: 0 }));

/** Character 2–5-grams inside word boundaries (scikit-learn's `char_wb`), lower-cased, digits folded. */
function charNgrams(text: string): string[] {
  const out: string[] = [];
  const t = text
    .toLowerCase()
    .replace(/https?:\/\/\S+|\$link/g, ' U ')
    .replace(/\d/g, '0');
  for (const w of t.split(/\s+/).filter(Boolean)) {
    const p = ` ${w} `;
    for (let n = 2; n <= 5; n++) {
      if (p.length < n) break;
      for (let i = 0; i + n <= p.length; i++) out.push(`c:${p.slice(i, i + n)}`);
    }
  }
  return out;
}

/** Plain word 1–2-grams (no sentence markers, speech-act cues or lexicon verdicts): the usual baseline. */
function plainWords(text: string): string[] {
  const toks = text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
  const out = [...toks];
  for (let i = 0; i + 1 < toks.length; i++) out.push(`${toks[i]} ${toks[i + 1]}`);
  return out;
}

type Extract = (text: string) => string[];
const EXTRACT: Record<string, Extract> = {
  word: (t) => textFeatures(t).map((f) => f.name),
  char: charNgrams,
  'word+char': (t) => [...textFeatures(t).map((f) => f.name), ...charNgrams(t)],
  plain: plainWords,
};

/** NB-SVM (Wang & Manning 2012): scale each feature by |log-count ratio| of its presence in positives vs negatives. */
function nbRatio(v: Vectorizer, F: string[][], y: Uint8Array): Float64Array {
  const d = v.idf.length;
  const p = new Float64Array(d).fill(1);
  const q = new Float64Array(d).fill(1);
  for (let i = 0; i < F.length; i++)
    for (const x of new Set(F[i]!)) {
      const j = v.vocab.get(x);
      if (j !== undefined) (y[i] ? p : q)[j]!++;
    }
  let sp = 0;
  let sq = 0;
  for (let j = 0; j < d; j++) {
    sp += p[j]!;
    sq += q[j]!;
  }
  return Float64Array.from({ length: d }, (_, j) => Math.abs(Math.log(p[j]! / sp / (q[j]! / sq))));
}

interface Variant {
  name: string;
  features: string;
  nb?: boolean;
}
const VARIANTS: Variant[] = [
  { name: 'plain word 1-2-gram tf-idf', features: 'plain' },
  { name: 'char 2-5 wb', features: 'char' },
  { name: 'word + char 2-5 wb (one model)', features: 'word+char' },
  { name: 'word, NB log-count-ratio weighted', features: 'word', nb: true },
];

/** Margins of a model fitted on rows `fit` (C fixed), for every row. */
function fitAndScore(F: string[][], y: Uint8Array, fit: number[], c: number, nb: boolean): Float64Array {
  const vec = buildVectorizer(fit.map((i) => named(F[i]!)));
  const r = nb
    ? nbRatio(
        vec,
        fit.map((i) => F[i]!),
        Uint8Array.from(fit, (i) => y[i]!),
      )
    : null;
  const row = (i: number): SparseRow => {
    const x = vectorize(vec, named(F[i]!)).row;
    if (!r) return x;
    let norm = 0;
    for (const e of x) {
      e[1] *= r[e[0]]!;
      norm += e[1] * e[1];
    }
    norm = Math.sqrt(norm) || 1;
    for (const e of x) e[1] /= norm;
    return x;
  };
  const { w, bias } = fitSparse(
    fit.map(row),
    Uint8Array.from(fit, (i) => y[i]!),
    vec.idf.length,
    c,
  );
  return Float64Array.from({ length: F.length }, (_, i) => {
    let z = bias;
    for (const [j, x] of row(i)) z += w[j]! * x;
    return z;
  });
}

/** CV-selected C, Platt on out-of-fold margins (runModel); returns calibrated OOF and test probabilities. */
function runVariant(F: string[][], y: Uint8Array, nTrain: number, nb: boolean) {
  return runModel(
    (fit, c) => {
      const m = fitAndScore(F, y, fit, c, nb);
      return (i) => m[i]!;
    },
    y,
    nTrain,
    GRID,
  );
}

function f1At(p: number[], y: ArrayLike<number>, t: number): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  p.forEach((v, i) => {
    const h = v >= t;
    if (h && y[i]) tp++;
    else if (h) fp++;
    else if (y[i]) fn++;
  });
  return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
}

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
const load = (p: string) =>
  (parse(readFileSync(p, 'utf8'), { columns: true }) as { intent: string; text: string }[]).filter(
    (r) => r.text.trim() !== '' && r.intent.trim() !== '',
  );

/** Logistic regression on dense vectors (C by the inner CV, Platt on out-of-fold margins, runModel), like runVariant. */
function runDense(E: Float32Array[], y: Uint8Array, nTrain: number) {
  const rows = E.map((v): SparseRow => Array.from(v, (x, j) => [j, x]));
  const d = E[0]!.length;
  const fitScore = (fit: number[], c: number) => {
    const { w, bias } = fitSparse(
      fit.map((i) => rows[i]!),
      Uint8Array.from(fit, (i) => y[i]!),
      d,
      c,
    );
    return (i: number) => rows[i]!.reduce((z, [j, x]) => z + w[j]! * x, bias);
  };
  return runModel(fitScore, y, nTrain, GRID);
}

/**
 * `--more` (issue 18 item 1, second pass): the same protocol for any scorer. `fitScore(fit, c)` fits on rows `fit`
 * with setting `c` and returns a margin for every row; the setting with the best out-of-fold F1 is kept, Platt on its
 * out-of-fold margins, one fit on the whole training half for the test half.
 */
function runModel(
  fitScore: (fit: number[], c: number) => (i: number) => number,
  y: Uint8Array,
  nTrain: number,
  grid: number[],
) {
  const fold = interleavedFolds(y.subarray(0, nTrain), FOLDS);
  let best: { c: number; f1: number; oof: Float64Array } | null = null;
  for (const c of grid) {
    const oof = outOfFoldMargins(fold, FOLDS, (fit) => fitScore(fit, c));
    const f1 = bestF1Threshold(Array.from(oof, sigmoid), y.subarray(0, nTrain)).f1;
    if (!best || f1 > best.f1 + 1e-9) best = { c, f1, oof };
  }
  const platt = fitPlatt(best!.oof, y.subarray(0, nTrain));
  const cal = (m: number) => sigmoid(platt.a * m + platt.b);
  const all = fitScore([...Array(nTrain).keys()], best!.c);
  return {
    c: best!.c,
    oof: Array.from(best!.oof, cal),
    test: Array.from({ length: y.length - nTrain }, (_, k) => cal(all(nTrain + k))),
  };
}

/** Word features (production's) with dense blocks appended, each scaled by its weight; class-balanced L2 logreg. */
function fusedScorer(F: string[][], blocks: { v: ArrayLike<number>[]; w: number }[], y: Uint8Array) {
  return (fit: number[], c: number) => {
    const vec = buildVectorizer(fit.map((i) => named(F[i]!)));
    const row = (i: number): SparseRow => {
      const x = vectorize(vec, named(F[i]!)).row;
      let off = vec.idf.length;
      for (const b of blocks) {
        const v = b.v[i]!;
        for (let j = 0; j < v.length; j++) x.push([off + j, b.w * v[j]!]);
        off += v.length;
      }
      return x;
    };
    const d = vec.idf.length + blocks.reduce((s, b) => s + b.v[0]!.length, 0);
    const { w, bias } = fitSparse(
      fit.map(row),
      Uint8Array.from(fit, (i) => y[i]!),
      d,
      c,
    );
    return (i: number) => row(i).reduce((z, [j, x]) => z + w[j]! * x, bias);
  };
}

/**
 * A small multilayer perceptron on the sentence vectors: one hidden ReLU layer of `hidden` units, class-balanced
 * log-loss, L2 1e-4 (not on biases), Adam (lr 1e-3, minibatches of 32) for `epochs` epochs, the margins of `nets`
 * seeded networks averaged. Deterministic.
 */
function mlpScorer(E: ArrayLike<number>[], y: Uint8Array, hidden: number, epochs: number, nets: number) {
  const D = E[0]!.length;
  const H = hidden;
  return (fit: number[]) => {
    let pos = 0;
    for (const i of fit) pos += y[i]!;
    const wPos = fit.length / (2 * Math.max(1, pos));
    const wNeg = fit.length / (2 * Math.max(1, fit.length - pos));
    const models: { W1: Float64Array; b1: Float64Array; W2: Float64Array; b2: Float64Array }[] = [];
    const h = new Float64Array(H);
    const forward = (m: (typeof models)[number], x: ArrayLike<number>) => {
      let z = m.b2[0]!;
      for (let k = 0; k < H; k++) {
        let a = m.b1[k]!;
        const off = k * D;
        for (let j = 0; j < D; j++) a += m.W1[off + j]! * x[j]!;
        h[k] = a > 0 ? a : 0;
        z += m.W2[k]! * h[k]!;
      }
      return z;
    };
    for (let s = 0; s < nets; s++) {
      const rnd = mulberry32(1234 + 7919 * s);
      const gauss = () => Math.sqrt(-2 * Math.log(rnd() || 1e-12)) * Math.cos(2 * Math.PI * rnd());
      const m = {
        W1: Float64Array.from({ length: H * D }, () => gauss() * Math.sqrt(2 / D)),
        b1: new Float64Array(H),
        W2: Float64Array.from({ length: H }, () => gauss() * Math.sqrt(1 / H)),
        b2: new Float64Array(1),
      };
      const params = [m.W1, m.b1, m.W2, m.b2];
      const g = params.map((p) => new Float64Array(p.length));
      const m1 = params.map((p) => new Float64Array(p.length));
      const m2 = params.map((p) => new Float64Array(p.length));
      const order = [...fit];
      let t = 0;
      for (let ep = 0; ep < epochs; ep++) {
        for (let i = order.length - 1; i > 0; i--) {
          const j = Math.floor(rnd() * (i + 1));
          [order[i], order[j]] = [order[j]!, order[i]!];
        }
        for (let st = 0; st < order.length; st += 32) {
          const batch = order.slice(st, st + 32);
          for (const x of g) x.fill(0);
          for (const i of batch) {
            const x = E[i]!;
            const r = ((sigmoid(forward(m, x)) - y[i]!) * (y[i] ? wPos : wNeg)) / batch.length;
            g[3]![0]! += r;
            for (let k = 0; k < H; k++) {
              g[2]![k]! += r * h[k]!;
              if (h[k]! <= 0) continue;
              const rk = r * m.W2[k]!;
              g[1]![k]! += rk;
              const off = k * D;
              for (let j = 0; j < D; j++) g[0]![off + j]! += rk * x[j]!;
            }
          }
          t++;
          const c1 = 1 - 0.9 ** t;
          const c2 = 1 - 0.999 ** t;
          params.forEach((p, pi) => {
            const decay = pi === 0 || pi === 2 ? 1e-4 : 0;
            for (let j = 0; j < p.length; j++) {
              const gj = g[pi]![j]! + decay * p[j]!;
              m1[pi]![j] = 0.9 * m1[pi]![j]! + 0.1 * gj;
              m2[pi]![j] = 0.999 * m2[pi]![j]! + 0.001 * gj * gj;
              p[j]! -= (1e-3 * (m1[pi]![j]! / c1)) / (Math.sqrt(m2[pi]![j]! / c2) + 1e-8);
            }
          });
        }
      }
      models.push(m);
    }
    return (i: number) => models.reduce((z, m) => z + forward(m, E[i]!), 0) / models.length;
  };
}

/** k nearest training sentences by cosine of the (unit) sentence vectors, votes weighted exp(10·cos) and by class. */
function knnScorer(E: ArrayLike<number>[], y: Uint8Array) {
  return (fit: number[], k: number) => {
    let pos = 0;
    for (const i of fit) pos += y[i]!;
    const wPos = fit.length / (2 * Math.max(1, pos));
    const wNeg = fit.length / (2 * Math.max(1, fit.length - pos));
    return (i: number) => {
      const sims: [number, number][] = [];
      for (const j of fit) {
        if (j === i) continue;
        let d = 0;
        for (let q = 0; q < E[i]!.length; q++) d += E[i]![q]! * E[j]![q]!;
        sims.push([d, j]);
      }
      sims.sort((a, b) => b[0] - a[0]);
      let sp = 0.5;
      let sn = 0.5;
      for (const [d, j] of sims.slice(0, k)) {
        if (y[j]) sp += Math.exp(10 * d) * wPos;
        else sn += Math.exp(10 * d) * wNeg;
      }
      return Math.log(sp / sn);
    };
  };
}

/** Clauses of a sentence (split at , ; : parentheses, dashes and inner sentence ends), two words or more each. */
const clausesOf = (t: string): string[] =>
  t
    .split(/[,;:()]|\s[-–—]+\s|(?<=[.!?])\s+/)
    .map((s) => s.trim())
    .filter((s) => s.split(/\s+/).length >= 2);

if (process.argv.includes('--help')) {
  process.stdout
    .write(`usage: node_modules/node/bin/node --import tsx bench/signals/text-variants.ts [--only-encoder] [--more] [--vectors FILE] SPLIT_DIR...

Text-classifier variants on each SPLIT_DIR (train.csv and test.csv with columns text, intent; made by
bench/scoring/split.ts): choices by cross-validation inside the training half, one look at the test half.
  --only-encoder  only the variants that use the sentence encoder
  --more          the second pass of variants
  --vectors FILE  a JSON cache of sentence vectors, read before and written after the run
`);
  process.exit(0);
}
const onlyEncoder = process.argv.includes('--only-encoder');
const more = process.argv.includes('--more');
const dirs = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && all[i - 1] !== '--vectors');
const embedder = new ThreadedEmbedder(2, { kind: 'sentence' });
const vectorCache = new Map<string, Float32Array>();
// `--vectors FILE`: a JSON cache of sentence vectors (text → vector) read before and written after the run, so a
// rerun does not embed again (vectors are deterministic for a given encoder id, which the file records).
const vectorsArg = process.argv.indexOf('--vectors');
const vectorsFile = vectorsArg > 0 ? process.argv[vectorsArg + 1] : undefined;
if (vectorsFile && existsSync(vectorsFile)) {
  const cached = JSON.parse(readFileSync(vectorsFile, 'utf8')) as { id: string; vectors: Record<string, number[]> };
  if (cached.id === embedder.id)
    for (const [t, v] of Object.entries(cached.vectors)) vectorCache.set(t, Float32Array.from(v));
}
let embedSeconds = 0;
async function sentenceVectors(texts: string[]): Promise<Float32Array[]> {
  const t0 = performance.now();
  const missing = [...new Set(texts.filter((t) => !vectorCache.has(t)))];
  const v = await embedder.embed(missing);
  if (embedder.fallbackReason) throw new Error(`sentence encoder unavailable: ${embedder.fallbackReason}`);
  missing.forEach((t, i) => vectorCache.set(t, v[i]!));
  embedSeconds += (performance.now() - t0) / 1000;
  return texts.map((t) => vectorCache.get(t)!);
}
if (dirs.length === 0) {
  process.stderr.write('usage: text-variants.ts SPLIT_DIR... (each with train.csv and test.csv: text, intent)\n');
  process.exit(2);
}
const splits: Record<
  string,
  Record<string, { cv_f1: number; test_f1: number; c: number; alpha?: number; seconds: number }>
> = {};
for (const dir of dirs) {
  const tr = load(join(dir, 'train.csv'));
  const te = load(join(dir, 'test.csv'));
  const texts = [...tr, ...te].map((r) => r.text);
  const y = Uint8Array.from([...tr, ...te], (r) => (r.intent.trim() === 'Yes' ? 1 : 0));
  const ytr = y.subarray(0, tr.length);
  const yte = y.subarray(tr.length);
  const out: (typeof splits)[string] = {};
  let t0 = performance.now();
  const prod = trainTextClassifier(
    tr.map((r) => r.text),
    ytr,
  );
  const prodTest = te.map((r) => prod.model.probability(r.text));
  out.production = {
    cv_f1: r4(prod.report.validationF1 ?? 0),
    test_f1: r4(f1At(prodTest, yte, prod.model.threshold)),
    c: prod.report.c,
    seconds: r4((performance.now() - t0) / 1000),
  };
  const cache = new Map<string, string[][]>();
  const feats = (k: string) => {
    if (!cache.has(k)) cache.set(k, texts.map(EXTRACT[k]!));
    return cache.get(k)!;
  };
  const kept: Record<string, ReturnType<typeof runVariant>> = {};
  for (const v of onlyEncoder ? [] : VARIANTS) {
    t0 = performance.now();
    const r = runVariant(feats(v.features), y, tr.length, v.nb ?? false);
    kept[v.features + (v.nb ? '+nb' : '')] = r;
    const th = bestF1Threshold(r.oof, ytr);
    out[v.name] = {
      cv_f1: r4(th.f1),
      test_f1: r4(f1At(r.test, yte, th.threshold)),
      c: r.c,
      seconds: r4((performance.now() - t0) / 1000),
    };
  }
  // Average of the calibrated word model (same features as production) and the character model.
  t0 = performance.now();
  const word = runVariant(feats('word'), y, tr.length, false);
  const wordSeconds = (performance.now() - t0) / 1000;
  const avg = (a: number[], b: number[]) => a.map((v, i) => (v + b[i]!) / 2);
  if (!onlyEncoder) {
    const char = kept.char!;
    const th = bestF1Threshold(avg(word.oof, char.oof), ytr);
    out['average of word and char models'] = {
      cv_f1: r4(th.f1),
      test_f1: r4(f1At(avg(word.test, char.test), yte, th.threshold)),
      c: word.c,
      seconds: r4(wordSeconds + out['char 2-5 wb']!.seconds),
    };
  }
  // Sentence encoder (USE Lite) variants; the vectors are computed once per text and run (embedding time apart).
  const E = await sentenceVectors(texts);
  t0 = performance.now();
  const use = runDense(E, y, tr.length);
  const useSeconds = (performance.now() - t0) / 1000;
  let th = bestF1Threshold(use.oof, ytr);
  out['USE Lite vector alone'] = {
    cv_f1: r4(th.f1),
    test_f1: r4(f1At(use.test, yte, th.threshold)),
    c: use.c,
    seconds: r4(useSeconds),
  };
  th = bestF1Threshold(avg(word.oof, use.oof), ytr);
  out['average of word and USE models'] = {
    cv_f1: r4(th.f1),
    test_f1: r4(f1At(avg(word.test, use.test), yte, th.threshold)),
    c: word.c,
    seconds: r4(wordSeconds + useSeconds),
  };
  const trainTexts = tr.map((r) => r.text);
  const fusedRun = (alphas: number[]) => {
    const t1 = performance.now();
    const f = trainFusedTextClassifier(trainTexts, ytr, E.slice(0, tr.length), { alphas });
    const p = te.map((r, i) => f.model.probability(r.text, E[tr.length + i]!));
    return { f, p, seconds: (performance.now() - t1) / 1000 };
  };
  const fusedWide = more ? null : fusedRun([0.5, 1, 2]);
  if (fusedWide)
    out['word + USE concatenated (alpha 0.5/1/2 by CV)'] = {
      cv_f1: r4(fusedWide!.f.report.validationF1 ?? 0),
      test_f1: r4(f1At(fusedWide!.p, yte, fusedWide!.f.model.threshold)),
      c: fusedWide!.f.report.c,
      alpha: fusedWide!.f.report.alpha,
      seconds: r4(fusedWide!.seconds),
    } as (typeof out)[string];
  // What `eval text` runs: alpha in {0.5, 1}; the fused model only when its CV F1 beats the n-gram model's.
  const fused = fusedRun([0.5, 1]);
  const useFused = (fused.f.report.validationF1 ?? -1) > (prod.report.validationF1 ?? -1) + 1e-9;
  out['eval text (n-gram or n-gram + USE by CV)'] = useFused
    ? {
        cv_f1: r4(fused.f.report.validationF1 ?? 0),
        test_f1: r4(f1At(fused.p, yte, fused.f.model.threshold)),
        c: fused.f.report.c,
        alpha: fused.f.report.alpha,
        seconds: r4(fused.seconds + out.production.seconds),
      }
    : { ...out.production, seconds: r4(fused.seconds + out.production.seconds) };
  if (more) {
    const report = (name: string, r: { c: number; oof: number[]; test: number[] }, seconds: number) => {
      const t = bestF1Threshold(r.oof, ytr);
      out[name] = { cv_f1: r4(t.f1), test_f1: r4(f1At(r.test, yte, t.threshold)), c: r.c, seconds: r4(seconds) };
    };
    const timed = <T>(f: () => T): [T, number] => {
      const t1 = performance.now();
      const r = f();
      return [r, (performance.now() - t1) / 1000];
    };
    const W = feats('word');
    const [f05, s05] = timed(() => runModel(fusedScorer(W, [{ v: E, w: 0.5 }], y), y, tr.length, GRID));
    const [f1m, s1] = timed(() => runModel(fusedScorer(W, [{ v: E, w: 1 }], y), y, tr.length, GRID));
    report('more: word + USE, alpha 0.5', f05, s05);
    report('more: word + USE, alpha 1', f1m, s1);
    report(
      'more: mean of the alpha 0.5 and alpha 1 models',
      { c: f05.c, oof: avg(f05.oof, f1m.oof), test: avg(f05.test, f1m.test) },
      s05 + s1,
    );
    const [mlp, sm] = timed(() => runModel(mlpScorer(E, y, 64, 15, 1), y, tr.length, [0]));
    report('more: MLP on the USE vector (64 ReLU, 15 epochs)', mlp, sm);
    report(
      'more: mean of word model and USE MLP',
      { c: word.c, oof: avg(word.oof, mlp.oof), test: avg(word.test, mlp.test) },
      sm + wordSeconds,
    );
    const [knn, sk] = timed(() => runModel(knnScorer(E, y), y, tr.length, [10, 50]));
    report('more: kNN on the USE vector (k 10/50 by CV)', knn, sk);
    report(
      'more: mean of word model and kNN',
      { c: word.c, oof: avg(word.oof, knn.oof), test: avg(word.test, knn.test) },
      sk + wordSeconds,
    );
    // Clause view: element-wise max over the unit USE vectors of the sentence's clauses (the sentence's own vector
    // when it has one clause), renormalised, as a second block.
    const parts = texts.map(clausesOf);
    await sentenceVectors([...new Set(parts.filter((p) => p.length > 1).flat())]);
    const maxPool = texts.map((_, i) => {
      if (parts[i]!.length <= 1) return E[i]!;
      const o = new Float64Array(E[i]!.length).fill(-Infinity);
      for (const c of parts[i]!) vectorCache.get(c)!.forEach((x, j) => (o[j] = Math.max(o[j]!, x)));
      const n = Math.sqrt(o.reduce((z, x) => z + x * x, 0)) || 1;
      return o.map((x) => x / n);
    });
    const [fmax, sx] = timed(() =>
      runModel(
        fusedScorer(
          W,
          [
            { v: E, w: 0.5 },
            { v: maxPool, w: 0.5 },
          ],
          y,
        ),
        y,
        tr.length,
        GRID,
      ),
    );
    report('more: word + USE 0.5 + clause max-pool USE 0.5', fmax, sx);
  }
  splits[dir] = out;
  process.stderr.write(`${dir}: ${JSON.stringify(out)}\n`);
}
const names = Object.keys(Object.values(splits)[0]!);
const mean = (f: (x: { cv_f1: number; test_f1: number }) => number, n: string) =>
  r4(Object.values(splits).reduce((s, x) => s + f(x[n]!), 0) / dirs.length);
const summary = Object.fromEntries(
  names.map((n) => [
    n,
    {
      cv_f1: mean((x) => x.cv_f1, n),
      test_f1: mean((x) => x.test_f1, n),
      test_f1_vs_production: r4(mean((x) => x.test_f1, n) / mean((x) => x.test_f1, 'production')),
    },
  ]),
);
await embedder.close();
if (vectorsFile)
  writeFileSync(
    vectorsFile,
    JSON.stringify({
      id: embedder.id,
      vectors: Object.fromEntries([...vectorCache].map(([t, v]) => [t, Array.from(v)])),
    }),
  );
process.stdout.write(
  `${JSON.stringify({ splits, mean_over_splits: summary, encoder: embedder.id, distinct_texts_embedded: vectorCache.size, embed_seconds: r4(embedSeconds) })}\n`,
);
