import type { Client } from '@hubspot/api-client';
import { AssociationTypeId, type HubspotSandbox } from '../../../../connectors/hubspot/sandbox/index.js';
import { caught, clientFor, startSandbox } from './helpers.js';

describe('HubSpot sandbox CRM objects v3 and associations v4', () => {
  let sandbox: HubspotSandbox;
  let client: Client;
  let token: string;
  beforeAll(async () => {
    sandbox = await startSandbox();
    client = clientFor(sandbox);
    token = sandbox.issueTokens(sandbox.defaultPortalId).accessToken;
  });
  afterAll(() => sandbox.close());

  const get = (path: string) => fetch(`${sandbox.url}${path}`, { headers: { authorization: `Bearer ${token}` } });

  it('pages contacts with `after`, returns requested properties plus the system stamps, and stops paging on the last page', async () => {
    const first = await client.crm.contacts.basicApi.getPage(5, undefined, ['email', 'phone']);
    expect(first.results).toHaveLength(5);
    expect(first.results[0]?.createdAt).toBeInstanceOf(Date);
    expect(Object.keys(first.results[0]?.properties ?? {}).sort()).toEqual([
      'createdate',
      'email',
      'hs_object_id',
      'lastmodifieddate',
      'phone',
    ]);
    const after = first.paging?.next?.after as string;
    expect(first.paging?.next?.link).toContain(`after=${after}`);
    const second = await client.crm.contacts.basicApi.getPage(5, after, ['email']);
    expect(second.results[0]?.id).toBe(after);
    expect(new Set([...first.results, ...second.results].map((r) => r.id)).size).toBe(10);

    const total = sandbox.store.list(sandbox.defaultPortalId, 'contacts').length;
    const last = await client.crm.contacts.basicApi.getPage(100);
    expect(last.results).toHaveLength(total);
    expect(last.paging).toBeUndefined();
  });

  it('uses default properties when none are named, and accepts comma-separated properties', async () => {
    const deals = await client.crm.deals.basicApi.getPage(1);
    expect(Object.keys(deals.results[0]?.properties ?? {}).sort()).toEqual([
      'amount',
      'closedate',
      'createdate',
      'dealname',
      'dealstage',
      'hs_lastmodifieddate',
      'hs_object_id',
      'pipeline',
    ]);
    const res = await get('/crm/v3/objects/contacts?limit=2&properties=email,jobtitle&properties=phone');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as { results: Array<{ properties: Record<string, unknown> }> };
    expect(Object.keys(body.results[0]?.properties ?? {})).toEqual(
      expect.arrayContaining(['email', 'jobtitle', 'phone']),
    );
  });

  it('refuses list pages over 100 with a 400 VALIDATION_ERROR', async () => {
    const err = await caught(client.crm.contacts.basicApi.getPage(101));
    expect(err).toMatchObject({ code: 400, body: { category: 'VALIDATION_ERROR' } });
  });

  it('getAll walks every page', async () => {
    const all = await client.crm.companies.getAll(7);
    expect(all).toHaveLength(sandbox.store.list(sandbox.defaultPortalId, 'companies').length);
    expect(all.map((c) => c.properties.name)).toEqual(
      expect.arrayContaining(['Acme Corp', 'ACME Corporation', 'Acme, Inc.', 'Müller GmbH', 'Mueller GmbH']),
    );
  });

  it('batch read answers 207 with an OBJECT_NOT_FOUND error listing the missing ids', async () => {
    const ids = Object.values(sandbox.demoIndex(sandbox.defaultPortalId)?.deals ?? {}).slice(0, 2);
    const res = await client.crm.deals.batchApi.read({
      inputs: [...ids.map((id) => ({ id })), { id: '999999' }],
      properties: ['dealname', 'dealstage'],
      propertiesWithHistory: ['dealstage'],
    });
    expect(res.status).toBe('COMPLETE');
    expect(res.results.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect(res.results[0]?.propertiesWithHistory?.dealstage?.length).toBeGreaterThan(1);
    const withErrors = res as typeof res & {
      errors: Array<{ category: string; context: Record<string, string[]> }>;
      numErrors: number;
    };
    expect(withErrors.numErrors).toBe(1);
    expect(withErrors.errors[0]).toMatchObject({ category: 'OBJECT_NOT_FOUND', context: { ids: ['999999'] } });
    const partial = await client.crm.deals.batchApi.readWithHttpInfo({
      inputs: [{ id: ids[0] as string }, { id: '999999' }],
      properties: [],
      propertiesWithHistory: [],
    });
    expect(partial.httpStatusCode).toBe(207);
    const ok = await client.crm.deals.batchApi.readWithHttpInfo({
      inputs: ids.map((id) => ({ id })),
      properties: [],
      propertiesWithHistory: [],
    });
    expect(ok.httpStatusCode).toBe(200);
    expect(ok.data.results).toHaveLength(2);
  });

  it("returns 404 with HubSpot's body for an unknown id", async () => {
    const err = await caught(client.crm.deals.basicApi.getById('999'));
    expect(err.code).toBe(404);
    expect(err.body).toMatchObject({
      status: 'error',
      category: 'OBJECT_NOT_FOUND',
      correlationId: expect.any(String),
    });
  });

  it('creates a task with associations (201) and reads them back through associations v4 and the v3 associations param', async () => {
    const index = sandbox.demoIndex(sandbox.defaultPortalId);
    const contactId = index?.contacts.dana as string;
    const dealId = index?.deals.acmeExpansion as string;
    const task = await client.crm.objects.tasks.basicApi.create({
      properties: {
        hs_timestamp: '2024-06-05T15:00:00Z',
        hs_task_subject: 'Follow up on pricing question',
        hs_task_body: '<p>Send the revised quote.</p>',
        hs_task_status: 'NOT_STARTED',
        hs_task_priority: 'HIGH',
        hs_task_type: 'TODO',
      },
      associations: [
        {
          to: { id: contactId },
          types: [
            { associationCategory: 'HUBSPOT_DEFINED' as any, associationTypeId: AssociationTypeId.taskToContact },
          ],
        },
        {
          to: { id: dealId },
          types: [{ associationCategory: 'HUBSPOT_DEFINED' as any, associationTypeId: AssociationTypeId.taskToDeal }],
        },
      ],
    });
    expect(task.properties).toMatchObject({
      hs_task_subject: 'Follow up on pricing question',
      hs_timestamp: '2024-06-05T15:00:00.000Z',
      hs_object_id: task.id,
    });
    expect(task.properties.hs_createdate).toEqual(expect.any(String));

    const toContacts = await client.crm.associations.v4.basicApi.getPage('tasks', task.id, 'contacts');
    expect(toContacts.results).toEqual([
      { toObjectId: Number(contactId), associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 204, label: null }] },
    ]);
    const fromDeal = await client.crm.associations.v4.basicApi.getPage('0-3', dealId, '0-27');
    expect(fromDeal.results.map((r) => r.toObjectId)).toContain(Number(task.id));
    expect(
      fromDeal.results.find((r) => (r.toObjectId as unknown) === Number(task.id))?.associationTypes[0]?.typeId,
    ).toBe(AssociationTypeId.dealToTask);

    const withAssoc = await client.crm.objects.tasks.basicApi.getById(task.id, ['hs_task_subject'], undefined, [
      'contacts',
      'deals',
    ]);
    expect(withAssoc.associations?.contacts?.results).toEqual([{ id: contactId, type: 'task_to_contact' }]);
    expect(withAssoc.associations?.deals?.results).toEqual([{ id: dealId, type: 'task_to_deal' }]);
  });

  it('rejects invalid property values, unknown properties and a missing hs_timestamp like HubSpot', async () => {
    const err = await caught(
      client.crm.objects.tasks.basicApi.create({
        properties: { hs_task_status: 'NOT_A_STATUS', nope: 'x' },
        associations: [],
      }),
    );
    expect(err.code).toBe(400);
    expect(err.body.category).toBe('VALIDATION_ERROR');
    expect(err.body.message).toMatch(/^Property values were not valid: /);
    const problems = JSON.parse(err.body.message.replace('Property values were not valid: ', ''));
    expect(problems.map((p: { error: string }) => p.error).sort()).toEqual([
      'INVALID_OPTION',
      'PROPERTY_DOESNT_EXIST',
      'REQUIRED',
    ]);
  });

  it("takes a deal currency only from the portal's currencies (deal_currency_code), like HubSpot since July 2023", async () => {
    const eur = await client.crm.deals.basicApi.create({
      properties: { dealname: 'Euro deal', amount: '48000', deal_currency_code: 'EUR' },
      associations: [],
    });
    const read = await client.crm.deals.basicApi.getById(eur.id, ['deal_currency_code', 'amount']);
    expect(read.properties.deal_currency_code).toBe('EUR');
    const err = await caught(
      client.crm.deals.basicApi.create({
        properties: { dealname: 'Real deal', amount: '1000', deal_currency_code: 'BRL' },
        associations: [],
      }),
    );
    expect(err.code).toBe(400);
    expect(JSON.parse(err.body.message.replace('Property values were not valid: ', ''))).toEqual([
      expect.objectContaining({ name: 'deal_currency_code', error: 'INVALID_OPTION' }),
    ]);
  });

  it('associates with labels, defaults and removals through v4', async () => {
    const index = sandbox.demoIndex(sandbox.defaultPortalId);
    const contact = index?.contacts.hannah as string;
    const company = index?.companies.mueller as string;
    const created = await client.crm.associations.v4.basicApi.create('contacts', contact, 'companies', company, [
      { associationCategory: 'HUBSPOT_DEFINED' as any, associationTypeId: AssociationTypeId.primaryContactToCompany },
    ]);
    expect(created).toMatchObject({ fromObjectTypeId: '0-1', toObjectTypeId: '0-2', labels: ['Primary'] });
    const page = await client.crm.associations.v4.basicApi.getPage('contacts', contact, 'companies');
    expect(page.results[0]?.associationTypes.map((t) => t.typeId)).toEqual([1, 279]);
    // The company side sees the inverse types.
    const back = await client.crm.associations.v4.basicApi.getPage('companies', company, 'contacts');
    expect(
      back.results.find((r) => (r.toObjectId as unknown) === Number(contact))?.associationTypes.map((t) => t.typeId),
    ).toEqual([2, 280]);

    const deal = index?.deals.muellerPilot as string;
    const def = await client.crm.associations.v4.basicApi.createDefault('contacts', contact, 'deals', deal);
    expect(def.results[0]?.associationSpec).toEqual({ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 4 });

    await client.crm.associations.v4.basicApi.archive('contacts', contact, 'companies', company);
    expect((await client.crm.associations.v4.basicApi.getPage('contacts', contact, 'companies')).results).toEqual([]);

    const batch = await client.crm.associations.v4.batchApi.getPage('deals', 'contacts', {
      inputs: [{ id: deal }, { id: '424242' }],
    });
    expect(batch.results[0]?.to.map((t) => t.toObjectId)).toContain(Number(contact));
    expect((batch as any).errors[0].subCategory).toBe('crm.associations.NO_ASSOCIATIONS_FOUND');
  });

  it('archives (204), hides archived records from normal reads and lists them with archived=true', async () => {
    const created = await client.crm.contacts.basicApi.create({
      properties: { email: 'temp.person@example.com', firstname: 'Temp' },
      associations: [],
    });
    const dup = await caught(
      client.crm.contacts.basicApi.create({ properties: { email: 'TEMP.person@example.com' }, associations: [] }),
    );
    expect(dup).toMatchObject({ code: 409, body: { category: 'CONFLICT' } });
    const updated = await client.crm.contacts.basicApi.update(created.id, { properties: { lastname: 'Person' } });
    expect(updated.properties.lastname).toBe('Person');
    expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(created.updatedAt.getTime());

    await client.crm.contacts.basicApi.archive(created.id);
    expect((await caught(client.crm.contacts.basicApi.getById(created.id))).code).toBe(404);
    const archived = await client.crm.contacts.basicApi.getPage(100, undefined, ['email'], undefined, undefined, true);
    expect(archived.results.map((r) => [r.id, r.archived])).toContainEqual([created.id, true]);
    expect(archived.results.find((r) => r.id === created.id)?.archivedAt).toBeInstanceOf(Date);
    const byArchived = await client.crm.contacts.basicApi.getById(created.id, undefined, undefined, undefined, true);
    expect(byArchived.archived).toBe(true);
  });

  it('batch create, update and archive', async () => {
    const made = await client.crm.companies.batchApi.create({
      inputs: [
        { properties: { name: 'Batch One', domain: 'one.example' }, associations: [] },
        { properties: { name: 'Batch Two' }, associations: [] },
      ],
    });
    expect(made.results).toHaveLength(2);
    const ids = made.results.map((r) => r.id);
    const updated = await client.crm.companies.batchApi.update({
      inputs: [
        { id: ids[0] as string, properties: { city: 'Oslo' } },
        { id: '404404', properties: { city: 'x' } },
      ],
    });
    expect(updated.results[0]?.properties.city).toBe('Oslo');
    expect((updated as any).errors[0].category).toBe('OBJECT_NOT_FOUND');
    await client.crm.companies.batchApi.archive({ inputs: ids.map((id) => ({ id })) });
    const read = await client.crm.companies.batchApi.read({
      inputs: ids.map((id) => ({ id })),
      properties: [],
      propertiesWithHistory: [],
    });
    expect(read.results).toEqual([]);
  });

  it('refuses a create linked to a record that is gone (deleted or merged away), naming every such target', async () => {
    const pid = sandbox.defaultPortalId;
    const deal = sandbox.store.create(pid, 'deals', {
      dealname: 'Gone links',
      pipeline: 'default',
      dealstage: 'qualifiedtobuy',
    });
    const kept = sandbox.store.create(pid, 'contacts', { email: 'kept@gone-links.example' });
    const deleted = sandbox.store.create(pid, 'contacts', { email: 'deleted@gone-links.example' });
    const merged = sandbox.store.create(pid, 'contacts', { email: 'merged@gone-links.example' });
    sandbox.store.archive(pid, 'contacts', deleted.id);
    sandbox.store.merge(pid, 'contacts', kept.id, merged.id);
    const link = (id: string, associationTypeId: number) => ({
      to: { id },
      types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId }],
    });
    const input = (key?: string, ids = [deleted.id, merged.id]) => ({
      properties: { hs_timestamp: '2026-12-08T09:00:00.000Z', hs_task_subject: `Gone ${key ?? ''}` },
      associations: [link(deal.id, 216), link(kept.id, 204), ...ids.map((id) => link(id, 204))],
      ...(key ? { objectWriteTraceId: key } : {}),
    });
    const post = (path: string, body: unknown) =>
      fetch(`${sandbox.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const before = sandbox.store.list(pid, 'tasks').length;

    const one = await post('/crm/v3/objects/tasks', input());
    expect(one.status).toBe(400);
    expect(await one.json()).toMatchObject({
      status: 'error',
      category: 'VALIDATION_ERROR',
      message: 'One or more associations are invalid',
      context: {
        INVALID_OBJECT_IDS: [`CONTACT=${deleted.id} is not valid`, `CONTACT=${merged.id} is not valid`],
        objectId: [deleted.id, merged.id],
        objectType: ['CONTACT', 'CONTACT'],
      },
    });

    // Tagged batch inputs fail alone, each error naming its targets and its trace id.
    const batch = await post('/crm/v3/objects/tasks/batch/create', { inputs: [input('a'), input('b', [])] });
    expect(batch.status).toBe(207);
    const body = (await batch.json()) as { results: { objectWriteTraceId: string }[]; errors: unknown[] };
    expect(body.results.map((r) => r.objectWriteTraceId)).toEqual(['b']);
    expect(body.errors).toEqual([
      expect.objectContaining({
        message: 'One or more associations are invalid',
        context: expect.objectContaining({
          INVALID_OBJECT_IDS: [`CONTACT=${deleted.id} is not valid`, `CONTACT=${merged.id} is not valid`],
          objectWriteTraceId: ['a'],
        }),
      }),
    ]);
    // Refused whole when no input could be written, with the first input's context.
    const whole = await post('/crm/v3/objects/tasks/batch/create', { inputs: [input('c'), input('d')] });
    expect(whole.status).toBe(400);
    expect(await whole.json()).toMatchObject({
      context: { INVALID_OBJECT_IDS: [`CONTACT=${deleted.id} is not valid`, `CONTACT=${merged.id} is not valid`] },
    });
    expect(sandbox.store.list(pid, 'tasks').length).toBe(before + 1);
  });
});
