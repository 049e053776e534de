import type { CanonicalRecord, Deal, ObjectKind } from '../../src/core/canonical.js';
import type { Connector, WebhookEvent } from '../../src/core/connector.js';
import { silentLogger } from '../../src/lib/logger.js';
import { createMetrics } from '../../src/lib/metrics.js';
import type { WorkQueue } from '../../src/queue/index.js';
import { processInbox, type SyncDeps } from '../../src/sync/process-inbox.js';
import { openTestDb, type TestDb } from '../helpers/db.js';

/**
 * Found by a probe: Salesforce Outbound Messages are unsigned, so anyone who knows an installed org id and its host can
 * forge them, and each forged message (up to 100 notifications) made closeloop read up to 100 records from that org,
 * without limit. Now reads that unsigned pushes trigger have a budget per org and window; over it the message is
 * acknowledged (the intake answered 2xx already) and left to the next poll, with a warning in the log.
 */
const T = Date.UTC(2026, 2, 2, 9, 0, 0);
const HOUR = 3_600_000;
const deal = (id: string): Deal => ({
  kind: 'deal',
  provider: 'salesforce',
  externalId: id,
  createdAt: new Date(T - 86_400_000).toISOString(),
  updatedAt: new Date(T).toISOString(),
  archived: false,
  ownerId: '005000000000001AAA',
  associations: { contacts: [], companies: [], deals: [] },
  url: null,
  name: `Deal ${id}`,
  amount: 1000,
  currency: 'USD',
  stage: 'proposal',
  providerStage: 'Proposal/Price Quote',
  closeDate: null,
  isClosed: false,
  isWon: false,
});

const queue = {
  send: async () => '1',
  sendInTx: async () => '1',
  sendMany: async (_: string, many: unknown[]) => many.length,
} as unknown as WorkQueue;

describe('reads triggered by unsigned Outbound Messages have a budget per org', () => {
  let t: TestDb;
  let now = T;
  let read: string[] = [];
  const warnings: { obj: any; msg: string }[] = [];
  const logger = silentLogger();
  logger.warn = ((obj: any, msg: string) => void warnings.push({ obj, msg })) as never;
  const connector = {
    manifest: { id: 'salesforce', pushSource: 'outbound' },
    fetchByIds: async (_: unknown, kind: ObjectKind, ids: string[]) => {
      read.push(...ids);
      return ids.map((id) => deal(id)) as CanonicalRecord[];
    },
  } as unknown as Connector;
  const deps = (): SyncDeps => ({
    store: t.store,
    queue,
    metrics: createMetrics(),
    logger,
    vault: { context: () => ({}) } as never,
    connectorFor: () => connector,
    vectorIndex: null,
    subscribers: [],
    unsignedReadBudget: { reads: 150, windowMs: HOUR },
    now: () => now,
  });
  let seq = 0;
  /** One forged message: 100 notifications, each naming an opportunity. */
  const forged = async (org: string): Promise<string> => {
    const events: WebhookEvent[] = Array.from({ length: 100 }, () => {
      const n = ++seq;
      return {
        eventId: `04l00000000${String(n).padStart(4, '0')}AAA`,
        accountId: org,
        kind: 'deal',
        objectId: `006000000000${String(n).padStart(3, '0')}AAA`,
        change: 'updated',
        occurredAt: now,
        raw: {},
      };
    });
    return (await t.store.inbox.insertBatch('salesforce', org, `salesforce:${org}`, events)).batchId!;
  };

  beforeAll(async () => {
    t = await openTestDb();
    for (const org of ['00D000000000001EAA', '00D000000000002EAA'])
      await t.store.connections.upsert({
        id: `salesforce:${org}`,
        tenantId: `t-${org}`,
        provider: 'salesforce',
        accountId: org,
        apiBase: 'https://example.my.salesforce.com',
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

  test('within the budget a message is read; over it, acknowledged and left to the poll; the next window reads again', async () => {
    const org = '00D000000000001EAA';
    const first = await forged(org);
    await processInbox(deps(), [first], now);
    expect(read).toHaveLength(100);

    // The second message would bring the window to 200 reads: not read, but processed (nothing waits or retries).
    read = [];
    const second = await forged(org);
    await processInbox(deps(), [second], now);
    expect(read).toEqual([]);
    expect(await t.store.inbox.pending([second])).toEqual([]);
    expect(warnings.map((w) => w.msg)).toContain(
      'outbound message reads over the org budget; deferred to the next poll',
    );
    expect(warnings.at(-1)!.obj).toMatchObject({ connectionId: `salesforce:${org}`, reads: 100 });

    // Another org's budget is its own.
    const other = await forged('00D000000000002EAA');
    await processInbox(deps(), [other], now);
    expect(read).toHaveLength(100);

    // An hour later the first org's messages are read again.
    read = [];
    now += HOUR + 1;
    const later = await forged(org);
    await processInbox(deps(), [later], now);
    expect(read).toHaveLength(100);
  });
});
