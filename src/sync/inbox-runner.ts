import { isCloseloopError } from '../core/errors.js';
import { decideFailure, type FailureAction } from '../lib/failure-action.js';
import type { InboxBatch } from '../store/inbox.js';
import type { Wakeup } from '../store/wakeup.js';
import { processBatches, type SyncDeps } from './process-inbox.js';
import { processInboxSpan } from './inbox-trace.js';

/** Tries a batch gets (failed tries and lost leases together) before it is dead-lettered. */
export const INBOX_MAX_ATTEMPTS = 8;

export interface InboxRunnerOptions {
  /** Claim loops in this process (0: none, drain() only: tests, benchmarks). */
  concurrency: number;
  /** Safety-net poll when no wake-up comes (retries falling due, a lost notification, polling-only setups). */
  pollMs?: number;
  /** How long a claimed batch stays with its worker without a heartbeat (kill -9 recovery time). */
  leaseMs?: number;
  /** Batches per claim, and per connection within a claim. */
  claimLimit?: number;
  perConnection?: number;
  maxAttempts?: number;
  now?: () => number;
  /** Backoff jitter (tests). */
  random?: () => number;
}

export interface InboxRunner {
  /**
   * Claim and process until nothing is claimable (tests, benchmarks); the loops keep running. Returns batches handled.
   */
  drain(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The inbox is the queue: workers claim webhook batches straight from webhook_batches (src/store/inbox.ts: SKIP
 * LOCKED, a lease, connections served round-robin) — no job is written on the request path. Each loop claims,
 * processes (heartbeating the lease), and on failure follows the one failure policy (src/lib/failure-action.ts):
 * retry at the policy's time, pause or reconnect the connection (its batches wait, claimable again when it can
 * sync), or dead-letter. A claim of several batches that fails for good, or on an error closeloop does not know, is
 * retried one batch at a time, so one poison batch never takes the others down with it. Safe in any number of
 * processes.
 */
export function startInboxRunner(deps: SyncDeps & { wakeup: Wakeup }, o: InboxRunnerOptions): InboxRunner {
  const pollMs = o.pollMs ?? 1000;
  const leaseMs = o.leaseMs ?? 60_000;
  const maxAttempts = o.maxAttempts ?? INBOX_MAX_ATTEMPTS;
  const now = o.now ?? Date.now;
  const claimOpts = { limit: o.claimLimit ?? 4, perConnection: o.perConnection ?? 4, leaseMs };
  let stopped = false;
  let waiters: (() => void)[] = [];
  const wakeAll = () => {
    const w = waiters;
    waiters = [];
    for (const fn of w) fn();
  };
  const unsubscribe = deps.wakeup.subscribe(wakeAll);
  const idle = () =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        waiters = waiters.filter((w) => w !== done);
        resolve();
      }, pollMs);
      const done = () => {
        clearTimeout(t);
        resolve();
      };
      waiters.push(done);
    });

  const fail = async (batches: InboxBatch[], err: unknown): Promise<void> => {
    // An error closeloop does not know (a bug, or a value the database refused) says nothing about the provider or
    // the connection, and may be one batch's alone: the batches are tried one by one at once, so the others do not
    // wait out its retries with it.
    if (batches.length > 1 && !isCloseloopError(err)) {
      for (const b of batches) await run([b]);
      return;
    }
    const ids = batches.map((b) => b.id);
    const attempt = Math.max(...batches.map((b) => b.attempts ?? 0)) + 1;
    const action: FailureAction = decideFailure(err, { attempt, maxAttempts, now: now(), random: o.random });
    const connectionId = batches[0]!.connection_id;
    deps.metrics.jobFailures.inc({ queue: 'inbox', code: isCloseloopError(err) ? err.code : 'INTERNAL' });
    deps.logger.warn(
      { queue: 'inbox', connectionId, batches: ids, attempt, action: action.action, reason: action.reason },
      'job failed',
    );
    if (connectionId && action.action === 'reconnect')
      await deps.store.connections.setStatus(connectionId, 'needs_reconnect', action.reason);
    if (connectionId && action.action === 'pause')
      await deps.store.connections.setStatus(connectionId, 'paused', action.reason, new Date(action.until));
    if (action.action === 'retry') return deps.store.inbox.retryLater(ids, action.reason, new Date(action.at));
    // Parked: the batches wait, unclaimed, until the connection can sync again (the claim skips it until then).
    if (action.action === 'pause' || action.action === 'reconnect')
      return deps.store.inbox.retryLater(ids, action.reason, null);
    if (batches.length > 1) {
      for (const b of batches) await run([b]);
      return;
    }
    await deps.store.inbox.markDead(ids, action.reason);
  };

  const run = async (batches: InboxBatch[]): Promise<void> => {
    const ids = batches.map((b) => b.id);
    // The lease is kept while the provider reads and the change step run (a rate-limited read may be slow).
    const beat = setInterval(
      () => {
        deps.store.inbox.extendLease(ids, leaseMs).catch(() => undefined);
      },
      Math.max(1000, leaseMs / 3),
    );
    try {
      await processInboxSpan(
        batches[0]!.trace_context,
        { 'closeloop.connection_id': batches[0]!.connection_id ?? '' },
        () => processBatches(deps, batches),
      );
    } catch (err) {
      await fail(batches, err);
    } finally {
      clearInterval(beat);
    }
  };

  /** One claim and its batches; returns how many were claimed. */
  const step = async (): Promise<number> => {
    const claimed = await deps.store.inbox.claim(claimOpts);
    const spent = claimed.filter((b) => (b.attempts ?? 0) >= maxAttempts);
    if (spent.length) {
      await deps.store.inbox.markDead(
        spent.map((b) => b.id),
        'no worker completed it: tries spent (lost leases)',
      );
      deps.logger.warn({ batches: spent.map((b) => b.id) }, 'webhook batches dead-lettered after repeated failures');
    }
    const live = claimed.filter((b) => (b.attempts ?? 0) < maxAttempts);
    const byConn = new Map<string, InboxBatch[]>();
    for (const b of live) {
      const k = b.connection_id ?? '';
      const l = byConn.get(k);
      if (l) l.push(b);
      else byConn.set(k, [b]);
    }
    for (const list of byConn.values()) await run(list);
    return claimed.length;
  };

  const loop = async (): Promise<void> => {
    while (!stopped) {
      let n = 0;
      try {
        n = await step();
      } catch (err) {
        if (stopped) return;
        deps.logger.error({ err }, 'inbox claim failed');
      }
      if (n === 0 && !stopped) await idle();
    }
  };
  const loops = Array.from({ length: Math.max(0, o.concurrency) }, () => loop());

  return {
    async drain() {
      let total = 0;
      for (let n = await step(); n > 0; n = await step()) total += n;
      return total;
    },
    async stop() {
      stopped = true;
      unsubscribe();
      wakeAll();
      await Promise.all(loops);
    },
  };
}
