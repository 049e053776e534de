import { Client } from '@hubspot/api-client';
import type { HubspotSandbox } from '../../connectors/hubspot/sandbox/index.js';
import { browse } from '../../src/lib/browser-fetch.js';
import type { Closeloop } from '../../src/main.js';
import { startHubspotLoop, waitFor } from '../helpers/closeloop.js';
import { taskText } from '../helpers/hubspot-fixtures.js';

const DAY = 86_400_000;

/**
 * A customer's card number, social security number and bank account quoted as evidence in an ordinary (to-do) task:
 * the rep still gets the task and the quote, read back through @hubspot/api-client, with the numbers masked. The PII
 * rule reads drafts and email tasks only; a task's quotes are masked where every quote is neutralised. And a contact's
 * name fields that read as no name are not written into a title as they are.
 */
describe(`personal numbers in a quoted email (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  let hs: HubspotSandbox;
  let cl: Closeloop;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    ({ hs, cl, stop } = await startHubspotLoop());
    hs.store
      .portal(hs.defaultPortalId)
      .addOwner({ id: '9001', userId: 7001, email: 'dana@seller.example', firstName: 'Dana', lastName: 'Seller' });
    expect((await browse(`${cl.url}/install/hubspot`)).status).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await stop();
  });

  test('the to-do task quotes the budget email with the card, SSN and IBAN masked', async () => {
    const portalId = hs.defaultPortalId;
    const contact = hs.store.create(portalId, 'contacts', {
      firstname: 'Priya',
      lastname: 'Natarajan',
      email: 'priya@acme.example',
    }).id;
    const deal = hs.store.create(
      portalId,
      'deals',
      {
        dealname: 'Acme platform',
        dealstage: 'contractsent',
        pipeline: 'default',
        amount: '24000',
        hubspot_owner_id: '9001',
      },
      { associations: [{ toType: 'contacts', toId: contact }], at: Date.now() - 30 * DAY },
    ).id;
    hs.store.create(
      portalId,
      'emails',
      {
        hs_timestamp: String(Date.now() - 2 * DAY),
        hs_email_direction: 'INCOMING_EMAIL',
        hs_email_subject: 'Re: Proposal',
        hs_email_text:
          'Hi Dana, finance cut our budget after your form charged my card 4111.1111.1111.1111 (SSN 078-05-1120, refund to DE89 3704 0044 0532 0130 00), so we cannot sign at this price.',
      },
      {
        associations: [
          { toType: 'deals', toId: deal },
          { toType: 'contacts', toId: contact },
        ],
      },
    );
    await hs.flushWebhooks();
    const onDeal = () =>
      hs.store
        .list(portalId, 'tasks')
        .filter((t) => t.properties.hs_task_type === 'TODO')
        .filter((t) =>
          hs.store.associations(portalId, { type: 'tasks', id: t.id }, 'deals').some((a) => a.toId === deal),
        );
    // The first analysis also loads the signal models (tens of seconds on a loaded machine).
    const [task] = await waitFor(() => (onDeal().length ? onDeal() : null), 150_000, 'the budget task');
    const client = new Client({ accessToken: hs.issueTokens(portalId).accessToken, basePath: hs.url });
    const r = await client.crm.objects.tasks.basicApi.getById(task!.id, ['hs_task_subject', 'hs_task_body']);
    const body = taskText(r.properties.hs_task_body);
    expect(r.properties.hs_task_subject).toBe("Answer Priya Natarajan's budget concern on Acme platform");
    // The quote stays readable, its numbers masked.
    expect(body).toMatch(
      /Quote from Priya Natarajan's email of .*: ".*finance cut our budget after your form charged my card •••• 1111 \(SSN \[ID number removed\], refund to \[bank account removed\]\), so we cannot sign at this price\."/,
    );
    expect(body).not.toMatch(/4111[ .]?1111|078-05|1120|DE89|3704|0130/);
  }, 240_000);

  test("a contact whose fields read as no name (an account number) is never named by them: 'the customer', or their address", async () => {
    const portalId = hs.defaultPortalId;
    const contact = hs.store.create(portalId, 'contacts', {
      firstname: '1',
      lastname: 'GB33BUKB20201555555555',
      email: 'ap@bolt.example',
    }).id;
    const deal = hs.store.create(
      portalId,
      'deals',
      {
        dealname: 'Bolt renewal',
        dealstage: 'contractsent',
        pipeline: 'default',
        amount: '24000',
        hubspot_owner_id: '9001',
      },
      { associations: [{ toType: 'contacts', toId: contact }], at: Date.now() - 30 * DAY },
    ).id;
    hs.store.create(
      portalId,
      'emails',
      {
        hs_timestamp: String(Date.now() - 2 * DAY),
        hs_email_direction: 'INCOMING_EMAIL',
        hs_email_subject: 'Renewal',
        hs_email_text: 'Hi Dana, finance cut our budget, so we cannot sign at this price.',
      },
      {
        associations: [
          { toType: 'deals', toId: deal },
          { toType: 'contacts', toId: contact },
        ],
      },
    );
    await hs.flushWebhooks();
    const onDeal = () =>
      hs.store
        .list(portalId, 'tasks')
        .filter((t) =>
          hs.store.associations(portalId, { type: 'tasks', id: t.id }, 'deals').some((a) => a.toId === deal),
        );
    const tasks = await waitFor(() => (onDeal().length >= 2 ? onDeal() : null), 150_000, 'the budget task and draft');
    const subjects = tasks.map((t) => t.properties.hs_task_subject).sort();
    expect(subjects).toEqual(['Answer the budget concern on Bolt renewal', 'Reply to ap@bolt.example: Re: Renewal']);
    const bodies = tasks.map((t) => taskText(t.properties.hs_task_body)).join('\n');
    expect(bodies).not.toMatch(/GB33|BUKB|20201555555555/);
  }, 240_000);
});
