import type { Connector, DraftEmailWrite, TaskWrite } from '../core/connector.js';
import { isCloseloopError } from '../core/errors.js';
import { failureAction } from '../lib/failure-action.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import type { Store } from '../store/index.js';
import type { TokenVault } from '../auth/token-vault.js';

export interface WritebackDeps { store: Store; metrics: Metrics; logger: Logger; vault: TokenVault; connectorFor: (provider: string) => Connector; now: () => number }

export type WritebackOutcome = 'written' | 'already_done' | 'skipped' | 'paused' | 'failed';

/**
 * Perform one queued CRM write. The connector looks the idempotency key up before creating, so a job
 * retried after a crash between "created in the CRM" and "marked done here" finds the first task instead
 * of making a second. Failures map to actions by error code: retryable ones are rethrown for the queue's
 * backoff, auth problems mark the connection for reconnection, quota pauses it.
 */
export async function processOutbox(deps: WritebackDeps, outboxId: string, receivedAt: number | null): Promise<WritebackOutcome> {
  const row = await deps.store.outbox.get(outboxId);
  if (!row) return 'skipped';
  if (row.status === 'done') return 'already_done';
  if (row.status === 'failed') return 'failed';
  const conn = await deps.store.connections.get(row.connection_id);
  if (!conn) return 'skipped';
  if (conn.status === 'paused' && conn.paused_until && new Date(conn.paused_until).getTime() > deps.now()) {
    throw Object.assign(new Error(`connection paused until ${new Date(conn.paused_until).toISOString()}`), { retryAfter: conn.paused_until });
  }
  const connector = deps.connectorFor(conn.provider);
  const ctx = deps.vault.context(conn);
  try {
    // `draftText` is our own copy of the email (feedback compares it with what was sent); it is not written.
    const { draftText: _ours, ...payload } = row.payload as Record<string, unknown>;
    const created = row.action === 'create_task'
      ? await connector.createTask(ctx, { ...(payload as Omit<TaskWrite, 'idempotencyKey'>), idempotencyKey: row.idempotency_key })
      : await connector.createDraftEmail(ctx, { ...(payload as Omit<DraftEmailWrite, 'idempotencyKey'>), idempotencyKey: row.idempotency_key });
    await deps.store.tx(async (r) => {
      await r.outbox.markDone(row.id, created.externalId, created.url);
      await r.suggestions.setStatus(row.suggestion_id, 'written');
    });
    if (!created.alreadyExisted) deps.metrics.writebacks.inc({ crm: conn.provider, kind: row.action === 'create_task' ? 'task' : 'draft_email' });
    if (receivedAt) deps.metrics.webhookToTask.observe((deps.now() - receivedAt) / 1000);
    deps.logger.info({ connectionId: conn.id, provider: conn.provider, suggestionId: row.suggestion_id, crmId: created.externalId }, 'written back');
    return 'written';
  } catch (err) {
    const action = failureAction(err, deps.now());
    const code = isCloseloopError(err) ? err.code : 'INTERNAL';
    await deps.store.outbox.markAttempt(row.id, `${code}: ${(err as Error).message}`);
    deps.metrics.jobFailures.inc({ queue: 'writeback', code });
    deps.logger.warn({ connectionId: conn.id, provider: conn.provider, code, providerRequestId: isCloseloopError(err) ? err.providerRequestId : undefined, action: action.action, reason: action.reason }, 'write-back failed');
    switch (action.action) {
      case 'retry':
        throw err;
      case 'pause':
        await deps.store.connections.setStatus(conn.id, 'paused', action.reason, new Date(action.until));
        throw err;
      case 'reconnect':
        await deps.store.connections.setStatus(conn.id, 'needs_reconnect', action.reason);
        await deps.store.outbox.markFailed(row.id, action.reason);
        await deps.store.suggestions.setStatus(row.suggestion_id, 'write_failed');
        return 'failed';
      default:
        await deps.store.outbox.markFailed(row.id, action.reason);
        await deps.store.suggestions.setStatus(row.suggestion_id, 'write_failed');
        return 'failed';
    }
  }
}
