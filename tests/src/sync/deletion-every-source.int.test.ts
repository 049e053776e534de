import type {
  Activity,
  ChangePage,
  ChangeStreamEvent,
  Connector,
  ObjectKind,
  Suggestion,
} from '../../../src/core/index.js';
import type { ContextIndexer } from '../../../src/context/index.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { createMetrics } from '../../../src/lib/metrics.js';
import type { QueueName, WorkQueue } from '../../../src/queue/index.js';
import type { IndexEraser } from '../../../src/privacy/erase.js';
import { onChangesApplied } from '../../../src/feedback/record-outcomes.js';
import { putSourceActivities, removeSourceActivity } from '../../../src/sources/source-activities.js';
import { startChangeStreams } from '../../../src/sync/change-streams.js';
import { indexActivities } from '../../../src/sync/index-activities.js';
import { processInbox, type SyncDeps } from '../../../src/sync/process-inbox.js';
import { syncKind } from '../../../src/sync/sync-connection.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';

/**
 * Every source goes through the one change step (src/sync/apply-changes.ts), and a deletion from any of them
 * leaves no trace: for each source, an activity carrying a unique canary is synced through that source, indexed,
 * quoted by a suggestion and mentioned in an audit row; then the source deletes it. Afterwards no row of any
 * table holds the canary, the record's id survives only in the id-and-time tombstone, and the index has
 * nothing for it.
 */
const T0 = Date.UTC(2026, 2, 1, 9, 0, 0);

const email = (provider: string, id: string, canary: string, updatedAt = '2026-03-01T09:00:00.000Z'): Activity => ({
  kind: 'email',
  provider,
  externalId: id,
  createdAt: '2026-03-01T09:00:00.000Z',
  updatedAt,
  archived: false,
  ownerId: 'u1',
  url: null,
  associations: { contacts: [], companies: [], deals: ['d1'] },
  subject: `Renewal ${canary}`,
  body: `Budget talk ${canary} for next year`,
  occurredAt: '2026-03-01T09:00:00.000Z',
  direction: 'inbound',
  status: null,
  dueAt: null,
});

/** A queue that keeps what is sent; the "index" jobs are run by the test (the durable index path). */
function memoryQueue() {
  const sent: { name: QueueName; data: any }[] = [];
  const q = {
    sent,
    start: async () => undefined,
    stop: async () => undefined,
    stats: async () => ({}),
    work: async () => undefined,
    send: async (name: QueueName, data: object) => {
      sent.push({ name, data });
      return String(sent.length);
    },
    sendInTx: async (_tx: unknown, name: QueueName, data: object) => {
      sent.push({ name, data });
      return String(sent.length);
    },
    sendMany: async (name: QueueName, jobs: { data: object }[]) => {
      for (const j of jobs) sent.push({ name, data: j.data });
      return jobs.length;
    },
  };
  return q as typeof q & WorkQueue;
}

/** The context index as a map: what is searchable per tenant, by provider/kind/id. */
function memoryIndex() {
  const docs = new Map<string, string>();
  const k = (tenant: string, provider: string, kind: string, id: string) => `${tenant}|${provider}|${kind}|${id}`;
  const indexer = {
    docs,
    async indexActivities(ctx: { tenantId: string }, acts: Activity[]) {
      for (const a of acts) docs.set(k(ctx.tenantId, a.provider, a.kind, a.externalId), `${a.subject} ${a.body}`);
      return acts.map(() => ({ chunks: 1 }));
    },
    async removeRecord(tenant: string, ref: { provider: string; kind: string; externalId: string }) {
      docs.delete(k(tenant, ref.provider, ref.kind, ref.externalId));
    },
    async deleteByFilter(tenant: string, f: Record<string, unknown>) {
      docs.delete(k(tenant, String(f.provider), String(f.kind), String(f.recordId)));
    },
    async deleteTenant() {
      /* not used */
    },
  };
  return indexer;
}

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => {
  await t.close();
});

interface Source {
  name: string;
  provider: 'hubspot' | 'salesforce';
  /** The record's provider (ingest and Slack items live under a CRM connection). */
  recordProvider?: string;
  create(h: Harness, a: Activity): Promise<void>;
  remove(h: Harness, a: Activity): Promise<void>;
}

interface Harness {
  connId: string;
  deps: SyncDeps;
  queue: ReturnType<typeof memoryQueue>;
  index: ReturnType<typeof memoryIndex>;
  crm: Map<string, Activity>;
  pages: ChangePage[];
  emit: ((e: ChangeStreamEvent) => Promise<void>) | null;
}

const inbox = async (h: Harness, change: 'created' | 'updated' | 'deleted', id: string, eventId: string) => {
  const conn = (await t.store.connections.get(h.connId))!;
  const { batchId } = await t.store.inbox.insertBatch(conn.provider, conn.account_id, h.connId, [
    { eventId, accountId: conn.account_id, kind: 'email', objectId: id, change, occurredAt: T0, raw: {} },
  ]);
  await processInbox(h.deps, [batchId!], T0);
};
const poll = (mode: 'poll' | 'backfill') => async (h: Harness, a: Activity, deleted: boolean) => {
  const conn = (await t.store.connections.get(h.connId))!;
  h.pages.push(
    deleted
      ? { records: [], deleted: [{ kind: 'email', externalId: a.externalId }], checkpoint: { n: 2 }, done: true }
      : { records: [a], deleted: [], checkpoint: { n: 1 }, done: true },
  );
  await syncKind(h.deps, conn, 'email', { analyze: mode === 'poll' });
};
const sourceWrite = async (h: Harness, a: Activity) => {
  const conn = (await t.store.connections.get(h.connId))!;
  await t.store.tx((r, tx) =>
    putSourceActivities(r, tx, h.deps, conn, [a], {
      now: T0,
      stamping: a.provider === 'slack' ? 'source' : 'received',
    }),
  );
};
const sourceDelete = async (h: Harness, a: Activity) => {
  const conn = (await t.store.connections.get(h.connId))!;
  expect(
    await t.store.tx((r, tx) => removeSourceActivity(r, tx, h.deps, conn, a.externalId, T0 + 60_000)),
  ).not.toBeNull();
};

const SOURCES: Source[] = [
  {
    name: 'HubSpot webhook',
    provider: 'hubspot',
    create: (h, a) => {
      h.crm.set(a.externalId, a);
      return inbox(h, 'created', a.externalId, 'e1');
    },
    remove: (h, a) => {
      h.crm.delete(a.externalId);
      return inbox(h, 'deleted', a.externalId, 'e2');
    },
  },
  {
    name: 'HubSpot poll',
    provider: 'hubspot',
    create: (h, a) => poll('poll')(h, a, false),
    remove: (h, a) => poll('poll')(h, a, true),
  },
  {
    name: 'HubSpot backfill',
    provider: 'hubspot',
    create: (h, a) => poll('backfill')(h, a, false),
    remove: (h, a) => poll('backfill')(h, a, true),
  },
  {
    name: 'Salesforce poll',
    provider: 'salesforce',
    create: (h, a) => poll('poll')(h, a, false),
    remove: (h, a) => poll('poll')(h, a, true),
  },
  {
    name: 'Salesforce backfill',
    provider: 'salesforce',
    create: (h, a) => poll('backfill')(h, a, false),
    remove: (h, a) => poll('backfill')(h, a, true),
  },
  {
    // Outbound Messages never announce a deletion; the re-read by id finds the record gone.
    name: 'Salesforce Outbound Message',
    provider: 'salesforce',
    create: (h, a) => {
      h.crm.set(a.externalId, a);
      return inbox(h, 'updated', a.externalId, 'n1');
    },
    remove: (h, a) => {
      h.crm.delete(a.externalId);
      return inbox(h, 'updated', a.externalId, 'n2');
    },
  },
  {
    name: 'Salesforce CDC',
    provider: 'salesforce',
    create: async (h, a) => {
      await h.emit!({
        replayId: '1',
        records: [a],
        events: [
          {
            eventId: 'r1',
            accountId: 'x',
            kind: 'email',
            objectId: a.externalId,
            change: 'created',
            occurredAt: T0,
            raw: {},
          },
        ],
      });
    },
    remove: async (h, a) => {
      await h.emit!({
        replayId: '2',
        records: [],
        events: [
          {
            eventId: 'r2',
            accountId: 'x',
            kind: 'email',
            objectId: a.externalId,
            change: 'deleted',
            occurredAt: T0,
            raw: {},
          },
        ],
      });
    },
  },
  { name: 'ingest API', provider: 'hubspot', recordProvider: 'ingest', create: sourceWrite, remove: sourceDelete },
  { name: 'Slack', provider: 'salesforce', recordProvider: 'slack', create: sourceWrite, remove: sourceDelete },
];

/** Rows of any table whose text holds `needle` (table → count). */
async function tablesHolding(needle: string): Promise<Record<string, number>> {
  const tables = (
    await t.db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
    )
  ).rows.map((r) => r.table_name);
  const out: Record<string, number> = {};
  for (const table of tables) {
    const r = await t.db.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM "${table}" x WHERE strpos(x::text, $1) > 0`,
      [needle],
    );
    if (Number(r.rows[0]!.n) > 0) out[table] = Number(r.rows[0]!.n);
  }
  return out;
}

describe(`a deletion from any source leaves no trace (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  test.each(SOURCES.map((s, i) => [s.name, s, i] as const))('%s', async (_name, src, i) => {
    const connId = `conn-${i}`;
    const canary = `CANARY${i}x${Math.random().toString(36).slice(2, 8)}`;
    const tag = Math.random().toString(36).slice(2, 10);
    const id = src.recordProvider ? `${src.recordProvider}:item-${tag}` : `rec-${tag}`;
    await t.store.connections.upsert({
      id: connId,
      tenantId: `tenant-${i}`,
      provider: src.provider,
      accountId: `acct-${i}`,
      apiBase: 'http://x',
      displayName: null,
      accessTokenEnc: 'a',
      refreshTokenEnc: null,
      tokenExpiresAt: null,
      tokenMetadata: {},
    });
    const queue = memoryQueue();
    const index = memoryIndex();
    const crm = new Map<string, Activity>();
    const pages: ChangePage[] = [];
    let emit: Harness['emit'] = null;
    const connector = {
      manifest: {
        id: src.provider,
        objectKinds: ['email'],
        capabilities: { webhooks: true, changeStream: src.name === 'Salesforce CDC' },
      },
      fetchByIds: async (_c: unknown, _k: ObjectKind, ids: string[]) => ids.map((x) => crm.get(x)).filter(Boolean),
      async *listChanges() {
        const p = pages.shift();
        if (p) yield p;
      },
      subscribeChanges: async (_c: unknown, _pos: string | null, onEvent: (e: ChangeStreamEvent) => Promise<void>) => {
        emit = onEvent;
        return { close: async () => undefined };
      },
    } as unknown as Connector;
    const deps: SyncDeps = {
      store: t.store,
      queue,
      metrics: createMetrics(),
      logger: silentLogger(),
      vault: { context: () => ({}) } as any,
      connectorFor: () => connector,
      subscribers: [onChangesApplied],
      vectorIndex: index as unknown as IndexEraser,
    };
    const h: Harness = {
      connId,
      deps,
      queue,
      index,
      crm,
      pages,
      get emit() {
        return emit;
      },
    } as Harness;
    const drainIndex = async () => {
      for (const j of queue.sent.filter((x) => x.name === 'index'))
        await indexActivities(t.store, index as unknown as ContextIndexer, j.data.connectionId, j.data.records);
      queue.sent.length = 0;
    };

    let streams: ReturnType<typeof startChangeStreams> | null = null;
    if (src.name === 'Salesforce CDC') {
      streams = startChangeStreams({ ...deps, now: () => Date.now() }, { owner: 'test', tickMs: 60_000 });
      await streams.tick();
      expect(emit).not.toBeNull();
    }
    try {
      const a = email(src.recordProvider ?? src.provider, id, canary);
      await src.create(h, a);
      await drainIndex();
      expect(await t.store.records.get(connId, 'email', id)).toMatchObject({ body: expect.stringContaining(canary) });
      expect([...index.docs.values()].some((d) => d.includes(canary))).toBe(true);
      // What else comes to hold the record: a suggestion quoting it, an audit row of a model call about it.
      const s: Suggestion = {
        id: `sug-${canary}`,
        tenantId: `tenant-${i}`,
        connectionId: connId,
        provider: src.provider,
        type: 'stale_deal_follow_up',
        dedupeKey: `k-${canary}`,
        dealId: null,
        contactIds: [],
        companyId: null,
        ownerId: 'u1',
        task: { subject: `Follow up on ${canary}`, body: null, dueAt: null, priority: 'normal' } as any,
        draft: null,
        reason: 'r',
        evidence: [{ recordKind: 'email', externalId: id, quote: `quote ${canary}`, url: null, field: null }],
        explanation: { model: 'm', tier: 'small', confidence: 0.5, factors: [], costUsd: 0 },
        createdAt: '2026-03-01T09:00:00.000Z',
      } as Suggestion;
      await t.store.suggestions.insert(s, 'allowed', []);
      await t.store.audit.recordCall({
        tenantId: `tenant-${i}`,
        connectionId: connId,
        suggestionId: null,
        taskKind: 'draft_email',
        model: 'm',
        tier: 'small',
        maskedPrompt: `about ${id}: ${canary}`,
        maskedResponse: '{}',
        inputTokens: 1,
        outputTokens: 1,
        costUsd: 0,
        errorCode: null,
        providerRequestId: null,
        recordRefs: [{ kind: 'email', externalId: id }],
        privacyFlags: [],
      } as any);
      expect(Object.keys(await tablesHolding(canary)).sort()).toEqual(
        expect.arrayContaining(['records', 'suggestions', 'model_calls']),
      );

      await src.remove(h, a);
      await drainIndex();

      expect(await tablesHolding(canary)).toEqual({});
      const withId = await tablesHolding(id);
      // Only the id-and-time tombstone (and provider event ids, which are not record data) may name it.
      for (const table of Object.keys(withId)) expect(['record_tombstones', 'webhook_event_ids']).toContain(table);
      expect([...index.docs.keys()].filter((k) => k.includes(id))).toEqual([]);
      expect([...index.docs.values()].filter((d) => d.includes(canary))).toEqual([]);
      // And a stale copy cannot bring it back.
      await t.store.records.upsertMany(connId, [a]);
      expect(await t.store.records.get(connId, 'email', id)).toBeNull();
    } finally {
      await streams?.stop();
    }
  });
});
