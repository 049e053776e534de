import {
  chooseScorer,
  coldStartScore,
  COLD_START_MODEL,
  MIN_CLOSED_OUTCOMES,
  MIN_PER_OUTCOME,
} from '../../../../src/inference/models/cold-start.js';

describe('chooseScorer', () => {
  const trained = { model: 'logreg-v1', validationAuc: 0.74 };
  it('stays on cold-start rules below the thresholds', () => {
    expect(chooseScorer({ won: 60, lost: 139 }, trained)).toMatchObject({
      scorer: 'cold_start',
      model: COLD_START_MODEL,
    });
    expect(chooseScorer({ won: 39, lost: 500 }, trained).reason).toMatch(/only 39 won/);
    expect(chooseScorer({ won: 400, lost: 39 }, trained).reason).toMatch(/only 39 lost/);
  });
  it('switches to the trained model at ≥ 200 outcomes with ≥ 40 of each', () => {
    expect(MIN_CLOSED_OUTCOMES).toBe(200);
    expect(MIN_PER_OUTCOME).toBe(40);
    expect(chooseScorer({ won: 40, lost: 160 }, trained)).toMatchObject({ scorer: 'trained', model: 'logreg-v1' });
  });
  it('keeps the rules when no model exists or the model does not beat chance by enough', () => {
    expect(chooseScorer({ won: 100, lost: 300 }).scorer).toBe('cold_start');
    expect(chooseScorer({ won: 100, lost: 300 }, { model: 'gbdt-v1', validationAuc: 0.55 }).reason).toMatch(
      /AUC 0.550/,
    );
  });
});

describe('coldStartScore', () => {
  it('orders deals by stage and engagement, and names the model and reasons', () => {
    const hot = coldStartScore({
      stage: 'negotiation',
      daysSinceLastActivity: 2,
      inboundRepliesLast30Days: 3,
      signals: ['timeline', 'decision_maker'],
    });
    const cold = coldStartScore({
      stage: 'negotiation',
      daysSinceLastActivity: 45,
      inboundRepliesLast30Days: 0,
      daysToCloseDate: -10,
      signals: ['budget_constraint'],
    });
    const early = coldStartScore({ stage: 'prospecting' });
    expect(hot.probability).toBeGreaterThan(cold.probability);
    expect(hot.probability).toBeGreaterThan(early.probability);
    expect(hot.model).toBe(COLD_START_MODEL);
    expect(cold.factors.some((f) => f.name === 'signal: budget_constraint' && f.direction === '-')).toBe(true);
    expect(cold.factors.some((f) => /no activity for 45 days/.test(f.name) && f.direction === '-')).toBe(true);
    expect(early.probability).toBeCloseTo(0.1);
  });
  it('returns certainty for closed deals', () => {
    expect(coldStartScore({ stage: 'closed_won' }).probability).toBe(1);
    expect(coldStartScore({ stage: 'closed_lost' }).probability).toBe(0);
  });
});
