import request from 'supertest';
import { createApiToken, revokeApiToken } from '../../../src/auth/api-tokens.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';
import { cardTestApp, installConnection, OPERATOR_TOKEN, storeSuggestion } from './card-app.js';

const NOW = Date.parse('2026-03-11T10:00:00.000Z');
// Org ids as UserInfo.getOrganizationId() returns them (18 characters); the install stored the 15-character form for
// org A.
const ORG_A = '00D5g000004XyZaEAK';
const ORG_B = '00D5g000009QrStEAC';
const USER = '0055g00000AbCdEAAV';
const OPP = '0065g00000Opp01AAA';
let t: TestDb;
let app: ReturnType<typeof cardTestApp>;
let tokenA: string;
let tokenB: { id: string; token: string };

beforeAll(async () => {
  t = await openTestDb();
  app = cardTestApp(t.store, () => NOW);
  await installConnection(t.store, {
    id: 'sf-a',
    tenantId: 'tenant-a',
    provider: 'salesforce',
    accountId: ORG_A.slice(0, 15),
  });
  await installConnection(t.store, { id: 'sf-b', tenantId: 'tenant-b', provider: 'salesforce', accountId: ORG_B });
  await storeSuggestion(t.store, {
    id: 'sf-sug-1',
    tenantId: 'tenant-a',
    connectionId: 'sf-a',
    provider: 'salesforce',
    dealId: OPP,
    companyId: '0015g00000Acc01AAA',
    contactIds: ['0035g00000Con01AAA'],
  });
  await storeSuggestion(t.store, {
    id: 'sf-sug-b',
    tenantId: 'tenant-b',
    connectionId: 'sf-b',
    provider: 'salesforce',
    dealId: OPP,
  });
  tokenA = (await createApiToken(t.store, { tenantId: 'tenant-a', name: 'salesforce named credential' })).token;
  tokenB = await createApiToken(t.store, { tenantId: 'tenant-b', name: 'salesforce named credential' });
});
afterAll(async () => {
  await t.close();
});

const list = (org: string, kind = 'opportunity', id = OPP) =>
  `/api/v1/cards/salesforce/suggestions?orgId=${org}&userId=${USER}&objectType=${kind}&objectId=${id}`;

describe("Salesforce component endpoint (Apex + Named Credential with the tenant's API token)", () => {
  test("the org's token reads the record's open suggestions (Opportunity, Account, Contact)", async () => {
    const r = await request(app).get(list(ORG_A)).set('Authorization', `Bearer ${tokenA}`).expect(200);
    expect(r.body.record).toEqual({ kind: 'deal', externalId: OPP });
    expect(r.body.suggestions.map((s: any) => s.id)).toEqual(['sf-sug-1']);
    expect(r.body.suggestions[0].evidence[0].quote).toBe('she asked for a 10% discount before March 31');
    const acc = await request(app)
      .get(list(ORG_A, 'account', '0015g00000Acc01AAA'))
      .set('Authorization', `Bearer ${tokenA}`)
      .expect(200);
    expect(acc.body.suggestions).toHaveLength(1);
    const con = await request(app)
      .get(list(ORG_A, 'contact', '0035g00000Con01AAA'))
      .set('Authorization', `Bearer ${tokenA}`)
      .expect(200);
    expect(con.body.suggestions).toHaveLength(1);
  });

  test("no token, a forged or revoked token: 401; another tenant's token naming this org: 403", async () => {
    await request(app).get(list(ORG_A)).expect(401);
    await request(app).get(list(ORG_A)).set('Authorization', 'Bearer clt_forged').expect(401);
    const cross = await request(app).get(list(ORG_A)).set('Authorization', `Bearer ${tokenB.token}`).expect(403);
    expect(cross.body.error).toBe('UNKNOWN_ACCOUNT');
    await request(app)
      .post(`/api/v1/cards/salesforce/suggestions/sf-sug-1/feedback?orgId=${ORG_A}&userId=${USER}`)
      .set('Authorization', `Bearer ${tokenB.token}`)
      .send({ action: 'not_useful' })
      .expect(403);
    expect(await t.store.feedback.outcomesFor('sf-sug-1')).toEqual([]);
    // A token reads its own org only, and a revoked one nothing.
    expect(
      (
        await request(app).get(list(ORG_B)).set('Authorization', `Bearer ${tokenB.token}`).expect(200)
      ).body.suggestions.map((s: any) => s.id),
    ).toEqual(['sf-sug-b']);
    await revokeApiToken(t.store, tokenB.id);
    await request(app).get(list(ORG_B)).set('Authorization', `Bearer ${tokenB.token}`).expect(401);
  });

  test('bad ids are a 400 naming the field', async () => {
    const r = await request(app).get(list('not-an-org')).set('Authorization', `Bearer ${tokenA}`).expect(400);
    expect(r.body.message).toContain('orgId');
    await request(app).get(list(ORG_A, 'lead')).set('Authorization', `Bearer ${tokenA}`).expect(400);
    await request(app)
      .post(`/api/v1/cards/salesforce/suggestions/sf-sug-1/feedback?orgId=${ORG_A}&userId=${USER}`)
      .set('Authorization', `Bearer ${tokenA}`)
      .send({ action: 'meh' })
      .expect(400);
  });

  test('Useful / Not useful / Done from the component are feedback outcomes of the Salesforce user', async () => {
    const r = await request(app)
      .post(`/api/v1/cards/salesforce/suggestions/sf-sug-1/feedback?orgId=${ORG_A}&userId=${USER}`)
      .set('Authorization', `Bearer ${tokenA}`)
      .send({ action: 'done' })
      .expect(200);
    expect(r.body).toEqual({ suggestionId: 'sf-sug-1', action: 'done', recorded: true });
    expect((await t.store.feedback.outcomesFor('sf-sug-1')).map((o) => [o.target, o.outcome])).toEqual([
      [`user:${USER}`, 'card_done'],
    ]);
    expect(
      (await request(app).get(list(ORG_A)).set('Authorization', `Bearer ${tokenA}`).expect(200)).body.suggestions,
    ).toEqual([]);
  });

  test('an operator token reaches any installed org', async () => {
    await request(app).get(list(ORG_B)).set('Authorization', `Bearer ${OPERATOR_TOKEN}`).expect(200);
  });
});
