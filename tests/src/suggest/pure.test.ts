import type { Activity, Company, Contact, Deal } from '../../../src/core/canonical.js';
import { CHURN_THRESHOLD, scoreChurn, suggestChurnRisk } from '../../../src/inference/churn-risk.js';
import { dealFeatures, dealTrainingTable } from '../../../src/inference/deal-features.js';
import { suggestForDeal } from '../../../src/inference/deal-suggestions.js';
import { COLD_START_MODEL } from '../../../src/inference/models/cold-start.js';
import type { DraftInput } from '../../../src/inference/drafting/index.js';
import type { LlmClient } from '../../../src/llm/client.js';
import { withoutOffendingElements, withRepairRequest } from '../../../src/suggest/drafting.js';
import { renderDraftBody } from '../../../src/writeback/render.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-01T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const assoc = (o: Partial<Deal['associations']> = {}) => ({ contacts: [], companies: [], deals: [], ...o });
const deal = (o: Partial<Deal> = {}): Deal => ({
  kind: 'deal', provider: 'hubspot', externalId: 'd1', createdAt: iso(NOW - 90 * DAY), updatedAt: iso(NOW - DAY), archived: false, ownerId: 'o1',
  associations: assoc({ companies: ['c1'], contacts: ['p1'] }), url: null, name: 'Acme renewal', amount: 1000, currency: 'USD', stage: 'proposal', providerStage: 'presentationscheduled',
  closeDate: null, isClosed: false, isWon: false, ...o,
});
const act = (o: Partial<Activity>): Activity => ({
  kind: 'email', provider: 'hubspot', externalId: 'a1', createdAt: null, updatedAt: iso(NOW), archived: false, ownerId: null, associations: assoc({ deals: ['d1'] }),
  url: null, subject: null, body: null, occurredAt: iso(NOW - DAY), direction: 'inbound', status: null, dueAt: null, ...o,
});
const company: Company = { kind: 'company', provider: 'hubspot', externalId: 'c1', createdAt: iso(NOW - 400 * DAY), updatedAt: iso(NOW), archived: false, ownerId: 'o1', associations: assoc(), url: null, name: 'Acme', domain: 'acme.example', website: null, industry: null, phone: null };
const contact: Contact = { kind: 'contact', provider: 'hubspot', externalId: 'p1', createdAt: null, updatedAt: iso(NOW), archived: false, ownerId: null, associations: assoc(), url: null, firstName: 'Ada', lastName: 'L', email: 'ada@acme.example', phone: null, title: null };

describe('deal suggestions', () => {
  const base = { tenantId: 't', connectionId: 'c', provider: 'hubspot', now: NOW, staleDealDays: 14 };
  test('no next step: worked a week ago, nothing planned', () => {
    const s = suggestForDeal({ ...base, deal: deal(), activities: [act({ kind: 'note', occurredAt: iso(NOW - 8 * DAY), body: 'Sent the proposal.' })] });
    expect(s.map((x) => x.type)).toEqual(['no_next_step']);
    expect(s[0]!.task!.subject).toBe('Set a next step for Acme renewal');
  });
  test('an open task or a meeting ahead is a next step; a recent touch is too soon; an old one is stale instead', () => {
    const note = act({ kind: 'note', occurredAt: iso(NOW - 8 * DAY), body: 'x' });
    expect(suggestForDeal({ ...base, deal: deal(), activities: [note, act({ externalId: 't', kind: 'task', status: 'NOT_STARTED' })] })).toEqual([]);
    expect(suggestForDeal({ ...base, deal: deal(), activities: [note, act({ externalId: 'm', kind: 'meeting', occurredAt: iso(NOW + 2 * DAY) })] })).toEqual([]);
    expect(suggestForDeal({ ...base, deal: deal(), activities: [act({ kind: 'note', occurredAt: iso(NOW - 2 * DAY) })] })).toEqual([]);
    expect(suggestForDeal({ ...base, deal: deal(), activities: [act({ kind: 'note', occurredAt: iso(NOW - 30 * DAY) })] }).map((x) => x.type)).toEqual(['stale_deal_follow_up']);
  });
  test('an unsent draft email is not a customer touch', () => {
    const s = suggestForDeal({ ...base, deal: deal(), activities: [act({ kind: 'note', occurredAt: iso(NOW - 30 * DAY) }), act({ externalId: 'dr', direction: 'outbound', status: 'DRAFT', occurredAt: iso(NOW - DAY) })] });
    expect(s.map((x) => x.type)).toEqual(['stale_deal_follow_up']);
  });
});

describe('deal features and the training table', () => {
  test('only activities up to the close count; the stage is not a feature; rows are in close order', () => {
    const won = deal({ externalId: 'w', isClosed: true, isWon: true, stage: 'closed_won', closeDate: iso(NOW - 10 * DAY) });
    const lost = deal({ externalId: 'l', isClosed: true, isWon: false, stage: 'closed_lost', closeDate: iso(NOW - 20 * DAY) });
    const acts = [
      act({ externalId: 'm1', kind: 'meeting', occurredAt: iso(NOW - 15 * DAY), associations: assoc({ deals: ['w'] }) }),
      act({ externalId: 'm2', kind: 'meeting', occurredAt: iso(NOW - 5 * DAY), associations: assoc({ deals: ['w'] }) }),
      act({ externalId: 'n1', kind: 'note', body: 'The budget was cut.', occurredAt: iso(NOW - 25 * DAY), associations: assoc({ deals: ['l'] }) }),
    ];
    expect(dealFeatures(won, acts.filter((a) => a.associations.deals.includes('w')), NOW - 10 * DAY).meetings).toBe(1);
    const t = dealTrainingTable([won, lost], acts);
    expect(t.columns).not.toContain('stage');
    const out = t.columns.indexOf('outcome');
    expect(t.rows.map((r) => r[out])).toEqual(['lost', 'won']);
    expect(t.rows[0]![t.columns.indexOf('signal_budget_constraint')]).toBe('1');
  });
});

describe('churn risk', () => {
  const input = (o: Partial<Parameters<typeof scoreChurn>[0]> = {}) => ({
    tenantId: 't', connectionId: 'c', provider: 'hubspot', company, contacts: [contact], now: NOW, scorer: { kind: 'cold_start' as const },
    deals: [deal({ externalId: 'old', isClosed: true, isWon: true, stage: 'closed_won' as const, closeDate: iso(NOW - 300 * DAY) })],
    activities: [act({ body: 'We are very disappointed with the support and thinking about cancelling.' })], ...o,
  });
  test('a complaint and a lost deal: a churn suggestion from the cold-start rules, each rule a factor', () => {
    const i = input({ deals: [...input().deals, deal({ externalId: 'lost', isClosed: true, stage: 'closed_lost', closeDate: iso(NOW - 20 * DAY) })] });
    const score = scoreChurn(i);
    expect(score.model).toBe(COLD_START_MODEL);
    expect(score.risk).toBeGreaterThanOrEqual(CHURN_THRESHOLD);
    const s = suggestChurnRisk(i, score)!;
    expect(s).toMatchObject({ type: 'churn_risk', companyId: 'c1', dealId: null, contactIds: ['p1'], ownerId: 'o1' });
    expect(s.explanation).toMatchObject({ model: COLD_START_MODEL, tier: 'rules' });
    expect(s.explanation.factors.map((f) => f.name)).toEqual(expect.arrayContaining([expect.stringContaining('lost in 180 days'), expect.stringContaining('complaint')]));
    expect(s.evidence.map((e) => e.externalId)).toEqual(expect.arrayContaining(['a1', 'lost']));
    expect(s.reason).not.toMatch(/\d+%/);
  });
  test('no account signal, no suggestion (whatever the score)', () => {
    expect(suggestChurnRisk(input({ activities: [act({ body: 'Thanks, all good here.' })] }))).toBeNull();
  });
  test('declining activity is a signal', () => {
    const old = [40, 45, 50, 60, 70].map((d, k) => act({ externalId: `o${k}`, kind: 'call', occurredAt: iso(NOW - d * DAY), body: 'check-in' }));
    expect(scoreChurn(input({ activities: old })).factors.some((f) => f.name.startsWith('activity down'))).toBe(true);
  });
});

describe('repair once', () => {
  const draftInput: DraftInput = {
    kind: 'budget_reply', tenantId: 't', contact: { externalId: 'p1', firstName: 'Ada', lastName: 'L', title: null },
    deal: { externalId: 'd1', name: 'Acme renewal', stage: 'negotiation', amount: 1, currency: 'USD', closeDate: null }, companyName: 'Acme',
    lastInteraction: { kind: 'email', externalId: 'a1', occurredAt: iso(NOW), subject: 'Project Falcon pricing' }, chunks: [], ownerId: 'o1',
  };
  test('the template drafter drops the element a failed rule quotes, else the last interaction', () => {
    const v = (message: string) => [{ rule: 'r', passed: false, message }];
    expect(withoutOffendingElements(draftInput, v('mentions "Falcon"')).lastInteraction).toMatchObject({ subject: null });
    expect(withoutOffendingElements(draftInput, v('mentions Acme renewal')).deal!.name).toBeNull();
    const fallback = withoutOffendingElements(draftInput, v('something'));
    expect(fallback.lastInteraction).toBeNull();
    expect(fallback.deal!.name).toBe('Acme renewal');
  });
  test('the model is asked again with its answer and the violations appended', async () => {
    const seen: unknown[] = [];
    const llm: LlmClient = { model: 'm', complete: async (req) => { seen.push(req.messages); return { value: {} as never, raw: '{}', model: 'm', usage: { inputTokens: 1, outputTokens: 1 }, usageReported: true, requestId: null }; } };
    await withRepairRequest(llm, { subject: 'S', body: 'B 50% off' }, [{ rule: 'discount-within-cap', passed: false, message: 'offers 50%' }, { rule: 'ok', passed: true, message: null }])
      .complete({ schema: {} as never, messages: [{ role: 'user', content: 'draft it' }] });
    const msgs = seen[0] as { role: string; content: string }[];
    expect(msgs.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(msgs[2]!.content).toContain('discount-within-cap: offers 50%');
    expect(msgs[2]!.content).not.toContain('- ok');
  });
});

describe('render', () => {
  test('the draft written to the CRM is the email, then a marked note with the explanation and checks', () => {
    const s = suggestForDeal({ tenantId: 't', connectionId: 'c', provider: 'hubspot', now: NOW, staleDealDays: 14, deal: deal(), activities: [act({ kind: 'note', occurredAt: iso(NOW - 30 * DAY) })] })[0]!;
    const body = renderDraftBody({ ...s, draft: { subject: 'Hi', body: 'Hello Ada', toContactIds: ['p1'], ownerId: 'o1' } }, [{ rule: 'cap', passed: true, message: null }], { repairedFrom: ['tone'] });
    expect(body.startsWith('Hello Ada\n\n-- closeloop note')).toBe(true);
    expect(body).toContain('Checks passed: cap.');
    expect(body).toContain('The first draft broke tone and was rewritten once.');
  });
});
