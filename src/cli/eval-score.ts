import { isCloseloopError } from '../core/index.js';
import { defineCommand, runCommand, UsageError } from './command.js';
import { prAuc, rocAuc } from '../inference/models/metrics.js';
import { labelledRows, otherLabelsNote, readTableFile } from './read-table.js';
import { calibrationReport, trainScoringModel, type AlgorithmChoice } from '../inference/models/scoring-model.js';
import { columnIndex } from '../inference/models/table.js';
import { isMissing, parseNumber } from '../inference/models/features.js';

/** `closeloop eval score`: train on A, score B, print one JSON object of metrics. Exit 2 on bad input. */
export const command = defineCommand({
  name: 'eval score',
  summary: 'train a scoring model on one CSV, score another, print AUC and PR-AUC as one JSON object',
  description:
    'Column types are inferred; free-text and id-like columns are ignored (listed in ignored_columns). ' +
    'The model is chosen by cross-validation on the training file unless --model names one. Values of a numeric ' +
    'column that are not numbers ("1 234", "12%") are read as missing, counted per file and column on stderr. Exit 0 with the JSON on stdout, ' +
    '2 on bad input.',
  options: {
    train: { type: 'string', value: 'A.csv', required: true, description: 'training rows (CSV with a header)' },
    test: { type: 'string', value: 'B.csv', required: true, description: 'rows to score (same columns)' },
    target: { type: 'string', value: 'COL', required: true, description: 'the outcome column' },
    positive: {
      type: 'string',
      value: 'VALUE',
      required: true,
      description: 'the outcome value that counts as positive (case and surrounding spaces ignored)',
    },
    drop: { type: 'string', value: 'c1,c2', description: 'columns to leave out (comma-separated)' },
    model: {
      type: 'string',
      value: 'NAME',
      choices: ['auto', 'logreg', 'gbdt', 'blend'],
      default: 'auto',
      description: 'the algorithm',
    },
  },
  examples: [
    'npx closeloop eval score --train leads-train.csv --test leads-test.csv --target outcome --positive won --drop lead_id',
  ],
  async handler({ values }, io) {
    const { train: trainPath, test: testPath, target, positive } = values;
    const drop = (values.drop ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const model = values.model as AlgorithmChoice;
    try {
      const [train, test] = [await readTableFile(trainPath), await readTableFile(testPath)];
      // Both files: the target column, rows of both outcomes; told with the file's name and the labels it holds.
      for (const c of drop) columnIndex(train, c, `${trainPath} (--drop)`);
      const trained = labelledRows(train, trainPath, target, positive);
      const tested = labelledRows(test, testPath, target, positive);
      for (const [path, l] of [
        [trainPath, trained],
        [testPath, tested],
      ] as const) {
        const note = otherLabelsNote('eval score', path, target, positive, l.negatives);
        if (note) io.err(note);
      }
      const started = performance.now();
      const m = trainScoringModel(train, { target, positive, drop, algorithm: model });
      // A column the model uses that the test file lacks would be read as missing on every row: a lower AUC,
      // silently. Refused, naming the columns.
      const absent = m.schema.columns
        .filter((c) => (c.kind === 'numeric' || c.kind === 'categorical') && !test.columns.includes(c.name))
        .map((c) => c.name);
      // "Plan" for plan: named as the test file spells it, since column names must match exactly.
      const spelled = absent.flatMap((c) => test.columns.filter((t) => t.toLowerCase() === c.toLowerCase()));
      if (absent.length > 0)
        throw new UsageError(
          `${testPath}: no column ${absent.map((c) => `"${c}"`).join(', ')}, which the model trained on ${trainPath} uses` +
            `${spelled.length > 0 ? ` (it has ${spelled.map((c) => `"${c}"`).join(', ')}: names must match exactly)` : ''}; ` +
            `add ${absent.length > 1 ? 'them' : 'it'} to the test file, or leave ${absent.length > 1 ? 'them' : 'it'} out of training with --drop ${[...drop, ...absent].join(',')}`,
        );
      // A numeric column's values that are not numbers ("1 234", "12%", "n.a.") are read as missing: said on
      // stderr, per file and column, so a figure never rests on values dropped without a word.
      for (const [path, t] of [
        [trainPath, train],
        [testPath, test],
      ] as const)
        for (const c of m.schema.columns) {
          if (c.kind === 'categorical' && path === testPath) {
            // "PRO" where training said "pro": another value to the model (unseen, read as other), said on stderr.
            const byCase = new Map(c.levels.map((l) => [l.toLowerCase(), l]));
            const ci = t.columns.indexOf(c.name);
            const recased = t.rows
              .map((r) => (r[ci] ?? '').trim())
              .filter((v) => !c.levels.includes(v) && byCase.has(v.toLowerCase()));
            if (recased.length > 0)
              io.err(
                `eval score: ${path}: column "${c.name}": ${recased.length} of ${t.rows.length} values differ from a ` +
                  `training value only in case (e.g. ${JSON.stringify(recased[0])} for ` +
                  `${JSON.stringify(byCase.get(recased[0]!.toLowerCase()))}), read as values never seen in training\n`,
              );
          }
          if (c.kind !== 'numeric') continue;
          const ci = t.columns.indexOf(c.name);
          const bad = t.rows.map((r) => r[ci] ?? '').filter((v) => !isMissing(v) && Number.isNaN(parseNumber(v)));
          if (bad.length > 0)
            io.err(
              `eval score: ${path}: column "${c.name}": ${bad.length} of ${t.rows.length} values are not numbers ` +
                `(e.g. ${JSON.stringify(bad[0])}), read as missing\n`,
            );
        }
      const labelled = { columns: test.columns, rows: tested.rows };
      const y = tested.y;
      const p = m.predictTable(labelled);
      const seconds = (performance.now() - started) / 1000;
      // One score for every test row (a model that learned nothing, e.g. trees on a handful of rows): the AUC is 0.5
      // by construction and says nothing about the data. Said on stderr.
      if (p.length > 0 && p.every((v) => Math.abs(v - p[0]!) < 1e-12))
        io.err(
          `eval score: the model (${m.modelName}) gives every test row the same score (${round(p[0]!)}), so the AUC ` +
            `of 0.5 measures nothing; ${trainPath} has ${m.training.rows} labelled rows (${m.training.positives} positive)` +
            `: train on more rows, or try --model logreg\n`,
        );
      const positives = y.reduce<number>((s, v) => s + v, 0);
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
        ignored_columns: m.schema.columns
          .filter((c) => c.kind !== 'numeric' && c.kind !== 'categorical')
          .map((c) => ({ column: c.name, kind: c.kind })),
        // Numeric period snapshots: features, but a value unseen in training is unknown to the model.
        period_columns: m.schema.columns.filter((c) => c.kind === 'numeric' && c.seen).map((c) => c.name),
        // Calibration of the probabilities on the test rows: Brier score (and that of always predicting the
        // training base rate, for scale), expected calibration error, and the reliability curve (ten bins).
        calibration: testCalibration(p, y, m.training.positives / m.training.rows),
        validation_calibration: m.training.calibration ?? null,
      };
      io.out(`${JSON.stringify(result)}\n`);
      return 0;
    } catch (e) {
      if (isCloseloopError(e)) throw new UsageError(e.message);
      throw e;
    }
  },
});

export const run = (argv: string[]): Promise<number> => runCommand(command, argv);

const round = (x: number): number => Math.round(x * 1e4) / 1e4;

function testCalibration(p: ArrayLike<number>, y: readonly number[], baseRate: number) {
  const logit = (q: number) => {
    const c = Math.min(1 - 1e-12, Math.max(1e-12, q));
    return Math.log(c / (1 - c));
  };
  const r = calibrationReport(Float64Array.from(Array.from(p, logit)), Uint8Array.from(y), { a: 1, b: 0 });
  const brierBaseRate = y.reduce((acc, v) => acc + (baseRate - v) ** 2, 0) / Math.max(1, y.length);
  return { brier: r.brier, brier_base_rate: round(brierBaseRate), ece: r.ece, reliability: r.bins };
}
