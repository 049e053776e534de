import type { ChangePage, Checkpoint, Connector, Deal, ObjectKind } from '../../../src/core/index.js';
import { InvalidCursorError, emptyAssociations } from '../../../src/core/index.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { createMetrics } from '../../../src/lib/metrics.js';
import { syncKind } from '../../../src/sync/sync-connection.js';
import type { WorkQueue } from '../../../src/queue/index.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';

const deal = (id: string, updatedAt: string): Deal => ({
  kind: 'deal',
  provider: 'hubspot',
  externalId: id,
  createdAt: null,
  updatedAt,
  archived: false,
  ownerId: null,
  associations: emptyAssociations(),
  url: null,
  name: `D${id}`,
  amount: null,
  currency: null,
  stage: 'proposal',
  providerStage: 'x',
  closeDate: null,
  isClosed: false,
  isWon: false,
});

/** A connector serving 3 pages of deals; `failAt` makes the page fetch throw like a crash mid-backfill. */
function pagedConnector(seen: (Checkpoint | null)[], failAt: { page: number | null; invalidCursor?: boolean }) {
  const pages = [
    [deal('1', '2026-01-01T00:00:00.000Z'), deal('2', '2026-01-02T00:00:00.000Z')],
    [deal('3', '2026-01-03T00:00:00.000Z')],
    [deal('4', '2026-01-04T00:00:00.000Z')],
  ];
  return {
    manifest: { id: 'hubspot', objectKinds: ['deal'] },
    async *listChanges(_ctx: unknown, _kind: ObjectKind, since: Checkpoint | null): AsyncIterable<ChangePage> {
      seen.push(since);
      if (failAt.invalidCursor && since) throw new InvalidCursorError('cursor expired');
      for (let p = since ? Number(since.page) + 1 : 0; p < pages.length; p++) {
        if (failAt.page === p) {
          failAt.page = null;
          throw new Error('process killed');
        }
        yield { records: pages[p]!, deleted: [], checkpoint: { page: p }, done: p === pages.length - 1 };
      }
    },
  } as unknown as Connector;
}

const noQueue = { sendInTx: async () => null, send: async () => null, sendMany: async () => 0 } as unknown as WorkQueue;

describe(`backfill checkpoints (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb();
    await t.store.connections.upsert({
      id: 'c',
      tenantId: 't',
      provider: 'hubspot',
      accountId: '1',
      apiBase: 'x',
      displayName: null,
      accessTokenEnc: 'a',
      refreshTokenEnc: null,
      tokenExpiresAt: null,
      tokenMetadata: {},
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const deps = (connector: Connector) => ({
    store: t.store,
    queue: noQueue,
    metrics: createMetrics(),
    logger: silentLogger(),
    vault: { context: () => ({}) } as any,
    connectorFor: () => connector,
    subscribers: [],
  });

  test('a backfill killed mid-way resumes after the last stored page', async () => {
    const seen: (Checkpoint | null)[] = [];
    const conn = (await t.store.connections.get('c'))!;
    const failing = pagedConnector(seen, { page: 2 });
    await expect(syncKind(deps(failing), conn, 'deal', { analyze: false })).rejects.toThrow('process killed');
    expect(await t.store.checkpoints.get('c', 'objects:deal')).toEqual({ page: 1 });
    expect(Object.keys(await t.store.records.countsByKind())).toEqual(['deal']);
    expect(await syncKind(deps(failing), conn, 'deal', { analyze: false })).toBe(1);
    expect(seen).toEqual([null, { page: 1 }]);
    expect((await t.store.records.countsByKind()).deal).toBe(4);
  });

  test('an invalid cursor starts a full resync of that kind instead of failing', async () => {
    const seen: (Checkpoint | null)[] = [];
    const conn = (await t.store.connections.get('c'))!;
    expect(
      await syncKind(deps(pagedConnector(seen, { page: null, invalidCursor: true })), conn, 'deal', { analyze: false }),
    ).toBe(4);
    expect(seen).toEqual([{ page: 2 }, null]);
  });
});
