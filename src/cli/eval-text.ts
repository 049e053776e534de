import { isCloseloopError } from '../core/index.js';
import { UsageError, parseFlags, requireFlag } from './cli-args.js';
import { isMissing } from '../inference/models/features.js';
import { precisionRecallF1 } from '../inference/models/metrics.js';
import { readTableFile } from './read-table.js';
import { columnIndex, type Table } from '../inference/models/table.js';
import { detectSignalsLexicon } from '../inference/signals/lexicon.js';
import { SIGNAL_TYPES, type SignalType } from '../inference/signals/types.js';
import { TEXT_MODEL, trainTextClassifier } from '../inference/signals/text-classifier.js';

const USAGE = 'usage: closeloop eval text --train A.csv --test B.csv --text COL --target COL --positive VALUE [--lexicon SIGNAL_TYPE]';

function labelled(t: Table, textCol: number, targetCol: number, positive: string): { texts: string[]; y: number[] } {
  const rows = t.rows.filter((r) => !isMissing(r[targetCol]) && (r[textCol] ?? '').trim() !== '');
  return { texts: rows.map((r) => r[textCol]!), y: rows.map((r) => ((r[targetCol] ?? '').trim() === positive ? 1 : 0)) };
}

const round = (x: number): number => Math.round(x * 1e4) / 1e4;

/**
 * `closeloop eval text`: train the n-gram classifier on A, measure precision / recall / F1 of the positive
 * class on B. `--lexicon TYPE` also reports the untrained lexicon detector for that signal type on B.
 */
export async function run(argv: string[]): Promise<number> {
  try {
    const flags = parseFlags(argv, ['train', 'test', 'text', 'target', 'positive', 'lexicon']);
    const trainPath = requireFlag(flags, 'train');
    const testPath = requireFlag(flags, 'test');
    const textCol = requireFlag(flags, 'text');
    const target = requireFlag(flags, 'target');
    const positive = requireFlag(flags, 'positive').trim();
    const lexiconType = flags.get('lexicon') as SignalType | undefined;
    if (lexiconType !== undefined && !(SIGNAL_TYPES as readonly string[]).includes(lexiconType)) {
      throw new UsageError(`--lexicon must be one of ${SIGNAL_TYPES.join(', ')}`);
    }
    const [trainT, testT] = [await readTableFile(trainPath), await readTableFile(testPath)];
    const train = labelled(trainT, columnIndex(trainT, textCol, trainPath), columnIndex(trainT, target, trainPath), positive);
    const test = labelled(testT, columnIndex(testT, textCol, testPath), columnIndex(testT, target, testPath), positive);
    const started = performance.now();
    const { model, report } = trainTextClassifier(train.texts, train.y, { label: positive });
    const predicted = test.texts.map((t) => (model.probability(t) >= model.threshold ? 1 : 0));
    const seconds = (performance.now() - started) / 1000;
    const m = precisionRecallF1(predicted, test.y);
    const result: Record<string, unknown> = {
      precision: round(m.precision), recall: round(m.recall), f1: round(m.f1),
      train_rows: train.texts.length, test_rows: test.texts.length,
      positive_rate: round(test.y.reduce((s, v) => s + v, 0) / Math.max(1, test.y.length)),
      model: TEXT_MODEL, seconds: Math.round(seconds * 100) / 100,
      selection: report,
    };
    if (lexiconType) {
      const lp = test.texts.map((t) => (detectSignalsLexicon(t).some((s) => s.type === lexiconType) ? 1 : 0));
      const l = precisionRecallF1(lp, test.y);
      result.lexicon = { type: lexiconType, precision: round(l.precision), recall: round(l.recall), f1: round(l.f1) };
    }
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError || isCloseloopError(e)) {
      process.stderr.write(`closeloop eval text: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
}
