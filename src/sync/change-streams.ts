import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { ObjectKind } from '../core/canonical.js';
import type { ChangeStreamEvent, ChangeStreamHandle, Connector } from '../core/connector.js';
import { isCloseloopError } from '../core/errors.js';
import { failureAction } from '../lib/failure-action.js';
import type { ConnectionRow, Repos } from '../store/index.js';
import type { Queryable } from '../store/db.js';
import { applyChangesInTx, finishChanges } from './apply-changes.js';
import { fairShare } from '../store/change-streams.js';
import type { SyncDeps } from './process-inbox.js';

export interface ChangeStreamDeps extends SyncDeps {
  now: () => number;
}

export interface ChangeStreamOptions {
  /** Lease holder id; default host:pid:random. Two supervisors never share one. */
  owner?: string;
  /** How long a lease lasts without renewal (a crashed worker's streams move after this). */
  leaseMs?: number;
  /** How often leases are renewed and free connections are picked up. */
  tickMs?: number;
  /** First wait before resubscribing after a stream failed; doubles per failure up to maxRetryDelayMs. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
}

export interface ChangeStreams {
  /** One pass: renew held leases, stop streams of connections that can no longer stream, start free ones. */
  tick(): Promise<void>;
  /** Connection ids this process is subscribed for. */
  running(): string[];
  /** Close every stream (the event in hand is stored first) and release the leases. */
  stop(): Promise<void>;
}

/** Our lease was taken over (we stalled past its expiry): stop without touching the row. */
class LeaseLostError extends Error {}

interface Running {
  conn: ConnectionRow;
  handle: ChangeStreamHandle | null;
  closing: boolean;
}

const canStream = (c: Connector): boolean => Boolean(c.subscribeChanges) && c.manifest.capabilities.changeStream;

/**
 * Change streams (Salesforce CDC) for every connection whose connector has one. Any number of worker processes
 * run this; a lease row per connection (src/store/change-streams.ts) keeps exactly one subscriber. Each event is
 * ingested together with its replay position in one transaction, fenced by the lease, so a restart resumes after
 * the last stored event: nothing lost, nothing stored twice. Failures map to actions by error code: an invalid or
 * expired position resyncs (checkpoints cleared, backfill queued) and resubscribes from "new events only"; auth
 * problems mark the connection for reconnection; quota pauses it; anything else resubscribes with backoff.
 */
export function startChangeStreams(deps: ChangeStreamDeps, o: ChangeStreamOptions = {}): ChangeStreams {
  const owner = o.owner ?? `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const leaseMs = o.leaseMs ?? 60_000;
  const tickMs = o.tickMs ?? 5_000;
  const baseDelay = o.retryDelayMs ?? 2_000;
  const maxDelay = o.maxRetryDelayMs ?? 5 * 60_000;
  const running = new Map<string, Running>();
  const failures = new Map<string, { count: number; notBefore: number }>();
  let stopped = false;
  let current: Promise<void> = Promise.resolve();

  const log = (conn: ConnectionRow) => ({ connectionId: conn.id, provider: conn.provider });

  const isEligible = (c: ConnectionRow): boolean => {
    if (c.status === 'active') return true;
    return c.status === 'paused' && (!c.paused_until || new Date(c.paused_until).getTime() <= deps.now());
  };

  /** Records, deletions, resync requests and the new position: one transaction, fenced by our lease. */
  const store = async (conn: ConnectionRow, e: ChangeStreamEvent): Promise<void> => {
    if (e.skipped)
      deps.logger.warn(
        { ...log(conn), replayId: e.replayId, reason: e.skipped.slice(0, 300), resync: e.resync ?? [] },
        'change stream message skipped: it does not parse',
      );
    const applied = await deps.store.tx(async (r, tx) => {
      if (!(await r.changeStreams.savePosition(conn.id, owner, e.replayId)))
        throw new LeaseLostError(`lease on ${conn.id} lost`);
      const deleted = e.events
        .filter((x) => x.change === 'deleted' && x.kind && x.objectId)
        .map((x) => ({ kind: x.kind as ObjectKind, externalId: x.objectId as string }));
      // Echoes of our own writes are synced but never a reason to suggest.
      const analyze = e.events.length === 0 || e.events.some((x) => !x.ownWrite);
      // The one change step: a CDC deletion is erased everywhere, like every other source's.
      const a = await applyChangesInTx(r, tx, deps, conn, {
        records: e.records,
        deleted,
        source: 'stream',
        analyze,
        receivedAt: deps.now(),
      });
      if (e.resync?.length) await resyncInTx(r, tx, conn, e.resync);
      return a;
    });
    await finishChanges(deps, conn.id, applied);
  };

  /** Clear the kinds' checkpoints and queue a backfill: those kinds are read in full, the others resume. */
  const resyncInTx = async (r: Repos, tx: Queryable, conn: ConnectionRow, kinds: ObjectKind[]): Promise<void> => {
    for (const kind of new Set(kinds)) await r.checkpoints.clear(conn.id, `objects:${kind}`);
    await deps.queue.sendInTx(tx, 'backfill', { connectionId: conn.id }, { singletonKey: `backfill:${conn.id}` });
    deps.logger.warn({ ...log(conn), kinds }, 'change stream asked for a resync');
  };

  const start = async (conn: ConnectionRow, stored: string | null): Promise<void> => {
    const connector = deps.connectorFor(conn.provider);
    const entry: Running = { conn, handle: null, closing: false };
    running.set(conn.id, entry);
    try {
      // No stored position: record where this stream starts *before* subscribing, so any re-subscribe (this one
      // failing before its first event, a crash, a lease moving) replays from that point and skips nothing.
      let position = stored;
      if (position === null && connector.changeStreamStart) {
        position = connector.changeStreamStart(deps.now());
        if (!(await deps.store.changeStreams.savePosition(conn.id, owner, position)))
          throw new LeaseLostError(`lease on ${conn.id} lost`);
      }
      const handle = await connector.subscribeChanges!(deps.vault.context(conn), position, (e) => store(conn, e));
      entry.handle = handle;
      failures.delete(conn.id);
      deps.logger.info(
        { ...log(conn), from: stored ?? `start ${position ?? 'new events'}` },
        'change stream subscribed',
      );
      handle.closed?.then(
        () => {
          if (!entry.closing) void onFailure(entry, new Error('change stream ended'));
        },
        (err) => {
          if (!entry.closing) void onFailure(entry, err);
        },
      );
      if (entry.closing) await handle.close();
    } catch (err) {
      await onFailure(entry, err);
    }
  };

  const onFailure = async (entry: Running, err: unknown): Promise<void> => {
    const { conn } = entry;
    if (running.get(conn.id) !== entry || entry.closing) return;
    entry.closing = true;
    running.delete(conn.id);
    await entry.handle?.close().catch(() => undefined);
    if (err instanceof LeaseLostError) {
      deps.logger.warn(log(conn), 'change stream lease lost to another process');
      return;
    }
    const code = isCloseloopError(err) ? err.code : 'INTERNAL';
    const action = failureAction(err, deps.now());
    deps.metrics.jobFailures.inc({ queue: 'stream', code });
    deps.logger.warn({ ...log(conn), code, action: action.action, reason: action.reason }, 'change stream stopped');
    try {
      if (action.action === 'resync') {
        // The stored position is unusable (older than the retention, or refused): read everything again and
        // listen from now on (a fresh start position, stored before subscribing). Done under the lease, which we still
        // hold.
        const kept = await deps.store.tx(async (r, tx) => {
          if (!(await r.changeStreams.savePosition(conn.id, owner, null))) return false;
          await resyncInTx(r, tx, conn, deps.connectorFor(conn.provider).manifest.objectKinds);
          return true;
        });
        if (kept && !stopped) await start(conn, null);
        return;
      }
      if (action.action === 'reconnect')
        await deps.store.connections.setStatus(conn.id, 'needs_reconnect', action.reason);
      if (action.action === 'pause')
        await deps.store.connections.setStatus(conn.id, 'paused', action.reason, new Date(action.until));
      if (action.action === 'retry' || action.action === 'fail') {
        const f = failures.get(conn.id) ?? { count: 0, notBefore: 0 };
        f.count++;
        f.notBefore = deps.now() + Math.min(maxDelay, baseDelay * 2 ** (f.count - 1));
        failures.set(conn.id, f);
      }
      await deps.store.changeStreams.release(conn.id, owner, action.reason);
    } catch (e) {
      deps.logger.error({ ...log(conn), err: e }, 'change stream failure handling failed');
    }
  };

  const closeEntry = async (entry: Running, release: boolean): Promise<void> => {
    entry.closing = true;
    running.delete(entry.conn.id);
    await entry.handle?.close().catch(() => undefined);
    if (release) await deps.store.changeStreams.release(entry.conn.id, owner).catch(() => undefined);
  };

  const tickOnce = async (): Promise<void> => {
    const conns = await deps.store.connections.list();
    const byId = new Map(conns.map((c) => [c.id, c]));
    for (const entry of [...running.values()]) {
      const conn = byId.get(entry.conn.id);
      if (!conn || !isEligible(conn)) {
        await closeEntry(entry, true);
        continue;
      }
      if (!(await deps.store.changeStreams.renew(conn.id, owner, leaseMs))) {
        deps.logger.warn(log(conn), 'change stream lease lost to another process');
        await closeEntry(entry, false);
      }
    }
    // Fair lease selection: hold at most an even share of the streams among the live supervisors; hand the
    // excess back when one joins (its stored replay position lets the next holder resume without loss).
    const members = await deps.store.changeStreams.heartbeat(owner, leaseMs);
    const streamable = conns.filter((c) => isEligible(c) && canStream(deps.connectorFor(c.provider)));
    const share = fairShare(streamable.length, members);
    for (const entry of [...running.values()].slice(share)) {
      deps.logger.info({ ...log(entry.conn), members, share }, 'change stream handed over to rebalance');
      await closeEntry(entry, true);
    }
    for (const conn of streamable) {
      if (stopped || running.size >= share) break;
      if (running.has(conn.id)) continue;
      if ((failures.get(conn.id)?.notBefore ?? 0) > deps.now()) continue;
      const row = await deps.store.changeStreams.acquire(conn.id, owner, leaseMs);
      if (row) await start(conn, row.replay_position);
    }
  };

  const tick = (): Promise<void> => {
    current = current
      .then(() => (stopped ? undefined : tickOnce()))
      .catch((err) => {
        deps.logger.error({ err }, 'change stream supervision failed');
      });
    return current;
  };

  const timer = setInterval(() => {
    void tick();
  }, tickMs);
  timer.unref?.();
  void tick();

  return {
    tick,
    running: () => [...running.keys()],
    async stop() {
      stopped = true;
      clearInterval(timer);
      await current;
      await Promise.all([...running.values()].map((e) => closeEntry(e, true)));
      await deps.store.changeStreams.leave(owner).catch(() => undefined);
    },
  };
}
