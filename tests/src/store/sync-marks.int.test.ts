import { createMetrics } from '../../../src/lib/metrics.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';
import { seedConnection } from '../sources/helpers.js';

/**
 * Sync lag per connection (closeloop_sync_lag_seconds): now minus the newer of its last applied change and its last
 * poll.
 */
let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => {
  await t.close();
});

test('a connection that never synced has no lag; a change or a poll makes it current; an old one shows its age', async () => {
  await seedConnection(t.store, 'conn_lag_a', 'ten_lag_a', 'conn_lag_a', false);
  await seedConnection(t.store, 'conn_lag_b', 'ten_lag_b', 'conn_lag_b', false);
  await seedConnection(t.store, 'conn_lag_c', 'ten_lag_c', 'conn_lag_c', false);
  expect((await t.store.syncMarks.lag()).filter((r) => r.connectionId.startsWith('conn_lag_'))).toEqual([]);

  await t.store.syncMarks.noteChange('conn_lag_a');
  await t.store.syncMarks.noteChange('conn_lag_a'); // within the write interval: no second write, no error
  await t.store.connections.markSynced('conn_lag_b');
  await t.store.syncMarks.noteChange('conn_lag_c');
  // conn_lag_c applied its last change ten minutes ago and has not polled since.
  await t.db.query(
    "UPDATE connection_sync_marks SET last_change_at = now() - interval '10 minutes' WHERE connection_id = 'conn_lag_c'",
  );

  const lag = Object.fromEntries(
    (await t.store.syncMarks.lag())
      .filter((r) => r.connectionId.startsWith('conn_lag_'))
      .map((r) => [r.connectionId, r]),
  );
  expect(Object.keys(lag).sort()).toEqual(['conn_lag_a', 'conn_lag_b', 'conn_lag_c']);
  expect(lag.conn_lag_a!.lagSeconds).toBeLessThan(60);
  expect(lag.conn_lag_b!.lagSeconds).toBeLessThan(60);
  expect(lag.conn_lag_c!.lagSeconds).toBeGreaterThanOrEqual(600);
  expect(lag.conn_lag_c!.provider).toBe('hubspot');

  // A poll after the old change makes the connection current again.
  await t.store.connections.markSynced('conn_lag_c');
  const c = (await t.store.syncMarks.lag()).find((r) => r.connectionId === 'conn_lag_c')!;
  expect(c.lagSeconds).toBeLessThan(60);

  // The gauges read the store at scrape time, per provider only: the worst lag and how many connections have one;
  // no connection id (docs/security.md).
  await t.db.query(
    "UPDATE connection_sync_marks SET last_change_at = now() - interval '20 minutes' WHERE connection_id = 'conn_lag_a'",
  );
  await t.db.query("UPDATE connections SET last_sync_at = now() - interval '20 minutes' WHERE id = 'conn_lag_a'");
  const rows = (await t.store.syncMarks.lag()).filter((r) => r.provider === 'hubspot');
  const metrics = createMetrics();
  metrics.observeSyncLag(() => t.store.syncMarks.lag());
  const text = await metrics.registry.metrics();
  const max = Number(/^closeloop_sync_lag_seconds\{provider="hubspot"\} (\S+)$/m.exec(text)?.[1]);
  expect(max).toBeGreaterThanOrEqual(1200);
  expect(max).toBeLessThan(1260);
  expect(text).toMatch(new RegExp(`^closeloop_sync_lag_connections\\{provider="hubspot"\\} ${rows.length}$`, 'm'));
  expect(text).not.toMatch(/conn_lag|connection=/);
});
