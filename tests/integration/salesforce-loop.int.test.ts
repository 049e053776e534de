import type { SalesforceSandbox } from '../../connectors/salesforce/sandbox/index.js';
import type { Closeloop } from '../../src/main.js';
import { TokenCipher } from '../../src/lib/crypto.js';
import { AS_OPERATOR, TEST_KEY } from '../helpers/closeloop.js';
import {
  backfilled,
  installSalesforce,
  startSalesforceLoop,
  waitFor,
  type SalesforceLoop,
  salesRep,
} from '../helpers/salesforce.js';

const DAY = 86_400_000;
const ENGINE = process.env.DATABASE_URL ? 'postgres' : 'pglite';

/**
 * The whole Salesforce loop through the real jsforce against the sandbox: install (OAuth + PKCE) → backfill (REST
 * keyset pages and Bulk API 2.0) → stale-deal Task; an outbound message about a budget problem → risk Task (acked
 * only once recorded; a redelivery is a duplicate); a write-back retried after a crash finds its Task again.
 */
describe(`Salesforce loop end to end (${ENGINE})`, () => {
  let loop: SalesforceLoop;
  let sf: SalesforceSandbox;
  let cl: Closeloop;
  let orgId: string;
  let ownerId: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    // Small pages and a low Bulk threshold, so the backfill pages through REST and runs a Bulk API 2.0 job.
    loop = await startSalesforceLoop({
      env: { STALE_DEAL_DAYS: '14' },
      sandbox: { bulkProcessingMs: 50 },
      connector: { sync: { pageSize: 10, bulkThreshold: 28 } },
    });
    ({ sf, cl, orgId } = loop);
    // Outbound Messages name the org's own instance (checked against the installed connection's host).
    SF_URL = sf.url;
    ownerId = salesRep(sf, orgId, {
      FirstName: 'Riley',
      LastName: 'Rep',
      Email: 'riley@sellerco.example',
      Alias: 'rrep',
    });
    const account = sf.store.create(orgId, 'Account', {
      Name: 'Globex Corporation',
      Website: 'https://globex.example',
    });
    const contact = sf.store.create(orgId, 'Contact', {
      FirstName: 'Hank',
      LastName: "O'Scorpio",
      Email: 'hank@globex.example',
      AccountId: account,
    });
    const negotiating = sf.store.create(orgId, 'Opportunity', {
      Name: 'Globex renewal',
      StageName: 'Negotiation/Review',
      CloseDate: '2030-01-31',
      Amount: 48000,
      AccountId: account,
      OwnerId: ownerId,
    });
    const quiet = sf.store.create(orgId, 'Opportunity', {
      Name: 'Globex pilot',
      StageName: 'Qualification',
      CloseDate: '2030-03-31',
      Amount: 9000,
      AccountId: account,
      OwnerId: ownerId,
    });
    for (const opp of [negotiating, quiet])
      sf.store.create(orgId, 'OpportunityContactRole', { OpportunityId: opp, ContactId: contact, IsPrimary: true });
    sf.store.create(orgId, 'EmailMessage', {
      Subject: 'Contract redlines',
      TextBody: 'Walked Hank through the contract redlines.',
      Status: '3',
      Incoming: false,
      MessageDate: new Date(Date.now() - 2 * DAY).toISOString(),
      RelatedToId: negotiating,
      ToIds: [contact],
    });
    sf.store.create(orgId, 'EmailMessage', {
      Subject: 'Pilot intro',
      TextBody: 'Intro call, interested in a pilot.',
      Status: '3',
      Incoming: false,
      MessageDate: new Date(Date.now() - 30 * DAY).toISOString(),
      RelatedToId: quiet,
      ToIds: [contact],
    });
    // Enough accounts for several REST pages and, above the threshold, a Bulk API 2.0 job for Contact.
    for (let i = 0; i < 25; i++) sf.store.create(orgId, 'Account', { Name: `Filler ${i}` });
    for (let i = 0; i < 30; i++)
      sf.store.create(orgId, 'Contact', { LastName: `Filler ${i}`, Email: `filler${i}@example.com` });
    Object.assign(ids, { account, contact, negotiating, quiet });
  }, 120_000);
  afterAll(async () => {
    await loop.stop();
  });

  const tasksFor = (oppId: string) => sf.store.list(orgId, 'Task').filter((t) => t.WhatId === oppId);

  test('install through OAuth with PKCE stores the org id, instance URL and encrypted tokens', async () => {
    const installed = await installSalesforce(cl);
    expect(installed.accountId).toBe(orgId);
    const conn = (await cl.store.connections.byAccount('salesforce', orgId))!;
    expect(conn.api_base).toBe(sf.url);
    expect(conn.token_expires_at).toBeNull();
    expect(conn.access_token_enc.split('.')).toHaveLength(3);
    expect(conn.access_token_enc).not.toContain(TEST_KEY);
    expect(conn.token_metadata).toMatchObject({ instance_url: sf.url, id: expect.stringContaining(`/id/${orgId}/`) });
    const admin = (await (await fetch(`${cl.url}/admin/connections`, { headers: AS_OPERATOR })).json()) as any[];
    expect(admin).toEqual([expect.objectContaining({ provider: 'salesforce', accountId: orgId, status: 'active' })]);
  });

  test('backfill reads every kind (REST pages and Bulk API 2.0) and a stale deal gets a Task with WhatId, WhoId, owner and reason', async () => {
    const conn = await backfilled(cl, orgId);
    const counts = await cl.store.records.countsByKind();
    expect(counts).toMatchObject({ company: 26, contact: 31, deal: 2 });
    // The two seeded emails, plus any draft closeloop already wrote back whose change event came in (the stream
    // starts from a stored position, so it does not miss events made between install and its first subscribe).
    const emails = (
      await cl.store.db.query<{ external_id: string }>("SELECT external_id FROM records WHERE kind = 'email'")
    ).rows.map((r) => r.external_id);
    const ours = new Set(
      (
        await cl.store.db.query<{ crm_id: string }>('SELECT crm_id FROM writeback_outbox WHERE crm_id IS NOT NULL')
      ).rows.map((r) => r.crm_id),
    );
    expect(emails.filter((id) => !ours.has(id))).toHaveLength(2);
    // Accounts (26, under the threshold) came in REST keyset pages of 10, each with its checkpoint; Contacts (31) in
    // one Bulk API 2.0 job.
    expect(await cl.store.checkpoints.get(conn.id, 'objects:company')).toMatchObject({
      'Account.lastId': expect.stringMatching(/^001/),
    });
    const token = new TokenCipher(TEST_KEY).decrypt(conn.access_token_enc);
    const limits = (await (
      await fetch(`${sf.url}/services/data/v62.0/limits`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as any;
    expect(limits.DailyBulkV2QueryJobs.Max - limits.DailyBulkV2QueryJobs.Remaining).toBe(1);
    const deal = await cl.store.records.get<any>(conn.id, 'deal', ids.quiet!);
    expect(deal.associations.contacts).toEqual([ids.contact]);
    const [task] = await waitFor(
      () => {
        const t = tasksFor(ids.quiet!);
        return t.length ? t : null;
      },
      90_000,
      'stale-deal task',
    );
    expect(task).toMatchObject({ WhoId: ids.contact, OwnerId: ownerId, Status: 'Not Started', TaskSubtype: 'Task' });
    expect(String(task!.Subject)).toContain('Globex pilot');
    expect(String(task!.Description)).toContain(
      'What happened: Nothing has happened on "Globex pilot" (stage: Qualification)',
    );
    expect(String(task!.Description)).toContain('Quote from the email of');
    expect(String(task!.Description)).toContain('"Intro call, interested in a pilot."');
    expect(String(task!.Description).split('\n').length).toBeGreaterThan(3);
    expect(task!.ActivityDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(String(task!.Closeloop_Key__c)).not.toBe('');
    expect(tasksFor(ids.negotiating!)).toHaveLength(0);
  }, 180_000);

  test('an outbound message is recorded, then acked; the budget email becomes one risk Task; a redelivery is dropped', async () => {
    const conn = (await cl.store.connections.byAccount('salesforce', orgId))!;
    sf.configureOutboundMessages(orgId, {
      url: `${cl.url}/webhooks/salesforce`,
      objects: { EmailMessage: ['Id', 'Subject', 'RelatedToId'] },
    });
    const email = sf.store.create(orgId, 'EmailMessage', {
      Subject: 'Re: renewal',
      Status: '0',
      Incoming: true,
      MessageDate: new Date().toISOString(),
      RelatedToId: ids.negotiating,
      ToIds: [ids.contact!],
      TextBody: 'Hi Riley, finance just cut our budget for this quarter, so we cannot sign at the current price.',
    });
    await sf.flushOutbound();
    const row = await waitFor(
      async () =>
        (
          await cl.store.db.query<{ event_id: string; payload: any }>(
            `SELECT e ->> 'eventId' AS event_id, e AS payload FROM webhook_batches b, json_array_elements(b.events) e
        WHERE b.provider = 'salesforce' AND e ->> 'objectId' = $1`,
            [email],
          )
        ).rows[0],
      45_000,
      'inbox row',
    );
    expect(row.payload).toMatchObject({ kind: 'email', accountId: orgId });
    // Generous: the account scan queued after the backfill may be ahead of this deal's analysis.
    const [task] = await waitFor(
      () => {
        const t = tasksFor(ids.negotiating!);
        return t.length ? t : null;
      },
      90_000,
      'budget task',
    );
    expect(String(task!.Description)).toContain('budget');
    expect(String(task!.Description)).toContain(`/lightning/r/EmailMessage/${email}/view`);
    expect(task).toMatchObject({ Priority: 'High', WhoId: ids.contact, OwnerId: ownerId });
    // The reply the rep may send is an EmailMessage draft (Status 5) on the opportunity: never sent by closeloop.
    const drafts = sf.store
      .list(orgId, 'EmailMessage')
      .filter((m) => m.RelatedToId === ids.negotiating && m.Status === '5');
    expect(drafts.length).toBeLessThanOrEqual(1);
    for (const d of drafts) expect(String(d.Closeloop_Key__c)).not.toBe('');

    // The same notification again: acked (Salesforce would resend otherwise); the worker drops it (its id is held).
    const redelivery = outboundMessage(orgId, row.event_id, email);
    const res = await fetch(`${cl.url}/webhooks/salesforce`, {
      method: 'POST',
      body: redelivery,
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<Ack>true</Ack>');
    await waitFor(async () => (await cl.store.inbox.count()).pending === 0, 45_000, 'redelivery processed');
    const copies = await cl.store.db.query<{ processed: boolean }>(
      "SELECT b.processed_at IS NOT NULL AS processed FROM webhook_batches b, json_array_elements(b.events) e WHERE b.connection_id = $1 AND e ->> 'eventId' = $2",
      [conn.id, row.event_id],
    );
    expect(copies.rows).toEqual([{ processed: true }, { processed: true }]);
    const metrics = await (await fetch(`${cl.url}/metrics`, { headers: AS_OPERATOR })).text();
    expect(metrics).toMatch(/closeloop_webhook_events_total\{crm="salesforce",result="duplicate"\} [1-9]/);
    expect(
      (
        await cl.store.db.query(
          "SELECT 1 FROM webhook_event_ids WHERE key = 'salesforce:' || length($1::text) || ':' || $1::text || ':' || $2::text",
          [orgId, row.event_id],
        )
      ).rows,
    ).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1000));
    expect(tasksFor(ids.negotiating!)).toHaveLength(1);
  }, 210_000);

  test('an outbound message from an org that never installed closeloop is not acked and records nothing', async () => {
    const before = await cl.store.inbox.count();
    const res = await fetch(`${cl.url}/webhooks/salesforce`, {
      method: 'POST',
      body: outboundMessage('00D000000000001AAA', 'n-unknown', ids.contact!),
      headers: { 'content-type': 'text/xml' },
    });
    // No Ack: Salesforce keeps the message queued and retries it (for 24 hours) instead of believing it delivered.
    expect(res.status).toBe(404);
    const body = await res.text();
    expect(body).not.toContain('<Ack>');
    expect(JSON.parse(body)).toMatchObject({ error: 'UNKNOWN_ACCOUNT' });
    expect(await cl.store.inbox.count()).toEqual(before);
  });

  test('a write-back retried after a crash between the CRM write and our bookkeeping finds its Task by Closeloop_Key__c', async () => {
    const row = (
      await cl.store.db.query<{ id: string; crm_id: string }>(
        "SELECT id::text, crm_id FROM writeback_outbox WHERE action = 'create_task' AND status = 'done' ORDER BY done_at DESC LIMIT 1",
      )
    ).rows[0];
    const before = sf.store.list(orgId, 'Task').length;
    // Its call started two minutes ago: a retry waits for that call's deadline and the org to settle (process-outbox).
    await cl.store.db.query(
      "UPDATE writeback_outbox SET status = 'pending', crm_id = NULL, send_started_at = now() - interval '2 minutes' WHERE id = $1",
      [row!.id],
    );
    const outbox = { id: row!.id };
    await cl.queue.send('writeback', { outboxId: outbox.id, receivedAt: null });
    const done = await waitFor(
      async () => {
        const r = await cl.store.outbox.get(outbox.id);
        return r?.status === 'done' ? r : null;
      },
      45_000,
      'retried write-back',
    );
    expect(done.crm_id).toBe(row!.crm_id);
    expect(sf.store.list(orgId, 'Task')).toHaveLength(before);
  }, 90_000);

  test('metrics count Salesforce writes', async () => {
    const metrics = await (await fetch(`${cl.url}/metrics`, { headers: AS_OPERATOR })).text();
    expect(metrics).toMatch(/closeloop_writebacks_total\{crm="salesforce",kind="task"\} 2/);
    expect(metrics).toMatch(/closeloop_webhook_events_total\{crm="salesforce",result="accepted"\} [1-9]/);
  });
});

/** A SOAP outbound message with one notification, as Salesforce sends it. */
let SF_URL = 'https://example.my.salesforce.com';

function outboundMessage(orgId: string, notificationId: string, recordId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <soapenv:Body>
  <notifications xmlns="http://soap.sforce.com/2005/09/outbound">
   <OrganizationId>${orgId}</OrganizationId>
   <ActionId>04k000000000001AAA</ActionId>
   <SessionId xsi:nil="true"/>
   <EnterpriseUrl>${SF_URL}/services/Soap/c/62.0/${orgId.slice(0, 15)}</EnterpriseUrl>
   <PartnerUrl>${SF_URL}/services/Soap/u/62.0/${orgId.slice(0, 15)}</PartnerUrl>
   <Notification>
    <Id>${notificationId}</Id>
    <sObject xsi:type="sf:EmailMessage" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">
     <sf:Id>${recordId}</sf:Id>
    </sObject>
   </Notification>
  </notifications>
 </soapenv:Body>
</soapenv:Envelope>`;
}
