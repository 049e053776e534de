import { bucketShapeFor, DbRequestPacer } from '../../../src/sync/rate-pacer.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';

/**
 * The shared request budget as a sliding-window log (src/store/rate-buckets.ts): a whole window's allowance
 * may go out at once, no window ever holds more than the lane's capacity, and what the provider reports
 * (429s, fewer calls left) moves the next slots. Time is injected: nothing here waits.
 */
let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => {
  await t.close();
});

/** Send times of `n` calls reserved at `at`, each call's reservation made when the clock reads `at`. */
async function reserve(
  key: string,
  n: number,
  at: number,
  shape = { capacity: 4, refillPerMs: 4 / 1000, windowMs: 1000 },
): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(at + (await t.store.rateBuckets.take(key, shape, at)));
  return out;
}

/** The most calls any window of `w` ms holds among these send times. */
const busiestWindow = (times: number[], w: number) =>
  Math.max(...times.map((s) => times.filter((x) => x >= s && x < s + w).length));

describe('sliding-window request budget', () => {
  test('a burst spends the whole window at once; the next call waits for the oldest to leave the window', async () => {
    const slots = await reserve('k1', 6, 10_000);
    expect(slots.slice(0, 4)).toEqual([10_000, 10_000, 10_000, 10_000]);
    expect(slots.slice(4)).toEqual([11_000, 11_000]);
  });

  test('many calls from several callers never put more than the capacity in any window', async () => {
    const all: number[] = [];
    for (let round = 0; round < 5; round++) all.push(...(await reserve('k2', 7, 20_000 + round * 130)));
    expect(all).toHaveLength(35);
    expect(busiestWindow(all, 1000)).toBe(4);
    // Steady state: 4 calls per second exactly, not fewer.
    expect(Math.max(...all)).toBe(20_000 + 8 * 1000);
  });

  test('a 429 blocks the lane until the provider said; fewer calls left than we counted fills the window', async () => {
    const shape = { capacity: 4, refillPerMs: 4 / 1000, windowMs: 1000 };
    await reserve('k3', 1, 30_000, shape);
    await t.store.rateBuckets.block('k3', 32_500, 30_100);
    expect(await reserve('k3', 1, 30_200, shape)).toEqual([32_500]);
    await reserve('k4', 1, 40_000, shape);
    // The provider says 1 call is left in its window (someone else spent two): only one more goes now.
    await t.store.rateBuckets.clampTokens('k4', 1, 40_010);
    const next = await reserve('k4', 2, 40_020, shape);
    expect(next[0]).toBe(40_020);
    expect(next[1]).toBeGreaterThanOrEqual(41_000);
  });

  test('the published HubSpot limit (110 per 10 s) keeps a margin and at least 90 % of its rate', () => {
    const s = bucketShapeFor(110, 10_000);
    expect(s.capacity).toBeLessThan(110);
    expect(s.windowMs).toBeGreaterThan(10_000);
    expect(s.capacity / s.windowMs).toBeGreaterThanOrEqual((0.9 * 110) / 10_000);
    expect(bucketShapeFor(5, 1000).capacity).toBe(4);
  });

  test('the pacer sleeps exactly until its slot and shares the lane between pacers of one key', async () => {
    let now = 50_000;
    const slept: number[] = [];
    const limits = { lanes: { burst: { max: 5, intervalMs: 1000 } }, dailyMax: null };
    const mk = () =>
      new DbRequestPacer(
        t.store,
        'hubspot:acct:app',
        limits,
        () => now,
        async (ms) => {
          slept.push(ms);
          now += 0;
        },
      );
    const [a, b] = [mk(), mk()];
    for (let i = 0; i < 3; i++) {
      await a.acquire('burst');
      await b.acquire('burst');
    }
    // Capacity 4 (5 minus one spare): four calls now, then two that wait for the window to move.
    const w = bucketShapeFor(5, 1000).windowMs;
    expect(slept).toEqual([w, w]);
  });
});
