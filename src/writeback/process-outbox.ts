import type { Connector, DraftEmailWrite, TaskWrite } from '../core/connector.js';
import { isCloseloopError } from '../core/errors.js';
import { decideFailure } from '../lib/failure-action.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import type { Store } from '../store/index.js';
import type { TokenVault } from '../auth/token-vault.js';

export interface WritebackDeps {
  store: Store; metrics: Metrics; logger: Logger; vault: TokenVault; connectorFor: (provider: string) => Connector; now: () => number;
  /** Queue the row's job again, not before `at` (the queue worker provides it; without it a retry is thrown to the caller). */
  requeue?: (outboxId: string, at: Date) => Promise<void>;
  /** Attempts per row before it fails for good (default 8). */
  maxAttempts?: number;
}

/** `retry`: queued again at the policy's time; `paused`: parked until its connection can write again (the sweep resumes it). */
export type WritebackOutcome = 'written' | 'already_done' | 'skipped' | 'retry' | 'paused' | 'failed';

const pausedUntil = (conn: { status: string; paused_until: Date | null }, now: number): number | null => {
  if (conn.status !== 'paused' || !conn.paused_until) return null;
  const t = new Date(conn.paused_until).getTime();
  return t > now ? t : null;
};

/**
 * Perform one queued CRM write. A row marked done carries the CRM id and is never written again; a row
 * whose earlier attempt started but was never recorded asks the connector to look for that record first
 * (best-effort, see connectors/hubspot/BEHAVIOR.md). Failures follow the one policy (src/lib/failure-action.ts): a retry is queued at the
 * provider's time or with backoff (the row keeps the attempt count), quota pauses the connection and auth
 * problems mark it for reconnection — both park the row, pending, and the outbox sweep (src/jobs/cron.ts)
 * resumes it when the connection can write again; a rejected write fails the row.
 */
export async function processOutbox(deps: WritebackDeps, outboxId: string, receivedAt: number | null): Promise<WritebackOutcome> {
  const row = await deps.store.outbox.get(outboxId);
  if (!row) return 'skipped';
  if (row.status === 'done') return 'already_done';
  if (row.status === 'failed') return 'failed';
  const conn = await deps.store.connections.get(row.connection_id);
  if (!conn) return 'skipped';
  const until = pausedUntil(conn, deps.now());
  const setup = conn.setup_issues ?? [];
  if (until !== null || conn.status === 'needs_reconnect' || conn.status === 'failed' || setup.length > 0) {
    // Nothing is attempted and no attempt is spent: the row waits for the connection (or for its setup to be fixed).
    const reason = until !== null ? `connection paused until ${new Date(until).toISOString()}`
      : setup.length > 0 ? `setup incomplete: ${setup.join(' ')}` : `connection ${conn.status}`;
    await deps.store.outbox.park(row.id, reason);
    return 'paused';
  }
  const connector = deps.connectorFor(conn.provider);
  const ctx = deps.vault.context(conn);
  try {
    // `draftText` is our own copy of the email (feedback compares it with what was sent); it is not written.
    const { draftText: _ours, ...payload } = row.payload as Record<string, unknown>;
    // The stored CRM id is the duplicate guard; a started-but-unrecorded earlier attempt asks the connector
    // for its best-effort lookup (crash between "created in the CRM" and "marked done here").
    const mayExist = row.send_started_at !== null;
    await deps.store.outbox.markSending(row.id);
    const created = row.action === 'create_task'
      ? await connector.createTask(ctx, { ...(payload as Omit<TaskWrite, 'idempotencyKey'>), idempotencyKey: row.idempotency_key, mayExist })
      : await connector.createDraftEmail(ctx, { ...(payload as Omit<DraftEmailWrite, 'idempotencyKey'>), idempotencyKey: row.idempotency_key, mayExist });
    await deps.store.tx(async (r) => {
      await r.outbox.markDone(row.id, created.externalId, created.url);
      await r.suggestions.setStatus(row.suggestion_id, 'written');
    });
    if (!created.alreadyExisted) deps.metrics.writebacks.inc({ crm: conn.provider, kind: row.action === 'create_task' ? 'task' : 'draft_email' });
    if (receivedAt) deps.metrics.webhookToTask.observe((deps.now() - receivedAt) / 1000);
    deps.logger.info({ connectionId: conn.id, provider: conn.provider, suggestionId: row.suggestion_id, crmId: created.externalId }, 'written back');
    return 'written';
  } catch (err) {
    const action = decideFailure(err, { attempt: row.attempts + 1, maxAttempts: deps.maxAttempts ?? 8, now: deps.now(), idempotent: true });
    const code = isCloseloopError(err) ? err.code : 'INTERNAL';
    await deps.store.outbox.markAttempt(row.id, `${code}: ${(err as Error).message}`);
    deps.metrics.jobFailures.inc({ queue: 'writeback', code });
    deps.logger.warn({ connectionId: conn.id, provider: conn.provider, code, providerRequestId: isCloseloopError(err) ? err.providerRequestId : undefined, action: action.action, reason: action.reason }, 'write-back failed');
    switch (action.action) {
      case 'retry':
        if (!deps.requeue) throw err;
        await deps.store.outbox.scheduleRetry(row.id, new Date(action.at));
        await deps.requeue(row.id, new Date(action.at));
        return 'retry';
      case 'pause':
        await deps.store.connections.setStatus(conn.id, 'paused', action.reason, new Date(action.until));
        await deps.store.outbox.park(row.id, action.reason);
        return 'paused';
      case 'reconnect':
        await deps.store.connections.setStatus(conn.id, 'needs_reconnect', action.reason);
        await deps.store.outbox.park(row.id, action.reason);
        return 'paused';
      default:
        await deps.store.outbox.markFailed(row.id, action.reason);
        await deps.store.suggestions.setStatus(row.suggestion_id, 'write_failed');
        return 'failed';
    }
  }
}
