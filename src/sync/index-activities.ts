import type { Activity, ObjectKind } from '../core/canonical.js';
import { isActivityKind } from '../core/canonical.js';
import type { ContextIndexer } from '../context/index.js';
import type { Store } from '../store/index.js';

/**
 * Near-real-time context index: re-embed the activities that changed, and remove those that were deleted
 * or archived in the CRM. Runs from the "index" queue, fed by the same ingest path as everything else.
 */
export async function indexActivities(
  store: Store,
  indexer: ContextIndexer,
  connectionId: string,
  refs: { kind: string; externalId: string; provider?: string; removed?: boolean }[],
): Promise<{ indexed: number; removed: number }> {
  const conn = await store.connections.get(connectionId);
  if (!conn) return { indexed: 0, removed: 0 };
  const live: Activity[] = [];
  let removed = 0;
  for (const ref of refs) {
    if (!isActivityKind(ref.kind as ObjectKind)) continue;
    const rec = await store.records.get<Activity>(connectionId, ref.kind as ObjectKind, ref.externalId);
    if (!rec || rec.archived) {
      // Indexed under the record's own provider (ingest and Slack items live under a CRM connection); an erased
      // record is gone from the store, so its job names the provider (src/sync/apply-changes.ts).
      await indexer.removeRecord(conn.tenant_id, {
        provider: ref.provider ?? rec?.provider ?? conn.provider,
        kind: ref.kind,
        externalId: ref.externalId,
      });
      removed++;
    } else live.push(rec);
  }
  if (live.length) await indexer.indexActivities({ tenantId: conn.tenant_id, connectionId }, live);
  return { indexed: live.length, removed };
}
