import type { Activity } from '../core/canonical.js';
import type { Metrics } from '../lib/metrics.js';
import type { WorkQueue } from '../queue/index.js';
import type { ConnectionRow, Queryable, Repos } from '../store/index.js';
import { ingestRecords } from '../sync/ingest.js';

export type WriteStatus = 'created' | 'updated' | 'unchanged' | 'stale';

export interface WriteDeps { queue: WorkQueue; metrics: Metrics }

/**
 * How `updatedAt` is decided. `received`: the source has no version stamp (ingest API), so a changed item
 * gets the receive time, never earlier than the stored version. `source`: the activity carries the source's
 * own stamp (a Slack edit time), and an older stamp than the stored one is stale (a late retry).
 */
export type Stamping = 'received' | 'source';

/** JSON with sorted keys: stored jsonb does not keep key order. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}
const sameContent = (a: Activity, b: Activity) =>
  canonicalJson({ ...a, createdAt: null, updatedAt: null }) === canonicalJson({ ...b, createdAt: null, updatedAt: null });

const iso = (ms: number) => new Date(ms).toISOString();
const bump = (stored: Activity | undefined, now: number) => iso(Math.max(now, stored ? Date.parse(stored.updatedAt) + 1 : 0));

/** A deleted interaction: the row stays as a tombstone (ordering), its text does not. */
const tombstone = (a: Activity, updatedAt: string): Activity => ({ ...a, archived: true, subject: null, body: null, updatedAt });

/**
 * Store interactions from a source through the one ingest path (src/sync/ingest.ts): changed activities are
 * re-embedded and their deals re-analysed by the jobs it enqueues in the caller's transaction. A version
 * stored under another kind (an item re-posted with another type) is replaced, and deals an update no
 * longer mentions are re-analysed too.
 */
export async function putSourceActivities(
  r: Repos, tx: Queryable, deps: WriteDeps, conn: ConnectionRow, activities: Activity[], o: { now: number; stamping: Stamping },
): Promise<WriteStatus[]> {
  const batch: Activity[] = [];
  const dropped = new Set<string>();
  const statuses: WriteStatus[] = [];
  for (const incoming of activities) {
    const versions = await r.sources.activityVersions(conn.id, incoming.externalId);
    const same = versions.find((v) => v.kind === incoming.kind);
    const others = versions.filter((v) => v.kind !== incoming.kind && !v.archived);
    const live = same && !same.archived ? same.data : undefined;
    if (o.stamping === 'source' && same && Date.parse(same.data.updatedAt) > Date.parse(incoming.updatedAt)) { statuses.push('stale'); continue; }
    if (live && others.length === 0 && sameContent(live, incoming)) { statuses.push('unchanged'); continue; }
    const a: Activity = o.stamping === 'received'
      ? { ...incoming, createdAt: live?.createdAt ?? incoming.createdAt, updatedAt: bump(same?.data, o.now) }
      : incoming;
    batch.push(a);
    for (const v of others) {
      batch.push(tombstone(v.data, bump(v.data, o.now)));
      v.data.associations.deals.forEach((d) => dropped.add(d));
    }
    live?.associations.deals.forEach((d) => dropped.add(d));
    a.associations.deals.forEach((d) => dropped.delete(d));
    statuses.push(live ? 'updated' : 'created');
  }
  await ingestRecords(r, tx, deps.queue, deps.metrics, conn, batch, 'webhook', { analyze: true, receivedAt: o.now });
  await reanalyze(tx, deps, conn, dropped);
  return statuses;
}

/** Delete an interaction (every kind it was stored under): tombstone, index removal and re-analysis through the ingest path. */
export async function removeSourceActivity(r: Repos, tx: Queryable, deps: WriteDeps, conn: ConnectionRow, externalId: string, now: number): Promise<boolean> {
  const live = (await r.sources.activityVersions(conn.id, externalId)).filter((v) => !v.archived);
  if (live.length === 0) return false;
  await ingestRecords(r, tx, deps.queue, deps.metrics, conn, live.map((v) => tombstone(v.data, bump(v.data, now))), 'webhook', { analyze: true, receivedAt: now });
  return true;
}

async function reanalyze(tx: Queryable, deps: WriteDeps, conn: ConnectionRow, dealIds: Set<string>): Promise<void> {
  // Same job and key as src/sync/ingest.ts, so a burst collapses into one analysis per deal.
  for (const dealId of dealIds) {
    await deps.queue.sendInTx(tx, 'analyze', { connectionId: conn.id, dealId, receivedAt: null }, { singletonKey: `${conn.id}:${dealId}` });
  }
}
