import { extractSignals } from '../../src/inference/signals/index.js';
import { syntheticLeads } from '../../src/inference/models/synthetic.js';
import { trainScoringModel, type Algorithm } from '../../src/inference/models/scoring-model.js';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
}

/**
 * For `npm run bench`. Throughput of the tabular scorer on synthetic data (10,000 training rows, 20,000 scored rows),
 * per
 * algorithm: training seconds per 10,000 records (includes the internal model selection) and scoring
 * rows per second with explanations (top 5 factors).
 */
export async function benchScoring(): Promise<BenchResult[]> {
  const train = syntheticLeads(10_000, { noise: 0.5, seed: 1 });
  const test = syntheticLeads(20_000, { noise: 0.5, seed: 2 });
  const out: BenchResult[] = [];
  // 'blend' trains and cross-validates both members: the cost of the production 'auto' path.
  for (const algorithm of ['logreg', 'gbdt', 'blend'] as Algorithm[]) {
    const t0 = performance.now();
    const model = trainScoringModel(train, { target: 'outcome', positive: 'won', drop: ['lead_id'], algorithm });
    const trainSeconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    const scores = model.scoreTable(test, 5);
    const scoreSeconds = (performance.now() - t1) / 1000;
    const t2 = performance.now();
    model.predictTable(test);
    const predictSeconds = (performance.now() - t2) / 1000;
    if (scores.length !== test.rows.length) throw new Error('bench: scored row count mismatch');
    out.push(
      {
        name: `scoring.${algorithm}.train_seconds_per_10k`,
        value: round(trainSeconds * (10_000 / train.rows.length)),
        unit: 's/10k rows',
      },
      {
        name: `scoring.${algorithm}.score_explained_rows_per_s`,
        value: Math.round(test.rows.length / scoreSeconds),
        unit: 'rows/s',
      },
      {
        name: `scoring.${algorithm}.score_rows_per_s`,
        value: Math.round(test.rows.length / predictSeconds),
        unit: 'rows/s',
      },
    );
  }
  // Signal extraction (lexicon, day-one path) on a fixed mix of sales-email sentences.
  const sentences = [
    'Our budget is tight this quarter, so we need to keep costs down.',
    'Could you send the order form by Friday?',
    'We are also evaluating other vendors.',
    'Thanks for the call today, it was great to meet the team.',
    'Budget is not an issue for us.',
    'Our CFO has to sign off before the end of the month.',
  ];
  const body = Array.from({ length: 500 }, (_, i) => sentences[i % sentences.length]!).join(' ');
  const t3 = performance.now();
  const found = extractSignals(body);
  const lexSeconds = (performance.now() - t3) / 1000;
  if (found.length === 0) throw new Error('bench: lexicon found nothing');
  out.push({ name: 'signals.lexicon_sentences_per_s', value: Math.round(500 / lexSeconds), unit: 'sentences/s' });
  return out;
}

const round = (x: number): number => Math.round(x * 1000) / 1000;
