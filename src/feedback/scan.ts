import type { Store } from '../store/index.js';

/** A task counts as left overdue one day after its due date; a draft a week after it was written. */
export const TASK_OVERDUE_GRACE_MS = 86_400_000;
export const DRAFT_UNSENT_MS = 7 * 86_400_000;

/**
 * Cron side of the feedback: tasks we wrote that are past due (plus grace) and not completed, and drafts
 * never sent, become `task_overdue` outcomes. Idempotent (one outcome per target); safe in every process.
 */
export async function recordOverdue(store: Store, now: number): Promise<number> {
  let n = 0;
  for (const w of await store.feedback.overdue(new Date(now), TASK_OVERDUE_GRACE_MS, DRAFT_UNSENT_MS)) {
    if ((w.status ?? '').toUpperCase() === 'COMPLETED') continue;
    const ok = await store.feedback.record({
      suggestionId: w.suggestion_id,
      tenantId: w.tenant_id,
      connectionId: w.connection_id,
      outboxId: w.outbox_id,
      target: w.crm_id,
      outcome: 'task_overdue',
      editDistance: null,
      detail: { action: w.action, status: w.status, dueAt: w.payload?.dueAt ?? null },
      occurredAt: new Date(now),
    });
    if (ok) n++;
  }
  return n;
}
