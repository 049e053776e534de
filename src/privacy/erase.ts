import { crmDisplayName } from '../core/connector.js';
import type { Filter } from '../context/types.js';
import { AuditRepo } from '../store/audit.js';
import { EraseRepo, type RecordEraseReport, type TenantEraseReport } from '../store/erase.js';
import type { Queryable, Store } from '../store/index.js';

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
export async function deleteTenant(
  store: Store,
  indexer: IndexEraser | null,
  tenantId: string,
): Promise<TenantEraseReport> {
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
  store: Store,
  indexer: IndexEraser | null,
  connectionId: string,
  kind: string,
  externalId: string,
): Promise<RecordEraseReport & { found: boolean }> {
  const erased = await store.tx((_r, q) => eraseRecordRows(q, connectionId, kind, externalId));
  if (!erased) return { found: false, suggestions: 0, retracted: 0, auditRows: 0, records: 0, inbox: 0, chunks: 0 };
  await eraseRecordFromIndex(indexer, erased);
  return { found: true, ...erased.report };
}

/** What an in-transaction erasure leaves for after the commit: the vectors of the record in the index. */
export interface ErasedRecord {
  tenantId: string;
  connectionId: string;
  kind: string;
  externalId: string;
  providers: string[];
  report: RecordEraseReport;
  /** Outbox rows that close or withdraw what the erased suggestions wrote into the CRM (their jobs to queue). */
  retractions: string[];
}

/**
 * What a retraction writes into the CRM task it closes (nothing of the deleted record: its words leave the task too).
 * `kind` is the deleted record's kind; the draft's withdrawal carries the reason alone.
 */
export function retractionText(
  kind: string,
  provider: string,
  merged = false,
): { reason: string; subject: string; body: string } {
  const crm = crmDisplayName(provider) ?? 'the CRM';
  const what =
    kind === 'deal'
      ? 'The deal'
      : kind === 'contact' || kind === 'company'
        ? `The ${kind} this was about`
        : `The ${kind} this was based on`;
  if (merged) {
    // Merged away: the survivor's analysis writes what still holds, about the merged record.
    const reason = `${what} was merged into another record in ${crm}; what still holds follows on the merged record.`;
    return {
      reason,
      subject: 'Closed by closeloop: merged into another record',
      body: `Closed by closeloop: ${reason}`,
    };
  }
  const reason = `${what} was deleted in ${crm}.`;
  return {
    reason,
    subject: 'Closed by closeloop: what this was based on was deleted',
    body: `Closed by closeloop: ${reason} The text of this suggestion was removed with it.`,
  };
}

/**
 * The SQL part of erasing one record, inside the caller's transaction (src/sync/apply-changes.ts erases deletions
 * in the same transaction that applies them): the record, the suggestions about it (and their outbox rows),
 * its inbox events, the audit rows that mention it, its pgvector chunks. Null when the connection is gone.
 */
export async function eraseRecordRows(
  q: Queryable,
  connectionId: string,
  kind: string,
  externalId: string,
  /** Gone because it was merged into another record (the retraction says so). */
  merged = false,
): Promise<ErasedRecord | null> {
  const erase = new EraseRepo(q);
  const t = await erase.tenantOfConnection(connectionId);
  if (!t) return null;
  const providers = [...new Set([t.provider, ...(await erase.providersOfRecord(connectionId, kind, externalId))])];
  const suggestionIds = await erase.suggestionsAbout(connectionId, kind, externalId);
  const retractions = await erase.retractWritten(suggestionIds, retractionText(kind, t.provider, merged));
  const auditRows = await new AuditRepo(q).deleteMentioning(connectionId, { kind, externalId }, suggestionIds);
  const rest = await erase.eraseRecord({
    tenantId: t.tenantId,
    connectionId,
    kind,
    externalId,
    suggestionIds,
    providers,
  });
  return {
    tenantId: t.tenantId,
    connectionId,
    kind,
    externalId,
    providers,
    report: { ...rest, retracted: retractions.length, auditRows },
    retractions,
  };
}

/** The index part, after the commit (a failure here is repaired by the queued index job, which removes it again). */
export async function eraseRecordFromIndex(indexer: IndexEraser | null, e: ErasedRecord): Promise<void> {
  for (const provider of e.providers)
    await indexer?.deleteByFilter(e.tenantId, {
      connectionId: e.connectionId,
      provider,
      kind: e.kind,
      recordId: e.externalId,
    });
}
