import type { ActivityKind, CanonicalRecord, ObjectKind } from '../core/canonical.js';
import { isActivityKind } from '../core/canonical.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import { eraseRecordFromIndex, eraseRecordRows, type ErasedRecord, type IndexEraser } from '../privacy/erase.js';
import type { WorkQueue } from '../queue/index.js';
import type { ConnectionRow, Repos, Store } from '../store/index.js';
import type { Queryable } from '../store/db.js';
import { emitChanges, type ChangeSubscriber } from './change-events.js';

/** Where a change came from (metrics label; every source goes through the same step). */
export type ChangeSource = 'webhook' | 'outbound' | 'poll' | 'backfill' | 'stream' | 'ingest' | 'slack';

/** `mergedInto`: deleted by a merge at the source; what was associated with it now belongs to the survivor. */
export interface DeletedRef {
  kind: ObjectKind;
  externalId: string;
  mergedInto?: string;
}

/** A page of changes from any source: records to upsert and records deleted at the source. */
export interface Changes {
  records: CanonicalRecord[];
  deleted: DeletedRef[];
  source: ChangeSource;
  /** Re-analyse the deals the changes touch (off during a backfill: a scan follows it). */
  analyze: boolean;
  receivedAt?: number;
}

export interface AppliedChanges {
  /** Records that really changed (newer and different). */
  changed: CanonicalRecord[];
  /** Deletions erased in the transaction; their vectors leave the index after the commit. */
  erased: ErasedRecord[];
  /** Deals queued for re-analysis. */
  analyzed: string[];
  /**
   * The deals among them whose analysis the queue did not take in the transaction (one was already waiting): sent
   * again after the commit (`finishChanges`).
   */
  resend: string[];
  /** When the change was received (ms), carried by the analysis jobs. */
  receivedAt: number | null;
}

export interface ApplyDeps {
  queue: WorkQueue;
  metrics: Metrics;
  /** Told of every applied page inside its transaction (src/sync/change-events.ts); wired in src/main.ts. */
  subscribers: readonly ChangeSubscriber[];
}

const key = (kind: string, id: string) => `${kind}\u0000${id}`;

/**
 * THE change step. Every source (HubSpot webhooks, polls and backfills of both CRMs, Salesforce CDC and Outbound
 * Messages, the ingest API, Slack) applies its changes here, inside the caller's transaction, so records, the
 * source's position (checkpoint, replay id, processed inbox batch) and the follow-up jobs commit together.
 * The rules, in order:
 *
 * 1. Deletions are marked first, so subscribers see "this record was deleted" as an archive mark.
 * 2. Records are upserted, newer wins; a version older than a deletion we applied is refused (record_tombstones).
 * 3. Announce: what changed (and deleted activities never stored) goes to `deps.subscribers` in the transaction;
 *    the composition root subscribes feedback (outcomes of what we wrote back). Sync imports no subscriber.
 * 4. Re-index: every changed activity is re-embedded; every deleted activity leaves the index (one "index" job,
 *    the durable path: it runs again after a crash).
 * 5. Re-analyse (when `analyze`): the deals a changed record belongs to, and the deals a deleted record belonged to.
 * 6. Erase: a record deleted at its source is erased everywhere in the same transaction (the record, suggestions
 *    about it with their outbox rows, inbox events, audit rows, pgvector chunks), leaving only an id-and-time
 *    tombstone; its vectors in an external index go right after the commit (`finishChanges`).
 */
export async function applyChangesInTx(
  r: Repos,
  tx: Queryable,
  deps: ApplyDeps,
  conn: ConnectionRow,
  c: Changes,
): Promise<AppliedChanges> {
  // A record both deleted and present in the same page: the deletion wins (it is the later fact of the two only
  // when the source says so; sources put a record in `deleted` only when it is gone now).
  const deletedKeys = new Set(c.deleted.map((d) => key(d.kind, d.externalId)));
  const records = c.records.filter((x) => !deletedKeys.has(key(x.kind, x.externalId)));
  const deleted = [...new Map(c.deleted.map((d) => [key(d.kind, d.externalId), d])).values()];

  // 1. Mark, and remember what the deleted records were attached to (re-analysis) and how new they were (tombstone).
  const dealsOfDeleted = new Set<string>();
  const stamps = new Map<string, number>();
  const providers = new Map<string, string>();
  // Deleted activities we never stored (deleted before their create event was applied): announced with the changes.
  const unseen: { kind: ActivityKind; externalId: string }[] = [];
  for (const d of deleted) {
    // A merge moved the merged record's activities (and other associations) to the survivor: follow it here too.
    if (d.mergedInto && (d.kind === 'contact' || d.kind === 'company' || d.kind === 'deal')) {
      await r.records.repointAssociations(conn.id, d.kind, d.externalId, d.mergedInto);
    }
    const stored = await r.records.get(conn.id, d.kind, d.externalId);
    if (!stored && isActivityKind(d.kind)) unseen.push({ kind: d.kind, externalId: d.externalId });
    if (stored) {
      if (isActivityKind(stored.kind) || stored.kind === 'contact')
        stored.associations.deals.forEach((x) => dealsOfDeleted.add(x));
      stamps.set(key(d.kind, d.externalId), Date.parse(stored.updatedAt));
      providers.set(key(d.kind, d.externalId), stored.provider);
      await r.records.markArchived(conn.id, d.kind, [d.externalId]);
    }
  }

  // 2-3. Upsert (newer wins) and announce. An activity or contact taken off a deal changes that deal too: its deals
  // before the change are read first, for the re-analysis below.
  const before = c.analyze
    ? await r.records.dealsOf(
        conn.id,
        records.filter((x) => isActivityKind(x.kind) || x.kind === 'contact'),
      )
    : new Map<string, string[]>();
  const changed = await r.records.upsertMany(conn.id, records);
  for (const rec of changed) deps.metrics.recordsSynced.inc({ crm: conn.provider, kind: rec.kind, source: c.source });
  await emitChanges(deps.subscribers, r, tx, { conn, changed, unseenDeletions: unseen, receivedAt: c.receivedAt });

  // 4. Re-index changed activities, remove deleted ones (under the provider they were indexed with).
  const indexRefs: { kind: string; externalId: string; provider?: string; removed?: true }[] = [];
  for (const rec of changed)
    if (isActivityKind(rec.kind)) indexRefs.push({ kind: rec.kind, externalId: rec.externalId });

  // 5. Re-analysis.
  const deals = new Set<string>();
  if (c.analyze) {
    for (const rec of changed) {
      if (rec.kind === 'deal') deals.add(rec.externalId);
      else if (isActivityKind(rec.kind) || rec.kind === 'contact') {
        rec.associations.deals.forEach((d) => deals.add(d));
        before.get(`${rec.kind}:${rec.externalId}`)?.forEach((d) => deals.add(d));
      }
    }
    // A contact changed (opted out, address removed, renamed) changes the deals that name it, even where the contact
    // record names none of them (Salesforce: the opportunity's contact roles).
    const contacts = changed.filter((x) => x.kind === 'contact').map((x) => x.externalId);
    for (const d of await r.records.dealsNaming(conn.id, contacts)) deals.add(d);
    dealsOfDeleted.forEach((d) => deals.add(d));
    // A task or draft of closeloop's deleted before its creation was read (never stored): its deal, from what
    // closeloop wrote, is analysed again too (the draft of a deleted task is withdrawn there).
    const unseenOwn = await r.outbox.dealsOfOwnCrmIds(
      conn.id,
      unseen.filter((u) => u.kind === 'task' || u.kind === 'email').map((u) => u.externalId),
    );
    unseenOwn.forEach((d) => deals.add(d));
    for (const d of deleted) if (d.kind === 'deal') deals.delete(d.externalId);
  }

  // 6. Erase.
  const erased: ErasedRecord[] = [];
  for (const d of deleted) {
    const e = await eraseRecordRows(tx, conn.id, d.kind, d.externalId, d.mergedInto !== undefined);
    if (!e) continue;
    erased.push(e);
    // What closeloop wrote about it into the CRM is closed there (the suggestions behind it are gone).
    for (const outboxId of e.retractions)
      await deps.queue.sendInTx(tx, 'writeback', { outboxId, receivedAt: c.receivedAt ?? null });
    // Older versions must not come back: the deletion is newer than anything we held.
    const stamp = stamps.get(key(d.kind, d.externalId));
    await r.records.tombstone(
      conn.id,
      d.kind,
      d.externalId,
      new Date(stamp !== undefined && Number.isFinite(stamp) ? stamp + 1 : 0),
    );
    deps.metrics.recordsSynced.inc({ crm: conn.provider, kind: d.kind, source: c.source });
    if (isActivityKind(d.kind))
      indexRefs.push({
        kind: d.kind,
        externalId: d.externalId,
        provider: providers.get(key(d.kind, d.externalId)) ?? conn.provider,
        removed: true,
      });
  }
  if (indexRefs.length) await deps.queue.sendInTx(tx, 'index', { connectionId: conn.id, records: indexRefs });
  const receivedAt = c.receivedAt ?? null;
  const analyzed = await queueAnalyses(r, tx, deps.queue, conn.id, deals, receivedAt);
  // The sync-lag metric: this connection is current as of now (polls and backfills also stamp last_sync_at).
  await r.syncMarks.noteChange(conn.id);
  return { changed, erased, ...analyzed, receivedAt };
}

/**
 * Queue the analysis of each deal in the transaction. Returns the deals queued (`analyzed`) and those whose job the
 * queue dropped because one was already waiting for the deal (`resend`: sent again after the commit, finishChanges).
 *
 * While the connection's first backfill runs, nothing is queued: the backfill stores history a page and a kind at a
 * time, so a deal analysed now could be read with a customer's email but without the rep's answer stored a page
 * later (a task written, then closed as answered moments after). Live changes in that time (webhooks, change events
 * replayed from before the install, polls) are stored as usual; the scan that ends the backfill analyses every open
 * deal once its whole history is in (src/jobs/workers.ts).
 */
export async function queueAnalyses(
  r: Repos,
  tx: Queryable,
  queue: WorkQueue,
  connectionId: string,
  deals: Iterable<string>,
  receivedAt: number | null,
): Promise<{ analyzed: string[]; resend: string[] }> {
  const all = [...deals];
  if (!all.length || (await r.connections.backfillPending(connectionId))) return { analyzed: [], resend: [] };
  const resend: string[] = [];
  for (const dealId of all) {
    const job = analyzeJob(connectionId, dealId, { receivedAt });
    if ((await queue.sendInTx(tx, 'analyze', job.data, { singletonKey: job.singletonKey })) === null)
      resend.push(dealId);
  }
  return { analyzed: all, resend };
}

/**
 * After the commit: the erased records' vectors leave an external index now (the queued index job repeats it
 * durably), and the re-analyses the queue dropped in the transaction are sent again. The queue keeps one waiting job
 * per deal ("stately"): when one was already waiting, the send in the transaction was dropped, and the waiting job may
 * have started (and read the deal) before this transaction committed — it would never see these changes. Sent after
 * the commit, the job is either dropped again because one is waiting that has not started yet (it will read the
 * committed changes) or queued behind the running one. A send the queue took in the transaction needs nothing more.
 */
export async function finishChanges(
  deps: { vectorIndex?: IndexEraser | null; queue: WorkQueue; logger?: Logger },
  connectionId: string,
  applied: AppliedChanges,
): Promise<void> {
  for (const e of applied.erased) await eraseRecordFromIndex(deps.vectorIndex ?? null, e);
  if (!applied.resend.length) return;
  // The changes are committed: a failure here must not fail their caller (a retried delivery would find them applied).
  await deps.queue
    .sendMany(
      'analyze',
      applied.resend.map((dealId) => analyzeJob(connectionId, dealId, applied)),
    )
    .catch((err: unknown) =>
      deps.logger?.warn(
        { err, connectionId, deals: applied.resend.length },
        'analysis not sent again after the commit (the job waiting before it may not see the change)',
      ),
    );
}

/** The re-analysis of one deal after a change (its key: one waiting and one running per deal). */
function analyzeJob(connectionId: string, dealId: string, applied: { receivedAt: number | null }) {
  return { data: { connectionId, dealId, receivedAt: applied.receivedAt }, singletonKey: `${connectionId}:${dealId}` };
}

/**
 * `applyChangesInTx` in its own transaction, with `alsoInTx` committed with it (a checkpoint, a replay position,
 * inbox batches marked processed), then `finishChanges`.
 */
export async function applyChanges(
  deps: ApplyDeps & { store: Store; vectorIndex?: IndexEraser | null },
  conn: ConnectionRow,
  c: Changes,
  alsoInTx?: (r: Repos, tx: Queryable) => Promise<void>,
): Promise<AppliedChanges> {
  const applied = await deps.store.tx(async (r, tx) => {
    const a = await applyChangesInTx(r, tx, deps, conn, c);
    await alsoInTx?.(r, tx);
    return a;
  });
  await finishChanges(deps, conn.id, applied);
  return applied;
}
