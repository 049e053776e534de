import type { Activity, Deal } from '../core/canonical.js';
import { DEAL_STAGE_ORDER } from '../core/canonical.js';
import type { Evidence, Suggestion } from '../core/suggestion.js';
import { stableId } from '../lib/ids.js';
import { isCustomerTouch } from './deal-features.js';
import { extractSignals } from './signals/index.js';

export interface DealAnalysisInput {
  tenantId: string;
  connectionId: string;
  provider: string;
  deal: Deal;
  /** Live activities associated with the deal. */
  activities: Activity[];
  now: number;
  staleDealDays: number;
}

const DAY = 24 * 60 * 60 * 1000;
const MAX_QUOTE = 280;
/** A deal talked to in the last N days but with nothing planned next gets a "set a next step" task after this many quiet days. */
export const noNextStepDays = (staleDealDays: number): number => Math.max(3, Math.floor(staleDealDays / 2));

const evidenceOf = (a: Activity, quote: string): Evidence => ({
  recordKind: a.kind, externalId: a.externalId, quote: quote.slice(0, MAX_QUOTE), url: a.url, field: 'body',
});

/**
 * Deal suggestions computed from the synced record alone (rules tier, no model call):
 * (a) follow up a deal with no customer activity for N days; (b) flag a budget problem raised in an
 * interaction while the deal is in Negotiation or later; (c) a deal still being worked (activity in the
 * stale window) with no next step planned: no open task and no meeting ahead. Pure: same input, same suggestions (ids and
 * dedupe keys are derived from the situation, so re-running never yields a second one).
 */
export function suggestForDeal(i: DealAnalysisInput): Suggestion[] {
  const { deal } = i;
  if (deal.archived || deal.isClosed) return [];
  const out: Suggestion[] = [];
  const nowIso = new Date(i.now).toISOString();
  const base = {
    tenantId: i.tenantId, connectionId: i.connectionId, provider: i.provider, dealId: deal.externalId,
    contactIds: deal.associations.contacts.slice(0, 5), companyId: deal.associations.companies[0] ?? null,
    ownerId: deal.ownerId, draft: null, createdAt: nowIso,
  };
  const dealName = deal.name ?? `deal ${deal.externalId}`;

  // (a) stale deal
  // Activities that count as "someone talked to the customer": not open tasks, not unsent drafts.
  const touches = i.activities.filter(isCustomerTouch).sort((a, b) => b.occurredAt.localeCompare(a.occurredAt));
  const last = touches[0];
  const lastAt = last ? Date.parse(last.occurredAt) : deal.createdAt ? Date.parse(deal.createdAt) : null;
  if (lastAt !== null && i.now - lastAt >= i.staleDealDays * DAY) {
    const days = Math.floor((i.now - lastAt) / DAY);
    const dedupeKey = `stale_deal_follow_up:${deal.externalId}:${new Date(lastAt).toISOString()}`;
    const evidence: Evidence[] = last
      ? [evidenceOf(last, `Last ${last.kind} on ${last.occurredAt.slice(0, 10)}: ${last.subject ?? (last.body ?? '').slice(0, 120)}`)]
      : [{ recordKind: 'deal', externalId: deal.externalId, quote: `No activity logged since the deal was created on ${deal.createdAt?.slice(0, 10)}`, url: deal.url, field: 'createdAt' }];
    const reason = `No customer activity on "${dealName}" for ${days} days (threshold ${i.staleDealDays}); the deal is still open in stage ${deal.providerStage ?? deal.stage ?? 'unknown'}.`;
    out.push({
      ...base, id: stableId('sug', i.connectionId, dedupeKey), type: 'stale_deal_follow_up', dedupeKey, reason, evidence,
      task: {
        subject: `Follow up: ${dealName} has been quiet for ${days} days`.slice(0, 255),
        body: reason, dueAt: new Date(i.now + DAY).toISOString(), priority: days >= 2 * i.staleDealDays ? 'HIGH' : 'MEDIUM',
        ownerId: deal.ownerId, taskType: 'TODO',
      },
      explanation: {
        model: 'rules:stale-deal@1', tier: 'rules', confidence: 1, costUsd: 0,
        factors: [{ name: `days_since_last_activity=${days}`, direction: '+', weight: 1 }],
      },
    });
  }

  // (c) no next step: recently worked, not stale, nothing planned
  const quietDays = lastAt === null ? null : Math.floor((i.now - lastAt) / DAY);
  const planned = i.activities.some((a) => !a.archived && (
    (a.kind === 'task' && (a.status ?? '').toUpperCase() !== 'COMPLETED')
    || (a.kind === 'meeting' && Date.parse(a.occurredAt) > i.now)));
  if (last && quietDays !== null && quietDays >= noNextStepDays(i.staleDealDays) && quietDays < i.staleDealDays && !planned) {
    const dedupeKey = `no_next_step:${deal.externalId}:${last.externalId}`;
    const reason = `"${dealName}" was last worked ${quietDays} days ago (${last.kind} on ${last.occurredAt.slice(0, 10)}) and has no next step: no open task and no meeting planned.`;
    out.push({
      ...base, id: stableId('sug', i.connectionId, dedupeKey), type: 'no_next_step', dedupeKey, reason,
      evidence: [evidenceOf(last, `Last ${last.kind} on ${last.occurredAt.slice(0, 10)}: ${last.subject ?? (last.body ?? '').slice(0, 120)}`)],
      task: {
        subject: `Set a next step for ${dealName}`.slice(0, 255), body: reason, dueAt: new Date(i.now + DAY).toISOString(),
        priority: 'MEDIUM', ownerId: deal.ownerId, taskType: 'TODO',
      },
      explanation: {
        model: 'rules:no-next-step@1', tier: 'rules', confidence: 1, costUsd: 0,
        factors: [{ name: `days_since_last_activity=${quietDays}`, direction: '+', weight: 1 }, { name: 'open_tasks=0, meetings_ahead=0', direction: '+', weight: 1 }],
      },
    });
  }

  // (b) budget problem while the deal is in Negotiation or later
  const stageOrder = deal.stage ? DEAL_STAGE_ORDER[deal.stage] : 0;
  if (stageOrder >= DEAL_STAGE_ORDER.negotiation) {
    for (const a of touches) {
      const text = [a.subject, a.body].filter(Boolean).join('\n');
      const budget = extractSignals(text).filter((s) => s.type === 'budget_constraint').sort((x, y) => y.confidence - x.confidence)[0];
      if (!budget) continue;
      const dedupeKey = `budget_risk:${deal.externalId}:${a.kind}:${a.externalId}`;
      const reason = `A ${a.kind} on ${a.occurredAt.slice(0, 10)} mentions a budget problem while "${dealName}" is in ${deal.providerStage ?? deal.stage}.`;
      out.push({
        ...base, id: stableId('sug', i.connectionId, dedupeKey), type: 'budget_risk', dedupeKey, reason,
        evidence: [evidenceOf(a, budget.evidence.quote)],
        task: {
          subject: `Budget risk on ${dealName}: confirm funding before close`.slice(0, 255),
          body: reason, dueAt: new Date(i.now + DAY).toISOString(), priority: 'HIGH', ownerId: deal.ownerId, taskType: 'TODO',
        },
        explanation: {
          model: budget.model, tier: 'rules', confidence: budget.confidence, costUsd: 0,
          factors: [
            { name: 'signal=budget_constraint', direction: '+', weight: Number(budget.confidence.toFixed(3)) },
            { name: `deal_stage=${deal.stage}`, direction: '+', weight: 1 },
          ],
        },
      });
    }
  }
  return out;
}
