import { isCloseloopError } from '../core/index.js';
import { defineCommand, runCommand, UsageError } from './command.js';
import { precisionRecallF1 } from '../inference/models/metrics.js';
import { calibrationReport } from '../inference/models/scoring-model.js';
import { labelledRows, otherLabelsNote, readTableFile } from './read-table.js';
import { columnIndex, type Table } from '../inference/models/table.js';
import { detectSignalsLexicon } from '../inference/signals/lexicon.js';
import { SIGNAL_TYPES, type SignalType } from '../inference/signals/types.js';
import { TEXT_MODEL, trainTextClassifier } from '../inference/signals/text-classifier.js';
import { FUSED_TEXT_MODEL, trainFusedTextClassifier } from '../inference/signals/sentence-text-classifier.js';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { ThreadedEmbedder } from '../context/threaded-embedder.js';

/**
 * Rows with a text and a label: the texts and their 0/1 labels (1 where the target is `positive`, ignoring case and
 * surrounding spaces). A file whose labelled rows are all of one outcome is refused, naming it and its labels
 * (labelledRows): precision and recall on it would be 0 without a word.
 */
export function labelled(
  t: Table,
  where: string,
  textColumn: string,
  targetColumn: string,
  positive: string,
): { texts: string[]; y: number[]; negatives: [string, number][] } {
  const textCol = columnIndex(t, textColumn, where);
  const { rows, y, negatives } = labelledRows(t, where, targetColumn, positive, {
    row: (r) => (r[textCol] ?? '').trim() !== '',
    what: `a text in column "${textColumn}"`,
  });
  return { texts: rows.map((r) => r[textCol]!), y, negatives };
}

const round = (x: number): number => Math.round(x * 1e4) / 1e4;

/**
 * The choice `eval text` makes between its two models, on the training rows only: the n-gram + sentence-encoder
 * model when its cross-validated F1 is higher (ties keep the n-gram model).
 */
export function preferFused(ngram: { validationF1: number | null }, fused: { validationF1: number | null }): boolean {
  return (fused.validationF1 ?? -1) > (ngram.validationF1 ?? -1) + 1e-9;
}

/**
 * Trains what `eval text` scores: the n-gram classifier and, given sentence vectors, the n-gram + sentence-encoder
 * model, keeping the one `preferFused` picks. `vectorOf` returns a training or test text's vector.
 */
export function trainEvalTextModel(
  texts: string[],
  y: number[],
  label: string,
  vectorOf: ((text: string) => ArrayLike<number>) | null,
) {
  const t0 = performance.now();
  const ngram = trainTextClassifier(texts, y, { label });
  const ngramSeconds = (performance.now() - t0) / 1000;
  const chosen = {
    model: TEXT_MODEL as string,
    threshold: ngram.model.threshold,
    probability: (t: string): number => ngram.model.probability(t),
    report: ngram.report,
    fusedReport: null as ReturnType<typeof trainFusedTextClassifier>['report'] | null,
    ngramSeconds,
    fusedSeconds: null as number | null,
  };
  if (!vectorOf) return chosen;
  const t1 = performance.now();
  const fused = trainFusedTextClassifier(texts, y, texts.map(vectorOf), { label });
  chosen.fusedSeconds = (performance.now() - t1) / 1000;
  chosen.fusedReport = fused.report;
  // Chosen on the training rows only: the higher cross-validated F1 (ties keep the n-gram model).
  if (preferFused(ngram.report, fused.report)) {
    chosen.model = FUSED_TEXT_MODEL;
    chosen.threshold = fused.model.threshold;
    chosen.probability = (t) => fused.model.probability(t, vectorOf(t));
  }
  return chosen;
}

/**
 * How well the calibrated probabilities match the labels: Brier score, the Brier score of always predicting the
 * training base rate (scale), expected calibration error over ten bins and the reliability bins.
 */
export function calibrationOf(probs: number[], y: number[], trainY: number[]) {
  const logit = (p: number) => Math.log(Math.max(1e-12, p) / Math.max(1e-12, 1 - p));
  const r = calibrationReport(Float64Array.from(probs, logit), Uint8Array.from(y), { a: 1, b: 0 });
  const rate = trainY.reduce((s, v) => s + v, 0) / Math.max(1, trainY.length);
  const baseBrier = y.reduce((s, v) => s + (rate - v) ** 2, 0) / Math.max(1, y.length);
  return { brier: r.brier, base_rate_brier: round(baseBrier), ece: r.ece, bins: r.bins };
}

/** USE Lite vectors of the texts in worker threads, or why not (model missing or failing to load). */
export async function sentenceVectors(
  texts: string[],
  modelDir: string | undefined,
): Promise<{ vectors: Float32Array[] | null; fallback: string | null; id: string | null; loadMs: number | null }> {
  const threads = Math.max(1, Math.min(2, availableParallelism()));
  const e = new ThreadedEmbedder(threads, { kind: 'sentence', modelDir });
  try {
    const vectors = await e.embed(texts);
    // A thread that cannot load the model answers with hashing vectors: those are not sentence vectors.
    if (e.fallbackReason) return { vectors: null, fallback: e.fallbackReason, id: null, loadMs: null };
    return { vectors, fallback: null, id: e.id, loadMs: e.modelLoadMs };
  } catch (err) {
    return {
      vectors: null,
      fallback: `sentence encoder failed: ${(err as Error)?.message ?? String(err)}`,
      id: null,
      loadMs: null,
    };
  } finally {
    await e.close();
  }
}

/**
 * `closeloop eval text`: train on A, measure precision / recall / F1 of the positive class on B. Two models are
 * trained on A: the n-gram classifier and the n-gram + sentence-encoder classifier (USE Lite vectors, shipped in
 * node_modules, no network); the one with the higher cross-validated F1 inside A is scored on B (B is never used
 * to choose). When the encoder cannot load, the n-gram classifier is used and `encoder.fallback` says why.
 * `--lexicon TYPE` also reports the untrained lexicon detector for that signal type on B.
 */
export const command = defineCommand({
  name: 'eval text',
  summary: 'train the text classifier on one CSV, print precision, recall and F1 on another as one JSON object',
  description:
    'Trains the n-gram classifier and the n-gram + sentence-encoder (USE Lite, offline) classifier on the training ' +
    'rows and scores the one with the higher cross-validated F1 inside them (falls back to n-grams when the ' +
    'encoder cannot load; `encoder` in the output says which and why). Rows with an empty text or a missing ' +
    'target are skipped. Exit 0 with the JSON on stdout, 2 on bad input.',
  options: {
    train: { type: 'string', value: 'A.csv', required: true, description: 'training rows (CSV with a header)' },
    test: { type: 'string', value: 'B.csv', required: true, description: 'rows to evaluate (same columns)' },
    text: { type: 'string', value: 'COL', required: true, description: 'the text column' },
    target: { type: 'string', value: 'COL', required: true, description: 'the label column' },
    positive: {
      type: 'string',
      value: 'VALUE',
      required: true,
      description: 'the label value that counts as positive (case and surrounding spaces ignored)',
    },
    lexicon: {
      type: 'string',
      value: 'SIGNAL_TYPE',
      choices: SIGNAL_TYPES,
      description: 'also score the untrained lexicon detector for this signal type',
    },
    encoder: {
      type: 'string',
      value: 'NAME',
      choices: ['use-lite', 'none'],
      default: 'use-lite',
      description: 'sentence encoder to offer next to the n-grams (none: n-gram classifier only)',
    },
    'encoder-model': {
      type: 'string',
      value: 'DIR',
      description: 'folder with the encoder model (model.json, shards, vocab.json); default: the shipped one',
    },
  },
  examples: [
    'npx closeloop eval text --train sentences-train.csv --test sentences-test.csv --text text --target ask --positive yes',
  ],
  async handler({ values }, io) {
    const { train: trainPath, test: testPath, text: textCol, target } = values;
    const positive = values.positive.trim();
    const lexiconType = values.lexicon as SignalType | undefined;
    // A model folder asked for by name must be one: falling back to the n-grams would answer another question.
    const modelDir = values['encoder-model'];
    if (modelDir !== undefined && values.encoder !== 'none' && !existsSync(path.join(modelDir, 'model.json')))
      throw new UsageError(`--encoder-model ${JSON.stringify(modelDir)} holds no model.json`);
    try {
      const [trainT, testT] = [await readTableFile(trainPath), await readTableFile(testPath)];
      const train = labelled(trainT, trainPath, textCol, target, positive);
      const test = labelled(testT, testPath, textCol, target, positive);
      for (const [where, l] of [
        [trainPath, train],
        [testPath, test],
      ] as const) {
        const note = otherLabelsNote('eval text', where, target, positive, l.negatives);
        if (note) io.err(note);
      }
      const started = performance.now();
      const encoder: Record<string, unknown> = { name: values.encoder, used: false, fallback: null };
      let vectorOf: ((text: string) => ArrayLike<number>) | null = null;
      if (values.encoder !== 'none') {
        const t0 = performance.now();
        const unique = [...new Set([...train.texts, ...test.texts])];
        const s = await sentenceVectors(unique, values['encoder-model']);
        encoder.embed_seconds = Math.round((performance.now() - t0) / 10) / 100;
        encoder.model_load_seconds = s.loadMs === null ? null : Math.round(s.loadMs / 10) / 100;
        if (s.vectors) {
          encoder.id = s.id;
          const byText = new Map(unique.map((t, i) => [t, s.vectors![i]!]));
          vectorOf = (t) => byText.get(t)!;
        } else {
          encoder.fallback = s.fallback;
          io.err(`eval text: sentence encoder unavailable, n-gram classifier only (${s.fallback})\n`);
        }
      }
      const chosen = trainEvalTextModel(train.texts, train.y, positive, vectorOf);
      if (chosen.fusedSeconds !== null) encoder.train_seconds = Math.round(chosen.fusedSeconds * 100) / 100;
      encoder.used = chosen.model === FUSED_TEXT_MODEL;
      const probs = test.texts.map((t) => chosen.probability(t));
      const { threshold, model: modelName, report, fusedReport: fusedSelection, ngramSeconds } = chosen;
      const predicted = probs.map((p) => (p >= threshold ? 1 : 0));
      const seconds = (performance.now() - started) / 1000;
      // Every test row given the same answer: precision (or recall) 0 by convention, not a measurement. Said on stderr.
      const predictedPositives = predicted.reduce<number>((s, v) => s + v, 0);
      if (predictedPositives === 0 || predictedPositives === predicted.length)
        io.err(
          `eval text: the classifier (${modelName}) predicts "${positive}" for ${predictedPositives === 0 ? 'no' : 'every'} ` +
            `test row, so the figures describe that, not the texts; ${trainPath} has ${train.texts.length} ` +
            `labelled texts (${train.y.reduce((s, v) => s + v, 0)} ${positive})\n`,
        );
      const m = precisionRecallF1(predicted, test.y);
      const result: Record<string, unknown> = {
        precision: round(m.precision),
        recall: round(m.recall),
        f1: round(m.f1),
        train_rows: train.texts.length,
        test_rows: test.texts.length,
        positive_rate: round(test.y.reduce((s, v) => s + v, 0) / Math.max(1, test.y.length)),
        model: modelName,
        seconds: Math.round(seconds * 100) / 100,
        ngram_seconds: Math.round(ngramSeconds * 100) / 100,
        selection: report,
        selection_fused: fusedSelection,
        encoder,
        calibration: calibrationOf(probs, test.y, train.y),
      };
      if (lexiconType) {
        const lp = test.texts.map((t) => (detectSignalsLexicon(t).some((s) => s.type === lexiconType) ? 1 : 0));
        const l = precisionRecallF1(lp, test.y);
        result.lexicon = { type: lexiconType, precision: round(l.precision), recall: round(l.recall), f1: round(l.f1) };
      }
      io.out(`${JSON.stringify(result)}\n`);
      return 0;
    } catch (e) {
      if (isCloseloopError(e)) throw new UsageError(e.message);
      throw e;
    }
  },
});

export const run = (argv: string[]): Promise<number> => runCommand(command, argv);
