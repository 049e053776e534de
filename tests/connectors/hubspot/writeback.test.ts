import nock from 'nock';
import type { DraftEmailWrite, TaskWrite } from '../../../src/core/index.js';
import { createDraftEmail, createTask, DRAFT_DUE_MS } from '../../../connectors/hubspot/writeback.js';
import { visibleText } from '../../../connectors/kit/html-to-text.js';
import { clearOwnerCache } from '../../../connectors/hubspot/owners.js';
import { API, NOW, aContext, fixture } from './helpers.js';

const opts = { now: () => NOW };

function capture(into: any[], status: number, body: unknown) {
  return async (req: any) => {
    into.push(await req.json());
    return [status, body] as [number, any];
  };
}

const aTask = (over: Partial<TaskWrite> = {}): TaskWrite => ({
  subject: 'Follow up on pricing question',
  body: 'Deal has had no activity for 21 days.\n\nEvidence: "we need <approval> from finance" (email 7002)',
  dueAt: '2024-06-05T15:00:00.000Z',
  priority: 'HIGH',
  ownerId: '9001',
  taskType: 'TODO',
  idempotencyKey: 'sugg01HZX4',
  dealId: '301',
  contactIds: ['51', '52'],
  companyId: '77',
  ...over,
});

// Owners API shape: https://developers.hubspot.com/docs/api-reference/crm-crm-owners-v3/guide
const activeOwner = {
  id: '9001',
  email: 'rep@example.com',
  type: 'PERSON',
  firstName: 'Rita',
  lastName: 'Rep',
  userId: 1,
  archived: false,
  createdAt: '2024-01-01T00:00:00Z',
  updatedAt: '2024-01-01T00:00:00Z',
};
const ownerOk = () =>
  nock(API).get('/crm/v3/owners/9001').query({ idProperty: 'id', archived: 'false' }).reply(200, activeOwner);

beforeEach(() => {
  nock.cleanAll();
  clearOwnerCache();
});
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

describe('createTask', () => {
  it('first attempt: no search at all; checks the owner, then creates the task with body, properties and named associations', async () => {
    const creates: any[] = [];
    ownerOk();
    nock(API)
      .post('/crm/v3/objects/tasks')
      .matchHeader('authorization', 'Bearer access-token-1')
      .reply(capture(creates, 201, fixture('http/task-create-response.json')));

    const created = await createTask(aContext(), aTask(), opts);

    expect(created).toEqual({ externalId: '9001', url: null });
    expect(creates).toEqual([
      {
        properties: {
          hs_timestamp: '2024-06-05T15:00:00.000Z',
          hs_task_subject: 'Follow up on pricing question',
          hs_task_body:
            '<p>Deal has had no activity for 21 days.</p><p>Evidence: &quot;we need &lt;approval&gt; from finance&quot; (email 7002)</p>',
          hs_task_status: 'NOT_STARTED',
          hs_task_priority: 'HIGH',
          hs_task_type: 'TODO',
          hubspot_owner_id: '9001',
        },
        associations: [
          { to: { id: '301' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 216 }] },
          { to: { id: '51' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 204 }] },
          { to: { id: '52' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 204 }] },
          { to: { id: '77' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 192 }] },
        ],
      },
    ]);
  });

  it('after an unrecorded attempt: an exact-property lookup (no body search) finds the task and does not POST again', async () => {
    const existing = fixture('http/task-create-response.json');
    // HubSpot may re-serialise the HTML; the visible text is what is compared.
    existing.properties.hs_task_body =
      '<div>Deal has had no activity for 21 days.</div>\n<div>Evidence: "we need &lt;approval&gt; from finance" (email 7002)</div>';
    const searches: any[] = [];
    // Only a search is mocked: a create would hit the locked network and fail the test.
    nock(API)
      .post('/crm/v3/objects/tasks/search')
      .reply(capture(searches, 200, { total: 1, results: [existing] }));
    expect(await createTask(aContext(), aTask({ mayExist: true }), opts)).toEqual({
      externalId: '9001',
      url: null,
      alreadyExisted: true,
    });
    expect(searches).toEqual([
      {
        filterGroups: [
          {
            filters: [
              { propertyName: 'hs_task_subject', operator: 'EQ', value: 'Follow up on pricing question' },
              { propertyName: 'hs_timestamp', operator: 'EQ', value: '2024-06-05T15:00:00.000Z' },
            ],
          },
        ],
        properties: ['hs_task_body', 'hs_task_subject'],
        limit: 10,
      },
    ]);
  });

  it('a search HubSpot refuses outright (400) cannot settle it: the write creates', async () => {
    const creates: any[] = [];
    ownerOk();
    nock(API)
      .post('/crm/v3/objects/tasks/search')
      .reply(400, { status: 'error', message: 'unsupported filter', category: 'VALIDATION_ERROR', correlationId: 'c1' })
      .post('/crm/v3/objects/tasks')
      .reply(capture(creates, 201, fixture('http/task-create-response.json')));
    expect(await createTask(aContext(), aTask({ mayExist: true }), opts)).toEqual({ externalId: '9001', url: null });
    expect(creates).toHaveLength(1);
  });

  it('a lookup that cannot answer now (429, 5xx) fails the attempt instead of creating a possible duplicate', async () => {
    const f = fixture('http/error-429-ten-secondly.json');
    // Only searches are mocked: a create would hit the locked network (and the pending-mocks check names it).
    nock(API).post('/crm/v3/objects/tasks/search').reply(429, f.body, f.headers);
    await expect(createTask(aContext(), aTask({ mayExist: true }), opts)).rejects.toMatchObject({
      code: 'RATE_LIMITED',
    });
    nock(API)
      .post('/crm/v3/objects/tasks/search')
      .reply(502, { status: 'error', message: 'bad gateway', correlationId: 'c5' });
    await expect(createTask(aContext(), aTask({ mayExist: true }), opts)).rejects.toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
    });
  });

  it('an unknown owner is left off the task, visibly, instead of failing the write', async () => {
    const creates: any[] = [];
    nock(API)
      .get('/crm/v3/owners/9001')
      .query({ idProperty: 'id', archived: 'false' })
      .reply(404, { status: 'error', message: 'not found', category: 'OBJECT_NOT_FOUND', correlationId: 'c2' })
      .get('/crm/v3/owners/9001')
      .query({ idProperty: 'id', archived: 'true' })
      .reply(404, { status: 'error', message: 'not found', category: 'OBJECT_NOT_FOUND', correlationId: 'c3' })
      .post('/crm/v3/objects/tasks')
      .reply(capture(creates, 201, fixture('http/task-create-response.json')));
    await createTask(aContext(), aTask(), opts);
    expect(creates[0].properties.hubspot_owner_id).toBeUndefined();
    expect(creates[0].properties.hs_task_body).toContain('Not assigned: HubSpot owner 9001 is unknown');
  });

  it('ignores a search hit with the same subject and time whose text differs', async () => {
    const near = fixture('http/task-create-response.json');
    near.id = '9002';
    near.properties.hs_task_body = '<p>Deal has had no activity for 14 days.</p>';
    const creates: any[] = [];
    ownerOk();
    nock(API)
      .post('/crm/v3/objects/tasks/search')
      .reply(200, { total: 1, results: [near] })
      .post('/crm/v3/objects/tasks')
      .reply(capture(creates, 201, fixture('http/task-create-response.json')));
    // Same subject and due time, another suggestion's words: not ours, so the write goes ahead.
    expect(await createTask(aContext(), aTask({ mayExist: true }), opts)).toEqual({ externalId: '9001', url: null });
    expect(creates).toHaveLength(1);
  });

  it('omits owner and absent associations; writes no id or marker into what the rep reads', async () => {
    const creates: any[] = [];
    nock(API)
      .post('/crm/v3/objects/tasks')
      .reply(capture(creates, 201, fixture('http/task-create-response.json')));
    await createTask(
      aContext(),
      aTask({ ownerId: null, dealId: null, companyId: null, contactIds: ['51', '51'], idempotencyKey: 'sugg:01-HZ' }),
      opts,
    );
    expect(creates[0].properties.hubspot_owner_id).toBeUndefined();
    expect(creates[0].associations).toEqual([
      { to: { id: '51' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 204 }] },
    ]);
    expect(creates[0].properties.hs_task_body).not.toMatch(/closeloop-|sugg:01-HZ|Ref:/);
    expect(visibleText(creates[0].properties.hs_task_body)).toBe(
      'Deal has had no activity for 21 days. Evidence: "we need <approval> from finance" (email 7002)',
    );
  });

  it('surfaces a failed create as our error (never swallowed)', async () => {
    ownerOk();
    nock(API).post('/crm/v3/objects/tasks').reply(400, fixture('http/error-400-validation.json').body);
    await expect(createTask(aContext(), aTask(), opts)).rejects.toMatchObject({
      code: 'PROVIDER_REJECTED',
      where: 'POST /crm/v3/objects/tasks',
    });
  });
});

describe('createDraftEmail', () => {
  const draft: DraftEmailWrite = {
    subject: 'Revised quote for Acme',
    body: 'Hi Ada,\n\nPlease find the revised quote attached.',
    toContactIds: ['51'],
    ownerId: '9001',
    to: { name: 'Ada Lovelace', email: 'ada@acme.example' },
    inReplyTo: { kind: 'email', externalId: '77', subject: 'Revised quote for Acme' },
    idempotencyKey: 'draft42',
    dealId: '301',
    companyId: null,
  };

  it("a draft that goes with a task is due with it (the rep's working day), not a day after it is written", async () => {
    const creates: any[] = [];
    ownerOk();
    nock(API)
      .post('/crm/v3/objects/tasks')
      .reply(capture(creates, 201, { ...fixture<any>('http/task-create-response.json'), id: '9101' }));
    const dueAt = '2026-03-09T14:00:00.000Z';
    await createDraftEmail(aContext(), { ...draft, dueAt }, opts);
    expect(creates[0].properties.hs_timestamp).toBe(dueAt);
  });

  it('creates an EMAIL task carrying recipient, subject and draft (no email engagement is logged)', async () => {
    const creates: any[] = [];
    ownerOk();
    nock(API)
      .post('/crm/v3/objects/tasks')
      .reply(capture(creates, 201, { ...fixture<any>('http/task-create-response.json'), id: '9100' }));

    expect(await createDraftEmail(aContext(), draft, opts)).toEqual({ externalId: '9100', url: null });
    expect(creates).toEqual([
      {
        properties: {
          hs_timestamp: new Date(NOW + DRAFT_DUE_MS).toISOString(),
          hs_task_subject: 'Reply to Ada Lovelace: Revised quote for Acme',
          hs_task_body:
            '<p><b>To:</b> Ada Lovelace &lt;ada@acme.example&gt;</p><p><b>Subject:</b> Revised quote for Acme</p><p>Hi Ada,</p><p>Please find the revised quote attached.</p>',
          hs_task_status: 'NOT_STARTED',
          hs_task_priority: 'MEDIUM',
          hs_task_type: 'EMAIL',
          hubspot_owner_id: '9001',
        },
        associations: [
          { to: { id: '301' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 216 }] },
          { to: { id: '51' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 204 }] },
        ],
      },
    ]);
  });

  it("a recipient without a name (none in the CRM reads as one) is named by their address in the task's title", async () => {
    const creates: any[] = [];
    ownerOk();
    nock(API)
      .post('/crm/v3/objects/tasks')
      .reply(capture(creates, 201, { ...fixture<any>('http/task-create-response.json'), id: '9102' }));
    await createDraftEmail(aContext(), { ...draft, to: { name: null, email: 'ada@acme.example' } }, opts);
    expect(creates[0].properties.hs_task_subject).toBe('Reply to ada@acme.example: Revised quote for Acme');
  });

  it('returns the existing draft task on a retry', async () => {
    const existing = { ...fixture<any>('http/task-create-response.json'), id: '9100' };
    existing.properties = {
      ...existing.properties,
      hs_task_body: '<p><b>To:</b> Ada</p><p>Hi Ada,</p><p>Please find the revised quote attached.</p>',
    };
    nock(API)
      .post('/crm/v3/objects/tasks/search')
      .reply(200, { total: 1, results: [existing] });
    expect(await createDraftEmail(aContext(), { ...draft, mayExist: true }, opts)).toEqual({
      externalId: '9100',
      url: null,
      alreadyExisted: true,
    });
  });
});

// The network-lock setup activates nock in every test file; restore it so the next file in this worker
// starts from the real fetch instead of this file's (then stale) interceptor.
afterAll(() => nock.restore());
