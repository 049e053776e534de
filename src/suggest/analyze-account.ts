import type { Company, Contact } from '../core/canonical.js';
import type { Suggestion } from '../core/suggestion.js';
import { scoreChurn, suggestChurnRisk, type ChurnScorer } from '../inference/churn-risk.js';
import { logRoute, route } from '../inference/router/route.js';
import { loadBudget } from './budget.js';
import type { AnalyzeDeps } from './analyze-deps.js';
import { elapsedMs, withRouteStep } from '../inference/router/steps.js';
import { processSuggestion } from './process-suggestion.js';
import { withdrawResolved } from './withdraw.js';
import { prepareSignalVectors, signalOptions, tenantScorer, tenantSignalModels } from './scorer.js';

const DAY = 86_400_000;

/**
 * Churn risk of one account (company): scored from its deals and interactions by the tenant's trained model
 * when it has one, else the cold-start rules (the suggestion names which), and — above the threshold and
 * backed by an account signal — a retention draft plus a task to review it.
 */
export async function analyzeAccount(
  deps: AnalyzeDeps,
  connectionId: string,
  companyId: string,
  receivedAt: number | null,
): Promise<Suggestion[]> {
  const conn = await deps.store.connections.get(connectionId);
  if (!conn) return [];
  const key = `churn_risk:company:${companyId}`;
  const company = await deps.store.records.get<Company>(connectionId, 'company', companyId);
  if (!company || company.archived) {
    await withdrawResolved(
      deps,
      conn,
      [key],
      [],
      { deal: null, activities: [], contacts: [], now: deps.now(), stageLabel: null },
      'The account was deleted in the CRM.',
      receivedAt,
    );
    return [];
  }
  const deals = await deps.store.models.dealsOfCompany(connectionId, companyId);
  // Churn is about customers (a won deal); an account with no deal at all has nothing to churn from.
  if (deals.length === 0) return [];
  const now = deps.now();
  const contactIds = [...new Set([...company.associations.contacts, ...deals.flatMap((d) => d.associations.contacts)])];
  const contacts = await deps.store.records.getMany<Contact>(connectionId, 'contact', contactIds);
  const all = await deps.store.models.activitiesOfAccount(
    connectionId,
    companyId,
    deals.map((d) => d.externalId),
    contactIds,
    new Date(now - 180 * DAY),
  );
  const own = await deps.store.outbox.ownCrmIds(
    connectionId,
    all.map((a) => a.externalId),
  );
  const activities = all.filter((a) => !own.has(a.externalId));

  await prepareSignalVectors(deps.signalVectors, activities);
  const scorer = await tenantScorer(deps.store, conn.tenant_id);
  const decision = route(
    { task: 'churn_risk' },
    {
      budget: await loadBudget(deps, conn.tenant_id, now),
      largeModel: deps.llm?.model ?? null,
      localOnly: deps.localOnly ?? false,
      smallModels: scorer.model ? { churn_risk: scorer.model.modelName } : {},
    },
  );
  logRoute(deps.logger, decision, { tenantId: conn.tenant_id, companyId, scorer: scorer.choice.reason });
  const churnScorer: ChurnScorer =
    decision.tier === 'small' && scorer.model ? { kind: 'trained', model: scorer.model } : { kind: 'cold_start' };
  const input = {
    tenantId: conn.tenant_id,
    connectionId,
    provider: conn.provider,
    company,
    deals,
    contacts,
    activities,
    now,
    scorer: churnScorer,
    signals: signalOptions(await tenantSignalModels(deps.store, conn.tenant_id), deps.signalVectors),
  };
  const started = performance.now();
  const score = scoreChurn(input);
  // The small model's answer is kept even below the escalation bar: churn has no large-model prompt yet.
  // The task falls due in its owner's working day (their time zone, when the CRM says).
  const ownerId = company.ownerId ?? score.openDeal?.ownerId ?? null;
  const owner = ownerId && deps.crm ? await deps.crm.owner(conn, ownerId) : null;
  const made = suggestChurnRisk({ ...input, timeZone: owner?.timeZone ?? null }, score);
  const s = made && {
    ...made,
    explanation: withRouteStep(made.explanation, {
      task: 'churn_risk',
      tier: score.tier,
      model: score.model,
      costUsd: 0,
      latencyMs: elapsedMs(started, performance.now()),
      reason:
        score.tier === 'small'
          ? `per-tenant model: ${scorer.choice.reason}`
          : `cold-start rules and account signals: ${scorer.choice.reason}`,
    }),
  };
  await withdrawResolved(
    deps,
    conn,
    [key],
    s ? [key] : [],
    { deal: null, activities, contacts, now, stageLabel: null },
    null,
    receivedAt,
  );
  if (!s) return [];
  const done = await processSuggestion(deps, conn, s, { deal: score.openDeal, company, activities }, receivedAt);
  return done ? [done.suggestion] : [];
}
