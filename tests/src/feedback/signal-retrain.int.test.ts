import { Writable } from 'node:stream';
import type { Activity, Deal } from '../../../src/core/canonical.js';
import { retrainTenant } from '../../../src/feedback/retrain.js';
import { suggestForDeal } from '../../../src/inference/deal-suggestions.js';
import { LocalEmbedder } from '../../../src/context/local-embedder.js';
import {
  SHIPPED_FUSED_SIGNAL_MODELS_VERSION,
  SHIPPED_SIGNAL_MODELS_VERSION,
  extractSignals,
  SignalSentenceVectors,
  TENANT_SIGNAL_MODEL,
} from '../../../src/inference/signals/index.js';
import { createLogger } from '../../../src/lib/logger.js';
import { signalOptions, tenantSignalModels } from '../../../src/suggest/scorer.js';
import { buildContext } from '../../../src/suggest/context.js';
import type { AnalyzeDeps } from '../../../src/suggest/analyze-deps.js';
import { SIGNALS_KIND } from '../../../src/store/models.js';
import { aSuggestion } from '../../fixtures/guardrails/builders.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';
import { installConnection } from '../http/card-app.js';

const NOW = Date.parse('2026-12-05T12:00:00Z');
const DAY = 86_400_000;
const quiet = createLogger({
  level: 'fatal',
  destination: new Writable({
    write(_c, _e, cb) {
      cb();
    },
  }),
});

// Tenant A's reps confirm budget-risk tasks quoting their word for a budget freeze ("Q-freeze") and reject the ones
// quoting who owns the budget.
const confirmed = [
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
  'We cannot afford this right now.',
  'Money is tight this quarter.',
  'Spending is frozen.',
  'Our budget was cut by a third.',
  'The price is above what we can pay.',
  'We have no budget left for new tools.',
];
const rejected = [
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

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
  await installConnection(t.store, { id: 'hs-a', tenantId: 'tenant-a', provider: 'hubspot', accountId: 'A1' });
  await installConnection(t.store, { id: 'hs-b', tenantId: 'tenant-b', provider: 'hubspot', accountId: 'B1' });
  const judged = [
    ...confirmed.map((quote) => ({ quote, outcome: 'task_completed' })),
    ...rejected.map((quote) => ({ quote, outcome: 'card_not_useful' })),
  ];
  for (const [i, j] of judged.entries()) {
    for (const [tenant, conn] of [['tenant-a', 'hs-a']] as const) {
      const s = aSuggestion({
        id: `sug-${tenant}-${i}`,
        tenantId: tenant,
        connectionId: conn,
        type: 'budget_risk',
        dedupeKey: `budget_risk:d${i}`,
        dealId: `d${i}`,
        evidence: [{ recordKind: 'email', externalId: `e${i}`, quote: j.quote, url: null, field: 'body' }],
        createdAt: new Date(NOW - 10 * DAY).toISOString(),
      });
      await t.store.suggestions.insert(s, 'written', [{ rule: 'no-pii', passed: true, message: null }]);
      await t.store.feedback.record({
        suggestionId: s.id,
        tenantId: tenant,
        connectionId: conn,
        outboxId: null,
        target: 't1',
        outcome: j.outcome,
        editDistance: null,
        detail: {},
        occurredAt: new Date(NOW - 5 * DAY),
      });
    }
  }
  // Tenant B has one judged budget suggestion: far below the minimum.
  const b = aSuggestion({
    id: 'sug-b',
    tenantId: 'tenant-b',
    connectionId: 'hs-b',
    type: 'budget_risk',
    dedupeKey: 'budget_risk:b',
    dealId: 'db',
    evidence: [{ recordKind: 'email', externalId: 'eb', quote: 'Our budget owner is Dana.', url: null, field: 'body' }],
  });
  await t.store.suggestions.insert(b, 'written', []);
  await t.store.feedback.record({
    suggestionId: 'sug-b',
    tenantId: 'tenant-b',
    connectionId: 'hs-b',
    outboxId: null,
    target: 't1',
    outcome: 'card_not_useful',
    editDistance: null,
    detail: {},
    occurredAt: new Date(NOW - DAY),
  });
}, 60_000);
afterAll(async () => {
  await t?.close();
});

const deal: Deal = {
  kind: 'deal',
  provider: 'hubspot',
  externalId: 'd-new',
  createdAt: new Date(NOW - 60 * DAY).toISOString(),
  updatedAt: new Date(NOW - DAY).toISOString(),
  archived: false,
  ownerId: 'o1',
  associations: { contacts: [], companies: [], deals: [] },
  url: null,
  name: 'Acme renewal',
  amount: 1000,
  currency: 'USD',
  stage: 'negotiation',
  providerStage: 'contractsent',
  closeDate: null,
  isClosed: false,
  isWon: false,
};
const email = (body: string): Activity => ({
  kind: 'email',
  provider: 'hubspot',
  externalId: 'm1',
  createdAt: null,
  updatedAt: new Date(NOW).toISOString(),
  archived: false,
  ownerId: null,
  associations: { contacts: [], companies: [], deals: ['d-new'] },
  url: null,
  subject: 'Order form',
  body,
  occurredAt: new Date(NOW - DAY).toISOString(),
  direction: 'inbound',
  status: null,
  dueAt: null,
});

describe('per-tenant signal retraining from feedback', () => {
  test('a tenant with enough labels gets its own versioned model; production scoring uses it; another tenant is unaffected', async () => {
    const deps = { store: t.store, logger: quiet, now: () => NOW };
    const a = await retrainTenant(deps, 'tenant-a', { force: true });
    expect(a.signals?.trained).toBe(true);
    expect(a.signals?.types.budget_constraint).toMatchObject({ rows: 30, positives: 18, accepted: true });
    const row = await t.store.models.get('tenant-a', SIGNALS_KIND);
    expect(row?.model_name).toBe(`${TENANT_SIGNAL_MODEL}:${SHIPPED_SIGNAL_MODELS_VERSION}`);
    expect((row?.model as { base: string }).base).toBe(SHIPPED_SIGNAL_MODELS_VERSION);

    const b = await retrainTenant(deps, 'tenant-b', { force: true });
    expect(b.signals?.trained).toBe(false);
    expect(b.signals?.types.budget_constraint?.reason).toMatch(/needs ≥ 30/);

    const mineA = await tenantSignalModels(t.store, 'tenant-a');
    const mineB = await tenantSignalModels(t.store, 'tenant-b');
    expect(Object.keys(mineA.classifiers)).toEqual(['budget_constraint']);
    expect(mineA.classifiersVersion).toBe('2026-12-05T12:00:00Z');
    expect(mineB).toEqual({ classifiers: {}, fusedClassifiers: null, classifiersVersion: null });
    // Trained without the sentence encoder: no corrections on the fused models, the n-gram ones serve every sentence.
    expect(mineA.fusedClassifiers).toBeNull();

    // The same customer email on a deal in negotiation: tenant A's model reads its jargon as a budget problem.
    const input = {
      connectionId: 'c',
      provider: 'hubspot',
      now: NOW,
      staleDealDays: 14,
      deal,
      // (Not "Procurement says …": the shipped model learnt procurement teams as a hard negative of budget talk, and a
      // 30-label correction lifts that sentence to 0.37 only, under the 0.5 a model-only quote needs.)
      activities: [email('Thanks for the order form. We are in Q-freeze, so this waits.')],
    };
    const forA = suggestForDeal({ ...input, tenantId: 'tenant-a', signals: signalOptions(mineA) }).find(
      (s) => s.type === 'budget_risk',
    );
    const forB = suggestForDeal({ ...input, tenantId: 'tenant-b', signals: signalOptions(mineB) }).find(
      (s) => s.type === 'budget_risk',
    );
    expect(forA?.evidence[0]?.quote).toContain('Q-freeze');
    expect(forA?.explanation.model).toBe('signals-tfidf-logreg-v2:tenant@2026-12-05T12:00:00Z');
    expect(forA?.explanation.route?.[0]?.reason).toMatch(/tenant's fine-tuned/);
    expect(forB).toBeUndefined();

    // The training is kept in the model history like the deal model's.
    const history = await t.db.query<{ n: string }>(
      "SELECT count(*)::text AS n FROM tenant_model_history WHERE tenant_id = 'tenant-a' AND kind = $1",
      [SIGNALS_KIND],
    );
    expect(Number(history.rows[0]!.n)).toBe(1);

    // Read with a sentence vector, the legacy corrections still win over the shipped fused model.
    const withVectors = suggestForDeal({
      ...input,
      tenantId: 'tenant-a',
      signals: signalOptions(mineA, await vectorsFor(input.activities.map((a) => a.body!))),
    }).find((s) => s.type === 'budget_risk');
    expect(withVectors?.explanation.model).toBe('signals-tfidf-logreg-v2:tenant@2026-12-05T12:00:00Z');
  }, 60_000);

  test('with the sentence encoder, the corrections are also learnt on the fused models and read sentences with vectors', async () => {
    // Sentences in the tenant's jargon that none of its labels holds, and one about who owns the budget.
    const unseen = [
      'Procurement says we are in Q-freeze, so this waits.',
      'We are in Q-freeze, so this waits.',
      'The Q-freeze hit our team this week.',
      'Sorry, Q-freeze again, nothing moves until it lifts.',
      'Legal is fine with it but the Q-freeze is not.',
    ];
    const owner = 'Our budget owner is Sam.';
    const vectors = await vectorsFor([...confirmed, ...rejected, ...unseen, owner]);
    const deps = { store: t.store, logger: quiet, now: () => NOW + DAY, signalVectors: vectors };
    const a = await retrainTenant(deps, 'tenant-a', { force: true });
    // Judged against the fused model on the same labels: kept only when it beats it out of fold.
    expect(a.signals?.fused?.budget_constraint).toMatchObject({ rows: 30, positives: 18, accepted: true });
    const row = await t.store.models.get('tenant-a', SIGNALS_KIND);
    expect((row?.model as { fused?: { base: string } }).fused?.base).toBe(SHIPPED_FUSED_SIGNAL_MODELS_VERSION);
    const mine = await tenantSignalModels(t.store, 'tenant-a');
    expect(Object.keys(mine.fusedClassifiers ?? {})).toEqual(['budget_constraint']);

    const budget = (text: string, opts: ReturnType<typeof signalOptions>) =>
      extractSignals(text, opts).filter((x) => x.type === 'budget_constraint');
    const shippedOnly = signalOptions(await tenantSignalModels(t.store, 'tenant-b'), vectors);
    // The shipped fused model does not know the word; the tenant's correction on it reads most of them (measured:
    // 4 of 5, at 0.66–0.92; "We are in Q-freeze, so this waits." stays at 0.43, under the 0.5 a model-only quote
    // needs: a correction on n-grams cannot always outweigh a confident base) and not the owner sentence.
    expect(unseen.filter((u) => budget(u, shippedOnly).length > 0)).toEqual([]);
    const read = unseen.filter((u) => budget(u, signalOptions(mine, vectors)).length > 0);
    expect(read.length).toBeGreaterThanOrEqual(4);
    expect(budget(owner, signalOptions(mine, vectors))).toEqual([]);

    // In a suggestion: named as the tenant's model on the fused base; without a vector, the n-gram correction reads it.
    const input = {
      connectionId: 'c',
      provider: 'hubspot',
      now: NOW + DAY,
      staleDealDays: 14,
      deal,
      activities: [email(read[0]!)],
    };
    const s = suggestForDeal({ ...input, tenantId: 'tenant-a', signals: signalOptions(mine, vectors) }).find(
      (x) => x.type === 'budget_risk',
    );
    expect(s?.evidence[0]?.quote).toContain('Q-freeze');
    expect(s?.explanation.model).toBe('signals-tfidf+use-lite-logreg-v1:tenant@2026-12-06T12:00:00Z');
    const noVector = unseen.flatMap((u) => budget(u, signalOptions(mine)));
    expect(noVector.length).toBeGreaterThan(0);
    for (const x of noVector) expect(x.model).toBe('signals-tfidf-logreg-v2:tenant@2026-12-06T12:00:00Z');

    // The rules judge the suggestion on the signals the tenant's models read in its sources, not the shipped ones'.
    const ruleSignals = async (tenantId: string, connectionId: string) => {
      const sug = aSuggestion({
        id: `sug-ctx-${tenantId}`,
        tenantId,
        connectionId,
        type: 'budget_risk',
        dealId: 'd-new',
        evidence: [{ recordKind: 'email', externalId: 'm1', quote: read[0]!, url: null, field: 'body' }],
      });
      const analyzeDeps = { store: t.store, signalVectors: vectors } as unknown as AnalyzeDeps;
      const { ctx } = await buildContext(
        analyzeDeps,
        connectionId,
        sug,
        { deal, company: null, activities: [email(read[0]!)] },
        NOW + DAY,
      );
      return ctx.signals;
    };
    expect(await ruleSignals('tenant-a', 'hs-a')).toContain('budget_constraint');
    expect(await ruleSignals('tenant-b', 'hs-b')).not.toContain('budget_constraint');
  }, 120_000);
});

/** Real sentence vectors (the shipped encoder, inline) for the sentences of `texts`. */
async function vectorsFor(texts: string[]): Promise<SignalSentenceVectors> {
  const v = new SignalSentenceVectors(new LocalEmbedder({ kind: 'sentence' }));
  await v.prepare(texts);
  return v;
}
