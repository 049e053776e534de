import { Client } from '@hubspot/api-client';
import type { HubspotSandbox } from '../../connectors/hubspot/sandbox/index.js';
import { browse } from '../../src/lib/browser-fetch.js';
import type { Closeloop } from '../../src/main.js';
import { startHubspotLoop, waitFor } from '../helpers/closeloop.js';
import { taskText } from '../helpers/hubspot-fixtures.js';

const DAY = 86_400_000;

/**
 * What a demanding sales manager checks in HubSpot, read back through @hubspot/api-client: a reply answers the whole
 * message (a question or a competitor beside the budget problem), a question waiting for an answer comes with a draft
 * that does not answer a question nobody asked, mail in Japanese is read, one email is one task, a day named relative
 * to an old email says when it was written, and a rep who answered sees the budget task and its draft withdrawn.
 */
describe(`the whole message, read back as the rep sees it (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  let hs: HubspotSandbox;
  let cl: Closeloop;
  let stop: () => Promise<void>;
  let portalId: number;
  let client: Client;
  const D: Record<string, string> = {};
  const C: Record<string, string> = {};

  const contact = (key: string, first: string, last: string, email: string) =>
    (C[key] = hs.store.create(portalId, 'contacts', { firstname: first, lastname: last, email }).id);
  const deal = (key: string, name: string, stage: string, contactKey: string) =>
    (D[key] = hs.store.create(
      portalId,
      'deals',
      { dealname: name, dealstage: stage, pipeline: 'default', amount: '24000', hubspot_owner_id: '9001' },
      { associations: [{ toType: 'contacts', toId: C[contactKey]! }], at: Date.now() - 30 * DAY },
    ).id);
  const email = (key: string, ago: number, dir: 'INCOMING_EMAIL' | 'EMAIL', subject: string, body: string) =>
    hs.store.create(
      portalId,
      'emails',
      {
        hs_timestamp: String(Date.now() - ago),
        hs_email_direction: dir,
        hs_email_subject: subject,
        hs_email_text: body,
      },
      {
        associations: [
          { toType: 'deals', toId: D[key]! },
          { toType: 'contacts', toId: C[key]! },
        ],
      },
    );
  const storeTasks = (key: string) =>
    hs.store
      .list(portalId, 'tasks')
      .filter((t) =>
        hs.store.associations(portalId, { type: 'tasks', id: t.id }, 'deals').some((a) => a.toId === D[key]),
      );
  const PROPS = ['hs_task_subject', 'hs_task_body', 'hs_task_status', 'hs_task_type'];
  /** The deal's tasks through the official client, as the rep reads them. */
  const read = async (key: string) => {
    const out: { type: string; status: string; subject: string; body: string }[] = [];
    for (const t of storeTasks(key)) {
      const r = await client.crm.objects.tasks.basicApi.getById(t.id, PROPS);
      out.push({
        type: r.properties.hs_task_type ?? '',
        status: r.properties.hs_task_status ?? '',
        subject: r.properties.hs_task_subject ?? '',
        body: taskText(r.properties.hs_task_body),
      });
    }
    return out;
  };
  /** No analysis or write-back waiting, twice a second apart (a write-back's webhook comes a moment after it). */
  const settle = async () => {
    let quiet = 0;
    await waitFor(
      async () => {
        await hs.flushWebhooks();
        const busy = (
          await cl.store.db.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM pgboss.job WHERE name IN ('analyze', 'writeback') AND state IN ('created', 'retry', 'active')",
          )
        ).rows[0]!.n;
        quiet = busy === 0 && (await cl.store.inbox.count()).pending === 0 ? quiet + 1 : 0;
        if (quiet < 2) await new Promise((r) => setTimeout(r, 1_000));
        return quiet >= 2;
      },
      120_000,
      'the deals to settle',
    );
  };

  beforeAll(async () => {
    ({ hs, cl, stop } = await startHubspotLoop());
    portalId = hs.defaultPortalId;
    hs.store
      .portal(portalId)
      .addOwner({ id: '9001', userId: 7001, email: 'dana@seller.example', firstName: 'Dana', lastName: 'Seller' });
    contact('mixed', 'Priya', 'Natarajan', 'priya@acme.example');
    deal('mixed', 'Acme platform', 'contractsent', 'mixed');
    email(
      'mixed',
      2 * DAY,
      'INCOMING_EMAIL',
      'Re: Proposal',
      'Hi Dana, finance cut our budget this quarter so we cannot sign at this price. Also, does your platform support SAML single sign-on? We are also looking at Pipedrive, which came in cheaper.',
    );
    contact('docs', 'Tom', 'Becker', 'tom@bolt.example');
    deal('docs', 'Bolt analytics', 'qualifiedtobuy', 'docs');
    email(
      'docs',
      DAY + 3_600_000,
      'INCOMING_EMAIL',
      'Security review',
      'Hello Dana, could you send us your SOC 2 report before our review on Thursday? And do you offer data residency in the EU?',
    );
    contact('how', 'Ines', 'Costa', 'ines@india.example');
    deal('how', 'India CRM', 'presentationscheduled', 'how');
    email(
      'how',
      DAY + 3_600_000,
      'INCOMING_EMAIL',
      'Comparison',
      'How does your pricing compare with what we pay today, and can you integrate with Zendesk?',
    );
    contact('ja', 'Haruto', 'Sato', 'sato@kaisha.example');
    deal('ja', 'Kaisha rollout', 'contractsent', 'ja');
    email(
      'ja',
      DAY,
      'INCOMING_EMAIL',
      'お見積りについて',
      'ダナ様\n\nお世話になっております。今期の予算が削減されたため、現在の価格では契約できません。\n\nよろしくお願いいたします。\n佐藤',
    );
    contact('call', 'Gina', 'Moreau', 'gina@golf.example');
    deal('call', 'Golf onboarding', 'contractsent', 'call');
    email(
      'call',
      10 * DAY,
      'INCOMING_EMAIL',
      'Timeline',
      'Could we schedule a call next Friday to go over the pricing? The cost is higher than our budget allows.',
    );
    contact('answered', 'Femi', 'Okafor', 'femi@fox.example');
    deal('answered', 'Fox pilot', 'contractsent', 'answered');
    email(
      'answered',
      DAY,
      'INCOMING_EMAIL',
      'Pilot pricing',
      'Our budget is frozen until Q3, we cannot move ahead at this cost.',
    );
    expect((await browse(`${cl.url}/install/hubspot`)).status).toBe(200);
    await waitFor(
      async () => (await cl.store.connections.byAccount('hubspot', String(portalId)))?.backfill_done_at,
      60_000,
      'backfill',
    );
    client = new Client({
      accessToken: hs.issueTokens(portalId).accessToken,
      basePath: hs.url,
      numberOfApiCallRetries: 6,
    });
    // The first analysis also loads the signal models (tens of seconds on a loaded machine).
    await waitFor(
      () =>
        ['mixed', 'docs', 'how', 'call', 'answered'].every((k) =>
          storeTasks(k).some((t) => t.properties.hs_task_type === 'TODO'),
        ) || null,
      150_000,
      'a task on every deal',
    );
    await settle();
  }, 300_000);
  afterAll(async () => {
    await stop();
  });

  test('budget, question and competitor in one email: one task names all three, the draft passes over none', async () => {
    const t = await read('mixed');
    expect(t.filter((x) => x.type === 'TODO')).toHaveLength(1);
    expect(t.filter((x) => x.type === 'EMAIL')).toHaveLength(1);
    const todo = t.find((x) => x.type === 'TODO')!;
    expect(todo.subject).toBe("Answer Priya Natarajan's budget concern and question on Acme platform");
    expect(todo.body).toContain('In the same email they also asked a question and named a competitor (quoted below).');
    expect(todo.body).toContain('answer their question in the same reply');
    expect(todo.body).toMatch(/Quote from Priya Natarajan's email of .*: "finance cut our budget/);
    expect(todo.body).toMatch(
      /Their question, from Priya Natarajan's email of .*: "Also, does your platform support SAML single sign-on\?"/,
    );
    expect(todo.body).toMatch(/The competitor, from Priya Natarajan's email of .*: "We are also looking at Pipedrive/);
    const draft = t.find((x) => x.type === 'EMAIL')!.body;
    expect(draft).toContain('To: Priya Natarajan <priya@acme.example>');
    expect(draft).toContain('Thank you for letting me know about the cut to your budget.');
    expect(draft).toContain('I understand you are also looking at other options');
    expect(draft).toContain('As for the other question in your email');
    // Our words, never the customer's: no competitor name, no product claim.
    expect(draft).not.toMatch(/Pipedrive|SAML|single sign-on|cheaper|\{\{/);
  });

  test('two questions waiting a day: both quoted, and a draft reply to them, naming what was asked for', async () => {
    const t = await read('docs');
    const todo = t.find((x) => x.type === 'TODO')!;
    expect(todo.subject).toBe("Answer Tom Becker's questions on Bolt analytics");
    expect(todo.body).toMatch(/Quote from Tom Becker's email of .*: "could you send us your SOC 2 report/);
    expect(todo.body).toMatch(
      /They also asked, in Tom Becker's email of .*: "And do you offer data residency in the EU\?"/,
    );
    expect(todo.body).toContain('with the answer to each question');
    expect(todo.body).toContain('A draft email ("Re: Security review") is ready for you to review and send.');
    const drafts = t.filter((x) => x.type === 'EMAIL');
    expect(drafts).toHaveLength(1);
    expect(drafts[0]!.subject).toBe('Reply to Tom Becker: Re: Security review');
    expect(drafts[0]!.body).toContain('To: Tom Becker <tom@bolt.example>');
    expect(drafts[0]!.body).toContain('Hi Tom,');
    expect(drafts[0]!.body).toContain('You asked about the security documents');
    expect(drafts[0]!.body).toContain('I am also looking into your other question');
    // "on Thursday" of yesterday's email is not the Thursday after today: the task says when it was written.
    expect(todo.body).toMatch(/\n {2}"on Thursday" was written on \w+day, \d+ \w+ \d{4}(: that day has passed)?\.\n/);
    expect(drafts[0]!.body).toMatch(/Best regards,\nDana Seller/);
    // No date, figure or promise of its own.
    expect(drafts[0]!.body).not.toMatch(/Thursday|residency|\d|\{\{/);
  });

  test('a question about how the pricing compares is not answered as a request for the proposal', async () => {
    const draft = (await read('how')).find((x) => x.type === 'EMAIL')!.body;
    expect(draft).toContain('I am looking into your question on India CRM');
    expect(draft).not.toMatch(/proposal|Zendesk|\{\{/);
  });

  test('a budget problem written in Japanese is a task quoting it, and the template draft says to answer in Japanese', async () => {
    const todo = (await read('ja')).find((x) => x.type === 'TODO')!;
    expect(todo.subject).toBe("Answer Haruto Sato's budget concern on Kaisha rollout");
    expect(todo.body).toMatch(
      /Quote from Haruto Sato's email of .*: "今期の予算が削減されたため、現在の価格では契約できません。"/,
    );
    expect(todo.body).toContain('but the customer wrote in Japanese: write it in Japanese before sending.');
  });

  test('one email, one task: the budget task is the next step, and asking for a call is answered by the call it proposes', async () => {
    const t = await read('call');
    const todos = t.filter((x) => x.type === 'TODO');
    expect(todos.map((x) => x.subject)).toEqual(["Answer Gina Moreau's budget concern on Golf onboarding"]);
    const draft = t.find((x) => x.type === 'EMAIL')!.body;
    expect(draft).toMatch(/short call .*\?/);
    expect(draft).not.toContain('other question');
  });

  test('the rep answers by email: the budget task is closed with the reason and its unsent draft withdrawn', async () => {
    const before = storeTasks('answered');
    expect(before.every((x) => x.properties.hs_task_status !== 'COMPLETED')).toBe(true);
    email('answered', 0, 'EMAIL', 'Re: Pilot pricing', 'Hi Femi, understood. Could we phase the pilot so it fits Q3?');
    await waitFor(
      () => storeTasks('answered').every((x) => x.properties.hs_task_status === 'COMPLETED') || null,
      90_000,
      'the budget task and its draft closed',
    );
    const t = await read('answered');
    const todo = t.find((x) => x.type === 'TODO')!;
    expect(todo.body).toMatch(
      /^Closed by closeloop: The budget concern was answered: an email was sent on \d+ \w+ \d{4}, after the message that raised it\./,
    );
    expect(t.find((x) => x.type === 'EMAIL')!.body).toContain('This draft was withdrawn by closeloop');
  }, 120_000);

  test('a task updated with new evidence still says which language to answer in', async () => {
    email(
      'ja',
      0,
      'INCOMING_EMAIL',
      'Re: お見積りについて',
      '追加のご連絡です。予算が足りないため、現在の価格では発注できません。',
    );
    await waitFor(
      () =>
        storeTasks('ja').some(
          (x) => x.properties.hs_task_type === 'TODO' && taskText(x.properties.hs_task_body).startsWith('Updated on'),
        ) || null,
      90_000,
      'the budget task updated',
    );
    const todo = (await read('ja')).find((x) => x.type === 'TODO')!;
    expect(todo.body).toContain('予算が足りないため');
    expect(todo.body).toContain('but the customer wrote in Japanese: write it in Japanese before sending.');
  }, 120_000);
});
