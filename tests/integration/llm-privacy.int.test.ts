import { browse } from '../../src/lib/browser-fetch.js';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai/server.js';
import type { HubspotSandbox } from '../../connectors/hubspot/sandbox/index.js';
import type { Closeloop } from '../../src/main.js';
import { startHubspotLoop, waitFor } from '../helpers/closeloop.js';

/**
 * With a large model configured, drafts go through the real openai client — and the model never sees the
 * CRM's personal data: names, emails and phone numbers are placeholders in every request, and every call is
 * audited in masked form.
 */
describe(`model calls are masked and audited (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  let ai: FakeOpenAI;
  let hs: HubspotSandbox;
  let cl: Closeloop;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    ai = await startFakeOpenAI({ apiKey: 'sk-test' });
    ({ hs, cl, stop } = await startHubspotLoop({
      env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: ai.url, OPENAI_MODEL: 'gpt-4o-mini' },
    }));
  });
  afterAll(async () => {
    await stop();
    await ai.close();
  });

  test('a budget email leads to a model call that sees placeholders, not the customer', async () => {
    const pid = hs.defaultPortalId;
    const owner = hs.store
      .portal(pid)
      .addOwner({ id: '31', userId: 31, email: 'rep@example.com', firstName: 'Robin', lastName: 'Seller' });
    const contact = hs.store.create(pid, 'contacts', {
      firstname: 'Philippa',
      lastname: 'Quartermaine',
      email: 'philippa.q@initech.example',
      phone: '+1 415 555 0133',
    });
    const deal = hs.store.create(
      pid,
      'deals',
      {
        dealname: 'Initech expansion',
        dealstage: 'contractsent',
        pipeline: 'default',
        amount: '30000',
        hubspot_owner_id: owner.id,
      },
      { associations: [{ toType: 'contacts', toId: contact.id }] },
    );
    await browse(`${cl.url}/install/hubspot`);
    await waitFor(
      async () => (await cl.store.connections.byAccount('hubspot', String(pid)))?.backfill_done_at,
      30000,
      'backfill',
    );
    hs.store.create(
      pid,
      'emails',
      {
        hs_timestamp: String(Date.now()),
        hs_email_direction: 'INCOMING_EMAIL',
        hs_email_subject: 'Re: expansion',
        hs_email_text:
          'Hi Robin, our budget was cut; call me on +1 415 555 0133 or write to philippa.q@initech.example. Philippa Quartermaine',
      },
      {
        associations: [
          { toType: 'deals', toId: deal.id },
          { toType: 'contacts', toId: contact.id },
        ],
      },
    );

    const calls = await waitFor(
      () => {
        const c = ai.requests.filter((r) => r.path.endsWith('/chat/completions'));
        return c.length ? c : null;
      },
      30000,
      'a chat completion',
    );
    const sent = JSON.stringify(calls.map((c) => c.body));
    for (const secret of ['Philippa', 'Quartermaine', 'philippa.q@initech.example', '555 0133'])
      expect(sent).not.toContain(secret);
    expect(sent).toMatch(/\[(PERSON|EMAIL|PHONE)_\d+\]/);

    // A call is audited when it is made and linked to its suggestion once that is stored: wait for the link.
    const audit = await waitFor(
      async () => {
        const r = await cl.store.db.query<{ masked_prompt: string; suggestion_id: string | null }>(
          'SELECT masked_prompt, suggestion_id FROM model_calls',
        );
        return r.rows.some((x) => x.suggestion_id) ? r.rows : null;
      },
      30000,
      'an audit row linked to its suggestion',
    );
    for (const row of audit)
      for (const secret of ['Philippa', 'philippa.q@initech.example']) expect(row.masked_prompt).not.toContain(secret);
    expect(audit.some((r) => r.suggestion_id)).toBe(true);
  }, 120_000);
});
