import {
  deniedTypes,
  detectSignalsLexicon,
  extractSignals,
  MODEL_ONLY_MIN,
  shippedSignalModels,
  SIGNAL_TYPES,
  trainTextClassifier,
  type SignalType,
} from '../../../../src/inference/signals/index.js';
import { scoreSignals } from '../../../../src/inference/signals/evaluate.js';
import { heldOutSentences, INDEPENDENT_SETS } from '../../../helpers/held-out-sentences.js';

const asks = (t: string) => extractSignals(t).filter((s) => s.type === 'explicit_ask');

describe('learned signals in production (shipped models, lexicon as explanation and fallback)', () => {
  it('ships a calibrated model for every signal type', () => {
    const models = shippedSignalModels();
    for (const t of SIGNAL_TYPES) {
      expect(models[t]).toBeDefined();
      const p = models[t]!.probability('Could you send the signed order form by Friday?');
      expect(p).toBeGreaterThan(0);
      expect(p).toBeLessThan(1);
    }
  });

  it('catches a follow-up question the lexicon misses, and not a courtesy offer the lexicon fires on', () => {
    expect(extractSignals('Any update on the contract?', { detector: 'lexicon' }).map((s) => s.type)).not.toContain(
      'explicit_ask',
    );
    const hit = asks('Any update on the contract?');
    expect(hit).toHaveLength(1);
    expect(hit[0]!.model).toMatch(/^signals-tfidf-logreg-v2:signals-v2@/);
    expect(
      extractSignals('Let me know if you have any questions.', { detector: 'lexicon' }).map((s) => s.type),
    ).not.toContain('explicit_ask');
    for (const t of [
      'Let me know if you have any questions.',
      'Feel free to reach out if you need anything else.',
      "If you have any questions, don't hesitate to call me.",
    ])
      expect(asks(t)).toEqual([]);
    // A concrete condition keeps the ask; an ask after a courtesy clause is not denied (the model decides).
    expect(asks('Please let me know if Tuesday at 3pm works for you.')).toHaveLength(1);
    expect(
      deniedTypes('If you have any questions, please send them with the signed order form.').has('explicit_ask'),
    ).toBe(false);
    expect(deniedTypes('If you have any questions, please send them with the signed order form.').size).toBe(0);
  });

  it('names the lexicon cue when it agrees, and keeps evidence spans exact', () => {
    const text = 'Thanks for the call.\nOur budget is frozen until March.';
    const s = extractSignals(text).find((x) => x.type === 'budget_constraint')!;
    expect(s.cue).toBe('signals-lexicon-v1');
    expect(text.slice(s.evidence.start, s.evidence.end)).toBe(s.evidence.quote);
    expect(s.confidence).toBeGreaterThan(0.5);
    expect(extractSignals('Budget is not an issue for us.').map((x) => x.type)).not.toContain('budget_constraint');
  });

  it('quotes a sentence the model alone found only when it is more likely than not (MODEL_ONLY_MIN)', () => {
    // Praise once read as a competitor mention at 0.30 (above that model's F1 threshold) and became a churn warning.
    const praise = 'Hi Priya, Everything is running smoothly and the team loves the weekly digest.';
    expect(extractSignals(praise)).toEqual([]);
    const models = shippedSignalModels();
    const text = [
      praise,
      'We are also evaluating Gong and Chorus before we renew.',
      'Our budget was cut by a third.',
      'Could you send the signed order form by Friday?',
    ].join(' ');
    const found = extractSignals(text);
    expect(found.length).toBeGreaterThan(0);
    for (const s of found) {
      const p = models[s.type]!.probability(s.evidence.quote);
      // The lexicon's own firm cue (STRONG_CUE) speaks for itself: its signal names the lexicon as the model.
      if (!s.model.startsWith('signals-tfidf')) continue;
      if (!s.cue) expect(p).toBeGreaterThanOrEqual(Math.max(MODEL_ONLY_MIN, models[s.type]!.threshold));
      else expect(p).toBeGreaterThanOrEqual(models[s.type]!.threshold);
    }
  });

  it("lets the model overrule a weaker lexicon cue it does not confirm; a firm cue (a tenant's competitor name) still counts", () => {
    // Sentences with no signal where a weaker pattern fires (a weekday, "rollout"): the lexicon alone flags them, the
    // production detector does not.
    for (const [text, type] of [
      ["I'm out of office until Monday with limited access to email.", 'timeline'],
      ['No complaints so far, the rollout went smoothly.', 'timeline'],
      ["I'm the project lead for the rollout in the Nordics.", 'timeline'],
    ] as const) {
      expect(detectSignalsLexicon(text).map((x) => x.type)).toContain(type);
      expect(extractSignals(text).map((x) => x.type)).not.toContain(type);
    }
    // The tenant named this competitor (a cue at STRONG_CUE): a mention counts whatever the model makes of the sentence.
    const lunch = 'We had lunch with the Zorblax people on Tuesday.';
    expect(extractSignals(lunch).map((x) => x.type)).not.toContain('competitor');
    const named = extractSignals(lunch, { competitors: ['Zorblax'] }).find((x) => x.type === 'competitor');
    expect(named?.model).toBe('signals-lexicon-v1');
  });

  it('uses a tenant model in place of the shipped one for its type', () => {
    const texts = Array.from({ length: 6 }, () => [
      'Widgets please.',
      'Widgets now.',
      'More widgets.',
      'Nice weather.',
      'See you soon.',
      'Good game.',
    ]).flat();
    const tenant = trainTextClassifier(
      texts,
      texts.map((t) => (t.includes('idget') ? 1 : 0)),
      { label: 'competitor' },
    ).model;
    const s = extractSignals('More widgets.', { classifiers: { competitor: tenant } }).find(
      (x) => x.type === 'competitor',
    );
    expect(s?.model).toMatch(/:tenant$/);
  });

  it('beats the lexicon on the held-out sales sentences written before tuning (tests/fixtures/signals)', () => {
    const rows = heldOutSentences('sales-sentences.csv');
    expect(rows.length).toBeGreaterThanOrEqual(200);
    const learned = scoreSignals(rows, 'learned');
    const lexicon = scoreSignals(rows, 'lexicon');
    const f1 = (s: typeof learned, t: SignalType) => s.find((x) => x.type === t)!.f1;
    expect(f1(learned, 'explicit_ask')).toBeGreaterThan(0.85);
    expect(f1(learned, 'explicit_ask')).toBeGreaterThan(f1(lexicon, 'explicit_ask') + 0.1);
    const macro = (s: typeof learned) => s.reduce((a, x) => a + x.f1, 0) / s.length;
    expect(macro(learned)).toBeGreaterThan(macro(lexicon));
  });

  it.each(INDEPENDENT_SETS)(
    'beats the lexicon on an independent held-out set (%s), for most types and on average',
    (file) => {
      const rows = heldOutSentences(file);
      const learned = scoreSignals(rows, 'learned');
      const lexicon = scoreSignals(rows, 'lexicon');
      const macro = (s: typeof learned) => s.reduce((a, x) => a + x.f1, 0) / s.length;
      expect(macro(learned)).toBeGreaterThan(macro(lexicon) + 0.1);
      const ahead = SIGNAL_TYPES.filter(
        (t) => learned.find((x) => x.type === t)!.f1 > lexicon.find((x) => x.type === t)!.f1,
      );
      expect(ahead.length).toBeGreaterThanOrEqual(5);
    },
  );
});
