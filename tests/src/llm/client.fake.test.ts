import OpenAI from 'openai';
import { ErrorCode } from '../../../src/core/errors.js';
import { createLlmClient, LlmOutputError, type LlmClient } from '../../../src/llm/index.js';
import { taskSchema } from '../../../src/inference/router/index.js';
import { answer, startFakeOpenAI, type FakeOpenAI } from '../../fakes/openai/server.js';

const NOW = Date.UTC(2025, 5, 15, 12);
const messages = [
  { role: 'system' as const, content: 'You draft sales emails.' },
  { role: 'user' as const, content: 'Task: follow up.\n\n<crm_data>\n{}\n</crm_data>' },
];
const draft = {
  subject: 'Next steps',
  body: 'Hi Ada,\n\nFollowing up.\n\n{{rep_signature}}',
  claims: [{ text: 'Ada asked for a quote', citations: ['c1'] }],
  citations: ['c1'],
};

let fake: FakeOpenAI;
let llm: LlmClient;
beforeAll(async () => {
  fake = await startFakeOpenAI({ apiKey: 'sk-local' });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  llm = createLlmClient({
    apiKey: 'sk-local',
    baseURL: fake.url,
    model: 'gpt-4o-mini',
    maxRetries: 2,
    timeoutMs: 5000,
    now: () => NOW,
  });
});
afterEach(() => expect(fake.pending()).toBe(0));

const complete = () => llm.complete({ schema: taskSchema('draft_email'), messages, maxOutputTokens: 900 });
const failure = () =>
  complete().then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e as LlmOutputError,
  );

describe('LLM client against the local OpenAI-compatible fake (real openai SDK)', () => {
  test('sends a strict json_schema response_format and parses the structured answer', async () => {
    fake.enqueue(answer.json(draft, { prompt_tokens: 120, completion_tokens: 60 }));
    const c = await complete();
    expect(c.value).toEqual(draft);
    expect(c.usage).toEqual({ inputTokens: 120, outputTokens: 60 });
    expect(c.usageReported).toBe(true);
    expect(c.requestId).toMatch(/^req_fake_/);
    expect(c.model).toBe('gpt-4o-mini');

    const [req] = fake.requests;
    expect(req!.authorization).toBe('Bearer sk-local');
    expect(req!.body).toMatchObject({
      model: 'gpt-4o-mini',
      messages,
      temperature: 0.2,
      max_completion_tokens: 900,
      response_format: { type: 'json_schema', json_schema: { name: 'closeloop_draft_email', strict: true } },
    });
    const schema = req!.body.response_format.json_schema.schema;
    expect(schema).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: ['subject', 'body', 'claims', 'citations'],
    });
    expect(schema.properties.claims.items).toMatchObject({
      additionalProperties: false,
      required: ['text', 'citations'],
    });
  });

  test('every task schema is accepted by the strict-schema check (the fake answers an instance of it)', async () => {
    for (const task of [
      'categorize_lead',
      'update_field',
      'score_lead',
      'score_deal',
      'extract_signals',
      'churn_risk',
      'summarize',
      'next_step',
    ] as const) {
      const c = await llm.complete({ schema: taskSchema(task), messages });
      expect(c.value).toBeDefined();
    }
    expect(fake.requests.every((r) => r.status === 200)).toBe(true);
  });

  test('finish_reason "length" → MODEL_OUTPUT_TRUNCATED, with the partial text and the tokens it cost', async () => {
    fake.enqueue(answer.truncated());
    const e = await failure();
    expect(e).toBeInstanceOf(LlmOutputError);
    expect(e.code).toBe(ErrorCode.MODEL_OUTPUT_TRUNCATED);
    expect(e.raw).toContain('"subject": "Checking in"');
    expect(e.usage!.outputTokens).toBeGreaterThan(0);
    expect(e.providerRequestId).toMatch(/^req_fake_/);
  });

  test('message.refusal → MODEL_REFUSED', async () => {
    fake.enqueue(answer.refusal('I cannot help with that.'));
    const e = await failure();
    expect(e.code).toBe(ErrorCode.MODEL_REFUSED);
    expect(e.message).toContain('I cannot help with that.');
    expect(e.raw).toBe('I cannot help with that.');
  });

  test('finish_reason "content_filter" → MODEL_REFUSED', async () => {
    fake.enqueue(answer.contentFilter());
    expect((await failure()).code).toBe(ErrorCode.MODEL_REFUSED);
  });

  test('unparsable content → MODEL_OUTPUT_INVALID, raw text kept for the audit', async () => {
    fake.enqueue(answer.raw('Sure! Here is your email: {subject: Hi}'));
    const e = await failure();
    expect(e.code).toBe(ErrorCode.MODEL_OUTPUT_INVALID);
    expect(e.message).toContain('not JSON');
    expect(e.raw).toBe('Sure! Here is your email: {subject: Hi}');
  });

  test('JSON that does not match the schema → MODEL_OUTPUT_INVALID naming the field', async () => {
    fake.enqueue(answer.json({ subject: '', body: 'x', claims: [], citations: 'c1' }));
    const e = await failure();
    expect(e.code).toBe(ErrorCode.MODEL_OUTPUT_INVALID);
    expect(e.message).toMatch(/subject: .*citations: /);
    expect(JSON.parse(e.raw!)).toMatchObject({ citations: 'c1' });
  });

  test('429 is retried by the SDK, then what is left maps to RATE_LIMITED with retryAt', async () => {
    fake.enqueue(
      answer.rateLimited({ 'retry-after-ms': '5' }),
      answer.rateLimited({ 'retry-after-ms': '5' }),
      answer.rateLimited({ 'retry-after-ms': '1500' }),
    );
    const e = await failure();
    expect(fake.requests).toHaveLength(3); // 1 + maxRetries 2
    expect(e.code).toBe(ErrorCode.RATE_LIMITED);
    expect(e).toMatchObject({ status: 429, provider: 'openai', retryAt: NOW + 1500 });
    expect(e.providerRequestId).toBe('req_fake_3');
  });

  test('429 then success: the SDK retry is invisible to the caller', async () => {
    fake.enqueue(answer.rateLimited(), answer.json(draft));
    await expect(complete()).resolves.toMatchObject({ value: draft });
    expect(fake.requests.map((r) => r.status)).toEqual([429, 200]);
  });

  test('5xx after retries → PROVIDER_UNAVAILABLE', async () => {
    const fast = createLlmClient({ apiKey: 'sk-local', baseURL: fake.url, model: 'gpt-4o-mini', maxRetries: 0 });
    fake.enqueue(answer.serverError(503));
    await expect(fast.complete({ schema: taskSchema('summarize'), messages })).rejects.toMatchObject({
      code: ErrorCode.PROVIDER_UNAVAILABLE,
      status: 503,
    });
  });

  test('a wrong API key → AUTH_REVOKED naming the key as the thing to fix', async () => {
    const bad = createLlmClient({ apiKey: 'sk-wrong', baseURL: fake.url, model: 'gpt-4o-mini' });
    const e = await bad.complete({ schema: taskSchema('summarize'), messages }).catch((x) => x);
    expect(e).toMatchObject({ code: ErrorCode.AUTH_REVOKED, status: 401 });
    expect(e.message).toContain('LLM API key');
  });

  test('a connection failure → PROVIDER_UNAVAILABLE', async () => {
    const gone = createLlmClient({
      apiKey: 'k',
      baseURL: 'http://127.0.0.1:9/v1',
      model: 'gpt-4o-mini',
      maxRetries: 0,
      timeoutMs: 2000,
    });
    await expect(gone.complete({ schema: taskSchema('summarize'), messages })).rejects.toMatchObject({
      code: ErrorCode.PROVIDER_UNAVAILABLE,
    });
  });

  test('the fake refuses a non-strict schema the way OpenAI does (400 → PROVIDER_REJECTED)', async () => {
    const loose = {
      ...taskSchema('summarize'),
      jsonSchema: { type: 'object', properties: { summary: { type: 'string' } } },
    };
    await expect(llm.complete({ schema: loose, messages })).rejects.toMatchObject({
      code: ErrorCode.PROVIDER_REJECTED,
      status: 400,
    });
    expect(fake.requests[0]!.status).toBe(400);
  });

  test('a pre-built client and the legacy max_tokens parameter (older vLLM / Ollama servers)', async () => {
    const sdk = new OpenAI({ apiKey: 'sk-local', baseURL: fake.url, maxRetries: 0 });
    const local = createLlmClient({ apiKey: '', model: 'llama3.1:8b', client: sdk, maxTokensParam: 'max_tokens' });
    fake.enqueue(answer.json({ summary: 's', points: [], citations: [] }));
    await local.complete({ schema: taskSchema('summarize'), messages, maxOutputTokens: 100 });
    expect(fake.requests[0]!.body).toMatchObject({ model: 'llama3.1:8b', max_tokens: 100 });
    expect(fake.requests[0]!.body.max_completion_tokens).toBeUndefined();
  });
});

describe('fake embeddings endpoint', () => {
  test('float and base64 encodings give the same deterministic unit vectors', async () => {
    const sdk = new OpenAI({ apiKey: 'sk-local', baseURL: fake.url, maxRetries: 0 });
    const f = await sdk.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['Ada asked for a quote.', 'Meeting Friday.'],
      encoding_format: 'float',
      dimensions: 16,
    });
    const b = await sdk.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['Ada asked for a quote.', 'Meeting Friday.'],
      dimensions: 16,
    });
    expect(fake.requests[1]!.body.encoding_format).toBe('base64'); // the SDK's default
    expect(f.data).toHaveLength(2);
    for (let i = 0; i < 2; i++) {
      const fv = f.data[i]!.embedding as number[];
      const bv = Array.from(b.data[i]!.embedding as unknown as ArrayLike<number>);
      expect(fv).toHaveLength(16);
      expect(bv.map((x) => +x.toFixed(6))).toEqual(fv.map((x) => +x.toFixed(6)));
      expect(Math.hypot(...fv)).toBeCloseTo(1, 5);
    }
    expect(f.data[0]!.embedding).not.toEqual(f.data[1]!.embedding);
  });

  test('requires the bearer key', async () => {
    const sdk = new OpenAI({ apiKey: 'nope', baseURL: fake.url, maxRetries: 0 });
    await expect(sdk.embeddings.create({ model: 'm', input: 'x' })).rejects.toMatchObject({ status: 401 });
  });
});
