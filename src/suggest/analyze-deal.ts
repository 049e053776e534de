import type { Activity, Company, Contact, Deal } from '../core/canonical.js';
import { dealSituationKeys, situationKeyOf } from './situation.js';
import { withdrawResolved } from './withdraw.js';
import type { Suggestion } from '../core/suggestion.js';
import { coldStartFeatures, dealFeatures, featureRecord } from '../inference/deal-features.js';
import { suggestForDeal } from '../inference/deal-suggestions.js';
import { coldStartScore } from '../inference/models/cold-start.js';
import { logRoute, route } from '../inference/router/route.js';
import { analyzeAccount } from './analyze-account.js';
import { loadBudget } from './budget.js';
import type { AnalyzeDeps } from './deps.js';
import { processSuggestion } from './process.js';
import { tenantScorer } from './scorer.js';

export type { AnalyzeDeps, Guard } from './deps.js';

/**
 * The suggestion loop for one deal: infer suggestions (stale deal, budget risk, no next step), each through
 * processSuggestion (feedback, draft, rules, repair, store, outbox); then the churn risk of the deal's account.
 * Nothing unvalidated reaches the outbox.
 */
export async function analyzeDeal(deps: AnalyzeDeps, connectionId: string, dealId: string, receivedAt: number | null): Promise<Suggestion[]> {
  const conn = await deps.store.connections.get(connectionId);
  if (!conn) return [];
  const deal = await deps.store.records.get<Deal>(connectionId, 'deal', dealId);
  if (!deal) {
    // Erased after a deletion in the CRM: whatever closeloop still had open on it goes.
    await withdrawResolved(deps, conn, dealSituationKeys(dealId), [], { deal: null, activities: [], contacts: [], now: deps.now(), stageLabel: null }, 'The deal was deleted in the CRM.', receivedAt);
    return [];
  }
  // closeloop's own tasks and drafts are not customer activity: they must not make a deal look worked on.
  const all = await deps.store.records.activitiesForDeal(connectionId, dealId);
  const own = await deps.store.outbox.ownCrmIds(connectionId, all.map((a) => a.externalId));
  const activities = all.filter((a) => !own.has(a.externalId));
  const contacts = await deps.store.records.getMany<Contact>(connectionId, 'contact', deal.associations.contacts);
  const now = deps.now();
  const companyId = deal.associations.companies[0] ?? null;
  const company = companyId ? await deps.store.records.get<Company>(connectionId, 'company', companyId) : null;
  const score = deal.isClosed || deal.archived ? null : await scoreDeal(deps, conn.tenant_id, deal, activities, now);
  const suggestions = suggestForDeal({
    tenantId: conn.tenant_id, connectionId, provider: conn.provider, deal, activities, now, staleDealDays: deps.staleDealDays, contacts,
  });
  const made: Suggestion[] = [];
  for (const proposed of suggestions) {
    const s = score && proposed.type !== 'budget_risk'
      ? { ...proposed, explanation: { ...proposed.explanation, factors: [...proposed.explanation.factors, { name: `win probability ${score.probability.toFixed(2)} by ${score.model}`, direction: '-' as const, weight: Math.round((1 - score.probability) * 1000) / 1000 }] } }
      : proposed;
    const done = await processSuggestion(deps, conn, s, { deal, company, activities }, receivedAt);
    if (done) made.push(done.suggestion);
  }
  await withdrawResolved(deps, conn, dealSituationKeys(deal.externalId), suggestions.map(situationKeyOf), { deal, activities, contacts, now, stageLabel: deps.crm ? (await deps.crm.stage(conn, deal.providerStage))?.label ?? null : null }, null, receivedAt);
  if (companyId && !deal.archived) made.push(...(await analyzeAccount(deps, connectionId, companyId, receivedAt)));
  return made;
}

/** The deal's win probability from the tenant's scorer (trained model or cold-start rules), routed and logged. */
async function scoreDeal(deps: AnalyzeDeps, tenantId: string, deal: Deal, activities: Activity[], now: number) {
  const scorer = await tenantScorer(deps.store, tenantId);
  const decision = route({ task: 'score_deal' }, {
    budget: await loadBudget(deps, tenantId, now), largeModel: deps.llm?.model ?? null, localOnly: deps.localOnly ?? false,
    smallModels: scorer.model ? { score_deal: scorer.model.modelName } : {},
  });
  logRoute(deps.logger, decision, { tenantId, dealId: deal.externalId, scorer: scorer.choice.reason });
  const f = dealFeatures(deal, activities, now);
  return decision.tier === 'small' && scorer.model ? scorer.model.score(featureRecord(f)) : coldStartScore(coldStartFeatures(deal, f, now));
}

