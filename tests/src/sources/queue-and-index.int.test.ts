import request from 'supertest';
import { ContextIndexer, HashingEmbedder } from '../../../src/context/index.js';
import { PgVectorStore } from '../../../src/store/pgvector-store.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { createWorkQueue, type WorkQueue } from '../../../src/queue/index.js';
import type { Db } from '../../../src/store/db.js';
import { generateIngestKey } from '../../../src/sources/ingest-keys.js';
import { indexActivities } from '../../../src/sync/index-activities.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';
import { memoryDb } from '../context/helpers.js';
import { aContact, aDeal, fixture, seedConnection, slackSignature, sourcesApp, T0 } from './helpers.js';

const engine = process.env.DATABASE_URL ? 'postgres' : 'pglite';
const SECRET = 'slack-secret';

const waitFor = async <T>(fn: () => Promise<T | null | false>, ms = 15_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timeout');
    await new Promise((r) => setTimeout(r, 50));
  }
};

/**
 * The whole path with the real queue: request → records + jobs in one transaction → "index" worker
 * (src/sync/index-activities.ts, as src/main.ts wires it) → searchable through ContextIndexer over
 * PgVectorStore on PGlite. With DATABASE_URL the records and the queue live on PostgreSQL and the vectors on
 * an embedded PGlite (the test server has no pgvector).
 */
describe(`sources → queue → context index (${engine})`, () => {
  let t: TestDb;
  let vectors: Db;
  let q: WorkQueue;
  let indexer: ContextIndexer;
  let app: ReturnType<typeof sourcesApp>['app'];
  const analyzed: string[] = [];
  const keys = { A: '', B: '' };
  let now = T0;

  beforeAll(async () => {
    t = await openTestDb();
    vectors = await memoryDb();
    const embedder = new HashingEmbedder();
    indexer = new ContextIndexer(
      embedder,
      new PgVectorStore(vectors, { dimensions: embedder.dimensions, space: embedder.id }),
    );
    await seedConnection(t.store, 'connA', 'tenantA');
    await seedConnection(t.store, 'connB', 'tenantB');
    await t.store.records.upsertMany('connA', [
      aContact('c1', { email: 'ada@umbrella.example' }),
      aDeal('d1', { associations: { contacts: ['c1'], companies: [], deals: [] } }),
    ]);
    for (const c of ['A', 'B'] as const) {
      const k = generateIngestKey();
      await t.store.sources.createIngestKey({
        id: k.id,
        connectionId: `conn${c}`,
        secretSha256: k.secretSha256,
        label: null,
      });
      keys[c] = k.key;
    }
    await t.store.sources.bindSlackTeam({ teamId: 'T0ACME001', connectionId: 'connA', domain: 'acme' });
    q = createWorkQueue(t.db, t.url, { logger: silentLogger(), pollingIntervalSeconds: 0.5 });
    await q.start();
    await q.work<{ connectionId: string; records: { kind: string; externalId: string }[] }>(
      'index',
      { concurrency: 1, batchSize: 20 },
      async (jobs) => {
        for (const j of jobs) await indexActivities(t.store, indexer, j.data.connectionId, j.data.records);
      },
    );
    await q.work<{ dealId: string }>('analyze', { concurrency: 1 }, async (jobs) => {
      for (const j of jobs) analyzed.push(j.data.dealId);
    });
    app = sourcesApp(t.store, q, { now: () => now, slackSigningSecret: SECRET }).app;
  });
  afterAll(async () => {
    await q.stop();
    await t.close();
    await vectors.close();
  });

  const post = (key: string, items: unknown[]) =>
    request(app).post('/ingest/v1/interactions').set('Authorization', `Bearer ${key}`).send({ items });
  const find = (tenant: string, query: string, recordId: string) => async () =>
    (await indexer.retrieve(tenant, query, { topK: 5 })).find((c) => c.source.recordId === recordId) ?? null;

  test('a posted transcript is searchable within seconds, and its deal is re-analysed', async () => {
    const started = Date.now();
    const res = await post(keys.A, [
      {
        sourceId: 'zebra-1',
        type: 'call_transcript',
        occurredAt: '2026-01-01T09:30:00Z',
        title: 'Umbrella pilot scoping',
        text: 'Ada asked for a zebra-striped pilot and the SOC 2 Type II report before procurement signs.',
        participants: [{ email: 'Ada@Umbrella.example', name: 'Ada' }],
      },
    ]);
    expect(res.status).toBe(200);
    const hit = await waitFor(find('tenantA', 'zebra striped pilot SOC 2', 'ingest:zebra-1'));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(hit.source).toEqual({
      provider: 'ingest',
      kind: 'call',
      recordId: 'ingest:zebra-1',
      url: null,
      occurredAt: Date.parse('2026-01-01T09:30:00Z') / 1000,
    });
    expect(hit.text).toContain('zebra-striped pilot');
    expect(hit.metadata).toMatchObject({ connectionId: 'connA', dealIds: ['d1'], contactIds: ['c1'] });
    await waitFor(async () => analyzed.includes('d1'));
  }, 90_000);

  test('a Slack message is searchable with its permalink', async () => {
    const body = JSON.stringify(fixture('slack-message.json'));
    const ts = String(Math.floor(now / 1000));
    const res = await request(app)
      .post('/slack/events')
      .set('Content-Type', 'application/json')
      .set('X-Slack-Request-Timestamp', ts)
      .set('X-Slack-Signature', slackSignature(SECRET, ts, body))
      .send(body);
    expect(res.body.status).toBe('created');
    const id = 'slack:T0ACME001:C0DEALS01:1767261600.000200';
    const hit = await waitFor(find('tenantA', 'security questionnaire SSO', id));
    expect(hit.source).toMatchObject({
      provider: 'slack',
      kind: 'note',
      url: 'https://acme.slack.com/archives/C0DEALS01/p1767261600000200',
    });
  });

  test("tenant isolation in the index: B's key writes to B's tenant only; neither tenant retrieves the other's canary", async () => {
    await post(keys.B, [
      {
        sourceId: 'zebra-1',
        type: 'message',
        occurredAt: '2026-01-01T09:40:00Z',
        text: 'canarybravo zebra-striped pilot for tenant B',
        participants: [{ email: 'ada@umbrella.example' }],
      },
    ]);
    const bHit = await waitFor(find('tenantB', 'canarybravo zebra pilot', 'ingest:zebra-1'));
    expect(bHit.text).toContain('canarybravo');
    expect(bHit.metadata).toMatchObject({ connectionId: 'connB' });
    expect(bHit.metadata.dealIds).toBeUndefined(); // A's deal d1 is not B's
    for (const c of await indexer.retrieve('tenantA', 'canarybravo zebra pilot', { topK: 50 }))
      expect(c.text).not.toContain('canarybravo');
    for (const c of await indexer.retrieve('tenantB', 'SOC 2 Type II procurement zebra', { topK: 50 })) {
      expect(c.text).not.toContain('SOC 2');
      expect(c.metadata.connectionId).toBe('connB');
    }
  });

  test('an update replaces the indexed text', async () => {
    now += 60_000;
    await post(keys.A, [
      {
        sourceId: 'zebra-1',
        type: 'call_transcript',
        occurredAt: '2026-01-01T09:30:00Z',
        text: 'Ada confirmed the quokka rollout instead.',
        participants: [],
      },
    ]);
    await waitFor(
      async () =>
        (await find('tenantA', 'quokka rollout', 'ingest:zebra-1')()) !== null &&
        !(await find('tenantA', 'zebra striped pilot', 'ingest:zebra-1')())?.text.includes('zebra'),
    );
  });

  // Known gap outside src/sources: src/sync/index-activities.ts removes archived records from the index
  // under the connection's provider ("hubspot"), but these chunks were indexed under "ingest". The one-line
  // fix (`provider: rec?.provider ?? conn.provider`) is in the report; when it lands, turn this into `test`.
  test('DELETE removes the interaction from the index', async () => {
    const del = await request(app).delete('/ingest/v1/interactions/zebra-1').set('Authorization', `Bearer ${keys.A}`);
    expect(del.status).toBe(204);
    await waitFor(async () => (await find('tenantA', 'quokka rollout', 'ingest:zebra-1')()) === null, 5000);
  });
});
