import {
  applyUsage,
  checkBudget,
  costUsd,
  DEFAULT_PRICES,
  estimateMessageTokens,
  estimateTokens,
  newBudget,
  nextPeriodStart,
  priceOf,
  recordCost,
  rollBudget,
  sumCosts,
  UNKNOWN_MODEL_PRICE,
} from '../../../../src/inference/router/index.js';

describe('cost model', () => {
  test('price per 1K tokens, input and output priced separately', () => {
    // gpt-4o: $0.0025 / 1K in, $0.01 / 1K out
    expect(costUsd('large', 'gpt-4o', 2000, 500)).toBeCloseTo(0.005 + 0.005, 12);
    expect(costUsd('large', 'gpt-4o-mini', 1000, 1000)).toBeCloseTo(0.00075, 12);
  });

  test('rules and small tiers are free whatever the model name', () => {
    expect(costUsd('small', 'gpt-4o', 10_000, 10_000)).toBe(0);
    expect(costUsd('rules', 'template:retention@1', 10, 10)).toBe(0);
  });

  test('dated snapshots are priced as their family, the longest prefix winning', () => {
    expect(priceOf('gpt-4o-mini-2024-07-18')).toEqual({ price: DEFAULT_PRICES['gpt-4o-mini'], known: true });
    expect(priceOf('gpt-4o-2024-08-06')).toEqual({ price: DEFAULT_PRICES['gpt-4o'], known: true });
    expect(priceOf('gpt-4.1-mini-2025-04-14').price).toEqual(DEFAULT_PRICES['gpt-4.1-mini']);
  });

  test('an unknown large model is priced conservatively and flagged; a configured table prices self-hosted models at 0', () => {
    expect(priceOf('llama3.1:8b')).toEqual({ price: UNKNOWN_MODEL_PRICE, known: false });
    expect(recordCost({ model: 'llama3.1:8b', tier: 'large', inputTokens: 1000, outputTokens: 0 })).toMatchObject({
      usd: 0.0025,
      priceKnown: false,
    });
    const prices = { ...DEFAULT_PRICES, 'llama3.1:8b': { inputPer1k: 0, outputPer1k: 0 } };
    expect(
      recordCost({ model: 'llama3.1:8b', tier: 'large', inputTokens: 1000, outputTokens: 50 }, prices),
    ).toMatchObject({ usd: 0, priceKnown: true });
  });

  test('recordCost produces the line stored with a suggestion', () => {
    expect(recordCost({ model: 'gpt-4o-mini', tier: 'large', inputTokens: 58, outputTokens: 41 })).toEqual({
      model: 'gpt-4o-mini',
      tier: 'large',
      inputTokens: 58,
      outputTokens: 41,
      usd: 0.0000333,
      priceKnown: true,
    });
    const lines = [
      recordCost({ model: 'gpt-4o-mini', tier: 'large', inputTokens: 1000, outputTokens: 0 }),
      recordCost({ model: 't', tier: 'rules', inputTokens: 0, outputTokens: 0 }),
    ];
    expect(sumCosts(lines)).toEqual({ inputTokens: 1000, outputTokens: 0, usd: 0.00015 });
  });

  test('estimateTokens: ~4 chars per token, at least one per word', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('abcd'.repeat(25))).toBe(25);
    expect(estimateTokens('a b c d e f')).toBe(6);
    expect(estimateMessageTokens([{ content: 'abcd'.repeat(10) }, { content: '' }])).toBe(3 + 4 + 10 + 4);
  });
});

describe('budget', () => {
  const JUNE = Date.UTC(2025, 5, 30, 23, 59);
  const JULY = Date.UTC(2025, 6, 1, 0, 1);

  test('applyUsage adds large-tier spend only and is pure', () => {
    const b0 = newBudget(JUNE, { usdLimit: 1, tokenLimit: 5000 });
    const b1 = applyUsage(b0, recordCost({ model: 'gpt-4o', tier: 'large', inputTokens: 1000, outputTokens: 100 }));
    expect(b0).toMatchObject({ usdUsed: 0, tokensUsed: 0 });
    expect(b1).toMatchObject({ period: '2025-06', usdUsed: 0.0035, tokensUsed: 1100 });
    expect(applyUsage(b1, { tier: 'small', inputTokens: 9999, outputTokens: 9999, usd: 0 })).toBe(b1);
  });

  test('a new month starts from zero with the same limits', () => {
    const b = { ...newBudget(JUNE, { usdLimit: 1 }), usdUsed: 1, tokensUsed: 10 };
    expect(checkBudget(b).exhausted).toBe(true);
    const july = applyUsage(b, { tier: 'large', inputTokens: 1, outputTokens: 1, usd: 0.1 }, JULY);
    expect(july).toEqual({ period: '2025-07', usdUsed: 0.1, tokensUsed: 2, usdLimit: 1, tokenLimit: null });
    expect(rollBudget(july, JULY)).toBe(july);
    expect(nextPeriodStart('2025-12')).toBe(Date.UTC(2026, 0, 1));
  });

  test('checkBudget: no limits always allows; limits reached exhaust; estimates that would cross refuse', () => {
    expect(checkBudget(newBudget(JUNE), { usd: 1e6, tokens: 1e9 })).toMatchObject({ allowed: true });
    const b = { ...newBudget(JUNE, { usdLimit: 10 }), usdUsed: 9.5 };
    expect(checkBudget(b, { usd: 0.4, tokens: 0 })).toMatchObject({ allowed: true, exhausted: false });
    expect(checkBudget(b, { usd: 0.6, tokens: 0 })).toMatchObject({ allowed: false, exhausted: false });
    expect(checkBudget({ ...b, usdUsed: 10 })).toMatchObject({ allowed: false, exhausted: true });
  });
});
