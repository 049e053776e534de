import { readFileSync } from 'node:fs';
import { Client, Signature } from '@hubspot/api-client';
import { AssociationTypeId, type HubspotSandbox } from '../../../../connectors/hubspot/sandbox/index.js';
import { signV1, signV3 } from '../../../../connectors/hubspot/sandbox/webhook-signing.js';
import { CLIENT_SECRET, clientFor, startReceiver, startSandbox, type ReceivedRequest } from './helpers.js';

// The signed test vector (tests/fixtures/hubspot/http/webhook-signed-request.json; algorithms per
// https://developers.hubspot.com/docs/api/webhooks/validating-requests).
const vector = JSON.parse(
  readFileSync(new URL('../../../fixtures/hubspot/http/webhook-signed-request.json', import.meta.url), 'utf8'),
);

const allEvents = (requests: ReceivedRequest[]) => requests.flatMap((r) => r.events);

describe('HubSpot sandbox webhook signing', () => {
  it('reproduces the v1 and v3 signatures of the documented test vector', () => {
    expect(signV1(vector.clientSecret, vector.rawBody)).toBe(vector.expected.v1);
    expect(
      signV3(
        vector.clientSecret,
        vector.method,
        vector.uri,
        vector.rawBody,
        vector.headers['X-HubSpot-Request-Timestamp'],
      ),
    ).toBe(vector.expected.v3);
    expect(
      Signature.getSignature('POST', 'v3', {
        clientSecret: vector.clientSecret,
        requestBody: vector.rawBody,
        url: vector.uri,
        timestamp: Number(vector.headers['X-HubSpot-Request-Timestamp']),
      } as any),
    ).toBe(vector.expected.v3);
  });
});

describe('HubSpot sandbox webhook delivery', () => {
  let sandbox: HubspotSandbox;
  let client: Client;
  beforeEach(async () => {
    sandbox = await startSandbox({ webhookBatchMs: 30, webhookRetryBaseMs: 20, webhookMaxAttempts: 3 });
    client = clientFor(sandbox);
  });
  afterEach(() => sandbox.close());

  it("delivers signed batches for API changes; the client's Signature.isValid accepts v3 and v1", async () => {
    const receiver = await startReceiver();
    try {
      sandbox.setWebhookTarget(receiver.url);
      const contact = await client.crm.contacts.basicApi.create({
        properties: { email: 'new.lead@example.com', firstname: 'New' },
        associations: [],
      });
      await sandbox.flushWebhooks();

      expect(receiver.requests.length).toBeGreaterThan(0);
      for (const req of receiver.requests) {
        expect(req.method).toBe('POST');
        expect(req.headers['content-type']).toBe('application/json');
        expect(req.headers['x-hubspot-signature-version']).toBe('v1');
        const timestamp = Number(req.headers['x-hubspot-request-timestamp']);
        expect(Math.abs(Date.now() - timestamp)).toBeLessThan(60_000);
        const url = `http://127.0.0.1:${new URL(receiver.url).port}${req.url}`;
        expect(
          Signature.isValid({
            signatureVersion: 'v3',
            signature: req.headers['x-hubspot-signature-v3'] as string,
            method: 'POST',
            url,
            requestBody: req.rawBody,
            clientSecret: CLIENT_SECRET,
            timestamp,
          }),
        ).toBe(true);
        expect(
          Signature.isValid({
            signatureVersion: 'v1',
            signature: req.headers['x-hubspot-signature'] as string,
            requestBody: req.rawBody,
            clientSecret: CLIENT_SECRET,
          }),
        ).toBe(true);
        expect(
          Signature.isValid({
            signatureVersion: 'v3',
            signature: req.headers['x-hubspot-signature-v3'] as string,
            method: 'POST',
            url,
            requestBody: `${req.rawBody} `,
            clientSecret: CLIENT_SECRET,
            timestamp,
          }),
        ).toBe(false);
      }
      const events = allEvents(receiver.requests);
      const creation = events.find((e) => e.subscriptionType === 'contact.creation');
      expect(creation).toMatchObject({
        objectId: Number(contact.id),
        portalId: sandbox.defaultPortalId,
        appId: sandbox.appId,
        attemptNumber: 0,
        changeFlag: 'CREATED',
        changeSource: 'API',
        sourceId: String(sandbox.appId),
        eventId: expect.any(Number),
        subscriptionId: expect.any(Number),
        occurredAt: expect.any(Number),
      });
      expect(
        events
          .filter((e) => e.subscriptionType === 'contact.propertyChange')
          .map((e) => [e.propertyName, e.propertyValue]),
      ).toEqual(
        expect.arrayContaining([
          ['email', 'new.lead@example.com'],
          ['firstname', 'New'],
        ]),
      );
      expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
    } finally {
      await receiver.close();
    }
  });

  it('emits generic object.* events for tasks and associationChange events for both sides', async () => {
    const receiver = await startReceiver();
    try {
      sandbox.setWebhookTarget(receiver.url);
      const contactId = sandbox.demoIndex(sandbox.defaultPortalId)?.contacts.marcus as string;
      const task = await client.crm.objects.tasks.basicApi.create({
        properties: {
          hs_timestamp: String(Date.now()),
          hs_task_subject: 'Call Marcus about the budget',
          hs_task_type: 'CALL',
        },
        associations: [
          {
            to: { id: contactId },
            types: [
              { associationCategory: 'HUBSPOT_DEFINED' as any, associationTypeId: AssociationTypeId.taskToContact },
            ],
          },
        ],
      });
      await client.crm.objects.tasks.basicApi.update(task.id, { properties: { hs_task_status: 'COMPLETED' } });
      await client.crm.objects.tasks.basicApi.archive(task.id);
      await sandbox.flushWebhooks();
      const events = allEvents(receiver.requests);
      const forTask = events.filter((e) => e.objectTypeId === '0-27' && e.objectId === Number(task.id));
      expect(forTask.map((e) => e.subscriptionType)).toEqual(
        expect.arrayContaining(['object.creation', 'object.propertyChange', 'object.deletion']),
      );
      expect(forTask.find((e) => e.propertyName === 'hs_task_status')).toMatchObject({
        propertyValue: 'COMPLETED',
        changeSource: 'API',
      });
      expect(events.find((e) => e.subscriptionType === 'contact.associationChange')).toMatchObject({
        associationType: 'CONTACT_TO_TASK',
        fromObjectId: Number(contactId),
        toObjectId: Number(task.id),
        associationRemoved: false,
        isPrimaryAssociation: false,
      });
      // Generic association events name both sides and carry no objectTypeId.
      const assoc = events.find((e) => e.subscriptionType === 'object.associationChange')!;
      expect(assoc).toMatchObject({
        fromObjectTypeId: '0-27',
        toObjectTypeId: '0-1',
        associationType: 'TASK_TO_CONTACT',
        associationTypeId: 204,
      });
      expect(assoc.objectTypeId).toBeUndefined();
    } finally {
      await receiver.close();
    }
  });

  it('marks changes made in the CRM by a user as CRM_UI with the user id', async () => {
    const receiver = await startReceiver();
    try {
      sandbox.setWebhookTarget(receiver.url);
      const dealId = sandbox.demoIndex(sandbox.defaultPortalId)?.deals.orchardIntro as string;
      sandbox.store.update(
        sandbox.defaultPortalId,
        'deals',
        dealId,
        { dealstage: 'qualifiedtobuy' },
        { userId: 5200003 },
      );
      await sandbox.flushWebhooks();
      expect(allEvents(receiver.requests)).toEqual([
        expect.objectContaining({
          subscriptionType: 'deal.propertyChange',
          objectId: Number(dealId),
          propertyName: 'dealstage',
          propertyValue: 'qualifiedtobuy',
          changeSource: 'CRM_UI',
          sourceId: 'userId:5200003',
        }),
      ]);
    } finally {
      await receiver.close();
    }
  });

  it('retries a failed delivery with the same eventIds and attemptNumber + 1', async () => {
    const receiver = await startReceiver([500]);
    try {
      sandbox.setWebhookTarget(receiver.url);
      const companyId = sandbox.demoIndex(sandbox.defaultPortalId)?.companies.acme as string;
      await client.crm.companies.basicApi.update(companyId, { properties: { city: 'Akron' } });
      await sandbox.flushWebhooks();
      expect(receiver.requests).toHaveLength(2);
      const [failed, retried] = receiver.requests as [ReceivedRequest, ReceivedRequest];
      expect(retried.events.map((e) => e.eventId)).toEqual(failed.events.map((e) => e.eventId));
      expect(failed.events.every((e) => e.attemptNumber === 0)).toBe(true);
      expect(retried.events.every((e) => e.attemptNumber === 1)).toBe(true);
      expect(retried.headers['x-hubspot-signature-v3']).not.toBe(failed.headers['x-hubspot-signature-v3']);
      expect(sandbox.webhookAttempts().map((a) => [a.attemptNumber, a.status, a.delivered])).toEqual([
        [0, 500, false],
        [1, 200, true],
      ]);
    } finally {
      await receiver.close();
    }
  });

  it('treats a receiver slower than the timeout as a failure and retries', async () => {
    await sandbox.close();
    sandbox = await startSandbox({ webhookBatchMs: 10, webhookRetryBaseMs: 10, webhookTimeoutMs: 100 });
    const receiver = await startReceiver([200, 200], [400, 0]);
    try {
      sandbox.setWebhookTarget(receiver.url);
      sandbox.store.create(sandbox.defaultPortalId, 'notes', {
        hs_timestamp: String(Date.now()),
        hs_note_body: 'slow',
      });
      await sandbox.flushWebhooks();
      const attempts = sandbox.webhookAttempts();
      expect(attempts.map((a) => [a.attemptNumber, a.delivered])).toEqual([
        [0, false],
        [1, true],
      ]);
      expect(attempts[0]?.error).toMatch(/Timeout|abort/i);
    } finally {
      await receiver.close();
    }
  });

  it('gives up after the configured number of attempts, and flushWebhooks resolves', async () => {
    const receiver = await startReceiver([500, 503, 500, 500]);
    try {
      sandbox.setWebhookTarget(receiver.url);
      sandbox.store.create(sandbox.defaultPortalId, 'notes', {
        hs_timestamp: String(Date.now()),
        hs_note_body: 'hello',
      });
      await sandbox.flushWebhooks();
      expect(receiver.requests.map((r) => r.events[0]?.attemptNumber)).toEqual([0, 1, 2]);
    } finally {
      await receiver.close();
    }
  });

  it('never puts more than 100 events in one request', async () => {
    const receiver = await startReceiver();
    try {
      sandbox.setWebhookTarget(receiver.url);
      for (let batch = 0; batch < 2; batch++) {
        await client.crm.contacts.batchApi.create({
          inputs: Array.from({ length: 80 }, (_, i) => ({
            properties: { email: `bulk${batch}-${i}@example.com`, firstname: `Bulk${i}` },
            associations: [],
          })),
        });
      }
      await sandbox.flushWebhooks();
      const sizes = receiver.requests.map((r) => r.events.length);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(100);
      const events = allEvents(receiver.requests);
      expect(events.filter((e) => e.subscriptionType === 'contact.creation')).toHaveLength(160);
      expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
    } finally {
      await receiver.close();
    }
  });

  it('manages settings and subscriptions through the webhooks API with a developer key', async () => {
    const receiver = await startReceiver();
    try {
      const dev = new Client({ developerApiKey: sandbox.developerApiKey, basePath: sandbox.url });
      const settings = await dev.webhooks.settingsApi.configure(sandbox.appId, {
        targetUrl: receiver.url,
        throttling: { maxConcurrentRequests: 5 } as any,
      });
      expect(settings.targetUrl).toBe(receiver.url);
      const subs = await dev.webhooks.subscriptionsApi.getAll(sandbox.appId);
      const dealStage = subs.results.find(
        (s) => s.eventType === 'deal.propertyChange' && s.propertyName === 'dealstage',
      );
      expect(dealStage?.active).toBe(true);
      await dev.webhooks.subscriptionsApi.update(Number(dealStage?.id), sandbox.appId, { active: false });

      const dealId = sandbox.demoIndex(sandbox.defaultPortalId)?.deals.graniteDashboards as string;
      sandbox.store.update(sandbox.defaultPortalId, 'deals', dealId, { dealstage: 'qualifiedtobuy', amount: '13000' });
      await sandbox.flushWebhooks();
      expect(allEvents(receiver.requests).map((e) => e.propertyName)).toEqual(['amount']);

      const denied = await new Client({ developerApiKey: 'wrong', basePath: sandbox.url }).webhooks.subscriptionsApi
        .getAll(sandbox.appId)
        .catch((e) => e);
      expect(denied.code).toBe(401);
    } finally {
      await receiver.close();
    }
  });
});
