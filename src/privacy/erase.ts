import type { Filter } from '../context/types.js';
import { AuditRepo } from '../store/audit.js';
import { EraseRepo, type RecordEraseReport, type TenantEraseReport } from '../store/erase.js';
import type { Store } from '../store/index.js';

/**
 * Erasure everywhere we keep data: every table (rows found by tenant or connection, see src/store/erase.ts),
 * the vector index and the audit copies of model calls. A `VectorStore` (pgvector or Pinecone) is the index
 * argument; null when no index is configured (pgvector chunks are still removed by SQL).
 */
export interface IndexEraser {
  deleteTenant(tenantId: string): Promise<void>;
  deleteByFilter(tenantId: string, filter: Filter): Promise<void>;
}

/** Delete a tenant: every row of every table, then its vectors in the index. Idempotent. */
export async function deleteTenant(store: Store, indexer: IndexEraser | null, tenantId: string): Promise<TenantEraseReport> {
  if (!tenantId.trim()) throw new RangeError('tenant id is required');
  const report = await store.tx((_r, q) => new EraseRepo(q).eraseTenant(tenantId));
  // After the commit: a failure here leaves vectors of a tenant that no longer exists, and a rerun removes them.
  await indexer?.deleteTenant(tenantId);
  return report;
}

/**
 * A record deleted in the CRM: the stored record, its embeddings, the suggestions about it (with their
 * outbox rows), its inbox events, and the audit rows of model calls that mention it.
 */
export async function deleteRecord(
  store: Store, indexer: IndexEraser | null, connectionId: string, kind: string, externalId: string,
): Promise<RecordEraseReport & { found: boolean }> {
  const { tenant, providers, report } = await store.tx(async (_r, q) => {
    const erase = new EraseRepo(q);
    const t = await erase.tenantOfConnection(connectionId);
    if (!t) return { tenant: null, providers: [], report: null };
    const ps = [...new Set([t.provider, ...(await erase.providersOfRecord(connectionId, kind, externalId))])];
    const suggestionIds = await erase.suggestionsAbout(connectionId, kind, externalId);
    const auditRows = await new AuditRepo(q).deleteMentioning(connectionId, { kind, externalId }, suggestionIds);
    const rest = await erase.eraseRecord({ tenantId: t.tenantId, connectionId, kind, externalId, suggestionIds, providers: ps });
    return { tenant: t.tenantId, providers: ps, report: { ...rest, auditRows } };
  });
  if (!tenant || !report) return { found: false, suggestions: 0, auditRows: 0, records: 0, inbox: 0, chunks: 0 };
  for (const provider of providers) await indexer?.deleteByFilter(tenant, { connectionId, provider, kind, recordId: externalId });
  return { found: true, ...report };
}
