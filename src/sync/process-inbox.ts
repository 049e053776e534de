import type { CanonicalRecord, ObjectKind } from '../core/canonical.js';
import type { Connector } from '../core/connector.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import type { WorkQueue } from '../queue/index.js';
import type { Store } from '../store/index.js';
import { eventKey, type InboxBatch, type InboxEvent } from '../store/inbox.js';
import type { TokenVault } from '../auth/token-vault.js';
import type { IndexEraser } from '../privacy/erase.js';
import { applyChangesInTx, finishChanges, type DeletedRef } from './apply-changes.js';
import type { ChangeSubscriber } from './change-events.js';

export interface SyncDeps {
  store: Store;
  queue: WorkQueue;
  metrics: Metrics;
  logger: Logger;
  vault: TokenVault;
  connectorFor: (provider: string) => Connector;
  /** The vector index, for erasing deleted records' vectors right after the commit (null: pgvector in SQL, or none). */
  vectorIndex?: IndexEraser | null;
  /** Told of every applied page inside its transaction (feedback); wired in src/main.ts. */
  subscribers: readonly ChangeSubscriber[];
  /** Records unsigned pushes (Salesforce Outbound Messages) may have read per org and window; default below. */
  unsignedReadBudget?: { reads: number; windowMs: number };
  /** Clock for the budget (ms). */
  now?: () => number;
}

/**
 * Reads that unsigned pushes may cost one org: anyone who knows an installed org id and its host can forge an
 * Outbound Message naming up to 100 records, each read from the org. Over the budget the message is acknowledged
 * (the intake already answered 2xx) and its records are left to the next poll, which reads what changed anyway.
 */
export const UNSIGNED_READ_BUDGET = { reads: 2000, windowMs: 3_600_000 };

/**
 * Worker side of webhook deliveries: `batchIds` name inbox batches (one per delivery and account). Loads the
 * ones still pending and processes them (processBatches).
 */
export async function processInbox(deps: SyncDeps, batchIds: string[], receivedAt: number | null): Promise<void> {
  await processBatches(deps, await deps.store.inbox.pending(batchIds), receivedAt);
}

/**
 * Inbox batches claimed by a worker (src/sync/inbox-runner.ts). The events carry ids (and at most one property),
 * so fetch the current records by id, ingest them, apply deletions, and mark the batches processed — all in one
 * transaction after the provider reads. A crash before commit leaves the batches pending: their lease runs out
 * and another worker claims them. `receivedAt` (ms) defaults to when the oldest batch was recorded.
 */
export async function processBatches(
  deps: SyncDeps,
  batches: InboxBatch[],
  receivedAt: number | null = null,
): Promise<void> {
  if (batches.length === 0) return;
  receivedAt ??= Math.min(...batches.map((b) => new Date(b.received_at).getTime()));
  const byConn = new Map<string, typeof batches>();
  const orphans: string[] = [];
  for (const b of batches) {
    if (!b.connection_id) {
      orphans.push(b.id);
      continue;
    }
    const l = byConn.get(b.connection_id);
    if (l) l.push(b);
    else byConn.set(b.connection_id, [b]);
  }
  for (const [connectionId, list] of byConn) {
    const conn = await deps.store.connections.get(connectionId);
    // The connection was removed after the delivery was recorded: nothing to sync into, retire the batches.
    if (!conn) {
      orphans.push(...list.map((x) => x.id));
      continue;
    }
    const pausedUntil = conn.status === 'paused' && conn.paused_until ? new Date(conn.paused_until).getTime() : 0;
    if (pausedUntil > Date.now()) {
      // Quota spent: the events wait, durably, for the pause to end instead of hammering the provider (no try spent).
      await deps.store.inbox.defer(
        list.map((x) => x.id),
        new Date(pausedUntil),
      );
      continue;
    }
    const ids = list.map((x) => x.id);
    // Dedupe by provider event id, before anything is read from the CRM (a redelivery costs no API call).
    const { fresh, duplicates } = await freshEvents(deps.store, list);
    if (fresh.length === 0) {
      await deps.store.inbox.markProcessed(ids);
      countDuplicates(deps, conn.provider, duplicates);
      continue;
    }
    const connector = deps.connectorFor(conn.provider);
    const ctx = deps.vault.context(conn);
    const fetchIds = new Map<ObjectKind, Set<string>>();
    const deletes = new Map<ObjectKind, Set<string>>();
    const survivors = new Map<string, string>();
    for (const { event: e } of fresh) {
      if (!e.kind || !e.objectId) continue;
      if (e.change === 'deleted' && e.mergedInto) survivors.set(`${e.kind}:${e.objectId}`, e.mergedInto);
      const target = e.change === 'deleted' ? deletes : fetchIds;
      if (!target.has(e.kind)) target.set(e.kind, new Set());
      target.get(e.kind)!.add(e.objectId);
      // A merge moves the merged records into the primary: re-read it (it now carries their associations).
    }
    // Events only name records; the provider's answer to a read by id is the truth we act on (an unsigned Outbound
    // Message, even a forged one, costs at most this read): one read per kind, for changed and deleted records alike.
    // - A record we hold that the read no longer returns was deleted at the source: erased like a deletion.
    // - A deletion event is checked too: events arrive out of order (HubSpot does not order them, and a retried batch
    //   comes late), so a deletion delivered after the record was restored from the recycle bin would erase a live
    //   record for good. A record the read still returns is applied as it is now; only what it does not return is
    //   erased. A merged-away record is gone by definition: not read.
    if (connector.manifest.pushSource === 'outbound') {
      const reads = [...fetchIds.values(), ...deletes.values()].reduce((n, s) => n + s.size, 0);
      const budget = deps.unsignedReadBudget ?? UNSIGNED_READ_BUDGET;
      const now = deps.now?.() ?? Date.now();
      if (
        !(await deps.store.rateBuckets.trySpend(`unsigned-reads:${conn.id}`, reads, budget.reads, budget.windowMs, now))
      ) {
        deps.logger.warn(
          { connectionId: conn.id, provider: conn.provider, reads, budget },
          'outbound message reads over the org budget; deferred to the next poll',
        );
        deps.metrics.webhookEvents.inc({ crm: conn.provider, result: 'deferred' }, fresh.length);
        await deps.store.inbox.markProcessed(ids);
        continue;
      }
    }
    const fetched: CanonicalRecord[] = [];
    const deleted: DeletedRef[] = [];
    for (const kind of new Set([...fetchIds.keys(), ...deletes.keys()])) {
      const dels = deletes.get(kind) ?? new Set<string>();
      const check: string[] = [];
      for (const externalId of dels) {
        const mergedInto = survivors.get(`${kind}:${externalId}`);
        if (mergedInto) deleted.push({ kind, externalId, mergedInto });
        else check.push(externalId);
      }
      const want = [...(fetchIds.get(kind) ?? [])].filter((id) => !dels.has(id));
      if (!want.length && !check.length) continue;
      const got = new Map((await connector.fetchByIds(ctx, kind, [...want, ...check])).map((x) => [x.externalId, x]));
      const missing: string[] = [];
      for (const id of want) {
        const rec = got.get(id);
        if (rec) fetched.push(rec);
        else missing.push(id);
      }
      for (const held of await deps.store.records.getMany(conn.id, kind, missing))
        deleted.push({ kind, externalId: held.externalId });
      for (const id of check) {
        const rec = got.get(id);
        if (rec && !rec.archived) fetched.push(rec);
        else deleted.push({ kind, externalId: id });
      }
    }
    // One change step (src/sync/apply-changes.ts): the events' keys held, deletions erased everywhere, records,
    // follow-up jobs, and the batches marked processed, all in one transaction. A key another worker took meanwhile
    // (the same event redelivered and claimed side by side) only means the same current records are applied twice.
    let lost = 0;
    const applied = await deps.store.tx(async (r, tx) => {
      lost = await r.inbox.holdEventKeys(fresh.map(({ key, batchId }) => ({ key, batchId })));
      const a = await applyChangesInTx(r, tx, deps, conn, {
        records: fetched,
        deleted,
        source: connector.manifest.pushSource,
        analyze: true,
        receivedAt: receivedAt ?? undefined,
      });
      await r.inbox.markProcessed(ids);
      return a;
    });
    countDuplicates(deps, conn.provider, duplicates + lost);
    await finishChanges(deps, conn.id, applied);
  }
  if (orphans.length) await deps.store.inbox.markProcessed(orphans);
}

/**
 * The events of a connection's claimed batches that no other batch holds: an event id repeated across these batches
 * counts once (the oldest batch keeps it), and one whose key another batch holds (processed before, or erased
 * while it waited) is a duplicate. A batch recorded by a release whose request path held the keys itself
 * (migrations/0400) holds its own keys: those are not duplicates, so it is processed whole.
 */
async function freshEvents(
  store: SyncDeps['store'],
  list: InboxBatch[],
): Promise<{ fresh: { key: string; batchId: string; event: InboxEvent }[]; duplicates: number }> {
  const mine = new Map<string, { key: string; batchId: string; event: InboxEvent }>();
  let repeated = 0;
  for (const b of list)
    for (const event of b.events) {
      const key = eventKey(b.provider, b.account_id, event.eventId);
      if (mine.has(key)) repeated++;
      else mine.set(key, { key, batchId: b.id, event });
    }
  const held = await store.inbox.eventKeysHeld([...mine.values()].map(({ key, batchId }) => ({ key, batchId })));
  const fresh = [...mine.values()].filter((m) => !held.has(m.key));
  return { fresh, duplicates: repeated + held.size };
}

function countDuplicates(deps: SyncDeps, provider: string, n: number): void {
  if (n > 0) deps.metrics.webhookEvents.inc({ crm: provider, result: 'duplicate' }, n);
}
