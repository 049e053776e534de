import type { Client } from '@hubspot/api-client';
import { DEFAULT_PIPELINE_STAGES } from '../../../../connectors/hubspot/sandbox/object-types.js';
import { playDemoActivity, type HubspotSandbox } from '../../../../connectors/hubspot/sandbox/index.js';
import { clientFor, startReceiver, startSandbox } from './helpers.js';

const NOW = Date.parse('2024-06-03T16:00:00Z');
const DAY = 86_400_000;

describe('HubSpot sandbox demo portal', () => {
  let sandbox: HubspotSandbox;
  let client: Client;
  let portal: number;
  beforeAll(async () => {
    sandbox = await startSandbox({ now: () => NOW });
    client = clientFor(sandbox);
    portal = sandbox.defaultPortalId;
  });
  afterAll(() => sandbox.close());

  it('is deterministic for a given clock', async () => {
    const twin = await startSandbox({ now: () => NOW });
    try {
      for (const type of ['companies', 'contacts', 'deals', 'emails', 'tasks'] as const) {
        expect(twin.store.list(twin.defaultPortalId, type)).toEqual(sandbox.store.list(portal, type));
      }
    } finally {
      await twin.close();
    }
  });

  it('has messy companies and duplicate contacts, owned by three reps', async () => {
    const companies = await client.crm.companies.getAll(100, undefined, ['name', 'domain']);
    expect(companies.length).toBeGreaterThanOrEqual(15);
    expect(companies.map((c) => c.properties.name)).toEqual(
      expect.arrayContaining(['Acme Corp', 'ACME Corporation', 'Acme, Inc.', 'Müller GmbH', 'Mueller GmbH']),
    );

    const contacts = await client.crm.contacts.getAll(100, undefined, ['email', 'firstname', 'lastname', 'phone']);
    expect(contacts.length).toBeGreaterThanOrEqual(40);
    const emails = contacts.map((c) => c.properties.email ?? '');
    expect(emails).toEqual(
      expect.arrayContaining(['dana.whitfield@acme.com', 'Dana.Whitfield@ACME.com', 'sarahoneil84@gmail.com']),
    );
    const danas = contacts.filter((c) => c.properties.lastname === 'Whitfield').map((c) => c.properties.phone);
    expect(danas).toEqual(['+1 (415) 555-0142', '415.555.0142']);

    const owners = await client.crm.owners.ownersApi.getPage();
    expect(owners.results.map((o) => `${o.firstName} ${o.lastName}`)).toEqual([
      'Maya Chen',
      'Jordan Reyes',
      'Priya Natarajan',
    ]);
    const ownerIds = new Set(owners.results.map((o) => o.id));
    expect(
      contacts.every((c) =>
        ownerIds.has(sandbox.store.get(portal, 'contacts', c.id)?.properties.hubspot_owner_id ?? ''),
      ),
    ).toBe(true);
  });

  it('has a deal in every default pipeline stage, each with an amount, close date, company and contacts', async () => {
    const deals = await client.crm.deals.getAll(
      100,
      undefined,
      ['dealname', 'dealstage', 'amount', 'closedate', 'hubspot_owner_id'],
      undefined,
      ['companies', 'contacts'],
    );
    expect(new Set(deals.map((d) => d.properties.dealstage))).toEqual(new Set(DEFAULT_PIPELINE_STAGES));
    for (const d of deals) {
      expect(Number(d.properties.amount)).toBeGreaterThan(0);
      expect(Date.parse(d.properties.closedate as string)).not.toBeNaN();
      expect(d.associations?.companies?.results.some((a) => a.type === 'deal_to_company')).toBe(true);
      expect(d.associations?.contacts?.results.length).toBeGreaterThan(0);
    }
    const history = await client.crm.deals.basicApi.getById(
      sandbox.demoIndex(portal)?.deals.acmeExpansion as string,
      ['dealstage'],
      ['dealstage'],
    );
    expect(history.propertiesWithHistory?.dealstage?.map((v) => v.value)).toEqual([
      'contractsent',
      'decisionmakerboughtin',
      'presentationscheduled',
      'qualifiedtobuy',
      'appointmentscheduled',
    ]);
  });

  it('carries the signals among benign traffic: budget cut in negotiation, competitor, silent deal, unhappy customer', async () => {
    const emails = sandbox.store.list(portal, 'emails');
    expect(emails.length).toBeGreaterThan(25);
    const dealOf = (emailId: string) =>
      sandbox.store.associations(portal, { type: 'emails', id: emailId }, 'deals')[0]?.toId;
    const stageOf = (dealId: string | undefined) =>
      dealId === undefined ? undefined : sandbox.store.get(portal, 'deals', dealId)?.properties.dealstage;

    const budget = emails.filter((e) => /revisit the budget/i.test(e.properties.hs_email_text ?? ''));
    expect(budget).toHaveLength(1);
    expect(stageOf(dealOf(budget[0]?.id as string))).toBe('contractsent');
    expect(budget[0]?.properties.hs_email_direction).toBe('INCOMING_EMAIL');
    expect(Date.parse(budget[0]?.properties.hs_timestamp as string)).toBe(NOW - 4 * DAY);

    expect(emails.some((e) => /also evaluating Trackwise/.test(e.properties.hs_email_text ?? ''))).toBe(true);
    expect(
      emails.some(
        (e) => /very unhappy/.test(e.properties.hs_email_text ?? '') && stageOf(dealOf(e.id)) === 'closedwon',
      ),
    ).toBe(true);

    // Silent: an open deal whose newest engagement is more than 30 days old.
    const silent = sandbox.store
      .list(portal, 'deals')
      .filter((d) => !['closedwon', 'closedlost'].includes(d.properties.dealstage ?? ''))
      .filter((d) => {
        const stamps = (['emails', 'calls', 'meetings', 'notes'] as const).flatMap((t) =>
          sandbox.store
            .associations(portal, { type: 'deals', id: d.id }, t)
            .map((a) => Date.parse(sandbox.store.get(portal, t, a.toId)?.properties.hs_timestamp ?? '')),
        );
        return stamps.length > 0 && Math.max(...stamps) < NOW - 30 * DAY;
      });
    expect(silent.map((d) => d.properties.dealname)).toEqual(['Kestrel Analytics – Annual renewal']);

    for (const type of ['calls', 'meetings', 'notes', 'tasks'] as const)
      expect(sandbox.store.list(portal, type).length).toBeGreaterThan(3);
    const headers = JSON.parse(budget[0]?.properties.hs_email_headers as string);
    expect(headers.from.email).toBe('marcus.lee@acme.com');
  });

  it('sends no webhooks for seeded data, and the demo stream produces changes that do', async () => {
    const receiver = await startReceiver();
    const live = await startSandbox({ webhookTargetUrl: receiver.url });
    try {
      await live.flushWebhooks();
      expect(receiver.requests).toHaveLength(0);
      const actions = await playDemoActivity(live, live.defaultPortalId, { count: 6, intervalMs: 5 });
      expect(actions.map((a) => a.kind)).toEqual([
        'inboundEmail',
        'stageChange',
        'note',
        'budgetEmail',
        'call',
        'taskCompleted',
      ]);
      const budget = actions.find((a) => a.kind === 'budgetEmail');
      expect(live.store.get(live.defaultPortalId, 'deals', budget?.dealId as string)?.properties.dealstage).toBe(
        'contractsent',
      );
      await live.flushWebhooks();
      const events = receiver.requests.flatMap((r) => r.events);
      expect(
        events.some(
          (e) =>
            e.subscriptionType === 'deal.propertyChange' &&
            e.propertyName === 'dealstage' &&
            e.changeSource === 'CRM_UI',
        ),
      ).toBe(true);
      expect(events.filter((e) => e.subscriptionType === 'object.creation').map((e) => e.objectTypeId)).toEqual(
        expect.arrayContaining(['0-49', '0-46', '0-48']),
      );
      expect(
        events.some(
          (e) => e.objectTypeId === '0-27' && e.propertyName === 'hs_task_status' && e.propertyValue === 'COMPLETED',
        ),
      ).toBe(true);
    } finally {
      await live.close();
      await receiver.close();
    }
  });

  it('exposes the user-activity API over HTTP for standalone runs', async () => {
    const key = sandbox.developerApiKey;
    const res = await fetch(`${sandbox.url}/_sandbox/portals/${portal}/objects/contacts?hapikey=${key}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        properties: { email: 'walk.in@example.com', firstname: 'Walk' },
        associations: [{ toType: 'companies', toId: sandbox.demoIndex(portal)?.companies.granite }],
      }),
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: string };
    expect(sandbox.store.associations(portal, { type: 'contacts', id: created.id }, 'companies')).toHaveLength(1);
    expect((await fetch(`${sandbox.url}/_sandbox/portals?hapikey=nope`)).status).toBe(401);
  });
});
