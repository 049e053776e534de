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
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import {
  bestF1Threshold,
  buildVectorizer,
  fitPlatt,
  fitSparse,
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

/** CV-selected C, Platt on out-of-fold margins; returns calibrated OOF and test probabilities. */
function runVariant(F: string[][], y: Uint8Array, nTrain: number, nb: boolean) {
  const fold = new Int32Array(nTrain);
  let kp = 0;
  let kn = 0;
  for (let i = 0; i < nTrain; i++) fold[i] = y[i] ? kp++ % FOLDS : kn++ % FOLDS;
  let best: { c: number; f1: number; oof: Float64Array } | null = null;
  for (const c of GRID) {
    const oof = new Float64Array(nTrain);
    for (let k = 0; k < FOLDS; k++) {
      const fit = [...Array(nTrain).keys()].filter((i) => fold[i] !== k);
      const m = fitAndScore(F, y, fit, c, nb);
      for (let i = 0; i < nTrain; i++) if (fold[i] === k) oof[i] = m[i]!;
    }
    const f1 = bestF1Threshold(Array.from(oof, sigmoid), y.subarray(0, nTrain)).f1;
    if (!best || f1 > best.f1 + 1e-9) best = { c, f1, oof };
  }
  const platt = fitPlatt(best!.oof, y.subarray(0, nTrain));
  const cal = (m: number) => sigmoid(platt.a * m + platt.b);
  const all = fitAndScore(F, y, [...Array(nTrain).keys()], best!.c, nb);
  return {
    c: best!.c,
    oof: Array.from(best!.oof, cal),
    test: Array.from(all.subarray(nTrain), cal),
  };
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

/** Logistic regression on dense vectors (C by the inner CV, Platt on out-of-fold margins), like runVariant. */
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
    return Float64Array.from(rows, (r) => r.reduce((z, [j, x]) => z + w[j]! * x, bias));
  };
  const fold = new Int32Array(nTrain);
  let kp = 0;
  let kn = 0;
  for (let i = 0; i < nTrain; i++) fold[i] = y[i] ? kp++ % FOLDS : kn++ % FOLDS;
  let best: { c: number; f1: number; oof: Float64Array } | null = null;
  for (const c of GRID) {
    const oof = new Float64Array(nTrain);
    for (let k = 0; k < FOLDS; k++) {
      const m = fitScore(
        [...Array(nTrain).keys()].filter((i) => fold[i] !== k),
        c,
      );
      for (let i = 0; i < nTrain; i++) if (fold[i] === k) oof[i] = m[i]!;
    }
    const f1 = bestF1Threshold(Array.from(oof, sigmoid), y.subarray(0, nTrain)).f1;
    if (!best || f1 > best.f1 + 1e-9) best = { c, f1, oof };
  }
  const platt = fitPlatt(best!.oof, y.subarray(0, nTrain));
  const cal = (m: number) => sigmoid(platt.a * m + platt.b);
  const all = fitScore([...Array(nTrain).keys()], best!.c);
  return { c: best!.c, oof: Array.from(best!.oof, cal), test: Array.from(all.subarray(nTrain), cal) };
}

const onlyEncoder = process.argv.includes('--only-encoder');
const dirs = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const embedder = new ThreadedEmbedder(2, { kind: 'sentence' });
const vectorCache = new Map<string, Float32Array>();
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
  const fusedWide = fusedRun([0.5, 1, 2]);
  out['word + USE concatenated (alpha 0.5/1/2 by CV)'] = {
    cv_f1: r4(fusedWide.f.report.validationF1 ?? 0),
    test_f1: r4(f1At(fusedWide.p, yte, fusedWide.f.model.threshold)),
    c: fusedWide.f.report.c,
    alpha: fusedWide.f.report.alpha,
    seconds: r4(fusedWide.seconds),
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
process.stdout.write(
  `${JSON.stringify({ splits, mean_over_splits: summary, encoder: embedder.id, distinct_texts_embedded: vectorCache.size, embed_seconds: r4(embedSeconds) })}\n`,
);
