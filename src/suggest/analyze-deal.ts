import type { Activity, Contact, Deal } from '../core/canonical.js';
import type { Suggestion } from '../core/suggestion.js';
import type { GuardrailContext } from '../guardrails/context.js';
import { extractSignals } from '../inference/signals/index.js';
import { suggestForDeal } from '../inference/deal-suggestions.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import type { WorkQueue } from '../queue/index.js';
import type { Store, SuggestionStatus } from '../store/index.js';
import { renderTaskBody } from '../writeback/render.js';

export interface Guard {
  evaluate(s: Suggestion, ctx: GuardrailContext): Promise<{ allowed: boolean; outcome: 'pass' | 'review' | 'block'; verdicts: { rule: string; passed: boolean; message: string | null }[] }>;
}

export interface AnalyzeDeps { store: Store; queue: WorkQueue; metrics: Metrics; logger: Logger; guardrails: Guard; now: () => number; staleDealDays: number }

/**
 * The suggestion loop for one deal: infer suggestions, skip situations already handled, check each with the
 * rules, store the suggestion with every verdict, and — only if it passed — queue its write-back in the same
 * transaction. Nothing unvalidated reaches the outbox.
 */
export async function analyzeDeal(deps: AnalyzeDeps, connectionId: string, dealId: string, receivedAt: number | null): Promise<Suggestion[]> {
  const conn = await deps.store.connections.get(connectionId);
  if (!conn) return [];
  const deal = await deps.store.records.get<Deal>(connectionId, 'deal', dealId);
  if (!deal) return [];
  const activities = await deps.store.records.activitiesForDeal(connectionId, dealId);
  const now = deps.now();
  const suggestions = suggestForDeal({
    tenantId: conn.tenant_id, connectionId, provider: conn.provider, deal, activities, now, staleDealDays: deps.staleDealDays,
  });
  const made: Suggestion[] = [];
  for (const s of suggestions) {
    if (await deps.store.suggestions.exists(connectionId, s.dedupeKey)) continue;
    const ctx = await buildContext(deps, connectionId, s, deal, activities, now);
    const result = await deps.guardrails.evaluate(s, ctx);
    const status: SuggestionStatus = result.allowed ? 'allowed' : result.outcome === 'review' ? 'review' : 'blocked';
    const inserted = await deps.store.tx(async (r, tx) => {
      const ok = await r.suggestions.insert(s, status, result.verdicts, ctx);
      if (!ok || !result.allowed || !s.task) return ok;
      const outboxId = await r.outbox.enqueue({
        suggestionId: s.id, connectionId, action: 'create_task', idempotencyKey: `wb-${s.id}`,
        payload: {
          ...s.task, body: renderTaskBody(s, result.verdicts), dealId: s.dealId, contactIds: s.contactIds, companyId: s.companyId,
        },
      });
      if (outboxId) await deps.queue.sendInTx(tx, 'writeback', { outboxId, receivedAt });
      return ok;
    });
    if (!inserted) continue;
    deps.metrics.suggestions.inc({ status, type: s.type });
    deps.logger.info({ connectionId, suggestionId: s.id, type: s.type, status, failed: result.verdicts.filter((v) => !v.passed).map((v) => v.rule) }, 'suggestion checked');
    made.push(s);
  }
  return made;
}

async function buildContext(deps: AnalyzeDeps, connectionId: string, s: Suggestion, deal: Deal, activities: Activity[], now: number): Promise<GuardrailContext> {
  const contacts = await deps.store.records.getMany<Contact>(connectionId, 'contact', s.contactIds);
  const sourceIds = new Set(s.evidence.map((e) => e.externalId));
  const sources = activities.filter((a) => sourceIds.has(a.externalId));
  const signals = [...new Set(sources.flatMap((a) => extractSignals([a.subject, a.body].filter(Boolean).join('\n')).map((x) => x.type)))];
  return {
    now: new Date(now).toISOString(),
    deal,
    contacts,
    // Owners are not synced as records yet: an owner is known when the CRM assigned it on the deal itself.
    owner: s.ownerId ? { id: s.ownerId, exists: deal.ownerId === s.ownerId } : null,
    repSuggestionsToday: await deps.store.suggestions.countForOwnerOnDay(connectionId, s.ownerId, now),
    // What the suggestion may cite: the deal's own fields and the interactions (with their dates) it was built from.
    retrievedText: [
      [deal.name, deal.providerStage, deal.stage, deal.amount?.toString(), deal.closeDate?.slice(0, 10), deal.createdAt?.slice(0, 10)].filter(Boolean).join('\n'),
      ...activities.slice(0, 30).map((a) => [`${a.kind} on ${a.occurredAt.slice(0, 10)}`, a.subject, a.body].filter(Boolean).join('\n')),
    ],
    allowList: [],
    signals,
  };
}
