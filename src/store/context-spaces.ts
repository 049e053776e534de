import { ACTIVITY_KINDS } from '../core/canonical.js';
import type { Queryable } from './db.js';

/**
 * Keeps each tenant's context index in one vector space (issue 18 item 2): an index built with one embedder is
 * never queried with another's vectors.
 *
 * The store already keeps spaces apart (context_chunks.space = embedder id; a query reads only the current space),
 * so after a change of embedder (EMBEDDINGS, a model version, the model falling back to hashing) a tenant's old
 * chunks are simply invisible. This fills the new space: for every tenant whose recorded space (context_spaces) or
 * whose stored chunks are in another space, it records the new space, queues all the tenant's live activities on
 * the `index` queue (the same jobs a CRM change queues, so the worker pool re-embeds them at its own pace), and
 * drops the tenant's chunks of other spaces. The row update is conditional (`WHERE space <> new`), so of several
 * processes starting together exactly one queues a tenant's reindex.
 *
 * Until the queued jobs have run, retrieval for that tenant returns only what is already re-embedded.
 */
export interface SpaceSwitchReport {
  /** Tenants whose index is being rebuilt in the new space. */
  switched: { tenantId: string; from: string | null; jobs: number; activities: number }[];
  /** Tenants found already in the current space and recorded. */
  recorded: number;
}

/** Activities per queued index job (a backfill page's order of size). */
const REFS_PER_JOB = 100;

export async function switchSpaces(
  db: Queryable,
  queue: { sendMany(name: 'index', jobs: { data: object }[]): Promise<number> },
  space: { id: string; dimensions: number },
  o: {
    pgvector: boolean;
    /** Stores without a space column (Pinecone: one namespace per tenant) drop the tenant's old vectors here. */
    dropTenant?: (tenantId: string) => Promise<void>;
  },
): Promise<SpaceSwitchReport> {
  const report: SpaceSwitchReport = { switched: [], recorded: 0 };
  const chunksTable =
    o.pgvector &&
    (await db.query<{ t: string | null }>("SELECT to_regclass('context_chunks')::text AS t")).rows[0]?.t != null;
  const candidates = new Map<string, string | null>();
  // Recorded in another space.
  for (const r of (
    await db.query<{ tenant_id: string; space: string }>(
      'SELECT tenant_id, space FROM context_spaces WHERE space <> $1',
      [space.id],
    )
  ).rows)
    candidates.set(r.tenant_id, r.space);
  if (chunksTable) {
    // The distinct (tenant, space) pairs of the table, one primary-key index seek per pair (a loose index scan),
    // so a start does not read every chunk of a large table.
    const pairs = await db.query<{ tenant_id: string; space: string }>(
      `WITH RECURSIVE pairs AS (
         (SELECT tenant_id, space FROM context_chunks ORDER BY tenant_id, space LIMIT 1)
         UNION ALL
         SELECT n.tenant_id, n.space FROM pairs p CROSS JOIN LATERAL (
           SELECT c.tenant_id, c.space FROM context_chunks c
            WHERE (c.tenant_id, c.space) > (p.tenant_id, p.space)
            ORDER BY c.tenant_id, c.space LIMIT 1) n
       )
       SELECT tenant_id, space FROM pairs`,
    );
    const inCurrent = new Set<string>();
    for (const r of pairs.rows) {
      // Chunks in another space: tenants indexed before context_spaces existed, or by another embedder.
      if (r.space !== space.id) {
        if (!candidates.has(r.tenant_id)) candidates.set(r.tenant_id, r.space);
      } else inCurrent.add(r.tenant_id);
    }
    // Chunks only in the current space and no record yet: record, nothing to rebuild.
    const fresh = [...inCurrent].filter((t) => !candidates.has(t));
    if (fresh.length) {
      const rec = await db.query(
        `INSERT INTO context_spaces (tenant_id, space, dims)
         SELECT t, $2::text, $3::int FROM unnest($1::text[]) AS t
         ON CONFLICT (tenant_id) DO NOTHING`,
        [fresh, space.id, space.dimensions],
      );
      report.recorded = rec.affectedRows;
    }
  }

  for (const [tenantId, from] of candidates) {
    // Exactly one process wins a tenant's switch (the conditional upsert returns a row only to it).
    const won = await db.query(
      `INSERT INTO context_spaces (tenant_id, space, dims, previous_space, switched_at)
       VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (tenant_id) DO UPDATE SET space = EXCLUDED.space, dims = EXCLUDED.dims,
         previous_space = context_spaces.space, switched_at = now()
       WHERE context_spaces.space <> EXCLUDED.space
       RETURNING tenant_id`,
      [tenantId, space.id, space.dimensions, from],
    );
    if (!won.rows.length) continue;
    const acts = await db.query<{ connection_id: string; kind: string; external_id: string; provider: string | null }>(
      `SELECT r.connection_id, r.kind, r.external_id, r.data ->> 'provider' AS provider
         FROM records r JOIN connections c ON c.id = r.connection_id
        WHERE c.tenant_id = $1 AND r.kind = ANY($2::text[]) AND NOT r.archived
        ORDER BY r.connection_id, r.kind, r.external_id`,
      [tenantId, [...ACTIVITY_KINDS]],
    );
    const byConn = new Map<string, { kind: string; externalId: string; provider?: string }[]>();
    for (const a of acts.rows) {
      const l = byConn.get(a.connection_id) ?? [];
      l.push({ kind: a.kind, externalId: a.external_id, ...(a.provider ? { provider: a.provider } : {}) });
      byConn.set(a.connection_id, l);
    }
    const jobs: { data: object }[] = [];
    for (const [connectionId, refs] of byConn)
      for (let i = 0; i < refs.length; i += REFS_PER_JOB)
        jobs.push({ data: { connectionId, records: refs.slice(i, i + REFS_PER_JOB) } });
    // Old vectors go first, so a queued job that runs at once is never deleted after it.
    if (chunksTable)
      await db.query('DELETE FROM context_chunks WHERE tenant_id = $1 AND space <> $2', [tenantId, space.id]);
    else await o.dropTenant?.(tenantId);
    if (jobs.length) await queue.sendMany('index', jobs);
    await db.query('UPDATE context_spaces SET reindex_jobs = $2 WHERE tenant_id = $1', [tenantId, jobs.length]);
    report.switched.push({ tenantId, from, jobs: jobs.length, activities: acts.rows.length });
  }
  return report;
}
