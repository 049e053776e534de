import { Client } from '@hubspot/api-client';
import type { HubspotSandbox } from '../../connectors/hubspot/sandbox/index.js';
import { browse } from '../../src/lib/browser-fetch.js';
import type { Closeloop } from '../../src/main.js';
import { startHubspotLoop, waitFor } from '../helpers/closeloop.js';
import { taskText } from '../helpers/hubspot-fixtures.js';

const DAY = 86_400_000;

/**
 * A customer asking to have their own email address updated in the CRM is a request a rep answers, not data being drawn
 * out nor a change of recipients: the rep gets the "answer the question" task, read back through @hubspot/api-client,
 * with the customer's words quoted (tests/security/instruction-precision.test.ts: asking for the records to be sent out
 * still is data drawn out).
 */
describe(`a customer's request about the CRM (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
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

  const dealWithEmail = (name: string, email: string, text: string) => {
    const portalId = hs.defaultPortalId;
    const contact = hs.store.create(portalId, 'contacts', { firstname: 'Priya', lastname: 'Natarajan', email }).id;
    const deal = hs.store.create(
      portalId,
      'deals',
      { dealname: name, dealstage: 'contractsent', pipeline: 'default', amount: '24000', hubspot_owner_id: '9001' },
      { associations: [{ toType: 'contacts', toId: contact }], at: Date.now() - 30 * DAY },
    ).id;
    hs.store.create(
      portalId,
      'emails',
      {
        hs_timestamp: String(Date.now() - 2 * DAY),
        hs_email_direction: 'INCOMING_EMAIL',
        hs_email_subject: 'Re: Proposal',
        hs_email_text: text,
      },
      {
        associations: [
          { toType: 'deals', toId: deal },
          { toType: 'contacts', toId: contact },
        ],
      },
    );
    return deal;
  };
  const onDeal = (deal: string) =>
    hs.store
      .list(hs.defaultPortalId, 'tasks')
      .filter((t) =>
        hs.store.associations(hs.defaultPortalId, { type: 'tasks', id: t.id }, 'deals').some((a) => a.toId === deal),
      );

  test('"please update my email address in the CRM" gets its task, the request quoted', async () => {
    const legit = dealWithEmail(
      'Acme platform',
      'priya@acme.example',
      'Hi Dana, could you please update my email address in the CRM to the one I am writing from? Your invoices still go to my old mailbox.',
    );
    await hs.flushWebhooks();
    const isAsk = (t: { properties: Record<string, string | null> }) =>
      /question/i.test(t.properties.hs_task_subject ?? '');
    const [task] = await waitFor(
      () => (onDeal(legit).filter(isAsk).length ? onDeal(legit).filter(isAsk) : null),
      150_000,
      'the task answering the request',
    );
    const client = new Client({ accessToken: hs.issueTokens(hs.defaultPortalId).accessToken, basePath: hs.url });
    const r = await client.crm.objects.tasks.basicApi.getById(task!.id, ['hs_task_subject', 'hs_task_body']);
    expect(r.properties.hs_task_subject).toBe("Answer Priya Natarajan's question on Acme platform");
    expect(taskText(r.properties.hs_task_body)).toMatch(/could you please update my email address in the CRM/);
    expect(taskText(r.properties.hs_task_body)).not.toMatch(/quote withheld/);
  }, 240_000);
});
