import { isCloseloopError } from '../core/index.js';
import { defineCommand, runCommand, UsageError } from './command.js';
import { isMissing } from '../inference/models/features.js';
import { precisionRecallF1 } from '../inference/models/metrics.js';
import { calibrationReport } from '../inference/models/scoring-model.js';
import { readTableFile } from './read-table.js';
import { columnIndex, type Table } from '../inference/models/table.js';
import { detectSignalsLexicon } from '../inference/signals/lexicon.js';
import { SIGNAL_TYPES, type SignalType } from '../inference/signals/types.js';
import { TEXT_MODEL, trainTextClassifier } from '../inference/signals/text-classifier.js';

function labelled(t: Table, textCol: number, targetCol: number, positive: string): { texts: string[]; y: number[] } {
  const rows = t.rows.filter((r) => !isMissing(r[targetCol]) && (r[textCol] ?? '').trim() !== '');
  return {
    texts: rows.map((r) => r[textCol]!),
    y: rows.map((r) => ((r[targetCol] ?? '').trim() === positive ? 1 : 0)),
  };
}

const round = (x: number): number => Math.round(x * 1e4) / 1e4;

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

/**
 * `closeloop eval text`: train the n-gram classifier on A, measure precision / recall / F1 of the positive
 * class on B. `--lexicon TYPE` also reports the untrained lexicon detector for that signal type on B.
 */
export const command = defineCommand({
  name: 'eval text',
  summary: 'train the n-gram text classifier on one CSV, print precision, recall and F1 on another as one JSON object',
  description:
    'Rows with an empty text or a missing target are skipped. Exit 0 with the JSON on stdout, 2 on bad input.',
  options: {
    train: { type: 'string', value: 'A.csv', required: true, description: 'training rows (CSV with a header)' },
    test: { type: 'string', value: 'B.csv', required: true, description: 'rows to evaluate (same columns)' },
    text: { type: 'string', value: 'COL', required: true, description: 'the text column' },
    target: { type: 'string', value: 'COL', required: true, description: 'the label column' },
    positive: {
      type: 'string',
      value: 'VALUE',
      required: true,
      description: 'the label value that counts as positive',
    },
    lexicon: {
      type: 'string',
      value: 'SIGNAL_TYPE',
      choices: SIGNAL_TYPES,
      description: 'also score the untrained lexicon detector for this signal type',
    },
  },
  examples: [
    'npx closeloop eval text --train sentences-train.csv --test sentences-test.csv --text text --target ask --positive yes',
  ],
  async handler({ values }, io) {
    const { train: trainPath, test: testPath, text: textCol, target } = values;
    const positive = values.positive.trim();
    const lexiconType = values.lexicon as SignalType | undefined;
    try {
      const [trainT, testT] = [await readTableFile(trainPath), await readTableFile(testPath)];
      const train = labelled(
        trainT,
        columnIndex(trainT, textCol, trainPath),
        columnIndex(trainT, target, trainPath),
        positive,
      );
      const test = labelled(
        testT,
        columnIndex(testT, textCol, testPath),
        columnIndex(testT, target, testPath),
        positive,
      );
      const started = performance.now();
      const { model, report } = trainTextClassifier(train.texts, train.y, { label: positive });
      const probs = test.texts.map((t) => model.probability(t));
      const predicted = probs.map((p) => (p >= model.threshold ? 1 : 0));
      const seconds = (performance.now() - started) / 1000;
      const m = precisionRecallF1(predicted, test.y);
      const result: Record<string, unknown> = {
        precision: round(m.precision),
        recall: round(m.recall),
        f1: round(m.f1),
        train_rows: train.texts.length,
        test_rows: test.texts.length,
        positive_rate: round(test.y.reduce((s, v) => s + v, 0) / Math.max(1, test.y.length)),
        model: TEXT_MODEL,
        seconds: Math.round(seconds * 100) / 100,
        selection: report,
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
