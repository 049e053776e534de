import { extractSignals, TextClassifier, trainTextClassifier } from '../../../../src/inference/signals/index.js';

const asks = [
  'Please send the contract.',
  'Can you call me tomorrow?',
  'Could you share the deck?',
  'Please confirm the time.',
  'Let me know your availability.',
  'Would you review the draft?',
  'Please forward the invoice.',
  'Can you book a room?',
];
const other = [
  'Thanks for the call.',
  'The weather was lovely.',
  'We had a good quarter.',
  'Our office moved.',
  'The team enjoyed lunch.',
  'That was a fun event.',
  'I was out last week.',
  'Great meeting you.',
];
const texts = Array.from({ length: 8 }, () => [...asks, ...other]).flat();
const labels = texts.map((t) => (asks.includes(t) ? 1 : 0));

describe('trainTextClassifier', () => {
  const { model, report } = trainTextClassifier(texts, labels, { label: 'explicit_ask' });

  it('separates labelled sentences and explains with n-grams and an evidence span', () => {
    const p = model.predict('Could you please send the pricing?');
    expect(p.isPositive).toBe(true);
    expect(model.predict('The lunch was lovely.').isPositive).toBe(false);
    expect(p.topNgrams.length).toBeGreaterThan(0);
    expect('Could you please send the pricing?'.slice(p.evidence.start, p.evidence.end)).toBe(p.evidence.quote);
    expect(p.model).toBe('signals-tfidf-logreg-v2');
    expect(report.validationF1).not.toBeNull();
  });

  it('round-trips through JSON with identical probabilities', () => {
    const loaded = TextClassifier.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    for (const t of ['Please send it.', 'Nice weather.', 'Can you call?'])
      expect(loaded.probability(t)).toBeCloseTo(model.probability(t), 6);
    expect(loaded.threshold).toBe(model.threshold);
  });

  it('plugs into extractSignals, which still honours explicit denials', () => {
    const budget = trainTextClassifier(
      Array.from({ length: 4 }, () => [
        'Budget is a problem.',
        'The budget is tight.',
        'Budget cuts hit us.',
        'We like the product.',
        'See you Monday.',
        'Thanks again.',
      ]).flat(),
      Array.from({ length: 4 }, () => [1, 1, 1, 0, 0, 0]).flat(),
    ).model;
    const found = extractSignals('Budget is not a problem.', { classifiers: { budget_constraint: budget } });
    expect(found.map((s) => s.type)).not.toContain('budget_constraint');
    const hit = extractSignals('Budget cuts again this year, sadly', {
      classifiers: { budget_constraint: budget },
    }).find((s) => s.type === 'budget_constraint');
    expect(hit).toBeDefined();
  });

  it('rejects single-class training data', () => {
    expect(() => trainTextClassifier(['a', 'b'], [1, 1])).toThrow(/both classes/);
  });
});
