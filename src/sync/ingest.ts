import type { CanonicalRecord } from '../core/canonical.js';
import { isActivityKind } from '../core/canonical.js';
import type { Metrics } from '../lib/metrics.js';
import type { WorkQueue } from '../queue/index.js';
import type { ConnectionRow, Repos } from '../store/index.js';
import type { Queryable } from '../store/db.js';
import { recordOutcomes } from '../feedback/record-outcomes.js';

/**
 * The one ingestion step both webhooks and polls feed: upsert canonical records (newer wins, identical is a
 * no-op) and, for what really changed, enqueue follow-up work (re-analysis of the affected deals, re-indexing).
 * Runs inside the caller's transaction so records, checkpoint and follow-up jobs commit together.
 */
export async function ingestRecords(
  r: Repos, tx: Queryable, queue: WorkQueue, metrics: Metrics, conn: ConnectionRow,
  records: CanonicalRecord[], source: 'webhook' | 'poll' | 'backfill' | 'stream', opts: { analyze: boolean; receivedAt?: number },
): Promise<CanonicalRecord[]> {
  const changed = await r.records.upsertMany(conn.id, records);
  for (const rec of changed) metrics.recordsSynced.inc({ crm: conn.provider, kind: rec.kind, source });
  // Feedback: what happened to the tasks and drafts we wrote back (and deletions marked just before this call).
  await recordOutcomes(r, conn, changed);
  if (changed.length === 0) return changed;
  // Every changed activity is re-embedded, backfill included (one job per page).
  const activities = changed.filter((c) => isActivityKind(c.kind)).map((c) => ({ kind: c.kind, externalId: c.externalId }));
  if (activities.length) await queue.sendInTx(tx, 'index', { connectionId: conn.id, records: activities });
  if (!opts.analyze) return changed;
  const deals = new Set<string>();
  for (const rec of changed) {
    if (rec.kind === 'deal') deals.add(rec.externalId);
    else if (isActivityKind(rec.kind) || rec.kind === 'contact') rec.associations.deals.forEach((d) => deals.add(d));
  }
  for (const dealId of deals) {
    await queue.sendInTx(tx, 'analyze', { connectionId: conn.id, dealId, receivedAt: opts.receivedAt ?? null }, { singletonKey: `${conn.id}:${dealId}` });
  }
  return changed;
}
