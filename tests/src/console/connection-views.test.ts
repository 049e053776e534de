import { backfillProgress, laneUsage, syncLagSeconds } from '../../../src/console/console-service.js';

describe('backfillProgress', () => {
  const kinds = ['contact', 'company', 'deal', 'email'] as const;
  test('before the checkpoint that moved last: done; at it: syncing; after: waiting', () => {
    const p = backfillProgress(
      kinds,
      { contact: 10, company: 3 },
      [
        { stream: 'objects:contact', updated_at: new Date('2026-03-01T00:00:00Z') },
        { stream: 'objects:company', updated_at: new Date('2026-03-01T00:05:00Z') },
      ],
      false,
    );
    expect(p).toEqual(
      [
        { kind: 'contact', records: 10, state: 'done' },
        { kind: 'company', records: 3, state: 'syncing' },
        { kind: 'deal', records: 0, state: 'waiting' },
        { kind: 'email', records: 0, state: 'waiting' },
      ].map((k) => ({ ...k, crm: null, repaired: 0, difference: null })),
    );
  });
  test('a finished backfill is done for every kind', () => {
    expect(backfillProgress(kinds, {}, [], true).every((k) => k.state === 'done')).toBe(true);
  });
  test('the completeness check adds what the CRM counted, what was repaired and what still differs', () => {
    const report = {
      checkedAt: '2026-03-01T00:00:00Z',
      difference: 2,
      kinds: { deal: { crm: 12, store: 10, missing: 3, extra: 0, repaired: 1, difference: 2 } },
    };
    const p = backfillProgress(kinds, { deal: 10 }, [], true, report);
    expect(p.find((k) => k.kind === 'deal')).toEqual({
      kind: 'deal',
      records: 10,
      state: 'done',
      crm: 12,
      repaired: 1,
      difference: 2,
    });
    expect(p.find((k) => k.kind === 'email')).toMatchObject({ crm: null, difference: null });
  });
});

describe('laneUsage', () => {
  test('tokens refill since the last update; in-use share of the capacity; a block in the past is not shown', () => {
    const now = 1_000_000;
    const b = {
      bucket_key: 'hubspot:42:app:burst',
      capacity: 100,
      refill_per_ms: 0.01,
      tokens: 20,
      updated_ms: now - 1000,
      blocked_until_ms: now - 1,
      daily_remaining: 5000,
      calls: 7,
      throttled: 1,
    };
    expect(laneUsage(b, now)).toEqual({
      lane: 'burst',
      capacity: 100,
      usedShare: 0.7,
      calls: 7,
      throttled: 1,
      dailyRemaining: 5000,
      blockedUntil: null,
    });
    expect(laneUsage({ ...b, tokens: -50, refill_per_ms: 0, blocked_until_ms: now + 5000 }, now)).toMatchObject({
      usedShare: 1,
      blockedUntil: new Date(now + 5000),
    });
  });
  test('a sliding-window lane: the calls sent or reserved inside its window, against its capacity', () => {
    const b = {
      bucket_key: 'hubspot:42:app:burst',
      capacity: 100,
      refill_per_ms: 0.01,
      tokens: 99,
      updated_ms: 0,
      blocked_until_ms: 0,
      daily_remaining: null,
      calls: 500,
      throttled: 0,
      window_ms: 10_000,
    };
    expect(laneUsage({ ...b, in_window: 25 }, 1_000_000).usedShare).toBe(0.25);
    expect(laneUsage({ ...b, in_window: 130 }, 1_000_000).usedShare).toBe(1);
  });
});

describe('syncLagSeconds', () => {
  test('since the newer of the last poll and the last change applied; null before either', () => {
    const now = Date.parse('2026-03-11T10:00:00Z');
    expect(syncLagSeconds(new Date('2026-03-11T09:00:00Z'), new Date('2026-03-11T09:59:30Z'), now)).toBe(30);
    expect(syncLagSeconds(new Date('2026-03-11T09:59:00Z'), null, now)).toBe(60);
    expect(syncLagSeconds(null, null, now)).toBeNull();
  });
});
