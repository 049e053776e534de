import request from 'supertest';
import { createApiToken } from '../../../src/auth/api-tokens.js';
import { createSession, SESSION_COOKIE } from '../../../src/auth/sessions.js';
import { aContext, aRule, aSuggestion, tempRulesDir } from '../../fixtures/guardrails/builders.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';
import { cardTestApp, installConnection, PUBLIC_URL, storeSuggestion } from './card-app.js';

const NOW = Date.parse('2026-03-11T10:00:00.000Z');
let t: TestDb;
let app: ReturnType<typeof cardTestApp>;
let tokenA: string;
const rulesDir = tempRulesDir({ 'limits.json': { rules: [aRule('max-discount')] } });
// One case table: the follow-up passes the shipped-style rule (the builders' suggestion and context).
const casesDir = tempRulesDir({
  'limits.cases.json': {
    base: { suggestion: aSuggestion(), context: aContext() },
    cases: [{ name: 'a grounded follow-up passes', suggestion: {}, expect: { allowed: true, outcome: 'pass' } }],
  },
});

beforeAll(async () => {
  t = await openTestDb();
  app = cardTestApp(t.store, () => NOW, { rulesDir, rulesCasesDir: casesDir });
  await installConnection(t.store, { id: 'hs-a', tenantId: 'tenant-a', provider: 'hubspot', accountId: '4200' });
  await installConnection(t.store, { id: 'hs-b', tenantId: 'tenant-b', provider: 'hubspot', accountId: 'PORTAL-OF-B' });
  await t.store.connections.setStatus('hs-a', 'needs_reconnect', 'refresh token revoked in HubSpot');
  await storeSuggestion(t.store, {
    id: 'sug-held',
    tenantId: 'tenant-a',
    connectionId: 'hs-a',
    dealId: '777',
    status: 'review',
  });
  await storeSuggestion(t.store, { id: 'sug-written', tenantId: 'tenant-a', connectionId: 'hs-a', dealId: '778' });
  await storeSuggestion(t.store, {
    id: 'sug-of-b',
    tenantId: 'tenant-b',
    connectionId: 'hs-b',
    dealId: '777',
    status: 'review',
  });
  await storeSuggestion(t.store, {
    id: 'sug-held-2',
    tenantId: 'tenant-a',
    connectionId: 'hs-a',
    dealId: '779',
    status: 'review',
  });
  await storeSuggestion(t.store, {
    id: 'sug-held-3',
    tenantId: 'tenant-a',
    connectionId: 'hs-a',
    dealId: '780',
    status: 'review',
  });
  await t.store.checkpoints.save('hs-a', 'objects:company', { after: '10' });
  await t.store.feedback.record({
    suggestionId: 'sug-written',
    tenantId: 'tenant-a',
    connectionId: 'hs-a',
    outboxId: null,
    target: 'user:1',
    outcome: 'card_not_useful',
    editDistance: null,
    detail: {},
    occurredAt: new Date(NOW - 86_400_000),
  });
  // The shared request budget of portal 4200 (src/sync/rate-pacer.ts keys: provider:account:app:lane), 60 of 100 in
  // use.
  await t.db.query(
    `INSERT INTO rate_buckets (bucket_key, capacity, refill_per_ms, tokens, updated_ms, calls, throttled) VALUES
    ('hubspot:4200:app:burst', 100, 0, 40, $1, 1234, 2), ('hubspot:PORTAL-OF-B:app:search', 5, 0, 0, $1, 99, 9)`,
    [NOW],
  );
  // A sliding-window lane (migration 0311): 3 of its 10 calls inside the last 10 s (one reserved ahead), one older.
  await t.db.query(
    `INSERT INTO rate_buckets (bucket_key, capacity, refill_per_ms, tokens, updated_ms, calls, throttled, window_ms, slots) VALUES
    ('hubspot:4200:app:ten-second', 10, 0.001, 0, $1::bigint, 77, 0, 10000, ARRAY[$1::float8 - 20000, $1::float8 - 5000, $1::float8 - 1000, $1::float8 + 500])`,
    [NOW],
  );
  // The change step applied something 90 s ago (src/store/sync-marks.ts): the lag the metric reports.
  await t.db.query("INSERT INTO connection_sync_marks (connection_id, last_change_at) VALUES ('hs-a', $1)", [
    new Date(NOW - 90_000),
  ]);
  tokenA = (await createApiToken(t.store, { tenantId: 'tenant-a', name: 'console test' })).token;
});
afterAll(async () => {
  await t.close();
});

const asA = (r: request.Test) => r.set('Authorization', `Bearer ${tokenA}`).set('Accept', 'text/html');

describe('admin console (server-rendered, tenant-scoped)', () => {
  test('a browser that is not signed in gets the sign-in page; a JSON client gets 401', async () => {
    const page = await request(app).get('/admin').set('Accept', 'text/html').expect(401);
    expect(page.text).toContain('Sign in with');
    await request(app).get('/admin/suggestions').set('Accept', 'application/json').expect(401);
  });

  test("connections: status with reason and reconnect, backfill progress per object type, install buttons; only the caller's tenant", async () => {
    const r = await asA(request(app).get('/admin')).expect(200);
    expect(r.headers['content-security-policy']).toContain("script-src 'nonce-");
    expect(r.text).toContain('refresh token revoked in HubSpot');
    expect(r.text).toContain('href="/install/hubspot"');
    expect(r.text).toMatch(/data-kind="contact"[\s\S]*?<span class="state">done<\/span>/);
    expect(r.text).toMatch(/data-kind="company"[\s\S]*?<span class="state">syncing<\/span>/);
    expect(r.text).toMatch(/data-kind="deal"[\s\S]*?<span class="state">waiting<\/span>/);
    expect(r.text).not.toContain('PORTAL-OF-B');
    expect(r.text).toMatch(/<th scope="row">burst<\/th><td>[\s\S]*?60% of 100[\s\S]*?<td>1234<\/td><td>2<\/td>/);
    expect(r.text).not.toContain('>search<');
    expect(r.text).toMatch(/<th scope="row">ten-second<\/th><td>[\s\S]*?30% of 10/);
    expect(r.text).toContain('<span class="sync-lag">Sync lag: 90 s</span>');
    expect(r.text).toContain('<a class="skip" href="#main">');
    // No install or completeness check yet: said so, not shown as fine.
    expect(r.text).toContain('Install check: <span class="muted">none for this CRM yet</span>');
  });

  test("connections: the install check's problems and the completeness check against the CRM, per object type", async () => {
    await t.store.connections.setSetupIssues('hs-a', ['the closeloop app lacks the crm.objects.deals.write scope']);
    await t.store.connections.setCompleteness('hs-a', {
      checkedAt: new Date(NOW).toISOString(),
      difference: 2,
      kinds: {
        contact: { crm: 5, store: 5, missing: 0, extra: 0, repaired: 0, difference: 0 },
        company: { crm: 9, store: 7, missing: 3, extra: 0, repaired: 1, difference: 2 },
      },
    });
    const r = await asA(request(app).get('/admin')).expect(200);
    expect(r.text).toMatch(
      /<span class="badge bad">1 to fix<\/span><ul class="setup-issues"><li>the closeloop app lacks the crm.objects.deals.write scope<\/li>/,
    );
    expect(r.text).toMatch(/data-kind="contact"[\s\S]*?<td>5 <span class="badge ok">match<\/span><\/td>/);
    expect(r.text).toMatch(
      /data-kind="company"[\s\S]*?<td>9 <span class="badge bad">2 differ<\/span> <span class="muted">\(1 repaired\)<\/span><\/td>/,
    );
    expect(r.text).toContain('2 record(s) differ from the CRM');
  });

  test("suggestions feed: filters, evidence, verdicts, approve/dismiss only on held ones; never another tenant's", async () => {
    const all = await asA(request(app).get('/admin/suggestions')).expect(200);
    expect(all.text).toContain('data-suggestion="sug-held"');
    expect(all.text).toContain('data-suggestion="sug-written"');
    expect(all.text).not.toContain('sug-of-b');
    // Tenant A's held ones only (B's is not counted).
    expect(all.text).toContain('<a href="/admin/suggestions?status=review">3 held for review</a>');
    expect(all.text).toContain('she asked for a 10% discount before March 31');
    expect(all.text).toContain('no-pii');
    const held = await asA(request(app).get('/admin/suggestions?status=review')).expect(200);
    expect(held.text).toContain('<form method="post" action="/admin/suggestions/sug-held/approve"');
    expect(held.text).toContain('<form method="post" action="/admin/suggestions/sug-held/dismiss"');
    expect(held.text).toMatch(
      /<label for="why-sug-held"[^>]*>Reason \(optional\)<\/label><input id="why-sug-held" name="reason"/,
    );
    expect(held.text).toContain('<input type="hidden" name="back" value="status=review">');
    expect(held.text).not.toContain('data-suggestion="sug-written"');
    await asA(request(app).get('/admin/suggestions?since=yesterday')).expect(400);
    // Days that are not on the calendar or out of the database's range, and control characters: 400, not 500.
    for (const bad of [
      'since=2026-13-45',
      'until=2026-02-30',
      'since=0000-01-01',
      'until=9999-12-31',
      'owner=%00',
      'deal=a%00b',
      'status=%1b',
    ]) {
      const r = await asA(request(app).get(`/admin/suggestions?${bad}`)).expect(400);
      expect(r.text).toMatch(/a date from 1970 to 9998|control characters are not allowed/);
    }
    await asA(request(app).get('/admin/suggestions?since=2024-02-29&until=9998-12-31')).expect(200);
  });

  test('review forms: dismiss calls the review service, records feedback and lands back on the same feed; a second try is refused on the page', async () => {
    const r = await request(app)
      .post('/admin/suggestions/sug-held-2/dismiss')
      .set('Authorization', `Bearer ${tokenA}`)
      .type('form')
      .send({ reason: 'not our style', back: 'status=review&evil=1' })
      .expect(303);
    expect(r.headers.location).toBe('/admin/suggestions?status=review&done=dismissed&id=sug-held-2');
    expect((await t.store.suggestions.get('sug-held-2'))?.status).toBe('dismissed');
    const fb = await t.db.query<{ outcome: string; detail: { reason: string } }>(
      "SELECT outcome, detail FROM suggestion_outcomes WHERE suggestion_id = 'sug-held-2'",
    );
    expect(fb.rows).toEqual([
      { outcome: 'review_dismissed', detail: expect.objectContaining({ reason: 'not our style' }) },
    ]);
    const after = await asA(request(app).get(r.headers.location!)).expect(200);
    expect(after.text).toContain('Suggestion sug-held-2 dismissed');
    expect(after.text).not.toContain('data-suggestion="sug-held-2"');
    const again = await asA(request(app).post('/admin/suggestions/sug-held-2/dismiss'))
      .type('form')
      .send({ back: 'status=review' })
      .expect(409);
    expect(again.text).toMatch(/role="alert">Not done: suggestion sug-held-2 is dismissed, not held for review/);
    // Another tenant's suggestion is unknown; a reason too long is a 400; nothing changed.
    await asA(request(app).post('/admin/suggestions/sug-of-b/dismiss')).type('form').send({}).expect(404);
    // A feed to go back to with a filter that is not valid: the filter is dropped and the real outcome shows.
    const unknown = await asA(request(app).post('/admin/suggestions/sug-of-b/dismiss'))
      .type('form')
      .send({ back: 'status=review&since=2026-13-45&owner=%00' })
      .expect(404);
    expect(unknown.text).toMatch(/role="alert">Not done: no suggestion sug-of-b/);
    await asA(request(app).post('/admin/suggestions/sug-held-3/dismiss'))
      .type('form')
      .send({ reason: 'x'.repeat(501) })
      .expect(400);
    // A reason with a NUL (the database refuses it: was a 500) or another control character: 400, nothing recorded.
    for (const reason of ['\u0000', 'not \u0000 ours', 'a\u001bb'])
      await asA(request(app).post('/admin/suggestions/sug-held-3/dismiss')).type('form').send({ reason }).expect(400);
    for (const reason of ['\u0000', 'x\u007f', 'lone \ud800'])
      await asA(request(app).post('/api/v1/suggestions/sug-held-3/dismiss')).send({ reason }).expect(400);
    expect((await t.store.suggestions.get('sug-of-b'))?.status).toBe('review');
    expect((await t.store.suggestions.get('sug-held-3'))?.status).toBe('review');
  });

  test('review forms from a browser session need the _csrf field of the form (or the header) and our own origin', async () => {
    const s = await createSession(
      t.store,
      { tenantId: 'tenant-a', role: 'admin', provider: 'hubspot', accountId: '4200', userId: '1', userLabel: null },
      3_600_000,
      NOW,
    );
    const cookie = `${SESSION_COOKIE}=${s.cookieValue}`;
    const page = await request(app)
      .get('/admin/suggestions?status=review')
      .set('Cookie', cookie)
      .set('Accept', 'text/html')
      .expect(200);
    expect(page.text).toContain(`<input type="hidden" name="_csrf" value="${s.csrfToken}">`);
    await request(app)
      .post('/admin/suggestions/sug-held-3/dismiss')
      .set('Cookie', cookie)
      .type('form')
      .send({})
      .expect(403);
    await request(app)
      .post('/admin/suggestions/sug-held-3/dismiss')
      .set('Cookie', cookie)
      .type('form')
      .send({ _csrf: 'wrong' })
      .expect(403);
    await request(app)
      .post('/admin/suggestions/sug-held-3/dismiss')
      .set('Cookie', cookie)
      .set('Origin', 'https://evil.example')
      .type('form')
      .send({ _csrf: s.csrfToken })
      .expect(403);
    expect((await t.store.suggestions.get('sug-held-3'))?.status).toBe('review');
    await request(app)
      .post('/admin/suggestions/sug-held-3/dismiss')
      .set('Cookie', cookie)
      .set('Origin', new URL(PUBLIC_URL).origin)
      .type('form')
      .send({ _csrf: s.csrfToken })
      .expect(303);
    expect((await t.store.suggestions.get('sug-held-3'))?.status).toBe('dismissed');
  });

  test('rules: lint state of each file; a broken draft is linted with file:line:column; a valid one replays', async () => {
    const page = await asA(request(app).get('/admin/rules')).expect(200);
    expect(page.text).toMatch(/data-file="limits.json"[\s\S]*?valid/);
    const broken = await request(app)
      .post('/api/v1/admin/rules/lint')
      .set('Authorization', `Bearer ${tokenA}`)
      .send({ file: 'limits.json', text: '{ "rules": [ { "name": "x", ' })
      .expect(200);
    expect(broken.body.problems.length).toBeGreaterThan(0);
    expect(broken.body.problems[0]).toMatchObject({
      file: 'limits.json',
      line: expect.any(Number),
      column: expect.any(Number),
    });
    const ok = await request(app)
      .post('/api/v1/admin/rules/replay')
      .set('Authorization', `Bearer ${tokenA}`)
      .send({ file: 'limits.json', text: JSON.stringify({ rules: [aRule('max-discount')] }) })
      .expect(200);
    expect(ok.body).toMatchObject({ total: expect.any(Number), wouldPass: expect.any(Number) });
    await request(app)
      .post('/api/v1/admin/rules/lint')
      .set('Authorization', `Bearer ${tokenA}`)
      .send({ file: '../../etc/passwd', text: '{}' })
      .expect(400);
    // An operator named like an Object method is a lint problem (it was a 500, and crashed a reload).
    const protoOp = JSON.stringify({
      rules: [{ ...aRule('p-x'), conditions: { all: [{ fact: 'dealExists', operator: 'toString', value: true }] } }],
    });
    for (const path of ['lint', 'replay']) {
      const r = await request(app)
        .post(`/api/v1/admin/rules/${path}`)
        .set('Authorization', `Bearer ${tokenA}`)
        .send({ file: 'limits.json', text: protoOp });
      expect([path, r.status < 500]).toEqual([path, true]);
    }
    const lint = await request(app)
      .post('/api/v1/admin/rules/lint')
      .set('Authorization', `Bearer ${tokenA}`)
      .send({ file: 'limits.json', text: protoOp })
      .expect(200);
    expect(lint.body.problems.map((p: { message: string }) => p.message)).toContainEqual(
      expect.stringMatching(/^unknown operator "toString"/),
    );
    // The case tables: on the page against the current rules, and against a draft.
    expect(page.text).toMatch(/data-cases="limits.cases.json"[\s\S]*?1 \/ 1/);
    const cases = await request(app)
      .post('/api/v1/admin/rules/cases')
      .set('Authorization', `Bearer ${tokenA}`)
      .send({ file: 'limits.json', text: JSON.stringify({ rules: [aRule('max-discount')] }) })
      .expect(200);
    expect(cases.body.cases).toEqual([{ file: 'limits.cases.json', error: null, total: 1, passed: 1, failures: [] }]);
    // Drafts nested far too deep (arrays, or conditions inside conditions): a lint problem or a 400, never a 500.
    const conditions = (n: number) =>
      '{"all":['.repeat(n) + '{"fact":"x","operator":"equal","value":1}' + ']}'.repeat(n);
    for (const text of [
      '['.repeat(8000) + ']'.repeat(8000),
      `{"rules":[{"name":"deep","conditions":${conditions(900)},"event":{"type":"block"}}]}`,
      `{"rules":[{"name":"deep","conditions":${'{"not":'.repeat(1600)}{"fact":"x","operator":"equal","value":1}${'}'.repeat(1600)},"event":{"type":"block"}}]}`,
    ]) {
      for (const route of ['lint', 'replay'] as const) {
        const r = await request(app)
          .post(`/api/v1/admin/rules/${route}`)
          .set('Authorization', `Bearer ${tokenA}`)
          .send({ file: 'limits.json', text });
        expect([route, r.status]).toEqual([route, expect.any(Number)]);
        expect(r.status).toBeLessThan(500);
        if (route === 'lint')
          expect(r.body.problems).toEqual([
            expect.objectContaining({ message: expect.stringMatching(/nested deeper than 64 levels/) }),
          ]);
      }
    }
  });

  test('outcomes: weekly charts as inline SVG with their numbers, acceptance by kind and rep, model quality across retrainings', async () => {
    // Two retrainings of tenant A's deal model (and one of tenant B's, never shown to A).
    const cal = (ece: number) => ({ rows: 40, brier: 0.2, ece, bins: [] });
    await t.store.models.save('tenant-a', 'deal_score', {
      modelName: 'gbdt-v1',
      model: {},
      rows: 300,
      positives: 120,
      validationAuc: 0.71,
      metrics: { reason: 'first', calibration: cal(0.08) },
      trainedAt: new Date(NOW - 5 * 86_400_000),
    });
    await t.store.models.save('tenant-a', 'deal_score', {
      modelName: 'gbdt-v1',
      model: {},
      rows: 360,
      positives: 150,
      validationAuc: 0.77,
      metrics: { reason: 'second', calibration: cal(0.031) },
      trainedAt: new Date(NOW - 86_400_000),
    });
    await t.store.models.save('tenant-b', 'deal_score', {
      modelName: 'gbdt-v1',
      model: {},
      rows: 10,
      positives: 5,
      validationAuc: 0.123,
      metrics: {},
      trainedAt: new Date(NOW - 86_400_000),
    });
    const r = await asA(request(app).get('/admin/outcomes')).expect(200);
    expect(r.text).toContain('<svg role="img" aria-label="Acceptance by kind"');
    expect(r.text).toContain('<svg role="img" aria-label="Review and card feedback per week"');
    expect(r.text).toContain('<title>2026-03-09 not useful (card): 1</title>');
    // sug-written was judged not useful in its card: acceptance 0% for its kind that week, in the chart and its table.
    expect(r.text).toMatch(/<title>2026-03-09 stale_deal_follow_up: 0%<\/title>/);
    expect(r.text).toMatch(/Acceptance by kind: the numbers[\s\S]*?<th scope="row">2026-03-09<\/th><td>0%<\/td>/);
    expect(r.text).toMatch(/<tr data-outcome="review_dismissed"><th scope="row">dismissed in review<\/th><td>2<\/td>/);
    // Both retrainings, oldest first, with AUC and calibration; the model in service is the last one.
    expect(r.text).toMatch(
      /<table data-history="deal_score">[\s\S]*?0\.710<\/td><td>0\.080[\s\S]*?0\.770<\/td><td>0\.031/,
    );
    expect(r.text).toMatch(/<tr data-model="deal_score">[\s\S]*?<td>0\.770<\/td><td>0\.031<\/td>/);
    expect(r.text).toContain('aria-label="deal_score quality per retraining"');
    expect(r.text).not.toContain('0.123');
    await asA(request(app).get('/admin/outcomes?weeks=52')).expect(200);
    await asA(request(app).get('/admin/outcomes?weeks=7')).expect(400);
  });

  test("connections: quarantined webhook events of the tenant's own connections, never another tenant's", async () => {
    await t.store.webhookQuarantine.add([
      {
        provider: 'hubspot',
        accountId: '4200',
        connectionId: 'hs-a',
        reason: 'objectId: expected a number',
        payload: { objectId: 'x-of-a' },
        receivedAt: NOW - 60_000,
      },
      {
        provider: 'hubspot',
        accountId: 'PORTAL-OF-B',
        connectionId: 'hs-b',
        reason: 'bad event of B',
        payload: { objectId: 'x-of-b' },
        receivedAt: NOW,
      },
      {
        provider: 'hubspot',
        accountId: '999',
        connectionId: null,
        reason: 'no such portal installed',
        payload: {},
        receivedAt: NOW,
      },
    ]);
    const r = await asA(request(app).get('/admin')).expect(200);
    expect(r.text).toMatch(/<strong class="quarantine-count">1<\/strong> event quarantined/);
    expect(r.text).toContain('objectId: expected a number');
    expect(r.text).toContain('x-of-a');
    expect(r.text).not.toContain('bad event of B');
    expect(r.text).not.toContain('no such portal installed');
  });
});
