import { isCloseloopError } from '../core/index.js';
import { UsageError, parseFlags, requireFlag } from './cli-args.js';
import { prAuc, rocAuc } from '../inference/models/metrics.js';
import { readTableFile } from './read-table.js';
import { trainScoringModel, type AlgorithmChoice } from '../inference/models/scoring-model.js';
import { columnIndex } from '../inference/models/table.js';
import { isMissing } from '../inference/models/features.js';

const USAGE = 'usage: closeloop eval score --train A.csv --test B.csv --target COL --positive VALUE [--drop c1,c2] [--model auto|logreg|gbdt]';

/** `closeloop eval score`: train on A, score B, print one JSON object of metrics. Exit 2 on bad input. */
export async function run(argv: string[]): Promise<number> {
  try {
    const flags = parseFlags(argv, ['train', 'test', 'target', 'positive', 'drop', 'model']);
    const trainPath = requireFlag(flags, 'train');
    const testPath = requireFlag(flags, 'test');
    const target = requireFlag(flags, 'target');
    const positive = requireFlag(flags, 'positive');
    const drop = (flags.get('drop') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const model = (flags.get('model') ?? 'auto') as AlgorithmChoice;
    if (!['auto', 'logreg', 'gbdt'].includes(model)) throw new UsageError(`--model must be auto, logreg or gbdt (got "${model}")`);
    const [train, test] = [await readTableFile(trainPath), await readTableFile(testPath)];
    const testTarget = columnIndex(test, target, testPath);
    const started = performance.now();
    const m = trainScoringModel(train, { target, positive, drop, algorithm: model });
    const labelled = { columns: test.columns, rows: test.rows.filter((r) => !isMissing(r[testTarget])) };
    const y = labelled.rows.map((r) => ((r[testTarget] ?? '').trim() === positive.trim() ? 1 : 0));
    const p = m.predictTable(labelled);
    const seconds = (performance.now() - started) / 1000;
    const positives = y.reduce<number>((s, v) => s + v, 0);
    if (positives === 0 || positives === y.length) throw new UsageError(`${testPath}: test rows need both outcomes of ${target} to compute AUC`);
    const result = {
      auc: round(rocAuc(p, y)),
      pr_auc: round(prAuc(p, y)),
      train_rows: m.training.rows,
      test_rows: y.length,
      positive_rate: round(positives / y.length),
      model: m.modelName,
      seconds: Math.round(seconds * 100) / 100,
      top_factors: m.globalFactors(labelled, 10),
      selection: { reason: m.training.reason, candidates: m.training.candidates },
      ignored_columns: m.schema.columns.filter((c) => c.kind !== 'numeric' && c.kind !== 'categorical').map((c) => ({ column: c.name, kind: c.kind })),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError || isCloseloopError(e)) {
      process.stderr.write(`closeloop eval score: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
}

const round = (x: number): number => Math.round(x * 1e4) / 1e4;
