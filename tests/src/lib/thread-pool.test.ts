import { threadId } from 'node:worker_threads';
import { HashingEmbedder } from '../../../src/context/hashing-embedder.js';
import { ThreadedHashingEmbedder } from '../../../src/context/threaded-embedder.js';
import { createThreadPool } from '../../../src/lib/thread-pool.js';

/** CPU-heavy work off the event loop: a pool of worker threads with a concurrency cap (src/lib/thread-pool.ts). */
const entry = new URL('../../fixtures/threads/busy-thread.ts', import.meta.url);
type Ran = { threadId: number; start: number; end: number };

test('requests run in other threads, never more at once than the pool size, and all of them finish', async () => {
  const pool = createThreadPool<{ spinMs: number }, Ran>({ entry, size: 2 });
  try {
    let peak = 0;
    const runs = Array.from({ length: 6 }, () => {
      const p = pool.run({ spinMs: 30 });
      peak = Math.max(peak, pool.running());
      return p;
    });
    const done = await Promise.all(runs);
    expect(done).toHaveLength(6);
    expect(peak).toBeLessThanOrEqual(2);
    expect(new Set(done.map((r) => r.threadId)).size).toBe(2);
    expect(done.every((r) => r.threadId !== threadId)).toBe(true);
    // At no instant did more than two requests run: a sweep over the threads' own start and end times
    // (an end and a start in the same millisecond count as one after the other).
    const events = done
      .flatMap(
        (r) =>
          [
            [r.start, 1],
            [r.end, -1],
          ] as const,
      )
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let now = 0;
    let most = 0;
    for (const [, d] of events) {
      now += d;
      most = Math.max(most, now);
    }
    expect(most).toBeLessThanOrEqual(2);
    expect(most).toBeGreaterThanOrEqual(1);
    expect(pool.running()).toBe(0);
  } finally {
    await pool.close();
  }
});

test('a failing request rejects alone; a thread that dies fails its request and is replaced', async () => {
  const pool = createThreadPool<{ spinMs: number; fail?: boolean; exit?: boolean }, Ran>({ entry, size: 1 });
  try {
    await expect(pool.run({ spinMs: 0, fail: true })).rejects.toThrow('asked to fail');
    await expect(pool.run({ spinMs: 0, exit: true })).rejects.toThrow(/exited with code 3/);
    const after = await pool.run({ spinMs: 1 });
    expect(after.threadId).not.toBe(threadId);
  } finally {
    await pool.close();
  }
  await expect(pool.run({ spinMs: 0 })).rejects.toThrow('closed');
});

test('the threaded embedder returns exactly the vectors of the inline one, in order, in the same vector space', async () => {
  const inline = new HashingEmbedder();
  const threaded = new ThreadedHashingEmbedder(2);
  try {
    const texts = [
      'Finance cut our budget this quarter.',
      'Walked Hank through the contract redlines.',
      '',
      'Ünïcode café, naïve résumé',
    ];
    const [a, b] = await Promise.all([inline.embed(texts), threaded.embed(texts)]);
    expect(threaded.id).toBe(inline.id);
    expect(threaded.dimensions).toBe(inline.dimensions);
    expect(b).toHaveLength(texts.length);
    for (let i = 0; i < texts.length; i++) {
      // Structured-cloned from the thread (jest's realm has its own Float32Array constructor, hence the tag check).
      expect(Object.prototype.toString.call(b[i])).toBe('[object Float32Array]');
      expect(Array.from(b[i]!)).toEqual(Array.from(a[i]!));
    }
    expect(await threaded.embed([])).toEqual([]);
  } finally {
    await threaded.close();
  }
});
