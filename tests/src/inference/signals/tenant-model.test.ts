import {
  extractSignals,
  fineTuneSignalModel,
  labelledSentences,
  SHIPPED_SIGNAL_MODELS_VERSION,
  shippedSignalModels,
  TENANT_SIGNAL_MIN_LABELS,
  tenantSignalModelsFromJSON,
  trainTenantSignalModels,
  type SignalLabel,
} from '../../../../src/inference/signals/index.js';

/**
 * A tenant whose reps say "Q-freeze" for a budget freeze (the shipped model has never seen the word) and who reject
 * the shipped model's reading of "budget owner" / "budget approved" sentences as budget constraints.
 */
const qFreeze = [
  'We are in a Q-freeze until March.',
  'Everything is on Q-freeze for the Acme rollout.',
  'The Q-freeze hits your proposal too.',
  'Finance put us on Q-freeze again.',
  'Q-freeze means nothing new gets signed this month.',
  'Sorry, the Q-freeze is still on for our team.',
  'Until the Q-freeze lifts we cannot add seats.',
  'Our division went into Q-freeze on Monday.',
  'The Q-freeze was extended to the end of the year.',
  'With the Q-freeze I cannot move this forward.',
  'Q-freeze applies to all vendor renewals.',
  'We hit the Q-freeze earlier than expected.',
];
const realBudget = [
  'We cannot afford this right now.',
  'Money is tight this quarter.',
  'Spending is frozen.',
  'Our budget was cut by a third.',
  'The price is above what we can pay.',
  'We have no budget left for new tools.',
];
const notBudget = [
  'Our budget owner is Dana.',
  'The budget for the offsite is approved.',
  'Dana is the budget owner for this project.',
  'Our budget owner will join the call.',
  'The budget owner signed off yesterday.',
  'Budget for the pilot is approved.',
  'The budget is approved, please send the order form.',
  'Dana, our budget owner, liked the demo.',
  'Budget approved for the full rollout.',
  'I am the budget owner here.',
  'The new budget owner starts in June.',
  'Good news: the budget is approved.',
];
const labels: SignalLabel[] = [
  ...[...qFreeze, ...realBudget].map((quote) => ({ suggestionType: 'budget_risk', quote, confirmed: true })),
  ...notBudget.map((quote) => ({ suggestionType: 'budget_risk', quote, confirmed: false })),
];

describe('per-tenant signal fine-tuning', () => {
  const shipped = shippedSignalModels();
  const base = shipped.budget_constraint!;

  it('turns judged suggestions into one label per sentence of the signal the suggestion stands on', () => {
    const d = labelledSentences([
      { suggestionType: 'budget_risk', quote: 'Money is tight.', confirmed: true },
      { suggestionType: 'budget_risk', quote: 'Money is tight.', confirmed: true },
      { suggestionType: 'budget_risk', quote: 'Money is tight.', confirmed: false },
      { suggestionType: 'budget_risk', quote: 'Tie.', confirmed: true },
      { suggestionType: 'budget_risk', quote: 'Tie.', confirmed: false },
      { suggestionType: 'stale_deal_follow_up', quote: 'No signal behind this type.', confirmed: true },
      { suggestionType: 'churn_risk', quote: 'We are very unhappy.', confirmed: false },
      { suggestionType: 'budget_risk', quote: '[quote withheld: instruction]', confirmed: false },
    ]);
    expect(d).toEqual({
      budget_constraint: { texts: ['Money is tight.'], y: [1] },
      negative_sentiment: { texts: ['We are very unhappy.'], y: [0] },
    });
  });

  it('needs the documented minimum of labels', () => {
    const few = fineTuneSignalModel(
      base,
      qFreeze.slice(0, 5).concat(notBudget.slice(0, 5)),
      [1, 1, 1, 1, 1, 0, 0, 0, 0, 0],
    );
    expect(few.correction).toBeNull();
    expect(few.report.reason).toContain(`≥ ${TENANT_SIGNAL_MIN_LABELS}`);
  });

  it("learns the tenant's usage, beats the shipped model out of fold, and changes its predictions", () => {
    const { model, reports } = trainTenantSignalModels(labels, shipped, SHIPPED_SIGNAL_MODELS_VERSION);
    const r = reports.budget_constraint!;
    expect(r.rows).toBe(30);
    expect(r.accepted).toBe(true);
    expect(r.tunedLogLoss!).toBeLessThan(r.shippedLogLoss);
    expect(model?.base).toBe(SHIPPED_SIGNAL_MODELS_VERSION);
    const tenant = tenantSignalModelsFromJSON(
      JSON.parse(JSON.stringify(model)),
      shipped,
      SHIPPED_SIGNAL_MODELS_VERSION,
    );
    const tuned = tenant.budget_constraint!;
    // Sentences not in the labels: the tenant's word now counts, the shipped model's false reading does not.
    // (Not "Procurement says …": the shipped model learnt procurement teams as a hard negative of budget talk.)
    const unseenFreeze = 'We are in Q-freeze, so this waits.';
    const unseenOwner = 'Sam is the new budget owner for IT.';
    expect(base.probability(unseenFreeze)).toBeLessThan(base.threshold);
    expect(tuned.probability(unseenFreeze)).toBeGreaterThanOrEqual(tuned.threshold);
    expect(base.probability(unseenOwner)).toBeGreaterThanOrEqual(base.threshold);
    expect(tuned.probability(unseenOwner)).toBeLessThan(tuned.threshold);
    // A plain budget constraint stays one.
    expect(tuned.probability('We cannot afford the renewal this year.')).toBeGreaterThanOrEqual(tuned.threshold);

    const mine = extractSignals(unseenFreeze, { classifiers: tenant, classifiersVersion: '2026-12-05T00:00:00Z' });
    expect(mine.find((s) => s.type === 'budget_constraint')?.model).toBe(
      'signals-tfidf-logreg-v2:tenant@2026-12-05T00:00:00Z',
    );
    // Any other tenant (no classifiers) is unaffected: the shipped model.
    expect(extractSignals(unseenFreeze).some((s) => s.type === 'budget_constraint')).toBe(false);
    // Types the tenant has no correction for stay on the shipped model.
    expect(tenant.explicit_ask).toBeUndefined();
  });

  it('ignores corrections learnt on another shipped version (falls back to the shipped models)', () => {
    const { model } = trainTenantSignalModels(labels, shipped, SHIPPED_SIGNAL_MODELS_VERSION);
    expect(
      tenantSignalModelsFromJSON({ ...model, base: 'signals-v1@2026-01-01' }, shipped, SHIPPED_SIGNAL_MODELS_VERSION),
    ).toEqual({});
    expect(() => tenantSignalModelsFromJSON({ format: 'x' }, shipped, SHIPPED_SIGNAL_MODELS_VERSION)).toThrow(
      /tenant signal model/,
    );
  });

  it('keeps the shipped model when the labels hold nothing it does not know', () => {
    // Labels drawn from the shipped model's own probabilities (seeded): it is calibrated for them by construction,
    // so no correction can beat it out of fold.
    const texts = [...qFreeze, ...realBudget, ...notBudget, ...qFreeze.map((t) => t.replace('Q-freeze', 'a freeze'))];
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const noise = texts.map((t) => (rand() < base.probability(t) ? 1 : 0));
    const r = fineTuneSignalModel(base, texts, noise);
    expect(r.correction).toBeNull();
    expect(r.report.reason).toMatch(/not below the shipped/);
  });
});
