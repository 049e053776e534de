import { createFactInput } from '../../../src/guardrails/fact-input.js';
import { FACTS, type FactName } from '../../../src/guardrails/facts.js';
import type { Suggestion } from '../../../src/core/index.js';
import type { GuardrailContext } from '../../../src/guardrails/context.js';
import { aContext, aSuggestion } from '../../fixtures/guardrails/builders.js';

const fact = (
  name: FactName,
  s: Suggestion = aSuggestion(),
  ctx: GuardrailContext = aContext(),
  params: Record<string, unknown> = {},
): unknown => FACTS[name].compute(createFactInput(s, ctx), params);
const withDraft = (body: string): Suggestion => aSuggestion({ draft: { body } });

describe('facts', () => {
  it('suggestionType, confidence, evidenceCount', () => {
    expect(fact('suggestionType', aSuggestion({ type: 'churn_risk' }))).toBe('churn_risk');
    expect(fact('confidence')).toBe(0.82);
    expect(fact('evidenceCount')).toBe(1);
    expect(fact('evidenceCount', aSuggestion({ evidence: [] }))).toBe(0);
  });

  it('hasDraft: a draft, or an EMAIL task body', () => {
    expect(fact('hasDraft')).toBe(true);
    expect(fact('hasDraft', aSuggestion({ draft: null }))).toBe(false);
    expect(fact('hasDraft', aSuggestion({ draft: null, task: { taskType: 'EMAIL' } }))).toBe(true);
  });

  it('dueDateInPast and daysUntilDue compare with context.now, not the wall clock', () => {
    const ctx = aContext({ now: '2026-03-10T09:00:00Z' });
    expect(fact('dueDateInPast', aSuggestion({ task: { dueAt: '2026-03-10T08:59:59Z' } }), ctx)).toBe(true);
    expect(fact('dueDateInPast', aSuggestion({ task: { dueAt: '2026-03-10T10:00:00+01:00' } }), ctx)).toBe(false);
    expect(fact('dueDateInPast', aSuggestion({ task: null }), ctx)).toBe(false);
    expect(fact('daysUntilDue', aSuggestion({ task: { dueAt: '2026-03-12T09:00:00Z' } }), ctx)).toBe(2);
    expect(fact('daysUntilDue', aSuggestion({ task: { dueAt: '2026-03-09T09:00:00Z' } }), ctx)).toBe(-1);
    expect(fact('daysUntilDue', aSuggestion({ task: null }), ctx)).toBeNull();
  });

  it('deal facts only count the deal the suggestion points at, and not when archived', () => {
    expect([
      fact('dealReferenced'),
      fact('dealExists'),
      fact('dealIsClosed'),
      fact('dealStage'),
      fact('dealStageOrder'),
    ]).toEqual([true, true, false, 'negotiation', 4]);
    expect(fact('dealExists', aSuggestion(), aContext({ deal: null }))).toBe(false);
    expect(fact('dealExists', aSuggestion({ dealId: 'd-9' }))).toBe(false);
    expect(fact('dealExists', aSuggestion(), aContext({ deal: { archived: true } }))).toBe(false);
    expect(fact('dealReferenced', aSuggestion({ dealId: null }))).toBe(false);
    expect(fact('dealStage', aSuggestion({ dealId: null }))).toBeNull();
    expect(fact('dealStageOrder', aSuggestion(), aContext({ deal: { stage: null } }))).toBeNull();
    expect(fact('dealIsClosed', aSuggestion(), aContext({ deal: { stage: 'closed_lost', isClosed: true } }))).toBe(
      true,
    );
    expect(fact('dealStageOrder', aSuggestion(), aContext({ deal: { stage: 'closed_lost', isClosed: true } }))).toBe(5);
  });

  it('ownerAssigned and ownerExists use the task owner, then the draft owner, then the suggestion owner', () => {
    expect([fact('ownerAssigned'), fact('ownerExists')]).toEqual([true, true]);
    expect(fact('ownerExists', aSuggestion(), aContext({ owner: { exists: false } }))).toBe(false);
    expect(fact('ownerExists', aSuggestion(), aContext({ owner: null }))).toBe(false);
    expect(fact('ownerExists', aSuggestion({ task: { ownerId: 'u-2' } }))).toBe(false);
    const unassigned = aSuggestion({ ownerId: null, task: { ownerId: null }, draft: { ownerId: null } });
    expect([fact('ownerAssigned', unassigned), fact('ownerExists', unassigned)]).toEqual([false, false]);
    expect(fact('ownerExists', aSuggestion({ task: null, draft: null }))).toBe(true);
  });

  it('contactsExist covers associated contacts and draft recipients', () => {
    expect(fact('contactsExist')).toBe(true);
    expect(fact('contactsExist', aSuggestion({ draft: { toContactIds: ['c-1', 'c-2'] } }))).toBe(false);
    expect(fact('contactsExist', aSuggestion({ contactIds: ['c-3'] }))).toBe(false);
    expect(fact('contactsExist', aSuggestion({ contactIds: [], draft: null }), aContext({ contacts: [] }))).toBe(true);
  });

  it('repSuggestionsToday, signals and hasSignal come from the context', () => {
    expect(fact('repSuggestionsToday', aSuggestion(), aContext({ repSuggestionsToday: 12 }))).toBe(12);
    expect(fact('signals')).toEqual(['pricing_question']);
    expect(fact('hasSignal', aSuggestion(), aContext(), { signal: 'pricing_question' })).toBe(true);
    expect(fact('hasSignal', aSuggestion(), aContext(), { signal: 'competitor' })).toBe(false);
  });

  it('outgoingText is the draft plus an EMAIL task body, never a CALL task', () => {
    expect(fact('outgoingText')).toBe(`Acme Analytics proposal\n${aSuggestion().draft!.body}`);
    expect(fact('outgoingText', aSuggestion({ draft: null }))).toBe('');
    expect(fact('outgoingText', aSuggestion({ draft: null, task: { taskType: 'EMAIL', body: 'Hi Anna' } }))).toBe(
      'Hi Anna',
    );
  });

  describe('ungroundedClaims', () => {
    it('is empty for the grounded base suggestion', () => {
      expect(fact('ungroundedClaims')).toEqual([]);
    });
    it('reports each kind and can be filtered by params', () => {
      const s = withDraft('Hi Anna, Acme Vision costs $39,500 with 12% off until April 15, and 30% of teams love it.');
      expect(fact('ungroundedClaims', s)).toEqual([
        'date: April 15',
        'discount: 12%',
        'percentage: 30%',
        'amount: $39,500',
        'name: Acme Vision',
      ]);
      expect(fact('ungroundedClaims', s, aContext(), { kinds: ['amount', 'date'] })).toEqual([
        'date: April 15',
        'amount: $39,500',
      ]);
      expect(fact('ungroundedClaims', s, aContext(), { kinds: ['name'] })).toEqual(['name: Acme Vision']);
    });
    it('counts the task subject and body, not only the draft', () => {
      expect(fact('ungroundedClaims', aSuggestion({ task: { body: 'Offer Anna 25,000 EUR.' } }))).toEqual([
        'amount: 25,000 EUR',
      ]);
    });
    it('grounds in retrieved text, the allow-list, the deal, contacts, the owner and the due date', () => {
      const s = aSuggestion({
        task: { subject: 'Call Anna', body: 'Call Anna.', dueAt: '2026-03-12T09:00:00Z' },
        draft: {
          body: 'Hi Anna, Thomas Becker can offer 7% on Acme Vision for $5,000 by April 15 or March 12. Best, Maria Lopez',
        },
      });
      const grounded = aContext({
        retrievedText: ['Thomas Becker mentioned a 7% discount.'],
        allowList: ['Acme Vision', '$5,000'],
        deal: { closeDate: '2026-04-15T00:00:00Z' },
      });
      expect(fact('ungroundedClaims', s, grounded)).toEqual([]);
      expect(
        fact('ungroundedClaims', s, aContext({ retrievedText: [], allowList: [], deal: { closeDate: null } })),
      ).toEqual(['date: April 15', 'percentage: 7%', 'amount: $5,000', 'name: Thomas Becker', 'name: Acme Vision']);
    });
    it('does not count the evidence the model quoted as grounding', () => {
      const s = aSuggestion({
        draft: { body: 'Hi Anna, the price is $77,000.' },
        evidence: [{ recordKind: 'note', externalId: 'n-1', quote: 'price is $77,000', url: null, field: null }],
      });
      expect(fact('ungroundedClaims', s)).toEqual(['amount: $77,000']);
    });
    it("skips closeloop's own lines (a model's versioned name), and only those", () => {
      const footer = 'Behind this suggestion: found by signals-v2@2025-11-03 (small model), confidence 0.91.';
      const s = aSuggestion({ draft: null, task: { subject: 'Call Anna', body: `Call Anna.\n--\n${footer}` } });
      const own = aContext({ ownLines: ['--', footer] });
      expect(fact('ungroundedClaims', s, aContext())).toEqual(['date: 2025-11-03']);
      expect(fact('ungroundedActionable', s, aContext())).not.toEqual([]);
      expect(fact('ungroundedClaims', s, own)).toEqual([]);
      expect(fact('ungroundedActionable', s, own)).toEqual([]);
      // The same date in the rep's text is still a claim.
      const invented = aSuggestion({
        draft: null,
        task: { subject: 'Call Anna', body: `Call Anna before 2025-11-03.\n--\n${footer}` },
      });
      expect(fact('ungroundedClaims', invented, own)).toEqual(['date: 2025-11-03']);
      expect(fact('ungroundedActionable', invented, own)).not.toEqual([]);
    });
  });

  it('maxDiscountPercent takes the largest discount, amounts relative to the deal', () => {
    expect(fact('maxDiscountPercent')).toBe(10);
    expect(fact('maxDiscountPercent', withDraft('We can do 5% off now and a 12% discount at renewal.'))).toBe(12);
    expect(fact('maxDiscountPercent', withDraft('We can take 4,800 EUR off.'))).toBe(10);
    expect(
      fact('maxDiscountPercent', withDraft('We can take 4,800 EUR off.'), aContext({ deal: { amount: null } })),
    ).toBe(0);
    expect(fact('maxDiscountPercent', withDraft('Usage grew 40% this year.'))).toBe(0);
  });

  it('forbiddenPromises, piiInOutgoingText and toneIssues read outgoing text only', () => {
    const callTask = aSuggestion({ draft: null, task: { body: 'We guarantee it, call j.doe@other.com NOW!!' } });
    expect([
      fact('forbiddenPromises', callTask),
      fact('piiInOutgoingText', callTask),
      fact('toneIssues', callTask),
    ]).toEqual([[], [], []]);
    const s = withDraft('We guarantee it, write to j.doe@other.com or anna.schmidt@example.com NOW!!');
    expect(fact('forbiddenPromises', s)).toEqual(['guarantee']);
    expect(fact('piiInOutgoingText', s)).toEqual(['email j***@other.com']);
    expect(fact('toneIssues', s)).toEqual(['shouting: NOW', 'shouting: !!']);
  });

  it("allows PII on the allow-list and the recipients' own details only", () => {
    const s = withDraft('Reach support@closeloop.example or Anna on +49 30 1234567; Bob is on +49 30 7654321.');
    expect(fact('piiInOutgoingText', s, aContext({ allowList: ['support@closeloop.example'] }))).toEqual([
      'phone ending 4321',
    ]);
    const toSomeoneElse = aSuggestion({
      contactIds: ['c-1'],
      draft: { toContactIds: [], body: 'Anna is on +49 30 1234567.' },
    });
    expect(fact('piiInOutgoingText', toSomeoneElse)).toEqual(['phone ending 4567']);
  });
});
