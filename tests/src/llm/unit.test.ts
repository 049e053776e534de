import { z } from 'zod';
import { ErrorCode } from '../../../src/core/errors.js';
import {
  parseResetDuration,
  readCompletion,
  retryAtFromHeaders,
  structuredSchema,
  toStrictJsonSchema,
} from '../../../src/llm/index.js';
import { TASK_KINDS, taskSchema, TaskOutputSchemas } from '../../../src/inference/router/index.js';
import { strictSchemaProblems } from '../../fakes/openai/server.js';

const NOW = 1_750_000_000_000;

describe('toStrictJsonSchema', () => {
  test('objects are closed, every property required, optional written as a null union', () => {
    const s = z.object({
      name: z.string().min(1).describe('Full name'),
      age: z.number().int().nullable(),
      tier: z.enum(['a', 'b']).nullable(),
      tags: z.array(z.object({ k: z.literal('x'), on: z.boolean() })),
      nested: z.object({ v: z.number() }).nullable(),
    });
    expect(toStrictJsonSchema(s)).toEqual({
      type: 'object',
      additionalProperties: false,
      required: ['name', 'age', 'tier', 'tags', 'nested'],
      properties: {
        name: { type: 'string', description: 'Full name' },
        age: { type: ['integer', 'null'] },
        tier: { type: ['string', 'null'], enum: ['a', 'b', null] },
        tags: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['k', 'on'],
            properties: { k: { type: 'string', enum: ['x'] }, on: { type: 'boolean' } },
          },
        },
        nested: {
          type: ['object', 'null'],
          additionalProperties: false,
          required: ['v'],
          properties: { v: { type: 'number' } },
        },
      },
    });
  });

  test('shapes strict mode cannot express are refused at build time', () => {
    expect(() => toStrictJsonSchema(z.object({ a: z.string().optional() }))).toThrow(/\$\.a: optional/);
    expect(() => toStrictJsonSchema(z.object({ a: z.record(z.string(), z.string()) }))).toThrow(/record/);
  });

  test.each(TASK_KINDS)('the %s schema passes the strict-mode rules', (task) => {
    const s = taskSchema(task);
    expect(s.name).toBe(`closeloop_${task}`);
    expect(strictSchemaProblems(s.jsonSchema)).toEqual([]);
    expect(s.zod).toBe(TaskOutputSchemas[task]);
  });
});

describe('retry time from rate-limit headers', () => {
  const h = (o: Record<string, string>) => new Headers(o);
  test.each<[string, Record<string, string>, number | undefined]>([
    ['retry-after-ms wins', { 'retry-after-ms': '250', 'retry-after': '9' }, NOW + 250],
    ['retry-after seconds', { 'retry-after': '2' }, NOW + 2000],
    ['retry-after HTTP date', { 'retry-after': 'Sun, 15 Jun 2025 15:06:45 GMT' }, NOW + 5000],
    ['retry-after HTTP date already past: now', { 'retry-after': 'Sun, 15 Jun 2025 12:00:05 GMT' }, NOW],
    [
      'the exhausted window resets',
      {
        'x-ratelimit-remaining-requests': '10',
        'x-ratelimit-reset-requests': '1s',
        'x-ratelimit-remaining-tokens': '0',
        'x-ratelimit-reset-tokens': '6m0s',
      },
      NOW + 360_000,
    ],
    [
      'no window exhausted: the later reset',
      { 'x-ratelimit-reset-requests': '12ms', 'x-ratelimit-reset-tokens': '1.5s' },
      NOW + 1500,
    ],
    ['nothing usable', { 'x-ratelimit-reset-requests': 'soon' }, undefined],
  ])('%s', (_, headers, expected) => {
    expect(retryAtFromHeaders(h(headers), NOW)).toBe(expected);
  });

  test('parseResetDuration', () => {
    expect(parseResetDuration('1h2m3.5s')).toBe(3_723_500);
    expect(parseResetDuration('12ms')).toBe(12);
    expect(parseResetDuration('12')).toBeUndefined();
  });
});

describe('readCompletion', () => {
  const schema = structuredSchema('s', z.object({ a: z.string() }));
  const messages = [{ role: 'user' as const, content: 'abcd'.repeat(10) }];
  const response = (choice: object | null, usage?: object) =>
    ({
      id: 'x',
      object: 'chat.completion',
      created: 0,
      model: 'gpt-4o-mini-2024-07-18',
      choices: choice ? [choice] : [],
      ...(usage ? { usage } : {}),
    }) as any;

  test('a server without usage gets estimated tokens, flagged', () => {
    const c = readCompletion(
      response({
        index: 0,
        finish_reason: 'stop',
        message: { role: 'assistant', content: '{"a":"hello"}', refusal: null },
      }),
      { schema, messages },
      'm',
      null,
    );
    expect(c).toMatchObject({
      value: { a: 'hello' },
      usageReported: false,
      usage: { inputTokens: 17, outputTokens: 4 },
    });
  });

  test('no choices → MODEL_OUTPUT_INVALID', () => {
    expect(() => readCompletion(response(null), { schema, messages }, 'm', null)).toThrow(
      expect.objectContaining({ code: ErrorCode.MODEL_OUTPUT_INVALID }),
    );
  });

  test('empty content → MODEL_OUTPUT_INVALID', () => {
    const r = response({
      index: 0,
      finish_reason: 'stop',
      message: { role: 'assistant', content: '  ', refusal: null },
    });
    expect(() => readCompletion(r, { schema, messages }, 'm', null)).toThrow(
      expect.objectContaining({ code: ErrorCode.MODEL_OUTPUT_INVALID }),
    );
  });
});
