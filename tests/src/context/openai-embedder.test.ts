import { readFileSync } from 'node:fs';
import nock from 'nock';
import { OpenAIEmbedder } from '../../../src/context/openai-embedder.js';
import { ErrorCode } from '../../../src/core/errors.js';

/** Documented API shapes in tests/fixtures/openai/ (composed, not recorded; each file cites its reference page). */
const SAMPLES = new URL('../../fixtures/openai/', import.meta.url);
const strip = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([k]) => !k.startsWith('_')));
const sample = (f: string) => strip(JSON.parse(readFileSync(new URL(f, SAMPLES), 'utf8')));
const BASE = 'https://api.openai.com/v1';
const b64 = (xs: number[]) => Buffer.from(new Float32Array(xs).buffer).toString('base64');

describe('OpenAIEmbedder (nock, documented shapes)', () => {
  afterEach(() => nock.cleanAll());

  test('decodes the base64 sample (the SDK default) and sends model + dimensions', async () => {
    let body: any;
    nock('https://api.openai.com')
      .post('/v1/embeddings', (b) => {
        body = b;
        return true;
      })
      .reply(200, sample('embeddings-response-base64.json'));
    const e = new OpenAIEmbedder({
      apiKey: 'sk-test',
      baseURL: BASE,
      model: 'text-embedding-3-small',
      dimensions: 4,
      maxRetries: 0,
    });
    const [v] = await e.embed(['Ada asked for a revised quote.']);
    expect(body).toEqual({
      model: 'text-embedding-3-small',
      input: ['Ada asked for a revised quote.'],
      dimensions: 4,
      encoding_format: 'base64',
    });
    // the sample decodes to [0.0123, -0.0456, 0.0789, 0.1011]; we re-normalise to unit length
    const raw = [0.0123, -0.0456, 0.0789, 0.1011];
    const n = Math.hypot(...raw);
    expect(Array.from(v!).map((x) => +x.toFixed(5))).toEqual(raw.map((x) => +(x / n).toFixed(5)));
    expect(e.id).toBe('openai:text-embedding-3-small:d4');
  });

  test('batches by count and keeps input order even when the server returns items out of order', async () => {
    const seen: string[][] = [];
    // nock 15: capture the parsed body in the matcher, answer from it in a zero-argument reply function
    nock('https://api.openai.com')
      .post('/v1/embeddings', (b) => {
        seen.push(b.input);
        return true;
      })
      .times(3)
      .reply(200, () => {
        const input = seen[seen.length - 1]!;
        const data = input
          .map((t, index) => ({ object: 'embedding', index, embedding: b64([Number(t.slice(1)), 1, 0, 0]) }))
          .reverse();
        return { object: 'list', data, model: 'text-embedding-3-small', usage: { prompt_tokens: 1, total_tokens: 1 } };
      });
    const e = new OpenAIEmbedder({ apiKey: 'k', baseURL: BASE, dimensions: 4, batchSize: 2, maxRetries: 0 });
    const out = await e.embed(['t1', 't2', 't3', 't4', 't5']);
    expect(seen).toEqual([['t1', 't2'], ['t3', 't4'], ['t5']]);
    // vector i is proportional to [i, 1, 0, 0]
    out.forEach((v, i) => expect(v[0]! / v[1]!).toBeCloseTo(i + 1, 4));
  });

  test('batches by estimated tokens too', async () => {
    const seen: number[] = [];
    nock('https://api.openai.com')
      .post('/v1/embeddings', (b) => {
        seen.push(b.input.length);
        return true;
      })
      .times(3)
      .reply(200, () => ({
        object: 'list',
        data: Array.from({ length: seen[seen.length - 1]! }, (_, index) => ({
          object: 'embedding',
          index,
          embedding: b64([1, 0, 0, 0]),
        })),
        model: 'm',
        usage: { prompt_tokens: 1, total_tokens: 1 },
      }));
    const e = new OpenAIEmbedder({
      apiKey: 'k',
      baseURL: BASE,
      dimensions: 4,
      maxTokensPerRequest: 1000,
      maxRetries: 0,
    });
    await e.embed(Array.from({ length: 5 }, () => 'x'.repeat(1600))); // 400 tokens each -> 2 + 2 + 1
    expect(seen).toEqual([2, 2, 1]);
  });

  test('float responses (explicit encoding) are accepted too', async () => {
    nock('https://api.openai.com').post('/v1/embeddings').reply(200, sample('embeddings-response-float.json'));
    const e = new OpenAIEmbedder({ apiKey: 'k', baseURL: BASE, dimensions: 4, maxRetries: 0 });
    const out = await e.embed(['a', 'b']);
    expect(out).toHaveLength(2);
  });

  const errSample = sample('error-429.json') as { status: number; headers: Record<string, string>; body: unknown };
  test.each([
    [429, errSample.body, errSample.headers, ErrorCode.RATE_LIMITED],
    [
      429,
      {
        error: {
          message: 'You exceeded your current quota',
          type: 'insufficient_quota',
          param: null,
          code: 'insufficient_quota',
        },
      },
      {},
      ErrorCode.QUOTA_EXHAUSTED,
    ],
    [
      401,
      {
        error: {
          message: 'Incorrect API key provided',
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        },
      },
      {},
      ErrorCode.AUTH_REVOKED,
    ],
    [
      403,
      { error: { message: 'forbidden', type: 'invalid_request_error', param: null, code: null } },
      {},
      ErrorCode.PERMISSION_MISSING,
    ],
    [
      400,
      {
        error: { message: 'dimensions not supported', type: 'invalid_request_error', param: 'dimensions', code: null },
      },
      {},
      ErrorCode.PROVIDER_REJECTED,
    ],
    [
      503,
      { error: { message: 'overloaded', type: 'server_error', param: null, code: null } },
      {},
      ErrorCode.PROVIDER_UNAVAILABLE,
    ],
  ])('HTTP %i maps to our error code', async (status, body, headers, code) => {
    nock('https://api.openai.com')
      .post('/v1/embeddings')
      .reply(status, body as any, headers);
    const e = new OpenAIEmbedder({ apiKey: 'k', baseURL: BASE, dimensions: 4, maxRetries: 0 });
    const err = await e.embed(['x']).catch((x) => x);
    expect(err.code).toBe(code);
    expect(err.provider).toBe('openai');
    if (code === ErrorCode.RATE_LIMITED) {
      expect(err.providerRequestId).toBe('req_0123456789abcdef');
      expect(err.retryAt).toBeGreaterThan(Date.now());
    }
  });

  test('a vector of the wrong size is an invalid payload', async () => {
    nock('https://api.openai.com')
      .post('/v1/embeddings')
      .reply(200, {
        object: 'list',
        data: [{ object: 'embedding', index: 0, embedding: b64([1, 0]) }],
        model: 'm',
        usage: {},
      });
    const e = new OpenAIEmbedder({ apiKey: 'k', baseURL: BASE, dimensions: 4, maxRetries: 0 });
    await expect(e.embed(['x'])).rejects.toMatchObject({ code: ErrorCode.INVALID_PAYLOAD });
  });
});
