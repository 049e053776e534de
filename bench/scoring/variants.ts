/**
 * Measures a variant of the scoring model's GBDT grid on seeded halves made by split.ts, in one process: the
 * bagged stage's options (GBDT_BAGGING) and extra tree shapes (GBDT_SHAPES) are overridden for this run only.
 * Prints test AUC per half, the mean, the chosen setting and the CPU time. Used for the "tried" figures in
 * docs/benchmarks.md (held-out-style splits for scoring).
 *
 *   npx tsx bench/scoring/variants.ts DIR_PREFIX TARGET POSITIVE [--drop c1,c2] [--model auto|logreg|gbdt|blend]
 *     [--bagging '{"colsample":0.5,"bags":3}'] [--shapes '[{"maxDepth":2,"minLeafRows":20}]'] [--seeds 1,2,3]
 *
 * reads DIR_PREFIX_h<seed>/train.csv and test.csv, e.g. /tmp/cls/telco_churn Churn Yes --drop customerID.
 */
import { parseArgs } from 'node:util';
import {
  GBDT_BAGGING,
  GBDT_SHAPES,
  trainScoringModel,
  type AlgorithmChoice,
} from '../../src/inference/models/scoring-model.js';
import { rocAuc } from '../../src/inference/models/metrics.js';
import { labelsOf, readHalves } from './halves.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    drop: { type: 'string', default: '' },
    model: { type: 'string', default: 'auto' },
    bagging: { type: 'string' },
    shapes: { type: 'string' },
    seeds: { type: 'string', default: '1,2,3' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout
    .write(`usage: npx tsx bench/scoring/variants.ts DIR_PREFIX TARGET POSITIVE [--drop c1,c2] [--model auto|logreg|gbdt|blend]
  [--bagging '{"colsample":0.5,"bags":3}'] [--shapes '[{"maxDepth":2,"minLeafRows":20}]'] [--seeds 1,2,3]

A variant of the scoring model's GBDT grid (bagged stage, extra tree shapes) on the halves DIR_PREFIX_h<seed>/
{train,test}.csv made by bench/scoring/split.ts: test AUC per half, the mean, the chosen setting, the CPU time.
`);
  process.exit(0);
}
const [prefix, target, positive] = positionals;
if (!prefix || !target || !positive) {
  console.error('usage: variants.ts DIR_PREFIX TARGET POSITIVE [--drop …] [--model …] [--bagging …] [--shapes …]');
  process.exit(2);
}
if (values.bagging) Object.assign(GBDT_BAGGING, JSON.parse(values.bagging));
if (values.shapes) (GBDT_SHAPES as unknown[]).push(...(JSON.parse(values.shapes) as unknown[]));
const drop = values.drop.split(',').filter(Boolean);
const aucs: number[] = [];
const started = process.cpuUsage();
for (const seed of values.seeds.split(',').map(Number)) {
  const { train, test } = await readHalves(prefix, seed);
  const y = labelsOf(test, target, positive);
  const m = trainScoringModel(train, { target, positive, drop, algorithm: values.model as AlgorithmChoice });
  const auc = rocAuc(m.predictTable(test), y);
  aucs.push(auc);
  const chosen = m.training.candidates.find((c) => c.algorithm === m.algorithm)!;
  console.log(`seed ${seed}: auc ${auc.toFixed(4)} ${m.modelName} (${chosen.setting}; cv ${chosen.validationAuc})`);
}
const cpu = process.cpuUsage(started);
console.log(
  `mean auc ${(aucs.reduce((a, b) => a + b, 0) / aucs.length).toFixed(4)}, cpu ${((cpu.user + cpu.system) / 1e6).toFixed(0)} s`,
);
