import type { Activity, Company, Contact, Deal } from '../core/canonical.js';
import { dealSituationKeys, situationKeyOf } from './situation.js';
import { handOverDrafts, takeOverReplies, withdrawDraftsOfDeletedTasks, withdrawResolved } from './withdraw.js';
import type { Suggestion } from '../core/suggestion.js';
import { coldStartFeatures, dealFeatures, featureRecord } from '../inference/deal-features.js';
import { suggestForDeal } from '../inference/deal-suggestions.js';
import { coldStartScore } from '../inference/models/cold-start.js';
import { logRoute, route } from '../inference/router/route.js';
import { elapsedMs, withRouteStep } from '../inference/router/steps.js';
import type { RouteStep } from '../core/suggestion.js';
import { analyzeAccount } from './analyze-account.js';
import { loadBudget } from './budget.js';
import type { AnalyzeDeps } from './analyze-deps.js';
import { processSuggestion } from './process-suggestion.js';
import { prepareSignalVectors, signalOptions, tenantScorer, tenantSignalModels } from './scorer.js';
import { findInstructions } from '../guardrails/text/instructions.js';
import { isInternalMail, sellerSideOf } from './drafting.js';
import { customerSide, sellerSpeakers } from '../inference/signals/transcript.js';
import { withInlineAnswers } from '../inference/signals/inline-answers.js';

export type { AnalyzeDeps, Guard } from './analyze-deps.js';

/**
 * The suggestion loop for one deal: infer suggestions (stale deal, budget risk, no next step), each through
 * processSuggestion (feedback, draft, rules, repair, store, outbox); then the churn risk of the deal's account.
 * Nothing unvalidated reaches the outbox.
 */
export async function analyzeDeal(
  deps: AnalyzeDeps,
  connectionId: string,
  dealId: string,
  receivedAt: number | null,
): Promise<Suggestion[]> {
  const conn = await deps.store.connections.get(connectionId);
  if (!conn) return [];
  const deal = await deps.store.records.get<Deal>(connectionId, 'deal', dealId);
  if (!deal) {
    // Erased after a deletion in the CRM: whatever closeloop still had open on it goes.
    await withdrawResolved(
      deps,
      conn,
      dealSituationKeys(dealId),
      [],
      { deal: null, activities: [], contacts: [], now: deps.now(), stageLabel: null },
      'The deal was deleted in the CRM.',
      receivedAt,
    );
    return [];
  }
  // closeloop's own tasks and drafts are not customer activity: they must not make a deal look worked on.
  const all = await deps.store.records.activitiesForDeal(connectionId, dealId);
  const own = await deps.store.outbox.ownCrmIds(
    connectionId,
    all.map((a) => a.externalId),
  );
  const activities = all.filter((a) => !own.has(a.externalId));
  const contacts = await deps.store.records.getMany<Contact>(connectionId, 'contact', deal.associations.contacts);
  const now = deps.now();
  const companyId = deal.associations.companies[0] ?? null;
  const company = companyId ? await deps.store.records.get<Company>(connectionId, 'company', companyId) : null;
  const score = deal.isClosed || deal.archived ? null : await scoreDeal(deps, conn.tenant_id, deal, activities, now);
  await prepareSignalVectors(deps.signalVectors, activities);
  // A colleague's mail to the rep is not the customer talking: no concern, question or reply is read from it.
  const owner = deal.ownerId && deps.crm ? await deps.crm.owner(conn, deal.ownerId) : null;
  const sellerSide = sellerSideOf(owner?.email ?? null, deps.guardrails.trusted?.().ownDomains ?? []);
  const sellers = sellerSpeakers(owner?.name, contacts);
  const suggestions = suggestForDeal({
    tenantId: conn.tenant_id,
    connectionId,
    provider: conn.provider,
    deal,
    // Nor is what the rep said on a call: a transcript's seller turns ("Riley: I understand budget is tight") go. What
    // the customer answered inside the rep's quoted email ("see my answers below in red") is read.
    activities: activities
      .filter((a) => !isInternalMail(a, contacts, sellerSide))
      .map((a) => withInlineAnswers(customerSide(a, sellers), activities)),
    // …but a colleague writing to the rep about the deal is the deal being worked: it is not quiet.
    internalMail: activities.filter((a) => isInternalMail(a, contacts, sellerSide)),
    // A "question" that is an instruction is no question to answer (filtered again below, with the departure quote).
    askable: (quote) => findInstructions(quote).length === 0,
    now,
    timeZone: owner?.timeZone ?? null,
    staleDealDays: deps.staleDealDays,
    contacts,
    signals: signalOptions(await tenantSignalModels(deps.store, conn.tenant_id), deps.signalVectors),
  });
  // A deal handed to another rep after closeloop drafted for it: the new owner gets their own task and signed draft.
  if (suggestions.length > 0 && deal.ownerId)
    await handOverDrafts(
      deps,
      conn,
      deal,
      // Only situations proposed again now: the new owner's task is written in this same analysis.
      suggestions.map(situationKeyOf),
      owner?.name ?? null,
      { deal, company, activities },
      receivedAt,
    );
  // An email this deal shares with a deal whose draft answered it, and that draft withdrawn: the reply is written here.
  if (suggestions.length > 0)
    await takeOverReplies(
      deps,
      conn,
      deal,
      suggestions.map(situationKeyOf),
      activities,
      { deal, company, activities },
      receivedAt,
    );
  const made: Suggestion[] = [];
  // A "question" that is an instruction (send elsewhere, change the recipients, pay another account) is not one a rep
  // should be asked to answer; the guardrails withhold such sentences from every task.
  for (const proposed of suggestions.filter(
    (x) => x.type !== 'unanswered_ask' || x.evidence.every((e) => findInstructions(e.quote).length === 0),
  )) {
    let s =
      score && proposed.type !== 'budget_risk'
        ? {
            ...proposed,
            explanation: {
              ...proposed.explanation,
              factors: [
                ...proposed.explanation.factors,
                {
                  name: `win probability ${score.probability.toFixed(2)} by ${score.model}`,
                  direction: '-' as const,
                  weight: Math.round((1 - score.probability) * 1000) / 1000,
                },
              ],
            },
          }
        : proposed;
    // The rules that made the suggestion are a step of their own; the deal score that ranks it is another.
    if (!s.explanation.route?.length)
      s = {
        ...s,
        explanation: withRouteStep(s.explanation, {
          task: 'next_step',
          tier: s.explanation.tier,
          model: s.explanation.model,
          reason: 'deterministic rule on the synced record',
          costUsd: 0,
          latencyMs: 0,
        }),
      };
    if (score) s = { ...s, explanation: withRouteStep(s.explanation, score.step) };
    const done = await processSuggestion(deps, conn, s, { deal, company, activities }, receivedAt);
    if (done) made.push(done.suggestion);
  }
  await withdrawResolved(
    deps,
    conn,
    dealSituationKeys(deal.externalId),
    suggestions.map(situationKeyOf),
    {
      deal,
      activities,
      contacts,
      now,
      stageLabel: deps.crm ? ((await deps.crm.stage(conn, deal.providerStage))?.label ?? null) : null,
    },
    null,
    receivedAt,
  );
  await withdrawDraftsOfDeletedTasks(
    deps,
    conn,
    dealSituationKeys(deal.externalId),
    { deal, company, activities },
    receivedAt,
  );
  if (companyId && !deal.archived) made.push(...(await analyzeAccount(deps, connectionId, companyId, receivedAt)));
  return made;
}

/**
 * The deal's win probability from the tenant's scorer, routed and logged: the per-tenant trained model (small
 * tier) once the tenant has enough closed outcomes and the model beats chance on its held-out slice, the named
 * cold-start rules (rules tier) before that. Returns the route step for the suggestion's explanation.
 */
async function scoreDeal(deps: AnalyzeDeps, tenantId: string, deal: Deal, activities: Activity[], now: number) {
  const scorer = await tenantScorer(deps.store, tenantId);
  const decision = route(
    { task: 'score_deal' },
    {
      budget: await loadBudget(deps, tenantId, now),
      largeModel: deps.llm?.model ?? null,
      localOnly: deps.localOnly ?? false,
      smallModels: scorer.model ? { score_deal: scorer.model.modelName } : {},
    },
  );
  logRoute(deps.logger, decision, { tenantId, dealId: deal.externalId, scorer: scorer.choice.reason });
  const started = performance.now();
  const f = dealFeatures(deal, activities, now);
  const small = decision.tier === 'small' && scorer.model;
  const score = small ? scorer.model!.score(featureRecord(f)) : coldStartScore(coldStartFeatures(deal, f, now));
  const step: RouteStep = {
    task: 'score_deal',
    tier: small ? 'small' : 'rules',
    model: score.model,
    costUsd: 0,
    latencyMs: elapsedMs(started, performance.now()),
    reason: small
      ? `per-tenant model: ${scorer.choice.reason}`
      : `cold-start rules (${score.model}): ${scorer.choice.reason}`,
  };
  return { ...score, step };
}
