import { runWith as bindSlack } from '../../../src/cli/sources-bind-slack.js';
import { runWith as createKey } from '../../../src/cli/sources-create-key.js';
import { runWith as revokeKey } from '../../../src/cli/sources-revoke-key.js';
import type { SourcesCliDeps } from '../../../src/cli/cli-store.js';
import { authenticateIngestKey, hashIngestKey } from '../../../src/sources/ingest-keys.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';
import { aCompany, seedConnection, T0 } from './helpers.js';

describe(`closeloop sources ... (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  let t: TestDb;
  let out: string[];
  let err: string[];
  let deps: SourcesCliDeps;

  beforeAll(async () => {
    t = await openTestDb();
    await seedConnection(t.store, 'connA', 'tenantA');
    await seedConnection(t.store, 'connB', 'tenantB');
    await t.store.records.upsertMany('connA', [aCompany('acme', { name: 'Acme' })]);
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(() => {
    out = [];
    err = [];
    // The command closes what it opened; the test keeps its database.
    deps = {
      openStore: async () => ({ store: t.store, close: async () => undefined }),
      now: () => T0,
      out: (s) => out.push(s),
      err: (s) => err.push(s),
    };
  });

  test('create-key prints the key once and stores only its hash; revoke-key disables it', async () => {
    expect(await createKey(['--connection', 'connA', '--label', 'gong'], deps)).toBe(0);
    const key = out.join('').trim();
    expect(key).toMatch(/^clk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const id = key.slice(0, 16);
    const row = (await t.store.sources.ingestKey(id))!;
    expect(row).toMatchObject({
      connection_id: 'connA',
      label: 'gong',
      revoked_at: null,
      secret_sha256: hashIngestKey(key),
    });
    expect(JSON.stringify(row)).not.toContain(key.slice(17));
    expect(err.join('')).toContain(`revoke-key --key ${id}`);
    expect((await authenticateIngestKey(t.store, `Bearer ${key}`)).connection.id).toBe('connA');

    out = [];
    expect(await revokeKey(['--key', key], deps)).toBe(0);
    expect(out.join('')).toBe(`revoked ${id}\n`);
    await expect(authenticateIngestKey(t.store, `Bearer ${key}`)).rejects.toMatchObject({
      code: 'AUTH_REVOKED',
      status: 401,
    });
    expect(await revokeKey(['--key', id], deps)).toBe(1);
  });

  test('create-key --json; unknown connection and missing flags fail', async () => {
    expect(await createKey(['--connection', 'connB', '--json'], deps)).toBe(0);
    expect(JSON.parse(out.join(''))).toMatchObject({
      connectionId: 'connB',
      keyId: expect.stringMatching(/^clk_/),
      key: expect.stringMatching(/^clk_/),
    });
    expect(await createKey(['--connection', 'nope'], deps)).toBe(1);
    expect(await createKey([], deps)).toBe(2);
    expect(await revokeKey(['--key', 'abc'], deps)).toBe(2);
  });

  test('bind-slack binds a team to one connection and a channel to a company', async () => {
    expect(await bindSlack(['--connection', 'connA', '--team', 'T0ACME001', '--domain', 'acme'], deps)).toBe(0);
    expect(await t.store.sources.slackTeam('T0ACME001')).toEqual({
      team_id: 'T0ACME001',
      connection_id: 'connA',
      domain: 'acme',
    });
    expect(
      await bindSlack(
        ['--connection', 'connA', '--team', 'T0ACME001', '--channel', 'C0DEALS01', '--company', 'acme'],
        deps,
      ),
    ).toBe(0);
    expect(await t.store.sources.slackChannel('T0ACME001', 'C0DEALS01')).toMatchObject({ company_id: 'acme' });
    expect((await t.store.sources.slackTeam('T0ACME001'))!.domain).toBe('acme'); // kept when not repeated

    // A workspace feeds one connection: B cannot take A's team.
    expect(await bindSlack(['--connection', 'connB', '--team', 'T0ACME001'], deps)).toBe(1);
    expect(err.join('')).toMatch(/already bound to connection connA/);
    expect((await t.store.sources.slackTeam('T0ACME001'))!.connection_id).toBe('connA');

    err = [];
    expect(
      await bindSlack(
        ['--connection', 'connA', '--team', 'T0ACME001', '--channel', 'C0NEW0001', '--company', 'not-synced'],
        deps,
      ),
    ).toBe(0);
    expect(err.join('')).toMatch(/not \(yet\) synced/);
    expect(await bindSlack(['--connection', 'connA', '--team', 'T0ACME001', '--channel', 'C0X'], deps)).toBe(2); // channel without company
    expect(await bindSlack(['--connection', 'connA', '--team', 'acme'], deps)).toBe(2);
    expect(await bindSlack(['--connection', 'nope', '--team', 'T0ZZZ'], deps)).toBe(1);
  });
});
