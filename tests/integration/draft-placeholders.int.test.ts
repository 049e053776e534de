import { Client } from '@hubspot/api-client';
import { browse } from '../../src/lib/browser-fetch.js';
import { answer, startFakeOpenAI } from '../fakes/openai/server.js';
import { startHubspotLoop, waitFor } from '../helpers/closeloop.js';
import { taskText } from '../helpers/hubspot-fixtures.js';

/**
 * A model's draft with a template's blanks left in ("talk on [date]", "the agenda is here: [link]") never lands in the
 * CRM one click from being sent: the rules block it and the draft is written again. (Capitalised blanks, "[First
 * Name]", were already held as names found nowhere in the CRM; lower-case ones went out.) Read back through
 * @hubspot/api-client.
 */
describe(`no unfilled blank reaches a draft (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  test('the blanks are caught and the rewritten draft is the one written', async () => {
    const ai = await startFakeOpenAI({ apiKey: 'sk-test' });
    const { hs, cl, stop } = await startHubspotLoop({
      env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: ai.url, OPENAI_MODEL: 'gpt-4o-mini' },
    });
    try {
      const claims = [{ text: 'The customer said the budget was cut.', citations: ['c1'] }];
      ai.enqueue(
        answer.json({
          subject: 'Re: Expansion',
          body: 'Hi Carl,\n\nThank you for telling me about the budget. Could we talk on [date] about phasing? The agenda is here: [link]\n\nBest regards,\n{{rep_signature}}',
          claims,
          citations: ['c1'],
        }),
        answer.json({
          subject: 'Re: Expansion',
          body: 'Hi Carl,\n\nThank you for telling me about the budget. Could we set up a short call to go through phasing?\n\nBest regards,\n{{rep_signature}}',
          claims,
          citations: ['c1'],
        }),
      );
      const pid = hs.defaultPortalId;
      hs.store
        .portal(pid)
        .addOwner({ id: '9001', userId: 7001, email: 'riley@seller.example', firstName: 'Riley', lastName: 'Rep' });
      const carl = hs.store.create(pid, 'contacts', {
        firstname: 'Carl',
        lastname: 'Gauss',
        email: 'carl@acme.example',
      });
      const deal = hs.store.create(
        pid,
        'deals',
        {
          dealname: 'Acme expansion',
          dealstage: 'contractsent',
          pipeline: 'default',
          amount: '120000',
          hubspot_owner_id: '9001',
        },
        { associations: [{ toType: 'contacts', toId: carl.id }] },
      );
      hs.store.create(
        pid,
        'emails',
        {
          hs_timestamp: String(Date.now() - 86_400_000),
          hs_email_direction: 'INCOMING_EMAIL',
          hs_email_subject: 'Re: Expansion',
          hs_email_text: 'Hi Riley, finance cut our budget this quarter, so we cannot sign at the current price.',
        },
        {
          associations: [
            { toType: 'deals', toId: deal.id },
            { toType: 'contacts', toId: carl.id },
          ],
        },
      );
      expect((await browse(`${cl.url}/install/hubspot`)).status).toBe(200);
      const drafts = () =>
        hs.store
          .list(pid, 'tasks')
          .filter(
            (t) =>
              t.properties.hs_task_type === 'EMAIL' &&
              hs.store.associations(pid, { type: 'tasks', id: t.id }, 'deals').some((a) => a.toId === deal.id),
          );
      await waitFor(() => drafts().length >= 1 || null, 45_000, 'draft');
      const client = new Client({ accessToken: hs.issueTokens(pid).accessToken, basePath: hs.url });
      const draft = await client.crm.objects.tasks.basicApi.getById(drafts()[0]!.id, ['hs_task_body']);
      const body = taskText(draft.properties.hs_task_body);
      expect(body).not.toMatch(/\[date\]|\[link\]/i);
      expect(body).toContain('Hi Carl,');
      expect(body).toMatch(/Best regards,\nRiley Rep/);
    } finally {
      await stop();
      await ai.close();
    }
  }, 120_000);
});
