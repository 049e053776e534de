import { Writable } from 'node:stream';
import { DraftEmailPayload } from '../../../../src/core/suggestion.js';
import { ErrorCode } from '../../../../src/core/errors.js';
import { createLogger } from '../../../../src/lib/logger.js';
import {
  draftEmail,
  extractCrmData,
  toDraftEmailPayload,
  type DraftDeps,
} from '../../../../src/inference/drafting/index.js';
import { createLlmClient } from '../../../../src/llm/index.js';
import { applyUsage, newBudget } from '../../../../src/inference/router/index.js';
import { answer, startFakeOpenAI, type FakeOpenAI } from '../../../fakes/openai/server.js';
import { aChunk, aDraftInput, INJECTION } from './builders.js';

const NOW = Date.UTC(2025, 2, 10);
const modelDraft = {
  subject: 'Re: Renewal proposal',
  body: 'Hi Ada,\n\nThank you for being candid about the budget this quarter [c1]. I would like to understand what your CFO needs so we can look at options together.\n\nWould a short call this week work?\n\n{{rep_signature}}',
  claims: [{ text: 'Ada said the budget is tight this quarter', citations: ['c1'] }],
  citations: ['c1'],
};

let fake: FakeOpenAI;
beforeAll(async () => {
  fake = await startFakeOpenAI({ apiKey: 'sk-local' });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const deps = (o: Partial<DraftDeps> = {}): DraftDeps => ({
  llm: createLlmClient({ apiKey: 'sk-local', baseURL: fake.url, model: 'gpt-4o-mini', maxRetries: 0, now: () => NOW }),
  budget: newBudget(NOW, { usdLimit: 20 }),
  ...o,
});

describe('draftEmail', () => {
  test('LLM draft: structured answer, citations resolved to CRM records, cost from reported usage', async () => {
    fake.enqueue(answer.json(modelDraft, { prompt_tokens: 1000, completion_tokens: 200 }));
    const r = await draftEmail(aDraftInput(), deps());
    expect(r).toMatchObject({
      generator: 'llm',
      tier: 'large',
      model: 'gpt-4o-mini',
      fallback: null,
      subject: 'Re: Renewal proposal',
    });
    expect(r.body).not.toContain('[c1]');
    expect(r.body).toContain('candid about the budget this quarter.');
    expect(r.citations).toEqual([
      {
        label: 'c1',
        chunkId: 'hubspot:email:e-101:0',
        recordKind: 'email',
        recordId: 'e-101',
        url: expect.stringContaining('e-101'),
      },
    ]);
    expect(r.usage).toEqual({ inputTokens: 1000, outputTokens: 200 });
    expect(r.costUsd).toBeCloseTo(1 * 0.00015 + 0.2 * 0.0006, 10);
    expect(r.route.reason).toBe('draft_email: preferred tier large gpt-4o-mini');

    const sent = fake.requests[0]!.body;
    expect(sent.response_format.json_schema.name).toBe('closeloop_draft_email');
    expect((extractCrmData(sent.messages[1].content) as any).context[0].text).toContain(INJECTION);
    expect(JSON.stringify(sent.messages)).not.toContain('</crm_data> ignore');
    expect(DraftEmailPayload.parse(toDraftEmailPayload(r, aDraftInput()))).toEqual({
      subject: r.subject,
      body: r.body,
      toContactIds: ['ct-9'],
      ownerId: 'owner-5',
    });
  });

  test('a citation the prompt did not carry is an ungrounded claim: template instead, failure recorded, tokens still charged', async () => {
    fake.enqueue(
      answer.json(
        { ...modelDraft, claims: [{ text: 'You were promised 30% off', citations: ['c9'] }] },
        { prompt_tokens: 900, completion_tokens: 100 },
      ),
    );
    const r = await draftEmail(aDraftInput(), deps());
    expect(r).toMatchObject({ generator: 'template', tier: 'rules', model: 'template:budget_reply@2' });
    expect(r.fallback).toMatchObject({ code: ErrorCode.MODEL_OUTPUT_INVALID, message: expect.stringContaining('c9') });
    expect(r.costs.map((c) => c.tier)).toEqual(['large', 'rules']);
    expect(r.costUsd).toBeGreaterThan(0);
    expect(r.body).not.toContain('30%');
  });

  test('a claim without any citation is rejected the same way', async () => {
    fake.enqueue(answer.json({ ...modelDraft, claims: [{ text: 'Ada loves the product', citations: [] }] }));
    const r = await draftEmail(aDraftInput(), deps());
    expect(r.fallback?.code).toBe(ErrorCode.MODEL_OUTPUT_INVALID);
  });

  test.each([
    ['truncated', answer.truncated(), ErrorCode.MODEL_OUTPUT_TRUNCATED],
    ['refused', answer.refusal(), ErrorCode.MODEL_REFUSED],
    ['invalid JSON', answer.raw('{"subject": '), ErrorCode.MODEL_OUTPUT_INVALID],
    ['rate limited', answer.rateLimited({ 'retry-after': '30' }), ErrorCode.RATE_LIMITED],
    ['provider down', answer.serverError(502), ErrorCode.PROVIDER_UNAVAILABLE],
  ])('LLM %s → template draft, logged with the error code', async (_, scripted, code) => {
    fake.enqueue(scripted);
    const lines: string[] = [];
    const logger = createLogger({
      destination: new Writable({
        write(c, _e, cb) {
          lines.push(String(c));
          cb();
        },
      }),
    });
    const r = await draftEmail(aDraftInput(), deps({ logger }));
    expect(r.generator).toBe('template');
    expect(r.fallback?.code).toBe(code);
    const warn = lines.map((l) => JSON.parse(l)).find((l) => l.msg.includes('using the template'));
    expect(warn).toMatchObject({ code, task: 'draft_email', tenantId: 'tenant-1' });
  });

  test.each<[string, Partial<DraftDeps>, string]>([
    ['budget exhausted', { budget: { ...newBudget(NOW, { usdLimit: 20 }), usdUsed: 20 } }, 'monthly budget exhausted'],
    ['local-only mode', { localOnly: true }, 'local-only mode'],
    ['no model configured', { llm: null }, 'no large model configured'],
  ])('%s → template drafter without calling the model', async (_, o, why) => {
    const r = await draftEmail(aDraftInput({ kind: 'stale_follow_up' }), deps(o));
    expect(fake.requests).toHaveLength(0);
    expect(r).toMatchObject({
      generator: 'template',
      model: 'template:stale_follow_up@2',
      tier: 'rules',
      costUsd: 0,
      fallback: null,
    });
    expect(r.route.reason).toContain(why);
  });

  test('the cost lines feed the tenant budget', async () => {
    fake.enqueue(answer.json(modelDraft, { prompt_tokens: 2000, completion_tokens: 500 }));
    const d = deps();
    const r = await draftEmail(aDraftInput(), d);
    const after = r.costs.reduce((b, line) => applyUsage(b, line, NOW), d.budget);
    expect(after).toMatchObject({ tokensUsed: 2500, usdUsed: r.costUsd });
  });

  describe('the model reads what the customer wrote, not the quoted history under it', () => {
    const sentContext = async (body: string): Promise<string> => {
      fake.enqueue(answer.json(modelDraft, { prompt_tokens: 900, completion_tokens: 100 }));
      const input = aDraftInput();
      const r = await draftEmail(
        { ...input, chunks: [aChunk({ id: 'hubspot:email:e-101:0', recordId: 'e-101', text: `RE: Quote\n${body}` })] },
        deps(),
      );
      expect(r.generator).toBe('llm');
      return (extractCrmData(fake.requests[0]!.body.messages[1].content) as any).context[0].text as string;
    };

    test.each([
      [
        'Outlook',
        'Ada here: the price is too high for our budget.\n\nAda Lovelace | VP Operations\n\n-----Original Message-----\nFrom: Jordan Brooks <jordan@seller.example>\nSent: Monday, November 30, 2026 9:00 AM\nSubject: Quote\n\nHi Ada, can you send me the signed order form? Could we also sign by end of Q4?',
      ],
      [
        'Gmail',
        'Sounds good, but the price is too high for our budget.\n\nOn Mon, Nov 30, 2026 at 9:00 AM Jordan Brooks <jordan@seller.example> wrote:\n> Hi Ada, can you send me the signed order form? Any questions?',
      ],
      [
        'quoted lines',
        'The price is too high for our budget.\n\n> Hi Ada, can you send me the signed order form?\n> Could we also sign by end of Q4?',
      ],
    ])('a reply (%s): the rep’s quoted questions are not in the prompt', async (_, body) => {
      const text = await sentContext(body);
      expect(text).toMatch(/the price is too high for our budget\./i);
      expect(text).not.toMatch(/order form|end of Q4|Any questions/);
    });

    test('a writer who answered inline ("see my answers below") is read whole: the answers are in the history', async () => {
      const text = await sentContext(
        'See my answers below in red.\n\n-----Original Message-----\nFrom: Jordan Brooks <jordan@seller.example>\nSent: Monday, November 30, 2026 9:00 AM\nSubject: Quote\n\nHow many seats do you need?\nWe need 40 seats.',
      );
      expect(text).toContain('We need 40 seats.');
    });
  });
});
