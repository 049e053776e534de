import type { Client } from '@hubspot/api-client';
import type { HubspotSandbox } from '../../../../connectors/hubspot/sandbox/index.js';
import { caught, clientFor, startSandbox } from './helpers.js';

const op = (o: string) => o as any;
const search = (client: Client, type: string, body: Record<string, unknown>) =>
  client.crm.objects.searchApi.doSearch(type, {
    filterGroups: [],
    sorts: [],
    properties: [],
    limit: 10,
    after: '0',
    ...body,
  } as any);

describe('HubSpot sandbox CRM search', () => {
  let sandbox: HubspotSandbox;
  let client: Client;
  beforeAll(async () => {
    // The search rules themselves, on an index that is up to date (the lag has its own test below).
    sandbox = await startSandbox({ searchLagMs: 0 });
    client = clientFor(sandbox);
  });
  afterAll(() => sandbox.close());

  it('ANDs filters inside a group, ORs groups, sorts and pages with a total', async () => {
    const open = {
      filters: [{ propertyName: 'dealstage', operator: op('IN'), values: ['contractsent', 'decisionmakerboughtin'] }],
    };
    const big = {
      filters: [
        { propertyName: 'amount', operator: op('GTE'), value: '90000' },
        { propertyName: 'pipeline', operator: op('EQ'), value: 'default' },
      ],
    };
    const page1 = await client.crm.deals.searchApi.doSearch({
      filterGroups: [open, big],
      sorts: [{ propertyName: 'amount', direction: 'DESCENDING' } as any],
      properties: ['dealname', 'amount', 'dealstage'],
      limit: 3,
      after: '0',
    });
    const amounts = page1.results.map((r) => Number(r.properties.amount));
    expect(amounts).toEqual([...amounts].sort((a, b) => b - a));
    expect(page1.results[0]?.properties.dealname).toBe('Northpeak Health – Clinical ops suite');
    expect(page1.total).toBe(5);
    expect(page1.paging?.next?.after).toBe('3');
    const page2 = await client.crm.deals.searchApi.doSearch({
      filterGroups: [open, big],
      sorts: [{ propertyName: 'amount', direction: 'DESCENDING' } as any],
      properties: ['dealname'],
      limit: 3,
      after: '3',
    });
    expect(page2.results).toHaveLength(2);
    expect(page2.paging).toBeUndefined();
  });

  it('supports the comparison, presence and token operators', async () => {
    const names = async (type: string, filters: unknown[], properties = ['email']) =>
      (await search(client, type, { filterGroups: [{ filters }], properties, limit: 100 })).results.map(
        (r) => r.properties[properties[0] as string],
      );
    expect(
      await names('contacts', [{ propertyName: 'email', operator: op('EQ'), value: 'DANA.WHITFIELD@acme.com' }]),
    ).toEqual(['dana.whitfield@acme.com', 'Dana.Whitfield@ACME.com']);
    expect(
      await names('contacts', [{ propertyName: 'email', operator: op('CONTAINS_TOKEN'), value: '*@gmail.com' }]),
    ).toEqual(['sarahoneil84@gmail.com', 'hannah.schmidt@gmail.com']);
    expect(await names('contacts', [{ propertyName: 'email', operator: op('NOT_HAS_PROPERTY') }], ['phone'])).toEqual([
      '617 555 0155',
    ]);
    expect(
      (
        await names(
          'companies',
          [
            { propertyName: 'domain', operator: op('HAS_PROPERTY') },
            { propertyName: 'domain', operator: op('NEQ'), value: 'acme.com' },
          ],
          ['name'],
        )
      ).length,
    ).toBe(12);
    expect(
      await names(
        'deals',
        [{ propertyName: 'amount', operator: op('BETWEEN'), value: '20000', highValue: '25000' }],
        ['dealname'],
      ),
    ).toEqual(['Kestrel Analytics – Annual renewal', 'Silverline Media – Attribution add-on']);
    expect(
      (
        await names(
          'deals',
          [{ propertyName: 'dealstage', operator: op('NOT_IN'), values: ['closedwon', 'closedlost'] }],
          ['dealname'],
        )
      ).length,
    ).toBe(10);
    const budget = await names(
      'emails',
      [
        { propertyName: 'hs_email_text', operator: op('CONTAINS_TOKEN'), value: 'budget' },
        { propertyName: 'hs_email_direction', operator: op('EQ'), value: 'INCOMING_EMAIL' },
      ],
      ['hs_email_subject'],
    );
    expect(budget).toEqual(['Re: Contract for signature – Acme analytics expansion']);
    const noBudget = await names(
      'emails',
      [{ propertyName: 'hs_email_text', operator: op('NOT_CONTAINS_TOKEN'), value: 'budget' }],
      ['hs_email_subject'],
    );
    expect(noBudget).not.toContain('Re: Contract for signature – Acme analytics expansion');
  });

  it('filters datetimes given as epoch ms and finds silent deals by last modification', async () => {
    const cutoff = String(Date.now() - 30 * 86_400_000);
    const silentOpen = await client.crm.deals.searchApi.doSearch({
      filterGroups: [
        {
          filters: [
            { propertyName: 'hs_lastmodifieddate', operator: op('LT'), value: cutoff },
            { propertyName: 'dealstage', operator: op('NOT_IN'), values: ['closedwon', 'closedlost'] },
          ],
        },
      ],
      sorts: [],
      properties: ['dealname'],
      limit: 10,
      after: '0',
    });
    expect(silentOpen.results.map((r) => r.properties.dealname)).toEqual(['Kestrel Analytics – Annual renewal']);
  });

  it('matches the free-text query against token prefixes and the associations.* pseudo-properties', async () => {
    const byQuery = await search(client, 'companies', { query: 'acme', properties: ['name'], limit: 10 });
    expect(byQuery.results.map((r) => r.properties.name)).toEqual(['Acme Corp', 'ACME Corporation', 'Acme, Inc.']);
    const dealId = sandbox.demoIndex(sandbox.defaultPortalId)?.deals.acmeExpansion as string;
    const onDeal = await search(client, 'emails', {
      filterGroups: [{ filters: [{ propertyName: 'associations.deal', operator: op('EQ'), value: dealId }] }],
      properties: ['hs_email_subject'],
      limit: 50,
    });
    expect(onDeal.total).toBe(4);
  });

  it('refuses more than 200 per page, more than 5 groups, and an unknown operator', async () => {
    expect((await caught(search(client, 'contacts', { limit: 201 }))).body.category).toBe('VALIDATION_ERROR');
    const groups = Array.from({ length: 6 }, () => ({
      filters: [{ propertyName: 'email', operator: op('HAS_PROPERTY') }],
    }));
    expect((await caught(search(client, 'contacts', { filterGroups: groups }))).code).toBe(400);
    expect(
      (
        await caught(
          search(client, 'contacts', { filterGroups: [{ filters: [{ propertyName: 'email', operator: 'LIKE' }] }] }),
        )
      ).code,
    ).toBe(400);
  });

  it('offers no page past the 10,000th result: following the cursor there is a 400', async () => {
    const portal = sandbox.createPortal({ seed: 'empty' });
    const owner = sandbox.store.portal(portal);
    owner.silently(() => {
      for (let i = 0; i < 10_050; i++)
        sandbox.store.create(portal, 'contacts', { firstname: `Bulk${i}`, lastname: 'Load' });
    });
    const bulk = clientFor(sandbox, portal);
    const filterGroups = [{ filters: [{ propertyName: 'lastname', operator: op('EQ'), value: 'Load' }] }];
    const near = await search(bulk, 'contacts', {
      filterGroups,
      properties: ['firstname'],
      limit: 200,
      after: '9800',
      sorts: [{ propertyName: 'createdate', direction: 'ASCENDING' }],
    });
    expect(near.total).toBe(10_050);
    expect(near.results).toHaveLength(200);
    expect(near.paging?.next?.after).toBe('10000');
    const past = await caught(search(bulk, 'contacts', { filterGroups, limit: 200, after: near.paging?.next?.after }));
    expect(past.code).toBe(400);
    expect(past.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });

    const straddling = await search(bulk, 'contacts', { filterGroups, limit: 200, after: '9900' });
    expect(straddling.results).toHaveLength(100);
  });
});

describe('HubSpot sandbox search is eventually consistent (default lag)', () => {
  it('a new record, an edit and a deletion reach search only after the lag; reads by id see them at once', async () => {
    let now = Date.UTC(2026, 11, 4, 12);
    const sandbox = await startSandbox({ now: () => now, seed: 'empty' });
    try {
      const portal = sandbox.defaultPortalId;
      const client = clientFor(sandbox, portal);
      const byName = (name: string) =>
        search(client, 'contacts', {
          filterGroups: [{ filters: [{ propertyName: 'lastname', operator: op('EQ'), value: name }] }],
          properties: ['lastname'],
        });
      const rec = sandbox.store.create(portal, 'contacts', { firstname: 'Ada', lastname: 'Lag' });
      expect((await byName('Lag')).total).toBe(0);
      expect((await client.crm.contacts.basicApi.getById(rec.id)).id).toBe(rec.id);
      now += 2_000;
      expect((await byName('Lag')).total).toBe(1);
      sandbox.store.update(portal, 'contacts', rec.id, { lastname: 'Later' });
      // The index still holds the old value.
      expect((await byName('Lag')).total).toBe(1);
      expect((await byName('Later')).total).toBe(0);
      now += 2_000;
      expect((await byName('Later')).total).toBe(1);
      sandbox.store.archive(portal, 'contacts', rec.id);
      expect((await byName('Later')).total).toBe(1);
      now += 2_000;
      expect((await byName('Later')).total).toBe(0);
    } finally {
      await sandbox.close();
    }
  });
});
