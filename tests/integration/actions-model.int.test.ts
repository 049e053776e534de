import { browse } from '../../src/lib/browser-fetch.js';
import type { HubspotSandbox } from '../../connectors/hubspot/sandbox/index.js';
import { MIN_CLOSED_OUTCOMES } from '../../src/inference/models/cold-start.js';
import type { Closeloop } from '../../src/main.js';
import { DEAL_MODEL_KIND } from '../../src/store/models.js';
import { startHubspotLoop, waitFor } from '../helpers/closeloop.js';

const DAY = 86_400_000;

/**
 * Per-tenant model: a portal with enough closed history (won AND lost) gets its own deal-scoring model right
 * after the backfill, and the churn suggestion says it came from that model instead of the cold-start rules.
 */
describe(`per-tenant deal model trained from synced history (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  let hs: HubspotSandbox;
  let cl: Closeloop;
  let stop: () => Promise<void>;
  let portalId: number;
  let hooli = '';

  beforeAll(async () => {
    ({ hs, cl, stop } = await startHubspotLoop());
    portalId = hs.defaultPortalId;
    hs.store
      .portal(portalId)
      .addOwner({ id: '9001', userId: 7001, email: 'rep@example.com', firstName: 'Riley', lastName: 'Rep' });
    const now = Date.now();
    // 240 closed deals over the last 400 days: won deals had a meeting, lost ones a budget note (with some noise).
    // History that predates the install sends no webhooks: it arrives by the backfill.
    hs.store.portal(portalId).silently(() => {
      for (let k = 0; k < 240; k++) {
        const won = k % 2 === 0;
        const closed = now - (400 - k * 1.5) * DAY;
        const d = hs.store.create(
          portalId,
          'deals',
          {
            dealname: `History ${k}`,
            dealstage: won ? 'closedwon' : 'closedlost',
            pipeline: 'default',
            amount: String(5000 + (k % 13) * 1000),
            closedate: new Date(closed).toISOString(),
            hubspot_owner_id: '9001',
          },
          { at: closed - 60 * DAY },
        );
        const meeting = won ? k % 14 !== 0 : k % 9 === 1;
        if (meeting)
          hs.store.create(
            portalId,
            'meetings',
            {
              hs_timestamp: String(closed - 10 * DAY),
              hs_meeting_title: 'Demo',
              hs_meeting_start_time: new Date(closed - 10 * DAY).toISOString(),
            },
            { associations: [{ toType: 'deals', toId: d.id }], at: closed - 10 * DAY },
          );
        if (!won)
          hs.store.create(
            portalId,
            'notes',
            { hs_timestamp: String(closed - 5 * DAY), hs_note_body: 'They said the budget was cut this year.' },
            { associations: [{ toType: 'deals', toId: d.id }], at: closed - 5 * DAY },
          );
      }
      // A customer with an open deal who complains (also before the install: scored once the model is trained).
      const company = hs.store.create(portalId, 'companies', {
        name: 'Hooli',
        domain: 'hooli.example',
        hubspot_owner_id: '9001',
      });
      // Hooli is an existing customer (churn is only about customers): last year's subscription was won.
      hs.store.create(
        portalId,
        'deals',
        {
          dealname: 'Hooli subscription',
          dealstage: 'closedwon',
          pipeline: 'default',
          amount: '40000',
          hubspot_owner_id: '9001',
          closedate: new Date(now - 330 * DAY).toISOString(),
        },
        { associations: [{ toType: 'companies', toId: company.id }], at: now - 400 * DAY },
      );
      const gavin = hs.store.create(
        portalId,
        'contacts',
        { firstname: 'Gavin', lastname: 'Belson', email: 'gavin@hooli.example' },
        { associations: [{ toType: 'companies', toId: company.id }] },
      );
      const renewal = hs.store.create(
        portalId,
        'deals',
        {
          dealname: 'Hooli renewal',
          dealstage: 'qualifiedtobuy',
          pipeline: 'default',
          amount: '50000',
          hubspot_owner_id: '9001',
        },
        {
          associations: [
            { toType: 'companies', toId: company.id },
            { toType: 'contacts', toId: gavin.id },
          ],
          at: now - 20 * DAY,
        },
      );
      // Like the lost deals of the history: no meeting, and the budget was cut.
      hs.store.create(
        portalId,
        'notes',
        { hs_timestamp: String(now - 4 * DAY), hs_note_body: 'Gavin said the budget was cut this year.' },
        { associations: [{ toType: 'deals', toId: renewal.id }] },
      );
      hs.store.create(
        portalId,
        'emails',
        {
          hs_timestamp: String(now - 2 * DAY),
          hs_email_direction: 'INCOMING_EMAIL',
          hs_email_subject: 'Outage',
          hs_email_text:
            'We are frustrated: the integration keeps failing and nobody answers our tickets. We are considering alternatives at renewal.',
        },
        {
          associations: [
            { toType: 'companies', toId: company.id },
            { toType: 'contacts', toId: gavin.id },
          ],
        },
      );
      hooli = company.id;
    });
    expect((await browse(`${cl.url}/install/hubspot`)).status).toBe(200);
    await waitFor(
      async () => (await cl.store.connections.byAccount('hubspot', String(portalId)))?.backfill_done_at,
      60000,
      'backfill',
    );
  }, 120_000);
  afterAll(async () => {
    await stop();
  });

  test('the model is trained on won and lost deals, time-ordered, and stored for the tenant', async () => {
    const conn = (await cl.store.connections.byAccount('hubspot', String(portalId)))!;
    const row = await waitFor(
      async () => {
        const r = await cl.store.models.get(conn.tenant_id, DEAL_MODEL_KIND);
        return r?.model ? r : null;
      },
      45_000,
      'trained model',
    );
    expect(row.rows).toBeGreaterThanOrEqual(MIN_CLOSED_OUTCOMES);
    expect(row.positives).toBe(121); // the 120 won deals of the history, and Hooli's subscription
    expect(row.model_name).toMatch(/^(logreg|gbdt)-v1$/);
    expect(row.validation_auc).toBeGreaterThan(0.6);
    expect(JSON.stringify(row.metrics)).toContain('meetings');
  }, 90_000);

  test('the churn suggestion is scored by the tenant model and says so', async () => {
    const s = await waitFor(
      async () =>
        (
          await cl.store.db.query<any>(
            "SELECT * FROM suggestions WHERE type = 'churn_risk' AND payload->>'companyId' = $1",
            [hooli],
          )
        ).rows[0],
      45_000,
      'churn suggestion',
    );
    expect(s.model).toMatch(/^(logreg|gbdt)-v1$/);
    expect(s.tier).toBe('small');
    expect(s.payload.explanation.factors.some((f: any) => f.name.startsWith('deal score: '))).toBe(true);
    const tasks = await waitFor(
      () => {
        const t = hs.store
          .list(portalId, 'tasks')
          .filter((x) =>
            hs.store.associations(portalId, { type: 'tasks', id: x.id }, 'companies').some((a) => a.toId === hooli),
          );
        return t.length >= 2 ? t : null;
      },
      45_000,
      'churn draft and task',
    );
    // The task says it in words a rep can use; the model's name (checked above) stays in the explanation.
    const body = tasks.find((t) => t.properties.hs_task_type === 'TODO')!.properties.hs_task_body;
    expect(body).toMatch(/weighed by closeloop(&#39;|')s trained models \(confidence: (high|medium|low)\)/);
    expect(body).not.toMatch(/(logreg|gbdt)-v1/);
  }, 120_000);
});
