import { InvalidPayloadError, NotFoundError } from '../core/errors.js';
import type { Evidence, Explanation } from '../core/suggestion.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import type { WorkQueue } from '../queue/index.js';
import type { Store, SuggestionRow, SuggestionStatus } from '../store/index.js';
import type { Company, Deal } from '../core/canonical.js';
import { describeProblems } from '../guardrails/output-gate.js';
import type { AnalyzeDeps } from './analyze-deps.js';
import { gateFactsFor } from './gate.js';
import { createWrites, enqueueGated, gateAll } from './process-suggestion.js';
import { workingDue } from '../lib/dates.js';

const DAY = 86_400_000;

/** What a reviewer sees of one suggestion: what would be written, why it was held, and the evidence behind it. */
export interface ReviewItem {
  id: string;
  type: string;
  status: SuggestionStatus;
  createdAt: string;
  connectionId: string;
  provider: string;
  dealId: string | null;
  companyId: string | null;
  ownerId: string | null;
  /** The rules that held it, each with its message. */
  heldBecause: string[];
  task: { subject: string; body: string; priority: string } | null;
  draft: { subject: string; body: string; to: string | null } | null;
  evidence: Evidence[];
  explanation: Explanation;
  /** Set once it is closed (dismissed, withdrawn, done by the rep). */
  closedReason: string | null;
}

export const REVIEWABLE_STATUSES = [
  'review',
  'allowed',
  'written',
  'dismissed',
  'withdrawn',
  'done_by_rep',
  'blocked',
] as const;

function toItem(row: SuggestionRow & { repair?: unknown }): ReviewItem {
  const s = row.payload;
  const repair = (row.repair ?? {}) as { reasons?: unknown };
  const held = Array.isArray(repair.reasons)
    ? repair.reasons.filter((x): x is string => typeof x === 'string')
    : row.verdicts.filter((v) => !v.passed).map((v) => `${v.rule}: ${v.message ?? ''}`);
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    createdAt: new Date(row.created_at).toISOString(),
    connectionId: row.connection_id,
    provider: s.provider,
    dealId: s.dealId,
    companyId: s.companyId,
    ownerId: s.ownerId,
    heldBecause: held,
    task: s.task ? { subject: s.task.subject, body: s.task.body, priority: s.task.priority } : null,
    draft: s.draft ? { subject: s.draft.subject, body: s.draft.body, to: s.draft.to?.email ?? null } : null,
    evidence: s.evidence,
    explanation: s.explanation,
    closedReason: row.closed_reason,
  };
}

export interface ReviewDeps {
  store: Store;
  queue: WorkQueue;
  logger: Logger;
  metrics: Metrics;
  now: () => number;
  guardrails: AnalyzeDeps['guardrails'];
}

/** Suggestions of a tenant in one status (the review queue: `review`), newest first. */
export async function listSuggestions(
  store: Store,
  tenantId: string,
  status: SuggestionStatus = 'review',
  limit = 100,
): Promise<ReviewItem[]> {
  return (await store.suggestions.listByStatus(tenantId, status, Math.min(Math.max(1, limit), 500))).map(toItem);
}

async function heldRow(store: Store, tenantId: string, id: string) {
  const row = await store.suggestions.get(id);
  // Another tenant's suggestion is as unknown as a missing one.
  if (!row || row.tenant_id !== tenantId) throw new NotFoundError(`no suggestion ${id}`);
  if (row.status !== 'review')
    throw new InvalidPayloadError(`suggestion ${id} is ${row.status}, not held for review`, { status: 409 });
  return row;
}

/**
 * A reviewer lets a held suggestion through: it is written back now (its task and draft queued as if the rules had
 * passed it) and stays the situation's live suggestion.
 */
export async function approveSuggestion(
  deps: ReviewDeps,
  tenantId: string,
  id: string,
  by: string | null = null,
): Promise<ReviewItem> {
  const row = await heldRow(deps.store, tenantId, id);
  const now = deps.now();
  // Approved days after it was held: the task is due from the day of approval, never overdue on arrival.
  const s =
    row.payload.task && Date.parse(row.payload.task.dueAt) < now
      ? { ...row.payload, task: { ...row.payload.task, dueAt: workingDue(now, DAY) } }
      : row.payload;
  // A person approved the suggestion, not its content: what reaches the CRM still passes the output gate.
  const deal = s.dealId ? await deps.store.records.get<Deal>(row.connection_id, 'deal', s.dealId) : null;
  const company = s.companyId ? await deps.store.records.get<Company>(row.connection_id, 'company', s.companyId) : null;
  const activities = s.dealId ? await deps.store.records.activitiesForDeal(row.connection_id, s.dealId) : [];
  const gf = await gateFactsFor(deps, row.connection_id, s, { deal, company, activities }, now);
  const gated = gateAll(createWrites(s, { approvedBy: by }), s, row.verdicts, {}, gf);
  if (gated.refused.length) {
    throw new InvalidPayloadError(
      `suggestion ${id} cannot be written as it is: ${describeProblems(gated.refused).join('; ')}`,
      { status: 409 },
    );
  }
  await deps.store.tx(async (r, tx) => {
    if (s !== row.payload) await r.suggestions.updatePayload(id, s);
    await r.suggestions.setStatus(id, 'allowed');
    await enqueueGated(deps, r, tx, row.connection_id, id, gated.writes, null);
  });
  deps.metrics.suggestions.inc({ status: 'approved', type: row.type });
  deps.logger.info({ tenantId, suggestionId: id, by }, 'suggestion approved in review');
  return toItem({ ...row, status: 'allowed' });
}

/** A reviewer turns a held suggestion down: it is closed (never written) and recorded as feedback. */
export async function dismissSuggestion(
  deps: ReviewDeps,
  tenantId: string,
  id: string,
  reason: string | null = null,
  by: string | null = null,
): Promise<ReviewItem> {
  const row = await heldRow(deps.store, tenantId, id);
  const why = reason?.trim() || 'dismissed in review';
  await deps.store.tx(async (r) => {
    if (!(await r.suggestions.close(id, 'dismissed', why))) await r.suggestions.setStatus(id, 'dismissed');
    await r.feedback.record({
      suggestionId: id,
      tenantId,
      connectionId: row.connection_id,
      outboxId: null,
      target: `review:${id}`,
      outcome: 'review_dismissed',
      editDistance: null,
      detail: { reason: why, by },
      occurredAt: new Date(deps.now()),
    });
  });
  deps.metrics.suggestions.inc({ status: 'dismissed', type: row.type });
  deps.logger.info({ tenantId, suggestionId: id, by }, 'suggestion dismissed in review');
  return toItem({ ...row, status: 'dismissed', closed_reason: why });
}
