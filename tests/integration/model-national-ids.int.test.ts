import { Client } from '@hubspot/api-client';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { browse } from '../../src/lib/browser-fetch.js';
import { answer, startFakeOpenAI, type FakeOpenAI } from '../fakes/openai/server.js';
import type { HubspotSandbox } from '../../connectors/hubspot/sandbox/index.js';
import type { Closeloop } from '../../src/main.js';
import { ROOT } from '../helpers/db.js';
import { startHubspotLoop, waitFor } from '../helpers/closeloop.js';
import { hubspotFixtures, taskText } from '../helpers/hubspot-fixtures.js';

const DAY = 86_400_000;

/**
 * A large model (the fake OpenAI-compatible server, through the official client) that repeats the customer's passport
 * number in its draft: the output gate refuses the draft whatever the rules say (here an admin removed the PII rule
 * from the rule files), the draft is written again once, and only the clean one reaches HubSpot. Read back through
 * @hubspot/api-client.
 */
describe(`a national id a model writes never reaches the CRM (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  let ai: FakeOpenAI;
  let hs: HubspotSandbox;
  let cl: Closeloop;
  let stop: () => Promise<void>;
  let rulesDir: string;

  beforeAll(async () => {
    rulesDir = mkdtempSync(path.join(tmpdir(), 'cl-rules-'));
    cpSync(path.join(ROOT, 'rules'), rulesDir, { recursive: true });
    // The rules are the admins' to edit: the gate before the outbox does not rest on this one.
    const file = path.join(rulesDir, 'outgoing-text.json');
    const set = JSON.parse(readFileSync(file, 'utf8')) as { rules: { name: string }[] };
    set.rules = set.rules.filter((r) => r.name !== 'no-third-party-pii');
    writeFileSync(file, JSON.stringify(set, null, 2));
    ai = await startFakeOpenAI({ apiKey: 'sk-test' });
    ({ hs, cl, stop } = await startHubspotLoop({
      env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: ai.url, OPENAI_MODEL: 'gpt-4o-mini', RULES_DIR: rulesDir },
    }));
  }, 60_000);
  afterAll(async () => {
    await stop();
    await ai.close();
    rmSync(rulesDir, { recursive: true, force: true });
  });

  test("the model's draft quoting a passport number is refused and written again; nothing on the deal holds the number", async () => {
    const claims = [{ text: 'The customer said the budget was cut.', citations: ['c1'] }];
    ai.enqueue(
      answer.json({
        subject: 'Re: Vendor form',
        body: 'Hi Lucia,\n\nThank you for letting me know about the budget. I have noted your passport number X4821937 and DNI 12345678Z for the vendor form. Could we set up a short call to go through phasing?\n\nBest regards,\n{{rep_signature}}',
        claims,
        citations: ['c1'],
      }),
      answer.json({
        subject: 'Re: Vendor form',
        body: 'Hi Lucia,\n\nThank you for letting me know about the budget. Could we set up a short call to go through phasing?\n\nBest regards,\n{{rep_signature}}',
        claims,
        citations: ['c1'],
      }),
    );
    const pid = hs.defaultPortalId;
    hs.store
      .portal(pid)
      .addOwner({ id: '9001', userId: 7001, email: 'riley@seller.example', firstName: 'Riley', lastName: 'Rep' });
    const fx = hubspotFixtures(hs, pid, '9001', () => Date.now());
    const contact = fx.contact('Lucia', 'Ferrer', 'lucia@iberia-parts.example');
    const deal = fx.deal('Iberia parts portal', 'contractsent', [contact], 30 * DAY);
    fx.email(
      deal,
      contact,
      DAY,
      'INCOMING_EMAIL',
      'Vendor form',
      'Hi Riley, finance cut our budget after legal checked my passport number X4821937 and DNI 12345678Z, so we cannot sign at the current price.',
    );
    expect((await browse(`${cl.url}/install/hubspot`)).status).toBe(200);
    const both = await waitFor(
      () => {
        const t = fx.tasksOn(deal);
        return t.some((x) => x.properties.hs_task_type === 'EMAIL') &&
          t.some((x) => x.properties.hs_task_type === 'TODO')
          ? t
          : null;
      },
      150_000,
      'the budget task and its draft',
    );
    // Both answers were used: the first draft was refused and the model asked once more.
    expect(ai.pending()).toBe(0);
    const client = new Client({ accessToken: hs.issueTokens(pid).accessToken, basePath: hs.url });
    const read = async (id: string) =>
      (await client.crm.objects.tasks.basicApi.getById(id, ['hs_task_subject', 'hs_task_body', 'hs_task_type']))
        .properties;
    const draft = await read(both.find((x) => x.properties.hs_task_type === 'EMAIL')!.id);
    const todo = await read(both.find((x) => x.properties.hs_task_type === 'TODO')!.id);
    expect(taskText(draft.hs_task_body)).toContain('Could we set up a short call to go through phasing?');
    expect(taskText(todo.hs_task_body)).toContain('my passport number [ID number removed] and DNI [ID number removed]');
    expect(taskText(todo.hs_task_body)).toContain(
      "The first version of the draft did not pass closeloop's checks and was rewritten once.",
    );
    for (const t of [draft, todo]) expect(`${t.hs_task_subject}\n${t.hs_task_body}`).not.toMatch(/4821937|12345678Z/);
  }, 240_000);
});
