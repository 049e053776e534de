import type { Activity, Deal } from '../../../src/core/canonical.js';
import { normalizedEditDistance, normalizeForDiff } from '../../../src/feedback/edit-distance.js';
import { dealOutcome, matchSentEmail, outcomeOfOwnRecord, verdictOf } from '../../../src/feedback/outcomes.js';
import { buildReport } from '../../../src/feedback/report.js';
import { usefulnessWeight } from '../../../src/feedback/retrain.js';
import { decideSuppression, suppressionFactor, SUPPRESSION_FLOOR } from '../../../src/feedback/suppression.js';
import type { ReportRow } from '../../../src/store/index.js';

const activity = (o: Partial<Activity>): Activity => ({
  kind: 'task',
  provider: 'hubspot',
  externalId: 't1',
  createdAt: null,
  updatedAt: '2026-01-02T00:00:00.000Z',
  archived: false,
  ownerId: null,
  associations: { contacts: [], companies: [], deals: [] },
  url: null,
  subject: null,
  body: null,
  occurredAt: '2026-01-01T00:00:00.000Z',
  direction: null,
  status: null,
  dueAt: null,
  ...o,
});
const draft = {
  subject: 'Re: renewal',
  body: 'Hi Hank,\n\nCould we set up a short call this week?\n\nBest regards,\n{{rep_signature}}',
};

describe('edit distance', () => {
  test('same text after folding whitespace, case, signature and our note is 0; unrelated text is near 1', () => {
    expect(normalizedEditDistance(draft.body, 'hi hank, could we set up a short call this week? best regards,')).toBe(
      0,
    );
    expect(normalizeForDiff('Hello\n\n-- closeloop note (for you) --\nWhy: x')).toBe('hello');
    expect(normalizedEditDistance('abc', '')).toBe(1);
    expect(
      normalizedEditDistance(draft.body, 'Totally different text about something else entirely, nothing shared.'),
    ).toBeGreaterThan(0.6);
  });
  test('a small edit is a small distance', () => {
    const d = normalizedEditDistance(draft.body, draft.body.replace('short call', 'quick 20-minute call'));
    expect(d).toBeGreaterThan(0);
    expect(d).toBeLessThan(0.25);
  });
});

describe('outcomes', () => {
  const taskRef = { action: 'create_task' as const, crmId: 't1', draft: null };
  const draftRef = { action: 'create_draft_email' as const, crmId: 'e1', draft };
  test('our task completed, deleted, or still open', () => {
    expect(outcomeOfOwnRecord(taskRef, activity({ status: 'COMPLETED' }))?.outcome).toBe('task_completed');
    expect(outcomeOfOwnRecord(taskRef, activity({ archived: true }))?.outcome).toBe('task_deleted');
    expect(outcomeOfOwnRecord(draftRef, activity({ archived: true }))?.outcome).toBe('draft_discarded');
    expect(outcomeOfOwnRecord(taskRef, activity({ status: 'NOT_STARTED' }))).toBeNull();
  });
  test('a Salesforce draft EmailMessage turned SENT: sent, with the edit distance', () => {
    const e = outcomeOfOwnRecord(draftRef, activity({ kind: 'email', status: 'SENT', body: draft.body }));
    expect(e).toMatchObject({ outcome: 'draft_sent', editDistance: 0, detail: { unchanged: true } });
    expect(outcomeOfOwnRecord(draftRef, activity({ kind: 'email', status: 'DRAFT', body: draft.body }))).toBeNull();
  });
  test('a logged outgoing email is matched to the closest draft; inbound mail and drafts are not', () => {
    const sent = activity({
      kind: 'email',
      direction: 'outbound',
      status: 'SENT',
      body: draft.body.replace('this week', 'on Friday'),
    });
    const other = {
      id: 'x',
      draft: { subject: 's', body: 'Something completely unrelated to the renewal conversation we had.' },
    };
    expect(matchSentEmail(sent, [other, { id: 'y', draft }])?.candidate.id).toBe('y');
    expect(matchSentEmail({ ...sent, direction: 'inbound' }, [{ id: 'y', draft }])).toBeNull();
    expect(matchSentEmail({ ...sent, status: 'DRAFT' }, [{ id: 'y', draft }])).toBeNull();
    expect(matchSentEmail(sent, [other])).toBeNull();
  });
  test('a deal closed after the write-back is won or lost afterwards; one closed before is not', () => {
    const deal = {
      kind: 'deal',
      isClosed: true,
      isWon: true,
      updatedAt: '2026-02-01T00:00:00.000Z',
      closeDate: '2026-02-01T00:00:00.000Z',
      providerStage: 'closedwon',
    } as Deal;
    expect(dealOutcome(deal, new Date('2026-01-15'))?.outcome).toBe('deal_won');
    expect(dealOutcome({ ...deal, isWon: false }, new Date('2026-01-15'))?.outcome).toBe('deal_lost');
    expect(dealOutcome(deal, new Date('2026-03-01'))).toBeNull();
  });
  test('a suggestion is accepted when anything positive happened, ignored when only negative things did', () => {
    expect(verdictOf(['task_overdue', 'task_completed'])).toBe('accepted');
    expect(verdictOf(['task_deleted', 'deal_won'])).toBe('ignored');
    expect(verdictOf(['deal_won'])).toBe('pending');
  });
});

describe('suppression', () => {
  test('the factor is the smoothed acceptance with a floor', () => {
    expect(suppressionFactor({ accepted: 0, ignored: 0 })).toBe(1);
    expect(suppressionFactor({ accepted: 0, ignored: 3 })).toBe(0.4);
    expect(suppressionFactor({ accepted: 0, ignored: 100 })).toBe(SUPPRESSION_FLOOR);
    expect(suppressionFactor({ accepted: 5, ignored: 1 })).toBeCloseTo(7 / 8, 3);
  });
  test('deterministic thinning: with factor 0.4, one in three is shown', () => {
    const h = { accepted: 0, ignored: 3 };
    expect(decideSuppression('budget_risk', { ...h, skippedSinceShown: 0 })).toMatchObject({
      show: false,
      showEvery: 3,
    });
    expect(decideSuppression('budget_risk', { ...h, skippedSinceShown: 1 }).show).toBe(false);
    const shown = decideSuppression('budget_risk', { ...h, skippedSinceShown: 2 });
    expect(shown.show).toBe(true);
    expect(shown.note).toContain('left 3 of the last 3 budget_risk');
    expect(decideSuppression('x', { accepted: 2, ignored: 0, skippedSinceShown: 0 })).toMatchObject({
      show: true,
      note: null,
    });
  });
});

describe('usefulness weights', () => {
  test('1 with no outcomes, lower for ignored types, higher for used ones, bounded', () => {
    expect(usefulnessWeight(0, 0)).toBe(1);
    expect(usefulnessWeight(0, 3)).toBeLessThan(1);
    expect(usefulnessWeight(3, 0)).toBeGreaterThan(1);
    expect(usefulnessWeight(0, 1000)).toBeGreaterThanOrEqual(0);
    expect(usefulnessWeight(1000, 0)).toBeLessThanOrEqual(2);
  });
});

describe('acceptance report', () => {
  const row = (o: Partial<ReportRow>): ReportRow => ({
    id: 's',
    type: 'budget_risk',
    owner_id: 'r1',
    status: 'written',
    verdicts: [{ rule: 'cap', passed: true }],
    repair: null,
    created_at: new Date(),
    outcomes: [],
    edit_distances: [],
    ...o,
  });
  test('per type, rep and rule', () => {
    const r = buildReport(
      [
        row({ id: 'a', outcomes: ['task_completed', 'draft_sent', 'deal_won'], edit_distances: [0.1] }),
        row({ id: 'b', outcomes: ['task_deleted'] }),
        row({ id: 'c', type: 'churn_risk', owner_id: 'r2', outcomes: [] }),
        row({ id: 'd', status: 'blocked', verdicts: [{ rule: 'cap', passed: false }] }),
        row({
          id: 'e',
          status: 'written',
          repair: { firstFailed: [{ rule: 'tone', passed: false }] },
          verdicts: [
            { rule: 'cap', passed: true },
            { rule: 'tone', passed: true },
          ],
          outcomes: ['draft_sent'],
          edit_distances: [0],
        }),
      ],
      '2026-01-01T00:00:00.000Z',
    );
    expect(r.byType.budget_risk).toMatchObject({
      suggested: 4,
      written: 3,
      accepted: 2,
      ignored: 1,
      acceptanceRate: 0.667,
      draftsSentEdited: 1,
      draftsSentUnchanged: 1,
      dealsWonAfter: 1,
      meanEditDistance: 0.05,
    });
    expect(r.byType.churn_risk).toMatchObject({ written: 1, pending: 1, acceptanceRate: null });
    expect(r.byRep.r2!.suggested).toBe(1);
    expect(r.byRule.cap).toMatchObject({ fired: 1, accepted: 2, ignored: 1 });
    expect(r.byRule.tone).toMatchObject({ fired: 0, firedOnFirstDraft: 1, accepted: 1 });
    expect(r.total.byStatus).toEqual({ written: 4, blocked: 1 });
  });
});
