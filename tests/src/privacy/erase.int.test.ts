import { eventKey } from '../../../src/store/inbox.js';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Activity, Contact, Deal } from '../../../src/core/canonical.js';
import type { Suggestion } from '../../../src/core/suggestion.js';
import { ContextIndexer, HashingEmbedder, PineconeVectorStore, type VectorStore } from '../../../src/context/index.js';
import { PgVectorStore } from '../../../src/store/pgvector-store.js';
import type { IndexEraser } from '../../../src/privacy/erase.js';
import { startFakePinecone, type FakePinecone } from '../../fakes/pinecone/server.js';
import { deleteRecord, deleteTenant } from '../../../src/privacy/index.js';
import { runWith } from '../../../src/cli/tenant-delete.js';
import { EraseRepo, SPECIAL_TABLES } from '../../../src/store/erase.js';
import type { ModelCallAudit } from '../../../src/store/audit.js';
import { openTestDb, ROOT, type TestDb } from '../../helpers/db.js';
import { sealWrite } from '../../../src/core/gated-write.js';

/**
 * Canary strings planted in every table we keep (and in the vector index) for two tenants; after erasure
 * no row of any table and no retrieval result may contain the deleted tenant's canary, and the other
 * tenant's data must be untouched.
 */
const assoc = (deals: string[] = [], contacts: string[] = []) => ({ deals, contacts, companies: [] });
const base = (provider: string, externalId: string) => ({
  provider,
  externalId,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-03-01T00:00:00Z',
  archived: false,
  ownerId: 'u-1',
  url: null,
});
const contact = (p: string, id: string, canary: string): Contact => ({
  kind: 'contact',
  ...base(p, id),
  associations: assoc(['d-1']),
  firstName: `Ann${canary}`,
  lastName: 'Smith',
  email: `${canary}@example.com`,
  phone: null,
  title: null,
});
const deal = (p: string, id: string, canary: string): Deal => ({
  kind: 'deal',
  ...base(p, id),
  associations: assoc([], ['c-1']),
  name: `Deal ${canary}`,
  amount: 1000,
  currency: 'EUR',
  stage: 'negotiation',
  providerStage: null,
  closeDate: null,
  isClosed: false,
  isWon: false,
});
const email = (p: string, id: string, text: string): Activity => ({
  kind: 'email',
  ...base(p, id),
  associations: assoc(['d-1'], ['c-1']),
  subject: 'Renewal',
  body: text,
  occurredAt: '2026-03-01T00:00:00Z',
  direction: 'inbound',
  status: null,
  dueAt: null,
});
const suggestion = (
  tenantId: string,
  connectionId: string,
  id: string,
  canary: string,
  evidenceId: string,
): Suggestion => ({
  id,
  tenantId,
  connectionId,
  provider: 'hubspot',
  type: 'draft_email',
  dedupeKey: `k:${id}`,
  dealId: 'd-1',
  contactIds: ['c-1'],
  companyId: null,
  ownerId: 'u-1',
  task: null,
  draft: { subject: 'Hi', body: `Dear Ann${canary}`, toContactIds: ['c-1'], ownerId: 'u-1' },
  reason: 'r',
  evidence: [{ recordKind: 'email', externalId: evidenceId, quote: `quote ${canary}`, url: null, field: null }],
  explanation: { model: 'm', tier: 'large', confidence: 0.8, factors: [], costUsd: 0 },
  createdAt: '2026-03-01T00:00:00Z',
});
const call = (
  tenantId: string,
  connectionId: string,
  prompt: string,
  o: Partial<ModelCallAudit> = {},
): ModelCallAudit => ({
  tenantId,
  connectionId,
  suggestionId: null,
  taskKind: 'draft_email',
  model: 'gpt-4o-mini',
  tier: 'large',
  maskedPrompt: prompt,
  maskedResponse: '{}',
  inputTokens: 1,
  outputTokens: 1,
  costUsd: 0,
  errorCode: null,
  providerRequestId: null,
  recordRefs: [],
  privacyFlags: [],
  ...o,
});

let t: TestDb;
let indexer: ContextIndexer;
let vectors: VectorStore & IndexEraser;
/** pgvector when the database has it (PGlite always does); otherwise the external-index path, on a local Pinecone. */
let hasChunks = false;
let pinecone: FakePinecone | null = null;
beforeAll(async () => {
  t = await openTestDb();
  hasChunks =
    (await t.db.query<{ ok: boolean }>("SELECT to_regclass('context_chunks') IS NOT NULL AS ok")).rows[0]?.ok === true;
  const embedder = new HashingEmbedder();
  if (hasChunks) {
    vectors = new PgVectorStore(t.db, { dimensions: embedder.dimensions, space: embedder.id });
  } else {
    pinecone = await startFakePinecone({ apiKey: 'pc-erase', dimension: embedder.dimensions });
    vectors = new PineconeVectorStore({
      apiKey: 'pc-erase',
      indexName: 'crm-idx',
      indexHost: pinecone.url,
      retry: { baseMs: 1, capMs: 5 },
      sleep: async () => undefined,
    });
  }
  indexer = new ContextIndexer(embedder, vectors);
});
afterAll(async () => {
  await t.close();
  await pinecone?.close();
});

async function seedTenant(tenantId: string, connectionId: string, canary: string, account: string): Promise<void> {
  const s = t.store;
  await s.connections.upsert({
    id: connectionId,
    tenantId,
    provider: 'hubspot',
    accountId: account,
    apiBase: 'http://x',
    displayName: `Org ${canary}`,
    accessTokenEnc: `enc-${canary}`,
    refreshTokenEnc: null,
    tokenExpiresAt: null,
    tokenMetadata: { hub: canary },
  });
  const activity = email('hubspot', 'e-1', `Please call me, ${canary} budget`);
  const other = email('hubspot', 'e-2', `Unrelated note ${canary}`);
  await s.records.upsertMany(connectionId, [
    contact('hubspot', 'c-1', canary),
    deal('hubspot', 'd-1', canary),
    activity,
    other,
  ]);
  await s.inbox.insertBatch('hubspot', account, connectionId, [
    {
      eventId: `ev-${canary}`,
      accountId: account,
      kind: 'email',
      objectId: 'e-1',
      change: 'updated',
      occurredAt: 0,
      raw: { canary },
    },
    {
      eventId: `ev3-${canary}`,
      accountId: account,
      kind: 'email',
      objectId: 'e-2',
      change: 'updated',
      occurredAt: 0,
      raw: { canary },
    },
  ]);
  const processed = await s.inbox.insertBatch('hubspot', account, null, [
    {
      eventId: `ev2-${canary}`,
      accountId: account,
      kind: 'deal',
      objectId: 'd-1',
      change: 'created',
      occurredAt: 0,
      raw: { canary },
    },
  ]);
  // A worker processed it: its key is held (the inbox's dedupe table names the account).
  await s.inbox.holdEventKeys([{ key: eventKey('hubspot', account, `ev2-${canary}`), batchId: processed.batchId! }]);
  await s.suggestions.insert(suggestion(tenantId, connectionId, `sug-${canary}`, canary, 'e-1'), 'allowed', [], {
    canary,
  });
  await s.suggestions.insert(suggestion(tenantId, connectionId, `sug2-${canary}`, canary, 'e-2'), 'allowed', []);
  await s.outbox.enqueue({
    suggestionId: `sug-${canary}`,
    connectionId,
    idempotencyKey: `idem-${canary}`,
    write: sealWrite({ action: 'create_draft_email', payload: { canary } }),
  });
  await s.checkpoints.save(connectionId, 'deal', { after: canary });
  await s.changeStreams.acquire(connectionId, `owner-${canary}`, 1000);
  await s.oauthStates.create({
    state: `st-${canary}`,
    provider: 'hubspot',
    codeVerifier: canary,
    ttlMs: 60_000,
    now: Date.now(),
  });
  await t.db.query('UPDATE oauth_states SET tenant_hint = $1 WHERE state = $2', [tenantId, `st-${canary}`]);
  await s.sources.createIngestKey({ id: `clk_${canary}`, connectionId, secretSha256: canary, label: canary });
  await s.sources.bindSlackTeam({ teamId: `T-${canary}`, connectionId, domain: canary });
  await s.sources.bindSlackChannel({ teamId: `T-${canary}`, channelId: 'C1', companyId: canary });
  await s.sources.recordSlackEvent(`T-${canary}`, `Ev-${canary}`);
  // Audit: linked to a suggestion quoting e-1, built from e-1, mentioning e-1 in its prompt, and one about e-2 only.
  const a1 = await s.audit.recordCall(call(tenantId, connectionId, `prompt ${canary}`));
  await s.audit.setOutcome([a1], { suggestionId: `sug-${canary}`, verdicts: [] });
  await s.audit.recordCall(
    call(tenantId, connectionId, `refs ${canary}`, { recordRefs: [{ kind: 'email', externalId: 'e-1' }] }),
  );
  await s.audit.recordCall(call(tenantId, connectionId, `record e-1 said ${canary}`));
  await s.audit.recordCall(call(tenantId, connectionId, `only e-2 and e-10 ${canary}`));
  // Tables added by other migrations (0006): seeded by SQL so the sweep covers them too.
  await t.db
    .query("INSERT INTO tenant_models (tenant_id, kind, model_name) VALUES ($1, 'deal_score', $2)", [tenantId, canary])
    .catch(skipMissing);
  await t.db
    .query('INSERT INTO tenant_budgets (tenant_id, state) VALUES ($1, $2::jsonb)', [
      tenantId,
      JSON.stringify({ canary }),
    ])
    .catch(skipMissing);
  await t.db
    .query(
      "INSERT INTO suggestion_outcomes (suggestion_id, tenant_id, connection_id, target, outcome, detail, occurred_at) VALUES ($1,$2,$3,'t','draft_sent',$4::jsonb, now())",
      [`sug-${canary}`, tenantId, connectionId, JSON.stringify({ canary })],
    )
    .catch(skipMissing);
  await indexer.indexActivities({ tenantId, connectionId }, [activity, other]);
}
const skipMissing = (e: Error) => {
  if (!/does not exist/.test(e.message)) throw e;
};

/** Rows containing `needle` anywhere, per table, over every table of the schema. */
async function rowsContaining(needle: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of await new EraseRepo(t.db).allTables()) {
    const r = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}" x WHERE x::text LIKE $1`, [
      `%${needle}%`,
    ]);
    if (r.rows[0]!.n > 0) out[table] = r.rows[0]!.n;
  }
  return out;
}

describe('erasure', () => {
  beforeAll(async () => {
    await seedTenant('tenant-a', 'conn-a', 'CANARYA', 'portal-a');
    await seedTenant('tenant-b', 'conn-b', 'CANARYB', 'portal-b');
  });

  test('every table in migrations/ is covered: it has tenant_id or connection_id, or is keyed by something erasure knows', async () => {
    const sql = readdirSync(path.join(ROOT, 'migrations'))
      .map((f) => readFileSync(path.join(ROOT, 'migrations', f), 'utf8'))
      .join('\n');
    const declared = [...sql.matchAll(/CREATE TABLE (?:IF NOT EXISTS )?(\w+)/gi)].map((m) => m[1]!);
    const scoped = new Set((await new EraseRepo(t.db).scopedTables()).map((x) => x.table));
    const present = new Set(await new EraseRepo(t.db).allTables());
    const uncovered = declared.filter(
      (n) => present.has(n) && !scoped.has(n) && n !== 'connections' && !(n in SPECIAL_TABLES),
    );
    expect(uncovered).toEqual([]);
  });

  test('the seed reaches every table that can hold tenant data', async () => {
    const hit = await rowsContaining('CANARYA');
    const expected = [
      'connections',
      'records',
      'webhook_batches',
      'webhook_event_ids',
      'suggestions',
      'writeback_outbox',
      'sync_checkpoints',
      'change_streams',
      'oauth_states',
      'ingest_keys',
      'slack_teams',
      'slack_channels',
      'slack_events',
      'model_calls',
      ...(hasChunks ? ['context_chunks'] : []),
    ];
    for (const table of expected) expect(Object.keys(hit)).toContain(table);
  });

  test('deleteRecord: the record, its embeddings, the suggestions quoting it and the audit rows mentioning it go; the rest stays', async () => {
    const before = await t.store.audit.listForTenant('tenant-a');
    expect(before).toHaveLength(4);
    const r = await deleteRecord(t.store, vectors, 'conn-a', 'email', 'e-1');
    expect(r).toMatchObject({ found: true, records: 1, suggestions: 1, auditRows: 3, inbox: 1 });
    // The event about e-1 left its inbox batch; the event about e-2 in the same batch stayed.
    const inboxLeft = await t.db.query<{ o: string; n: number }>(
      "SELECT e ->> 'objectId' AS o, b.event_count AS n FROM webhook_batches b, json_array_elements(b.events) e WHERE b.connection_id = 'conn-a'",
    );
    expect(inboxLeft.rows).toEqual([{ o: 'e-2', n: 1 }]);
    // Its event id stays held, so a redelivery of the erased event is still dropped; the kept event's id is not held.
    const conn = (await t.store.connections.get('conn-a'))!;
    const held = await t.store.inbox.eventKeysHeld(
      ['ev-CANARYA', 'ev3-CANARYA'].map((id) => ({ key: eventKey('hubspot', conn.account_id, id), batchId: '0' })),
    );
    expect([...held]).toEqual([eventKey('hubspot', conn.account_id, 'ev-CANARYA')]);

    expect(await t.store.records.get('conn-a', 'email', 'e-1')).toBeNull();
    expect(await t.store.records.get('conn-a', 'email', 'e-2')).not.toBeNull();
    const left = await t.store.audit.listForTenant('tenant-a');
    expect(left.map((x) => x.masked_prompt)).toEqual(['only e-2 and e-10 CANARYA']);
    expect((await t.db.query("SELECT id FROM suggestions WHERE connection_id = 'conn-a' ORDER BY id")).rows).toEqual([
      { id: 'sug2-CANARYA' },
    ]);
    expect(
      (await t.db.query("SELECT count(*)::int AS n FROM writeback_outbox WHERE connection_id = 'conn-a'")).rows[0],
    ).toEqual({ n: 0 });
    const hits = await indexer.retrieve('tenant-a', 'Please call me CANARYA budget', { topK: 10 });
    expect(hits.map((h) => h.source.recordId)).toEqual(['e-2']);
    // The other tenant's record with the same id is untouched.
    expect(await t.store.records.get('conn-b', 'email', 'e-1')).not.toBeNull();
    expect(await t.store.audit.listForTenant('tenant-b')).toHaveLength(4);
  });

  test('tenant delete without --yes changes nothing and says what would go', async () => {
    const out: string[] = [];
    const code = await runWith(['--tenant', 'tenant-a'], {
      open: async () => ({ store: t.store, index: vectors, close: async () => {} }),
      out: (s) => out.push(s),
      err: () => {},
    });
    expect(code).toBe(2);
    expect(out.join('')).toMatch(/records: \d+/);
    expect(Object.keys(await rowsContaining('CANARYA')).length).toBeGreaterThan(5);
  });

  test("deleteTenant (through the CLI): no table and no retrieval holds the tenant's canary any more; the other tenant is intact", async () => {
    const before = await rowsContaining('CANARYB');
    const out: string[] = [];
    const code = await runWith(['--tenant', 'tenant-a', '--yes'], {
      open: async () => ({ store: t.store, index: vectors, close: async () => {} }),
      out: (s) => out.push(s),
      err: () => {},
    });
    expect(code).toBe(0);
    expect(out.join('')).toContain('deleted tenant tenant-a');
    expect(await rowsContaining('CANARYA')).toEqual({});
    expect(await rowsContaining('portal-a')).toEqual({});
    expect(
      (await t.db.query("SELECT count(*)::int AS n FROM model_calls WHERE tenant_id = 'tenant-a'")).rows[0],
    ).toEqual({ n: 0 });
    expect(await indexer.retrieve('tenant-a', 'Unrelated note CANARYA', { topK: 10 })).toEqual([]);
    expect(await rowsContaining('CANARYB')).toEqual(before);
    expect((await indexer.retrieve('tenant-b', 'Please call me CANARYB budget', { topK: 10 })).length).toBeGreaterThan(
      0,
    );

    expect(await deleteTenant(t.store, vectors, 'tenant-a')).toMatchObject({ connections: [] });
    expect(
      await runWith(['--tenant', 'tenant-a', '--yes'], {
        open: async () => ({ store: t.store, index: vectors, close: async () => {} }),
        out: () => {},
        err: () => {},
      }),
    ).toBe(1);
  });
});
