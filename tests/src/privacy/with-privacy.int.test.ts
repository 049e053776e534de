import { draftEmail, extractCrmData } from '../../../src/inference/drafting/index.js';
import { createLlmClient } from '../../../src/llm/index.js';
import { newBudget, taskSchema } from '../../../src/inference/router/index.js';
import { withPrivacy } from '../../../src/privacy/index.js';
import { answer, startFakeOpenAI, type FakeOpenAI } from '../../fakes/openai/server.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';
import { aChunk, aDraftInput } from '../inference/drafting/builders.js';

const NOW = Date.UTC(2025, 2, 10);
const SECRETS = [
  'Ada',
  'Lovelace',
  'ada@acme.io',
  '415 555 0100',
  '4111 1111 1111 1111',
  'DE89 3704 0044 0532 0130 00',
  '123-45-6789',
  'Grace Hopper',
  'grace.h@acme.io',
];
const EMAIL_TEXT =
  'Hi, Ada Lovelace here (ada@acme.io, +1 415 555 0100). Our budget is tight. ' +
  'Finance asked: pay with card 4111 1111 1111 1111 or IBAN DE89 3704 0044 0532 0130 00? My SSN 123-45-6789 is on file. ' +
  'Loop in Grace Hopper (grace.h@acme.io).';

let fake: FakeOpenAI;
let t: TestDb;
beforeAll(async () => {
  fake = await startFakeOpenAI({ apiKey: 'sk-local' });
  t = await openTestDb();
});
afterAll(async () => {
  await fake.close();
  await t.close();
});
beforeEach(() => fake.reset());

const input = () =>
  aDraftInput({ chunks: [aChunk({ id: 'hubspot:email:e-101:0', recordId: 'e-101', text: EMAIL_TEXT })] });
const llm = () =>
  createLlmClient({ apiKey: 'sk-local', baseURL: fake.url, model: 'gpt-4o-mini', maxRetries: 0, now: () => NOW });
const audit = () => ({
  sink: t.store.audit,
  tenantId: 'tenant-1',
  connectionId: 'conn-1',
  records: [{ kind: 'email', externalId: 'e-101' }],
});

describe('withPrivacy', () => {
  test('the model never sees personal data; the crm_data block stays valid JSON; the draft comes back unmasked; the audit holds masked text only', async () => {
    fake.enqueue(
      answer.json(
        {
          subject: 'Re: budget',
          body: 'Hi [PERSON_3],\n\nThank you for being open about the budget. I will loop in [PERSON_4] ([EMAIL_2]) as you asked.\n\n{{rep_signature}}',
          claims: [{ text: '[PERSON_1] said the budget is tight', citations: ['c1'] }],
          citations: ['c1'],
        },
        { prompt_tokens: 800, completion_tokens: 120 },
      ),
    );
    const private_ = withPrivacy(llm(), { knownPeople: [{ firstName: 'Grace', lastName: 'Hopper' }], audit: audit() });
    const r = await draftEmail(input(), { llm: private_, budget: newBudget(NOW, { usdLimit: 20 }) });

    const sent = JSON.stringify(fake.requests[0]!.body.messages);
    for (const s of SECRETS) expect(sent).not.toContain(s);
    const data = extractCrmData(fake.requests[0]!.body.messages[1].content) as any;
    expect(data.contact).toMatchObject({ firstName: '[PERSON_1]', lastName: '[PERSON_2]' });
    expect(data.context[0].text).toContain('[PERSON_3] here ([EMAIL_1], [PHONE_1])');
    expect(data.context[0].text).toContain('card [CARD_1] or IBAN [IBAN_1]? My SSN [NATIONAL_ID_1]');
    expect(data.context[0].text).toContain('Loop in [PERSON_4] ([EMAIL_2])');

    expect(r.generator).toBe('llm');
    expect(r.body).toContain('Hi Ada Lovelace,');
    expect(r.body).toContain('loop in Grace Hopper (grace.h@acme.io)');

    const [row] = await t.store.audit.listForTenant('tenant-1');
    expect(row).toMatchObject({
      task_kind: 'draft_email',
      model: 'gpt-4o-mini',
      tier: 'large',
      connection_id: 'conn-1',
      suggestion_id: null,
      verdicts: null,
      input_tokens: 800,
      output_tokens: 120,
      error_code: null,
      record_refs: [{ kind: 'email', externalId: 'e-101' }],
    });
    expect(Number(row!.cost_usd)).toBeCloseTo(0.8 * 0.00015 + 0.12 * 0.0006, 10);
    for (const s of SECRETS) {
      expect(row!.masked_prompt).not.toContain(s);
      expect(row!.masked_response).not.toContain(s);
    }
    expect(row!.masked_response).toContain('Hi [PERSON_3]');

    expect(private_.auditIds).toEqual([row!.id]);
    await t.store.audit.setOutcome(private_.auditIds, {
      suggestionId: 'sug-1',
      verdicts: [{ rule: 'no-third-party-pii', passed: true, message: null }],
    });
    expect(await t.store.audit.get(row!.id)).toMatchObject({
      suggestion_id: 'sug-1',
      verdicts: [{ rule: 'no-third-party-pii', passed: true, message: null }],
    });
  });

  test('invented placeholders stay unresolved and are flagged; raw data the model writes on its own is masked in the audit copy', async () => {
    fake.enqueue(
      answer.json({ subject: 'Hello', body: 'Call [PHONE_7] or +44 20 7946 0958', claims: [], citations: [] }),
    );
    const c = await withPrivacy(llm(), { audit: { ...audit(), tenantId: 'tenant-2' } }).complete({
      schema: taskSchema('draft_email'),
      messages: [{ role: 'user', content: 'Write to Ada' }],
    });
    expect(c.value.body).toBe('Call [PHONE_7] or +44 20 7946 0958');
    expect(c.privacy.invented).toEqual(['[PHONE_7]']);
    const [row] = await t.store.audit.listForTenant('tenant-2');
    expect(row!.privacy_flags).toEqual(['invented placeholder [PHONE_7]']);
    expect(row!.masked_response).not.toContain('7946');
  });

  test('a failed call is audited with its error code and still throws', async () => {
    fake.enqueue(answer.truncated('{"subject": "Hi [PERSON_1]'));
    const client = withPrivacy(llm(), { knownPeople: ['Ada'], audit: { ...audit(), tenantId: 'tenant-3' } });
    await expect(
      client.complete({ schema: taskSchema('draft_email'), messages: [{ role: 'user', content: 'Write to Ada' }] }),
    ).rejects.toMatchObject({ code: 'MODEL_OUTPUT_TRUNCATED' });
    const [row] = await t.store.audit.listForTenant('tenant-3');
    expect(row).toMatchObject({ error_code: 'MODEL_OUTPUT_TRUNCATED', masked_response: '{"subject": "Hi [PERSON_1]' });
    expect(row!.masked_prompt).toBe('[user]\nWrite to [PERSON_1]');
  });
});
