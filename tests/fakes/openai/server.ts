import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import express, { type Request, type Response } from 'express';

/**
 * A local OpenAI-compatible server, good enough for the official `openai` client to run unmodified
 * (https://platform.openai.com/docs/api-reference/chat and /embeddings; the answers the tests use are in
 * tests/fixtures/openai/).
 *
 * - `POST /v1/chat/completions`: answers from a queue of scripted responses (JSON content, raw content,
 *   truncated, refusal, content filter, HTTP errors with headers). With the queue empty it answers a
 *   minimal instance of the requested json_schema. A `strict: true` schema is checked the way OpenAI
 *   checks it (every object `additionalProperties: false`, every property required) and refused with 400.
 * - `POST /v1/embeddings`: deterministic unit vectors from the text's hash, `float` or `base64`
 *   (little-endian float32, what the SDK asks for by default).
 * - `Authorization: Bearer <apiKey>` required (401 `invalid_api_key` otherwise).
 * Every request is logged in `requests` so tests can assert what was sent.
 *
 * Standalone: npx tsx tests/fakes/openai/server.ts --port 5090 [--api-key k]
 */

export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
}
export type Scripted =
  | { kind: 'json'; value: unknown; usage?: ChatUsage; model?: string }
  | {
      kind: 'content';
      content: string | null;
      finishReason?: 'stop' | 'length' | 'content_filter';
      refusal?: string | null;
      usage?: ChatUsage;
    }
  | { kind: 'http'; status: number; body?: unknown; headers?: Record<string, string> };

/** Builders for scripted answers. */
export const answer = {
  json: (value: unknown, usage?: ChatUsage): Scripted => ({ kind: 'json', value, ...(usage ? { usage } : {}) }),
  raw: (content: string, usage?: ChatUsage): Scripted => ({ kind: 'content', content, ...(usage ? { usage } : {}) }),
  truncated: (partial = '{"subject": "Checking in", "body": "Hi Ada, I wanted to'): Scripted => ({
    kind: 'content',
    content: partial,
    finishReason: 'length',
  }),
  refusal: (text = "I'm sorry, I can't help with that request."): Scripted => ({
    kind: 'content',
    content: null,
    refusal: text,
  }),
  contentFilter: (): Scripted => ({ kind: 'content', content: null, finishReason: 'content_filter' }),
  rateLimited: (headers: Record<string, string> = { 'retry-after-ms': '5' }): Scripted => ({
    kind: 'http',
    status: 429,
    headers: {
      'x-ratelimit-limit-requests': '5000',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '12ms',
      'x-ratelimit-limit-tokens': '2000000',
      'x-ratelimit-remaining-tokens': '1999000',
      'x-ratelimit-reset-tokens': '30ms',
      ...headers,
    },
    body: {
      error: {
        message: 'Rate limit reached for requests per min (RPM).',
        type: 'requests',
        param: null,
        code: 'rate_limit_exceeded',
      },
    },
  }),
  serverError: (status = 500): Scripted => ({
    kind: 'http',
    status,
    body: {
      error: {
        message: 'The server had an error while processing your request.',
        type: 'server_error',
        param: null,
        code: null,
      },
    },
  }),
};

export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  body: any;
  authorization: string | undefined;
}

export interface FakeOpenAI {
  /** Base URL for the SDK, ending in `/v1`. */
  readonly url: string;
  readonly apiKey: string;
  readonly requests: LoggedRequest[];
  enqueue(...answers: Scripted[]): void;
  /** Answers left unused (a test can assert the script was consumed). */
  pending(): number;
  /** Make the next `count` embeddings calls fail with `status`. */
  failEmbeddings(status: number, count?: number): void;
  reset(): void;
  close(): Promise<void>;
}

export interface FakeOpenAIOptions {
  port?: number;
  apiKey?: string;
  embeddingDimensions?: number;
  model?: string;
}

const oaiError = (message: string, type: string, param: string | null, code: string | null) => ({
  error: { message, type, param, code },
});

/** Problems OpenAI reports for a strict schema (its own message wording differs; the rules are these). */
export function strictSchemaProblems(schema: any, path = 'schema'): string[] {
  if (schema === null || typeof schema !== 'object') return [`${path}: not a schema object`];
  const out: string[] = [];
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes('object')) {
    const props = schema.properties ?? {};
    if (schema.additionalProperties !== false)
      out.push(`${path}: 'additionalProperties' is required to be supplied and to be false`);
    const req: string[] = Array.isArray(schema.required) ? schema.required : [];
    const missing = Object.keys(props).filter((k) => !req.includes(k));
    if (missing.length)
      out.push(
        `${path}: 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing.join("', '")}'`,
      );
    const extra = req.filter((k) => !(k in props));
    if (extra.length) out.push(`${path}: 'required' lists unknown keys '${extra.join("', '")}'`);
    for (const [k, v] of Object.entries(props)) out.push(...strictSchemaProblems(v, `${path}.properties.${k}`));
  }
  if (types.includes('array')) {
    if (!schema.items) out.push(`${path}: array schema must have 'items'`);
    else out.push(...strictSchemaProblems(schema.items, `${path}.items`));
  }
  for (const key of ['anyOf'] as const) {
    if (Array.isArray(schema[key]))
      schema[key].forEach((s: unknown, i: number) => out.push(...strictSchemaProblems(s, `${path}.${key}[${i}]`)));
  }
  if (schema.type === undefined && !schema.anyOf && !schema.enum && !schema.$ref)
    out.push(`${path}: schema must have a 'type'`);
  return out;
}

/** A minimal instance of a schema: first enum value, first non-null type, empty arrays. */
export function exampleOf(schema: any): unknown {
  if (!schema || typeof schema !== 'object') return null;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if (Array.isArray(schema.anyOf))
    return exampleOf(schema.anyOf.find((s: any) => s.type !== 'null') ?? schema.anyOf[0]);
  const type = Array.isArray(schema.type) ? (schema.type.find((t: string) => t !== 'null') ?? 'null') : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, v]) => [k, exampleOf(v)]));
    case 'array':
      return [];
    case 'string':
      return 'example';
    case 'integer':
      return 1;
    case 'number':
      return 0.5;
    case 'boolean':
      return false;
    default:
      return null;
  }
}

const tokens = (s: string) => Math.max(1, Math.ceil(s.length / 4));

/** Deterministic unit vector for a text. */
export function fakeVector(text: string, dims: number): Float32Array {
  const v = new Float32Array(dims);
  let block = Buffer.alloc(0);
  for (let i = 0, counter = 0; i < dims; i++) {
    if ((i * 4) % 32 === 0) block = createHash('sha256').update(`${counter++}\u0000${text}`).digest();
    v[i] = block.readInt32LE((i * 4) % 32) / 2 ** 31;
  }
  const n = Math.hypot(...v);
  for (let i = 0; i < dims; i++) v[i]! /= n || 1;
  return v;
}

export async function startFakeOpenAI(o: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const apiKey = o.apiKey ?? 'sk-fake-test';
  const defaultDims = o.embeddingDimensions ?? 8;
  const requests: LoggedRequest[] = [];
  let queue: Scripted[] = [];
  let embeddingFailures: { status: number; count: number } | null = null;
  let seq = 0;

  const app = express();
  app.use(express.json({ limit: '5mb' }));

  const send = (req: Request, res: Response, status: number, body: unknown, headers: Record<string, string> = {}) => {
    requests.push({
      method: req.method,
      path: req.path,
      status,
      body: req.body,
      authorization: req.get('authorization'),
    });
    res
      .status(status)
      .set({ 'x-request-id': `req_fake_${++seq}`, ...headers })
      .json(body);
  };
  const authorized = (req: Request, res: Response): boolean => {
    if (req.get('authorization') === `Bearer ${apiKey}`) return true;
    send(
      req,
      res,
      401,
      oaiError(
        'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.',
        'invalid_request_error',
        null,
        'invalid_api_key',
      ),
    );
    return false;
  };

  app.post('/v1/chat/completions', (req, res) => {
    if (!authorized(req, res)) return;
    const b = req.body ?? {};
    if (typeof b.model !== 'string' || !Array.isArray(b.messages) || b.messages.length === 0) {
      return send(
        req,
        res,
        400,
        oaiError("'model' and a non-empty 'messages' are required", 'invalid_request_error', 'messages', null),
      );
    }
    const rf = b.response_format;
    let schema: any = null;
    if (rf?.type === 'json_schema') {
      const js = rf.json_schema ?? {};
      if (typeof js.name !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(js.name)) {
        return send(
          req,
          res,
          400,
          oaiError("Invalid 'response_format.json_schema.name'", 'invalid_request_error', 'response_format', null),
        );
      }
      schema = js.schema;
      if (js.strict === true) {
        const problems = strictSchemaProblems(schema);
        if (problems.length) {
          return send(
            req,
            res,
            400,
            oaiError(
              `Invalid schema for response_format '${js.name}': ${problems.join('; ')}`,
              'invalid_request_error',
              'response_format',
              null,
            ),
          );
        }
      }
    }
    const next = queue.shift();
    if (next?.kind === 'http') return send(req, res, next.status, next.body ?? {}, next.headers);

    let content: string | null;
    let finish = 'stop';
    let refusal: string | null = null;
    let usage: ChatUsage | undefined;
    let model = b.model;
    if (!next) content = schema ? JSON.stringify(exampleOf(schema)) : 'OK';
    else if (next.kind === 'json') {
      content = JSON.stringify(next.value);
      usage = next.usage;
      model = next.model ?? model;
    } else {
      content = next.content;
      finish = next.finishReason ?? 'stop';
      refusal = next.refusal ?? null;
      usage = next.usage;
    }

    const prompt =
      usage?.prompt_tokens ?? b.messages.reduce((n: number, m: any) => n + 4 + tokens(String(m.content ?? '')), 3);
    const completion = usage?.completion_tokens ?? tokens(content ?? refusal ?? '');
    send(req, res, 200, {
      id: `chatcmpl-fake${seq + 1}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model,
      system_fingerprint: 'fp_fake',
      service_tier: 'default',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content, refusal, annotations: [] },
          logprobs: null,
          finish_reason: finish,
        },
      ],
      usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
    });
  });

  app.post('/v1/embeddings', (req, res) => {
    if (!authorized(req, res)) return;
    if (embeddingFailures && embeddingFailures.count > 0) {
      embeddingFailures.count--;
      return send(
        req,
        res,
        embeddingFailures.status,
        oaiError(
          'fake failure',
          embeddingFailures.status === 429 ? 'requests' : 'server_error',
          null,
          embeddingFailures.status === 429 ? 'rate_limit_exceeded' : null,
        ),
        embeddingFailures.status === 429 ? { 'retry-after-ms': '5' } : {},
      );
    }
    const b = req.body ?? {};
    const inputs: unknown[] = typeof b.input === 'string' ? [b.input] : Array.isArray(b.input) ? b.input : [];
    if (
      typeof b.model !== 'string' ||
      inputs.length === 0 ||
      !inputs.every((x) => typeof x === 'string' && x.length > 0)
    ) {
      return send(
        req,
        res,
        400,
        oaiError(
          "'input' must be a non-empty string or array of non-empty strings",
          'invalid_request_error',
          'input',
          null,
        ),
      );
    }
    const format = b.encoding_format ?? 'float';
    if (format !== 'float' && format !== 'base64')
      return send(
        req,
        res,
        400,
        oaiError("'encoding_format' must be float or base64", 'invalid_request_error', 'encoding_format', null),
      );
    const dims = Number.isInteger(b.dimensions) && b.dimensions > 0 ? b.dimensions : defaultDims;
    const data = (inputs as string[]).map((text, index) => {
      const v = fakeVector(text, dims);
      return {
        object: 'embedding',
        index,
        embedding:
          format === 'base64' ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') : Array.from(v),
      };
    });
    const used = (inputs as string[]).reduce((n, t) => n + tokens(t), 0);
    send(req, res, 200, { object: 'list', data, model: b.model, usage: { prompt_tokens: used, total_tokens: used } });
  });

  app.use((req, res) =>
    send(
      req,
      res,
      404,
      oaiError(`Unknown request URL: ${req.method} ${req.path}`, 'invalid_request_error', null, 'unknown_url'),
    ),
  );

  const server: Server = await new Promise((resolve) => {
    const s = app.listen(o.port ?? 0, '127.0.0.1', () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    apiKey,
    requests,
    enqueue: (...a) => {
      queue.push(...a);
    },
    pending: () => queue.length,
    failEmbeddings: (status, count = 1) => {
      embeddingFailures = { status, count };
    },
    reset: () => {
      queue = [];
      requests.length = 0;
      embeddingFailures = null;
      seq = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections?.();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const fake = await startFakeOpenAI({ port: Number(arg('port') ?? 5090), apiKey: arg('api-key') });
  console.log(`fake OpenAI on ${fake.url} (Bearer ${fake.apiKey})`);
}
