import pg from 'pg';
import type { Db } from './db.js';

/**
 * "New work in the inbox": a hint that wakes idle workers at once instead of at their next poll. Never needed for
 * correctness: workers also poll (the safety net for a lost notification, PgBouncer in transaction mode, a
 * listener that is reconnecting).
 *
 * - In this process (the embedded default runs web and workers in one process): subscribers are called directly.
 * - Other processes (PostgreSQL): a `pg_notify` sent after the request's commit, off the request path and
 *   coalesced (at most one in flight and one per few ms; calls meanwhile send one more after that), so NOTIFY's
 *   commit-time lock never sits in the webhook transaction and a burst costs a handful of notifications. Workers LISTEN
 * on their own session connection to `listenUrl`
 *   (direct to PostgreSQL when DATABASE_URL goes through a transaction-mode pooler).
 */
export interface Wakeup {
  /** There is new work (call after the commit). */
  notify(): void;
  /** Called on every wake-up, local or from another process. Returns the unsubscribe. */
  subscribe(fn: () => void): () => void;
  close(): Promise<void>;
}

export interface WakeupOptions {
  channel: string;
  /** false: no NOTIFY/LISTEN across processes (polling only); in-process wake-ups still happen. */
  crossProcess: boolean;
  /** Session connection for LISTEN (PostgreSQL only); null: polling only across processes. */
  listenUrl: string | null;
  onError?: (err: unknown) => void;
  /** Least time between two NOTIFYs from this process (ms, default 5). */
  gapMs?: number;
}

export function createWakeup(db: Pick<Db, 'engine' | 'query'>, o: WakeupOptions): Wakeup {
  const subscribers = new Set<() => void>();
  const remote = db.engine === 'postgres' && o.crossProcess;
  let closed = false;
  let inFlight = false;
  let again = false;
  let listener: { close(): Promise<void> } | null = null;
  const wakeLocal = () => {
    for (const fn of subscribers) fn();
  };
  // At most one NOTIFY in flight and one per gapMs: under a burst of webhooks a handful of notifications, not one each.
  const gapMs = o.gapMs ?? 5;
  const send = (): void => {
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    db.query("SELECT pg_notify($1, '')", [o.channel])
      .catch((err: unknown) => o.onError?.(err))
      .finally(() => {
        setTimeout(() => {
          inFlight = false;
          if (again && !closed) {
            again = false;
            send();
          }
        }, gapMs).unref();
      });
  };
  return {
    notify() {
      if (closed) return;
      queueMicrotask(wakeLocal);
      if (remote) send();
    },
    subscribe(fn) {
      subscribers.add(fn);
      if (remote && o.listenUrl && !listener && !closed)
        // Anything sent while we were not listening is found by the wake-up on (re)connection (and by the poll).
        listener = listenWithReconnect(o.listenUrl, o.channel, {
          onNotification: () => wakeLocal(),
          onConnected: wakeLocal,
          onError: o.onError,
        });
      return () => {
        subscribers.delete(fn);
      };
    },
    async close() {
      closed = true;
      subscribers.clear();
      await listener?.close();
    },
  };
}

/** What a LISTEN session reports: each notification, each (re)connection, each failed attempt. */
export interface ListenHandlers {
  onNotification(payload: string | undefined): void;
  /** After every successful LISTEN, the first one too: anything sent while not listening is to be looked for. */
  onConnected(): void;
  onError?(err: unknown): void;
}

/**
 * LISTEN on a session connection of its own, reconnecting with backoff (0.5 s doubling to 30 s). `ready` settles
 * with the first attempt (it rejects when that one fails; the retries go on until `close`).
 */
export function listenWithReconnect(
  url: string,
  channel: string,
  h: ListenHandlers,
): { ready: Promise<void>; close(): Promise<void> } {
  let closed = false;
  let client: pg.Client | null = null;
  let timer: NodeJS.Timeout | null = null;
  let attempt = 0;
  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url, keepAlive: true });
    c.on('notification', (m) => h.onNotification(m.payload));
    c.on('error', () => drop(c));
    c.on('end', () => drop(c));
    client = c;
    try {
      await c.connect();
      await c.query(`LISTEN "${channel.replace(/"/g, '""')}"`);
    } catch (e) {
      c.removeAllListeners();
      await c.end().catch(() => undefined);
      if (client === c) client = null;
      throw e;
    }
    attempt = 0;
    h.onConnected();
  };
  const retry = (err?: unknown) => {
    if (err) h.onError?.(err);
    if (closed || timer) return;
    timer = setTimeout(
      () => {
        timer = null;
        connect().catch(retry);
      },
      Math.min(30_000, 500 * 2 ** Math.min(attempt++, 6)),
    );
  };
  const drop = (c: pg.Client) => {
    if (closed || client !== c) return;
    client = null;
    c.removeAllListeners();
    c.end().catch(() => undefined);
    retry();
  };
  const ready = connect();
  ready.catch(retry);
  return {
    ready,
    close: async () => {
      closed = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = null;
      c?.removeAllListeners();
      await c?.end().catch(() => undefined);
    },
  };
}
