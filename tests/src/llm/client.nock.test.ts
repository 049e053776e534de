import { readFileSync } from 'node:fs';
import nock from 'nock';
import { z } from 'zod';
import { ErrorCode } from '../../../src/core/errors.js';
import { createLlmClient, structuredSchema } from '../../../src/llm/index.js';

/**
 * Replays of the documented API shapes in tests/fixtures/openai/ (composed, not recorded; each file cites its reference
 * page).
 */
const SAMPLES = new URL('../../fixtures/openai/', import.meta.url);
const strip = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([k]) => !k.startsWith('_')));
const sample = (f: string) => strip(JSON.parse(readFileSync(new URL(f, SAMPLES), 'utf8')));
const NOW = Date.UTC(2025, 5, 15, 12);
const HOST = 'https://api.openai.com';
const BASE = `${HOST}/v1`;

// The sample request's schema, written in zod: our converter must reproduce it exactly.
const CrmSuggestion = structuredSchema(
  'crm_suggestion',
  z.object({
    kind: z.enum(['task', 'draft_email']),
    title: z.string(),
    body: z.string(),
    dueInDays: z.number().int().nullable(),
    confidence: z.number(),
  }),
);
const sampleRequest = sample('chat-completions-json-schema-request.json') as any;

describe('LLM client (nock, documented shapes)', () => {
  afterEach(() => nock.cleanAll());

  test('sends the documented request shape and parses the sample response', async () => {
    let sent: any;
    nock(HOST)
      .post('/v1/chat/completions', (b) => {
        sent = b;
        return true;
      })
      .reply(200, sample('chat-completions-response.json'), { 'x-request-id': 'req_sample' });
    const llm = createLlmClient({ apiKey: 'sk-test', baseURL: BASE, model: 'gpt-4o-mini', maxRetries: 0 });
    const c = await llm.complete({ schema: CrmSuggestion, messages: sampleRequest.messages });
    expect(sent).toEqual(sampleRequest);
    expect(c.value).toEqual({
      kind: 'draft_email',
      title: 'Send revised quote',
      body: 'Hi Ada, ...',
      dueInDays: 2,
      confidence: 0.86,
    });
    expect(c).toMatchObject({
      model: 'gpt-4o-mini-2024-07-18',
      usage: { inputTokens: 58, outputTokens: 41 },
      requestId: 'req_sample',
    });
  });

  test('the sample 429 maps to RATE_LIMITED with retryAt from retry-after (2 s) and the request id', async () => {
    const s = sample('error-429.json') as { status: number; headers: Record<string, string>; body: object };
    nock(HOST).post('/v1/chat/completions').reply(s.status, s.body, s.headers);
    const llm = createLlmClient({
      apiKey: 'sk-test',
      baseURL: BASE,
      model: 'gpt-4o-mini',
      maxRetries: 0,
      now: () => NOW,
    });
    const e = await llm.complete({ schema: CrmSuggestion, messages: sampleRequest.messages }).catch((x) => x);
    expect(e).toMatchObject({
      code: ErrorCode.RATE_LIMITED,
      status: 429,
      retryAt: NOW + 2000,
      providerRequestId: 'req_0123456789abcdef',
      provider: 'openai',
    });
  });

  test('insufficient_quota is QUOTA_EXHAUSTED, not a rate limit to retry', async () => {
    nock(HOST)
      .post('/v1/chat/completions')
      .reply(429, {
        error: {
          message: 'You exceeded your current quota',
          type: 'insufficient_quota',
          param: null,
          code: 'insufficient_quota',
        },
      });
    const llm = createLlmClient({ apiKey: 'sk-test', baseURL: BASE, model: 'gpt-4o-mini', maxRetries: 0 });
    await expect(llm.complete({ schema: CrmSuggestion, messages: sampleRequest.messages })).rejects.toMatchObject({
      code: ErrorCode.QUOTA_EXHAUSTED,
    });
  });
});
