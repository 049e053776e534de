/**
 * Trains the signal models that ship in the package (src/inference/signals/weights/signals-v2.json.gz).
 * Data (see src/inference/signals/weights/DATA_CARD.md):
 *   - email_intent dev half (Parakweet Labs EmailIntentDataSet, Apache-2.0): explicit_ask labels, and
 *     background negatives for the other types (rows the lexicon flags for a type are left out of its negatives);
 *   - src/inference/signals/training/sales-sentences-train.csv (written by the closeloop developers).
 * The held-out fixture tests/fixtures/signals/sales-sentences.csv is never read here.
 *
 *   node_modules/node/bin/node --import tsx bench/signals/train-signal-models.ts ../shared/data/email_intent/dev.csv
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { deniedTypes, detectSignalsLexicon } from '../../src/inference/signals/lexicon.js';
import { inDomainBalanceWeights, trainTextClassifier } from '../../src/inference/signals/text-classifier.js';
import { trainFusedTextClassifier } from '../../src/inference/signals/sentence-text-classifier.js';
import { SIGNAL_TYPES } from '../../src/inference/signals/types.js';
import { writeSignalWeights } from '../../src/inference/signals/weights-file.js';
import { sentenceVectors } from '../../src/cli/eval-text.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
if (process.argv.includes('--help')) {
  process.stdout
    .write(`usage: node_modules/node/bin/node --import tsx bench/signals/train-signal-models.ts EMAIL_INTENT_DEV.csv [--version YYYY-MM-DD] [--no-in-domain-balance]

Trains the signal models that ship in the package and writes src/inference/signals/weights/signals-v2.json.gz (the
n-gram models) and signals-v2-fused.json.gz (n-grams + USE Lite sentence vectors, used when the sentence encoder is
loaded; data and licences: src/inference/signals/weights/DATA_CARD.md). --version names the weights (default: today, UTC);
tenants' corrections learnt on other weights are ignored until their next retrain. --no-in-domain-balance: weigh our own
sales sentences' negatives like the background mail's, as until round 12.
`);
  process.exit(0);
}
const emailIntent = process.argv[2];
if (!emailIntent) {
  process.stderr.write('usage: train-signal-models.ts EMAIL_INTENT_DEV.csv\n');
  process.exit(2);
}
const intent = (
  parse(readFileSync(emailIntent, 'utf8'), { columns: true }) as { intent: string; text: string }[]
).filter((r) => r.text.trim() !== '');
const own = parse(readFileSync(`${root}src/inference/signals/training/sales-sentences-train.csv`, 'utf8'), {
  columns: true,
}) as { text: string; signals: string }[];

// The fused models need the sentence vectors of every training text (USE Lite, shipped in node_modules, offline).
const everyText = [...new Set([...own.map((r) => r.text), ...intent.map((r) => r.text)])];
const sv = await sentenceVectors(everyText, undefined);
if (!sv.vectors || !sv.id) {
  process.stderr.write(`the sentence encoder did not load: ${sv.fallback}\n`);
  process.exit(1);
}
const vectorOf = new Map(everyText.map((t, i) => [t, sv.vectors![i]!]));

// The class weights balance positives against all negatives, most of them background mail, so each negative among our
// own sales sentences weighed about 1/20 of a positive and a word seen in a few churn notices outweighed dozens of
// neutral uses ("We signed the contract." read as negative sentiment at 0.98). Since 2026-12-07 (weights …@2026-12-07.13) our own
// sentences are class-balanced among themselves (inDomainBalanceWeights); --no-in-domain-balance trains as before.
const inDomainBalance = !process.argv.includes('--no-in-domain-balance');

const models: Record<string, unknown> = {};
const fusedModels: Record<string, unknown> = {};
const report: Record<string, unknown> = {};
for (const type of SIGNAL_TYPES) {
  const texts: string[] = [];
  const y: number[] = [];
  for (const r of own) {
    texts.push(r.text);
    y.push(r.signals.split(' ').includes(type) ? 1 : 0);
  }
  for (const r of intent) {
    // Courtesy offers ("let me know if you need anything") are labelled asks upstream; the product does not
    // treat them as asks (lexicon.ts, explicit_ask cleared phrases), so they are negatives here.
    if (type === 'explicit_ask') {
      texts.push(r.text);
      y.push(r.intent === 'Yes' && !deniedTypes(r.text).has('explicit_ask') ? 1 : 0);
      continue;
    }
    if (detectSignalsLexicon(r.text).some((s) => s.type === type)) continue;
    texts.push(r.text);
    y.push(0);
  }
  const balance = inDomainBalance ? inDomainBalanceWeights(y, (i) => i < own.length) : undefined;
  const rowWeights = balance?.weights;
  const { model, report: rep } = trainTextClassifier(texts, y, { label: type, minDf: 2, prune: 0.02, rowWeights });
  models[type] = model.toJSON();
  // The same rows with their sentence vectors; n-gram weights under 0.02 dropped as above.
  const fused = trainFusedTextClassifier(
    texts,
    y,
    texts.map((t) => vectorOf.get(t)!),
    { label: type, minDf: 2, encoder: sv.id, rowWeights },
  );
  fusedModels[type] = fused.model.toJSON(0.02);
  const { grid: _grid, ...fusedReport } = fused.report;
  report[type] = {
    rows: texts.length,
    positives: y.reduce((a, b) => a + b, 0),
    ...(balance ? { inDomainNegativeWeight: Math.round(balance.factor * 1e3) / 1e3 } : {}),
    ...rep,
    fused: fusedReport,
  };
  process.stderr.write(`${type}: ${JSON.stringify(report[type])}\n`);
}
// The version names the weights (SHIPPED_SIGNAL_MODELS_VERSION); a tenant's correction learnt on other weights is ignored.
const vi = process.argv.indexOf('--version');
const version = vi > 0 ? process.argv[vi + 1]! : new Date().toISOString().slice(0, 10);
const out = { format: 'closeloop.signal-models', version, models };
process.stderr.write(`wrote ${writeSignalWeights('ngram', out)}\n`);
const fusedOut = { format: 'closeloop.signal-models', version, encoder: sv.id, models: fusedModels };
process.stderr.write(`wrote ${writeSignalWeights('fused', fusedOut)}\n`);
process.stdout.write(`${JSON.stringify(report)}\n`);
