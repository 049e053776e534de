import type { DraftEmailWrite, TaskWrite } from '../../../src/core/connector.js';
import { ProviderRejectedError } from '../../../src/core/errors.js';
import { createSalesforceConnector } from '../../../connectors/salesforce/index.js';
import {
  API,
  INSTANCE_URL,
  isQuery,
  mockSalesforce,
  queryPage,
  testContext,
  type SalesforceMock,
} from './mock-salesforce.js';
import { sample } from './fixtures.js';

const connector = createSalesforceConnector();
let sf: SalesforceMock;
beforeEach(() => {
  sf = mockSalesforce();
});
afterEach(async () => {
  await sf.close();
});

const aTask = (over: Partial<TaskWrite> = {}): TaskWrite => ({
  subject: 'Follow up on pricing question',
  body: 'Reason: no reply in 9 days.\nEvidence: "can you send the revised quote?" (email 02sxx0000000abdAAA)',
  dueAt: '2024-06-05T16:00:00.000Z',
  priority: 'HIGH',
  ownerId: '005xx000001SwiUAAS',
  taskType: 'TODO',
  idempotencyKey: 'sugg_01HZX3:task',
  dealId: '006xx000001a2b3AAA',
  contactIds: ['003xx000004TmiQAAS', '003xx000004TmiRAAS'],
  companyId: '001xx000003DGb2AAG',
  ...over,
});

const aDraft = (over: Partial<DraftEmailWrite> = {}): DraftEmailWrite => ({
  subject: 'Revised quote for Acme',
  body: 'Hi Ada,\nPlease find the revised quote attached.\n\nBest, Rep <rep@seller.example>',
  toContactIds: ['003xx000004TmiQAAS'],
  ownerId: null,
  idempotencyKey: "sugg_01HZX3:draft'x",
  dealId: null,
  companyId: '001xx000003DGb2AAG',
  ...over,
});

describe('createTask', () => {
  it('looks the key up, then POSTs the Task with Subject, Description, ActivityDate, Priority, Status, OwnerId, WhatId, WhoId and the key', async () => {
    sf.on('GET', isQuery('Task'), queryPage([]));
    sf.on('POST', (p) => p === `${API}/sobjects/Task`, { status: 201, body: sample('create-response.json') });
    const created = await connector.createTask(testContext(), aTask());
    expect(created).toEqual({
      externalId: '00Txx000003DHYbEAO',
      url: `${INSTANCE_URL}/lightning/r/Task/00Txx000003DHYbEAO/view`,
    });
    expect(sf.requests[0]!.soql).toBe(
      "SELECT Id, Closeloop_Key__c FROM Task WHERE Closeloop_Key__c = 'sugg_01HZX3:task' LIMIT 1",
    );
    expect(sf.requests[1]!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(sf.requests[1]!.body!)).toEqual({
      Subject: 'Follow up on pricing question',
      Description:
        'Reason: no reply in 9 days.\nEvidence: "can you send the revised quote?" (email 02sxx0000000abdAAA)',
      ActivityDate: '2024-06-05',
      Priority: 'High',
      Status: 'Not Started',
      TaskSubtype: 'Task',
      OwnerId: '005xx000001SwiUAAS',
      WhatId: '006xx000001a2b3AAA',
      WhoId: '003xx000004TmiQAAS',
      Closeloop_Key__c: 'sugg_01HZX3:task',
    });
  });

  it('is idempotent: a task already carrying the key is returned, nothing is created', async () => {
    sf.on('GET', isQuery('Task'), queryPage([{ attributes: { type: 'Task' }, Id: '00Txx000003DHYbEAO' }]));
    const created = await connector.createTask(testContext(), aTask());
    expect(created).toMatchObject({ externalId: '00Txx000003DHYbEAO', alreadyExisted: true });
    expect(sf.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  it('a concurrent create that loses on the unique key (DUPLICATE_VALUE) returns the winner', async () => {
    sf.on('GET', isQuery('Task'), queryPage([]), 1);
    sf.on('POST', (p) => p === `${API}/sobjects/Task`, {
      status: 400,
      body: [{ message: 'duplicate value found: Closeloop_Key__c', errorCode: 'DUPLICATE_VALUE', fields: [] }],
    });
    sf.on('GET', isQuery('Task'), queryPage([{ Id: '00Txx000003DHYzEAO' }]));
    const created = await connector.createTask(testContext(), aTask());
    expect(created).toMatchObject({ externalId: '00Txx000003DHYzEAO', alreadyExisted: true });
  });

  it('falls back to the company for WhatId, omits absent lookups, and maps CALL/LOW', async () => {
    sf.on('GET', isQuery('Task'), queryPage([]));
    sf.on('POST', (p) => p === `${API}/sobjects/Task`, { status: 201, body: sample('create-response.json') });
    await connector.createTask(
      testContext(),
      aTask({ dealId: null, contactIds: [], ownerId: null, taskType: 'CALL', priority: 'LOW' }),
    );
    const body = JSON.parse(sf.requests[1]!.body!);
    expect(body).toMatchObject({ WhatId: '001xx000003DGb2AAG', TaskSubtype: 'Call', Priority: 'Low' });
    expect(body).not.toHaveProperty('WhoId');
    expect(body).not.toHaveProperty('OwnerId');
  });

  it('a validation error is ProviderRejectedError naming the endpoint', async () => {
    sf.on('GET', isQuery('Task'), queryPage([]));
    sf.on('POST', (p) => p === `${API}/sobjects/Task`, {
      status: 400,
      body: [
        { message: 'Required fields are missing: [Subject]', errorCode: 'REQUIRED_FIELD_MISSING', fields: ['Subject'] },
      ],
    });
    await expect(connector.createTask(testContext(), aTask())).rejects.toMatchObject({
      code: 'PROVIDER_REJECTED',
      where: 'POST /sobjects/Task',
    });
  });

  it('rejects an empty idempotency key before any request', async () => {
    await expect(connector.createTask(testContext(), aTask({ idempotencyKey: '' }))).rejects.toBeInstanceOf(
      ProviderRejectedError,
    );
    expect(sf.requests).toHaveLength(0);
  });
});

describe('createDraftEmail', () => {
  it('creates an EmailMessage draft (Status 5, never sent) with ToIds and RelatedToId; the key is escaped in SOQL', async () => {
    sf.on('GET', isQuery('EmailMessage'), queryPage([]));
    sf.on('POST', (p) => p === `${API}/sobjects/EmailMessage`, {
      status: 201,
      body: { id: '02sxx0000000abcAAA', success: true, errors: [] },
    });
    const created = await connector.createDraftEmail(testContext(), aDraft());
    expect(created).toEqual({
      externalId: '02sxx0000000abcAAA',
      url: `${INSTANCE_URL}/lightning/r/EmailMessage/02sxx0000000abcAAA/view`,
    });
    expect(sf.requests[0]!.soql).toBe(
      "SELECT Id, Closeloop_Key__c FROM EmailMessage WHERE Closeloop_Key__c = 'sugg_01HZX3:draft\\'x' LIMIT 1",
    );
    expect(JSON.parse(sf.requests[1]!.body!)).toEqual({
      Subject: 'Revised quote for Acme',
      TextBody: 'Hi Ada,\nPlease find the revised quote attached.\n\nBest, Rep <rep@seller.example>',
      HtmlBody: '<p>Hi Ada,<br>Please find the revised quote attached.</p><p>Best, Rep &lt;rep@seller.example&gt;</p>',
      Status: '5',
      Incoming: false,
      ToIds: ['003xx000004TmiQAAS'],
      RelatedToId: '001xx000003DGb2AAG',
      Closeloop_Key__c: "sugg_01HZX3:draft'x",
    });
  });

  it('returns the existing draft for a repeated key', async () => {
    sf.on('GET', isQuery('EmailMessage'), queryPage([{ Id: '02sxx0000000abcAAA' }]));
    await expect(connector.createDraftEmail(testContext(), aDraft())).resolves.toMatchObject({
      externalId: '02sxx0000000abcAAA',
    });
    expect(sf.requests).toHaveLength(1);
  });
});

describe('Task Description from our plain-text body', () => {
  it('keeps the text and its line breaks (no markup), normalises CRLF and cuts to the 32,000-character field', async () => {
    const { taskFields, toDescription } = await import('../../../connectors/salesforce/writeback.js');
    const fields = taskFields(
      aTask({
        body: 'No reply in 9 days.\r\n\r\nEvidence:\n- "budget is <tight> & late" (email 02s)',
        subject: 'x'.repeat(300),
      }),
    );
    expect(fields.Description).toBe('No reply in 9 days.\n\nEvidence:\n- "budget is <tight> & late" (email 02s)');
    expect(String(fields.Subject)).toHaveLength(255);
    const long = toDescription('a'.repeat(40_000));
    expect(long).toHaveLength(32_000);
    expect(long.endsWith('\n[…]')).toBe(true);
  });
});
