import type { TransferListItem, Worker } from 'node:worker_threads';
import { startThread } from './threads.js';

/**
 * CPU-heavy work off the event loop: up to `size` long-lived worker threads running `entry`, one request each
 * at a time (the concurrency cap); further requests wait in order. Threads start on first use and are unref'd
 * (an idle pool never keeps the process alive). A thread that dies fails its request and is replaced on the
 * next one. The entry answers each `{ id, request }` message with `{ id, ok: true, result }` or
 * `{ id, ok: false, error: { message } }` (src/lib/thread-entry.ts does that for a plain function).
 */
export interface ThreadPool<Req, Res> {
  run(request: Req, transfer?: TransferListItem[]): Promise<Res>;
  /** Requests running in a thread now (never more than the size). */
  running(): number;
  close(): Promise<void>;
}

interface Slot {
  worker: Worker;
  busy: boolean;
}
interface Pending {
  id: number;
  request: unknown;
  transfer: TransferListItem[];
  resolve: (v: any) => void;
  reject: (e: Error) => void;
}

export function createThreadPool<Req, Res>(o: { entry: URL; size: number }): ThreadPool<Req, Res> {
  const size = Math.max(1, o.size);
  const slots: Slot[] = [];
  const queue: Pending[] = [];
  const inFlight = new Map<Worker, Pending>();
  let nextId = 1;
  let closed = false;

  const spawn = (): Slot => {
    const worker = startThread(o.entry);
    worker.unref();
    const slot: Slot = { worker, busy: false };
    worker.on('message', (m: { id: number; ok: boolean; result?: unknown; error?: { message: string } }) => {
      const p = inFlight.get(worker);
      if (!p || p.id !== m.id) return;
      inFlight.delete(worker);
      slot.busy = false;
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(m.error?.message ?? 'thread failed'));
      pump();
    });
    const die = (err: Error) => {
      const i = slots.indexOf(slot);
      if (i >= 0) slots.splice(i, 1);
      const p = inFlight.get(worker);
      inFlight.delete(worker);
      p?.reject(err);
      pump();
    };
    worker.on('error', die);
    worker.on('exit', (code) => die(new Error(`worker thread exited with code ${code}`)));
    slots.push(slot);
    return slot;
  };

  const pump = () => {
    while (!closed && queue.length) {
      const slot = slots.find((s) => !s.busy) ?? (slots.length < size ? spawn() : null);
      if (!slot) return;
      const p = queue.shift()!;
      slot.busy = true;
      inFlight.set(slot.worker, p);
      slot.worker.postMessage({ id: p.id, request: p.request }, p.transfer);
    }
  };

  return {
    run(request, transfer = []) {
      if (closed) return Promise.reject(new Error('thread pool closed'));
      return new Promise<Res>((resolve, reject) => {
        queue.push({ id: nextId++, request, transfer, resolve, reject });
        pump();
      });
    },
    running: () => inFlight.size,
    async close() {
      closed = true;
      for (const p of queue.splice(0)) p.reject(new Error('thread pool closed'));
      const all = slots.splice(0);
      for (const s of all) s.worker.removeAllListeners('exit');
      for (const [, p] of inFlight) p.reject(new Error('thread pool closed'));
      inFlight.clear();
      await Promise.all(all.map((s) => s.worker.terminate()));
    },
  };
}
