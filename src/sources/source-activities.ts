import type { Activity } from '../core/canonical.js';
import type { Metrics } from '../lib/metrics.js';
import type { WorkQueue } from '../queue/index.js';
import type { ConnectionRow, Queryable, Repos } from '../store/index.js';
import type { ChangeSubscriber } from '../sync/change-events.js';
import { applyChangesInTx, queueAnalyses, type AppliedChanges, type DeletedRef } from '../sync/apply-changes.js';

export type WriteStatus = 'created' | 'updated' | 'unchanged' | 'stale';

export interface WriteDeps {
  queue: WorkQueue;
  metrics: Metrics;
  subscribers: readonly ChangeSubscriber[];
}

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
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}
const sameContent = (a: Activity, b: Activity) =>
  canonicalJson({ ...a, createdAt: null, updatedAt: null }) ===
  canonicalJson({ ...b, createdAt: null, updatedAt: null });

const iso = (ms: number) => new Date(ms).toISOString();
/** A version stamp newer than what we hold and than a deletion we applied (so a re-post after a DELETE is new). */
const bump = (stored: Activity | undefined, deletedAt: Date | null, now: number) =>
  iso(Math.max(now, stored ? Date.parse(stored.updatedAt) + 1 : 0, deletedAt ? deletedAt.getTime() : 0));

/**
 * Store interactions from a source through the one change step (src/sync/apply-changes.ts): changed activities are
 * re-embedded and their deals re-analysed by the jobs it enqueues in the caller's transaction (the caller passes
 * `applied` to finishChanges after its commit). A version
 * stored under another kind (an item re-posted with another type) is replaced, and deals an update no
 * longer mentions are re-analysed too.
 */
const sourceOf = (provider: string | undefined): 'slack' | 'ingest' => (provider === 'slack' ? 'slack' : 'ingest');

export async function putSourceActivities(
  r: Repos,
  tx: Queryable,
  deps: WriteDeps,
  conn: ConnectionRow,
  activities: Activity[],
  o: { now: number; stamping: Stamping },
): Promise<{ statuses: WriteStatus[]; applied: AppliedChanges }> {
  const batch: Activity[] = [];
  const deleted: DeletedRef[] = [];
  const dropped = new Set<string>();
  const statuses: WriteStatus[] = [];
  for (const incoming of activities) {
    const versions = await r.sources.activityVersions(conn.id, incoming.externalId);
    const same = versions.find((v) => v.kind === incoming.kind);
    const others = versions.filter((v) => v.kind !== incoming.kind && !v.archived);
    const live = same && !same.archived ? same.data : undefined;
    // Deleted at the source after this version was stamped (a late retry): it does not come back.
    const deletedAt = same ? null : await r.records.deletedAt(conn.id, incoming.kind, incoming.externalId);
    if (o.stamping === 'source' && same && Date.parse(same.data.updatedAt) > Date.parse(incoming.updatedAt)) {
      statuses.push('stale');
      continue;
    }
    if (o.stamping === 'source' && deletedAt && deletedAt.getTime() > Date.parse(incoming.updatedAt)) {
      statuses.push('stale');
      continue;
    }
    if (live && others.length === 0 && sameContent(live, incoming)) {
      statuses.push('unchanged');
      continue;
    }
    const a: Activity =
      o.stamping === 'received'
        ? {
            ...incoming,
            createdAt: live?.createdAt ?? incoming.createdAt,
            updatedAt: bump(same?.data, deletedAt, o.now),
          }
        : incoming;
    batch.push(a);
    for (const v of others) {
      // Stored under another kind before (re-posted with another type): that version is deleted.
      deleted.push({ kind: v.kind, externalId: v.data.externalId });
      v.data.associations.deals.forEach((d) => dropped.add(d));
    }
    live?.associations.deals.forEach((d) => dropped.add(d));
    a.associations.deals.forEach((d) => dropped.delete(d));
    statuses.push(live ? 'updated' : 'created');
  }
  const applied = await applyChangesInTx(r, tx, deps, conn, {
    records: batch,
    deleted,
    source: sourceOf(activities[0]?.provider),
    analyze: true,
    receivedAt: o.now,
  });
  const more = [...dropped].filter((d) => !applied.analyzed.includes(d));
  // Same job and key as the change step's, so a burst collapses into one analysis per deal; the caller sends the
  // ones the queue dropped again after its commit (finishChanges).
  const queued = await queueAnalyses(r, tx, deps.queue, conn.id, more, null);
  return {
    statuses,
    applied: {
      ...applied,
      analyzed: [...applied.analyzed, ...queued.analyzed],
      resend: [...applied.resend, ...queued.resend],
    },
  };
}

/**
 * Delete an interaction (every kind it was stored under) through the one change step: erased everywhere
 * (record, index, suggestions about it...), its deals re-analysed. Returns null when there was nothing live.
 */
export async function removeSourceActivity(
  r: Repos,
  tx: Queryable,
  deps: WriteDeps,
  conn: ConnectionRow,
  externalId: string,
  now: number,
): Promise<AppliedChanges | null> {
  const live = (await r.sources.activityVersions(conn.id, externalId)).filter((v) => !v.archived);
  if (live.length === 0) return null;
  return applyChangesInTx(r, tx, deps, conn, {
    records: [],
    deleted: live.map((v) => ({ kind: v.kind, externalId })),
    source: sourceOf(live[0]!.data.provider),
    analyze: true,
    receivedAt: now,
  });
}
