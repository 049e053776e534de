import type { Activity } from '../core/canonical.js';
import { chunkActivity, type ActivityContext, type ChunkOptions } from './chunker.js';
import type { Embedder, Filter, Metadata, VectorStore } from './types.js';

export { chunkActivity, chunkId, trimQuotedReply, windows, estimateTokens } from './chunker.js';
export type { ActivityContext, ActivityChunk, ChunkOptions } from './chunker.js';

/**
 * Indexing service: activity -> chunks -> vectors -> store, and retrieval back to text with its source.
 * Works with any Embedder and VectorStore; the tenant id is passed through, never derived from data.
 */
export interface RecordRef {
  provider: string;
  kind: string;
  externalId: string;
}
export interface RetrievedChunk {
  id: string;
  text: string;
  score: number;
  source: { provider: string; kind: string; recordId: string; url: string | null; occurredAt: number | null };
  metadata: Metadata;
}

export class ContextIndexer {
  constructor(
    private readonly embedder: Embedder,
    private readonly store: VectorStore,
    private readonly chunking: ChunkOptions = {},
  ) {}

  /**
   * (Re)index one activity. Upserts its chunks first, then deletes chunks numbered past the new count, so
   * the record is never absent from the index while it is being replaced. Archived activities are removed.
   */
  async indexActivity(ctx: ActivityContext, activity: Activity): Promise<{ chunks: number }> {
    return (await this.indexActivities(ctx, [activity]))[0]!;
  }

  /** Many activities of one tenant with one embedding pass (the embedder batches requests). */
  async indexActivities(ctx: ActivityContext, activities: Activity[]): Promise<{ chunks: number }[]> {
    const live = activities.filter((a) => !a.archived);
    const perActivity = live.map((a) => chunkActivity(a, ctx, this.chunking));
    const all = perActivity.flat();
    if (all.length) {
      const vectors = await this.embedder.embed(all.map((c) => c.text));
      await this.store.upsert(
        ctx.tenantId,
        all.map((c, i) => ({ id: c.id, values: vectors[i]!, metadata: c.metadata, text: c.text })),
      );
    }
    const counts = new Map<Activity, number>(live.map((a, i) => [a, perActivity[i]!.length]));
    // Chunks numbered past each record's new count, removed with one delete per 100 records (a backfill page is
    // one statement, not one per activity).
    const stale: Filter[] = activities.map((a) => {
      const n = counts.get(a) ?? 0;
      const ref = { provider: a.provider, kind: a.kind, recordId: a.externalId };
      return n === 0 ? ref : { ...ref, chunkIndex: { $gte: n } };
    });
    for (let i = 0; i < stale.length; i += 100) {
      const part = stale.slice(i, i + 100);
      await this.store.deleteByFilter(ctx.tenantId, part.length === 1 ? part[0]! : { $or: part });
    }
    return activities.map((a) => ({ chunks: counts.get(a) ?? 0 }));
  }

  /** Delete every chunk of one record (CRM delete or archive). */
  async removeRecord(tenantId: string, ref: RecordRef): Promise<void> {
    await this.store.deleteByFilter(tenantId, { provider: ref.provider, kind: ref.kind, recordId: ref.externalId });
  }

  /** Fold bulk-loaded chunks into the store's ANN index until `deadline` (no-op for stores without one). */
  async settle(deadline: number): Promise<{ settled: number; pending: number }> {
    return this.store.settle ? this.store.settle({ deadline, rebuild: true }) : { settled: 0, pending: 0 };
  }

  async retrieve(
    tenantId: string,
    queryText: string,
    o: { topK?: number; filter?: Filter } = {},
  ): Promise<RetrievedChunk[]> {
    const [q] = await this.embedder.embed([queryText]);
    const matches = await this.store.query(tenantId, q!, {
      topK: o.topK ?? 8,
      ...(o.filter ? { filter: o.filter } : {}),
    });
    return matches.map((m) => ({
      id: m.id,
      text: m.text ?? '',
      score: m.score,
      source: {
        provider: String(m.metadata.provider ?? ''),
        kind: String(m.metadata.kind ?? ''),
        recordId: String(m.metadata.recordId ?? ''),
        url: typeof m.metadata.url === 'string' ? m.metadata.url : null,
        occurredAt: typeof m.metadata.occurredAt === 'number' ? m.metadata.occurredAt : null,
      },
      metadata: m.metadata,
    }));
  }
}
