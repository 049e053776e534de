import { createTrainer } from '../../../src/feedback/trainer.js';
import { ScoringModel } from '../../../src/inference/models/scoring-model.js';
import { syntheticLeads } from '../../../src/inference/models/synthetic.js';
import { Lru } from '../../../src/lib/lru.js';

const opts = { target: 'outcome', positive: 'won', drop: ['lead_id'], algorithm: 'logreg' as const };

describe('createTrainer', () => {
  it('trains in a worker thread exactly what it trains inline', async () => {
    const table = syntheticLeads(400, { seed: 7 });
    const [threaded, inline] = await Promise.all([
      createTrainer({ concurrency: 1, threads: true }).train(table, opts),
      createTrainer({ concurrency: 1, threads: false }).train(table, opts),
    ]);
    expect(threaded.model).toEqual(inline.model);
    expect(threaded.topFactors).toEqual(inline.topFactors);
    // What comes back across the thread boundary still loads as a model.
    const m = ScoringModel.fromJSON(threaded.model);
    expect(m.modelName).toBe(inline.modelName);
  });

  it('runs at most `concurrency` trainings at once; the others wait their turn', async () => {
    const t = createTrainer({ concurrency: 1, threads: true });
    const table = syntheticLeads(200, { seed: 8 });
    let peak = 0;
    const watch = setInterval(() => {
      peak = Math.max(peak, t.running());
    }, 1);
    try {
      const results = await Promise.all([1, 2, 3].map(() => t.train(table, opts)));
      expect(results.map((r) => r.modelName)).toHaveLength(3);
    } finally {
      clearInterval(watch);
    }
    expect(peak).toBe(1);
    expect(t.running()).toBe(0);
  });

  it('a training error in the thread comes back as an error with its message', async () => {
    const t = createTrainer({ concurrency: 1, threads: true });
    await expect(t.train(syntheticLeads(50, { seed: 9 }), { ...opts, target: 'no_such_column' })).rejects.toThrow(
      /no_such_column/,
    );
  });
});

test('Lru keeps the most recently used entries up to its size', () => {
  const c = new Lru<string, number>(2);
  c.set('a', 1);
  c.set('b', 2);
  expect(c.get('a')).toBe(1);
  c.set('c', 3);
  expect(c.get('b')).toBeUndefined();
  expect([c.get('a'), c.get('c'), c.size]).toEqual([1, 3, 2]);
  c.resize(1);
  expect([c.get('a'), c.get('c'), c.size]).toEqual([undefined, 3, 1]);
});
