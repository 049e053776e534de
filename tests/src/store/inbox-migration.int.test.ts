import { eventKey } from '../../../src/store/inbox.js';
import { cpSync, mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDb, type Db } from '../../../src/store/db.js';
import { createStore, migrate } from '../../../src/store/index.js';
import { freshDatabase, ROOT } from '../../helpers/db.js';

/**
 * 0101 replaces the per-event webhook_inbox: rows recorded before it keep deduplicating and pending ones stay pending.
 */
describe(`migration 0101 carries webhook_inbox over (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  let db: Db;
  let drop: (() => Promise<void>) | null = null;
  beforeAll(async () => {
    if (process.env.DATABASE_URL) {
      const fresh = await freshDatabase(process.env.DATABASE_URL);
      drop = fresh.drop;
      db = await openDb({ databaseUrl: fresh.url });
      await db.query('CREATE EXTENSION IF NOT EXISTS vector').catch(() => undefined);
    } else {
      db = await openDb({ dataDir: 'memory://' });
    }
  });
  afterAll(async () => {
    await db.close();
    await drop?.();
  });

  test('events, processing state and dedupe keys survive', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cl-mig-'));
    for (const f of readdirSync(path.join(ROOT, 'migrations')).filter((x) => x < '0101'))
      cpSync(path.join(ROOT, 'migrations', f), path.join(dir, f));
    await migrate(db, dir);
    await db.query(`INSERT INTO tenants (id) VALUES ('t1') ON CONFLICT DO NOTHING`).catch(() => undefined);
    const store0 = createStore(db);
    await store0.connections.upsert({
      id: 'c1',
      tenantId: 't1',
      provider: 'hubspot',
      accountId: '42',
      apiBase: 'http://x',
      displayName: null,
      accessTokenEnc: 'a',
      refreshTokenEnc: null,
      tokenExpiresAt: null,
      tokenMetadata: {},
    });
    const ev = (id: string, objectId: string) =>
      JSON.stringify({
        eventId: id,
        accountId: '42',
        kind: 'deal',
        objectId,
        change: 'updated',
        occurredAt: 1,
        raw: { id },
      });
    await db.query(
      `INSERT INTO webhook_inbox (provider, account_id, event_id, connection_id, payload, processed_at) VALUES
         ('hubspot', '42', 'old-1', 'c1', $1::jsonb, now()), ('hubspot', '42', 'old-2', 'c1', $2::jsonb, NULL), ('hubspot', '42', 'old-3', 'c1', $3::jsonb, NULL)`,
      [ev('old-1', 'd1'), ev('old-2', 'd2'), ev('old-3', 'd3')],
    );

    expect(await migrate(db, path.join(ROOT, 'migrations'))).toContain('0101_webhook_batches.sql');
    const store = createStore(db);
    expect((await db.query("SELECT to_regclass('webhook_inbox') IS NULL AS gone")).rows[0]).toEqual({ gone: true });
    expect(await store.inbox.count()).toEqual({ total: 3, pending: 2 });
    // The pending events became one batch that workers claim from the inbox (migrations 0300/0301).
    const claimed = await store.inbox.claim({ limit: 10, perConnection: 10, leaseMs: 60_000 });
    expect(claimed).toHaveLength(1);
    expect(claimed[0]!.events.map((e) => e.objectId)).toEqual(['d2', 'd3']);
    // A redelivery of an event recorded before the migration is still a duplicate.
    const again = await store.tx((r) =>
      r.inbox.insertBatch('hubspot', '42', 'c1', [
        { eventId: 'old-1', accountId: '42', kind: 'deal', objectId: 'd1', change: 'updated', occurredAt: 1, raw: {} },
        { eventId: 'new-1', accountId: '42', kind: 'deal', objectId: 'd9', change: 'updated', occurredAt: 1, raw: {} },
      ]),
    );
    // The worker that claims it finds old-1's key held by the migrated batch (the check is the worker's now).
    const held = await store.inbox.eventKeysHeld(
      ['old-1', 'new-1'].map((id) => ({ key: eventKey('hubspot', '42', id), batchId: again.batchId! })),
    );
    expect([...held]).toEqual([eventKey('hubspot', '42', 'old-1')]);
  });
});
