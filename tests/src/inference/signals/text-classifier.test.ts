import { extractSignals, TextClassifier, trainTextClassifier } from '../../../../src/inference/signals/index.js';
import { inDomainBalanceWeights } from '../../../../src/inference/signals/text-classifier.js';

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

describe("inDomainBalanceWeights (the shipped models' training, bench/signals/train-signal-models.ts)", () => {
  it('gives the in-domain negatives, together, the class weight of the in-domain positives; other rows keep 1', () => {
    // 20 rows, one positive (class weight 20 / 2 = 10); negatives weigh 20 / 38 each. In domain: rows 0-3, one positive.
    const y = [1, ...Array<number>(19).fill(0)];
    const { weights, factor } = inDomainBalanceWeights(y, (i) => i < 4);
    expect(factor).toBeCloseTo(10 / (3 * (20 / 38)), 9);
    expect(Array.from(weights.slice(0, 5))).toEqual([1, factor, factor, factor, 1]);
    expect(weights.slice(4).every((w) => w === 1)).toBe(true);
    // Never lowers a weight: in-domain negatives that already outweigh the positives keep 1.
    expect(inDomainBalanceWeights([1, 1, 0, 0], () => true).factor).toBe(1);
  });

  // Churn notices mention the contract; so do neutral in-domain lines (a signed contract, an attachment); the
  // background negatives never do. Plain class balance lets the few positives own the word.
  const positives = ['We will terminate the contract.', 'We want out of the contract.', 'Please cancel the contract.'];
  const inDomainNegatives = [
    'We signed the contract today.',
    'The contract is attached.',
    'The contract came back signed.',
    'The updated contract is in the portal.',
    'Thanks for the call.',
    'See you at the workshop.',
  ];
  const background = Array.from({ length: 60 }, (_, i) => `Lunch menu item ${i} is soup.`);
  const train = [...positives, ...inDomainNegatives, ...background];
  const y = train.map((_, i) => (i < positives.length ? 1 : 0));
  const own = positives.length + inDomainNegatives.length;

  it("lowers what the positives' shared words say about a neutral in-domain sentence, and keeps the positives", () => {
    const plain = trainTextClassifier(train, y, { c: 3 }).model;
    const { weights } = inDomainBalanceWeights(y, (i) => i < own);
    const balanced = trainTextClassifier(train, y, { c: 3, rowWeights: weights }).model;
    const neutral = 'We signed the contract.';
    expect(plain.margin(neutral)).toBeGreaterThan(0);
    expect(balanced.margin(neutral)).toBeLessThan(plain.margin(neutral) - 0.5);
    expect(balanced.margin(neutral)).toBeLessThan(0);
    expect(balanced.margin('We will cancel the contract.')).toBeGreaterThan(0);
    expect(() => trainTextClassifier(train, y, { c: 3, rowWeights: [1, 2] })).toThrow(RangeError);
  });
});
