import { approveSuggestion, dismissSuggestion, type ReviewDeps } from '../../../src/suggest/review.js';
import { TrustedFactsSchema } from '../../../src/guardrails/trusted-facts.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { createMetrics } from '../../../src/lib/metrics.js';
import type { WorkQueue } from '../../../src/queue/index.js';
import type { Store } from '../../../src/store/index.js';
import { aContext, aSuggestion } from '../../fixtures/guardrails/builders.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';

/**
 * Two reviewers act on one held suggestion at once (two tabs, two people, a double submit): each read it held, and
 * each would go on to write. Whoever commits second must be told it is no longer held (409) and change nothing: not
 * dismiss a suggestion whose task is being written, not queue writes for a dismissed one, not answer "dismissed with
 * your reason" when another reason was kept.
 */
const NOW = Date.parse('2026-03-10T10:00:00.000Z');
let t: TestDb;
let n = 0;

beforeAll(async () => {
  t = await openTestDb();
  await t.store.connections.upsert({
    id: 'hs-1',
    tenantId: 'tenant-a',
    provider: 'hubspot',
    accountId: '4200',
    apiBase: 'http://127.0.0.1:9',
    displayName: 'hubspot 4200',
    accessTokenEnc: 'x',
    refreshTokenEnc: null,
    tokenExpiresAt: null,
    tokenMetadata: {},
  });
  const ctx = aContext();
  await t.store.records.upsertMany('hs-1', [ctx.deal!, ...ctx.contacts]);
});
afterAll(async () => {
  await t.close();
});

/** The review service on `store`; writes go to a queue stub (nothing is sent). */
const deps = (store: Store): ReviewDeps => ({
  store,
  queue: { sendInTx: async () => null, send: async () => null } as unknown as WorkQueue,
  logger: silentLogger(),
  metrics: createMetrics(),
  now: () => NOW,
  // The fixture's draft offers 10%: within the company's discount policy, as rules/trusted-facts.json has it.
  guardrails: {
    trusted: () => TrustedFactsSchema.parse({ discountPolicy: { maxPercent: 15 } }),
  } as unknown as ReviewDeps['guardrails'],
});

async function held(): Promise<string> {
  const s = aSuggestion({ id: `sug-race-${++n}`, tenantId: 'tenant-a', connectionId: 'hs-1', dedupeKey: `race-${n}` });
  await t.store.suggestions.insert(s, 'review', [{ rule: 'needs-review', passed: false, message: 'held' }]);
  return s.id;
}

/**
 * The store as one reviewer's request sees it when another reviewer's action commits between its read of the
 * suggestion (still held) and its own transaction: `other` runs to the end just before the first transaction begins.
 */
function afterOtherCommits(store: Store, other: () => Promise<unknown>): Store {
  let done = false;
  return {
    ...store,
    tx: async (fn) => {
      if (!done) {
        done = true;
        await other();
      }
      return store.tx(fn);
    },
  };
}

const outcomes = async (id: string) => (await t.store.feedback.outcomesFor(id)).map((o) => o.outcome);

describe('review: two reviewers act on one held suggestion at once', () => {
  test('alone, an approval writes it (the fixture passes the gate)', async () => {
    const id = await held();
    expect((await approveSuggestion(deps(t.store), 'tenant-a', id, 'a')).status).toBe('allowed');
    expect(await t.store.outbox.createRow(id, 'create_task')).not.toBeNull();
  });

  test('an approval that loses to a dismissal is a 409 and queues nothing', async () => {
    const id = await held();
    const racing = afterOtherCommits(t.store, () =>
      dismissSuggestion(deps(t.store), 'tenant-a', id, 'already handled by phone', 'b'),
    );
    const err = await approveSuggestion(deps(racing), 'tenant-a', id, 'a').catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 409, message: expect.stringContaining('no longer held') });
    expect((await t.store.suggestions.get(id))?.status).toBe('dismissed');
    expect(await t.store.outbox.createRow(id, 'create_task')).toBeNull();
    expect(await outcomes(id)).toEqual(['review_dismissed']);
  });

  test('a dismissal that loses to an approval is a 409 and records no dismissal', async () => {
    const id = await held();
    const racing = afterOtherCommits(t.store, () => approveSuggestion(deps(t.store), 'tenant-a', id, 'a'));
    const err = await dismissSuggestion(deps(racing), 'tenant-a', id, 'not needed', 'b').catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 409, message: expect.stringContaining('no longer held') });
    expect((await t.store.suggestions.get(id))?.status).toBe('allowed');
    expect(await outcomes(id)).toEqual([]);
  });

  test('of two dismissals, the second is told so: its reason is not the one kept', async () => {
    const id = await held();
    const racing = afterOtherCommits(t.store, () => dismissSuggestion(deps(t.store), 'tenant-a', id, 'first', 'b'));
    const err = await dismissSuggestion(deps(racing), 'tenant-a', id, 'second', 'a').catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 409 });
    const kept = await t.db.query<{ reason: string }>(
      "SELECT detail->>'reason' AS reason FROM suggestion_outcomes WHERE suggestion_id = $1",
      [id],
    );
    expect(kept.rows.map((r) => r.reason)).toEqual(['first']);
  });
});
