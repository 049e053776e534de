import { InvalidPayloadError, NotFoundError } from '../../../src/core/errors.js';
import { nestingDepth } from '../../../src/http/body-limits.js';
import { toHttpError } from '../../../src/http/errors.js';
import { LogSampler } from '../../../src/http/log-sampler.js';

describe('one error body for every failure', () => {
  test.each([
    [new NotFoundError('no such thing'), 404, 'NOT_FOUND'],
    [new InvalidPayloadError('bad'), 400, 'INVALID_PAYLOAD'],
    [
      Object.assign(new Error('request entity too large'), { status: 413, expose: true, type: 'entity.too.large' }),
      413,
      'INVALID_PAYLOAD',
    ],
    [
      Object.assign(new Error('Unexpected token'), { status: 400, expose: true, type: 'entity.parse.failed' }),
      400,
      'INVALID_PAYLOAD',
    ],
    [Object.assign(new Error('Failed to decode param'), { status: 400 }), 400, 'INVALID_PAYLOAD'],
    [new URIError('URI malformed'), 400, 'INVALID_PAYLOAD'],
    [new RangeError('Invalid time value'), 500, 'INTERNAL'],
    [Object.assign(new Error('db down'), { status: 503, expose: false }), 500, 'INTERNAL'],
  ])('%s → %i %s', (err, status, code) => {
    const h = toHttpError(err);
    expect(h).toMatchObject({ status, code });
    // Internal details never reach the caller.
    if (status === 500) expect(h.message).toBe('internal error');
  });
});

describe('log sampling for repeated rejections', () => {
  test('five lines a minute per key, then the rest are counted and reported once when the window rolls', () => {
    const s = new LogSampler(5, 60_000);
    const logged = Array.from({ length: 500 }, (_, i) => s.take('401:UNAUTHENTICATED:admin', 1_000 + i).log).filter(
      Boolean,
    ).length;
    expect(logged).toBe(5);
    expect(s.take('404:NOT_FOUND:x', 2_000).log).toBe(true);
    expect(s.take('401:UNAUTHENTICATED:admin', 61_001)).toEqual({ log: true, suppressed: 495 });
  });
});

describe('body nesting depth, without recursion', () => {
  test('JSON and XML', () => {
    expect(nestingDepth(Buffer.from('[{"a":[1,2,{"b":"[[[["}]}]'))).toBe(4);
    expect(nestingDepth(Buffer.from('['.repeat(100_000)))).toBe(65);
    expect(nestingDepth(Buffer.from('<?xml version="1.0"?><a><b/><c><d>x</d></c><!-- <e><e><e> --></a>'))).toBe(3);
    expect(nestingDepth(Buffer.from(`<r>${'<x>'.repeat(1000)}`))).toBe(65);
    // A quoted '/>' inside an attribute does not close the tag.
    expect(nestingDepth(Buffer.from('<a b="/>">'.repeat(1000)))).toBe(65);
    expect(nestingDepth(Buffer.from(`<a t='x>y'><b c="/>"></b><d/></a>`))).toBe(2);
  });
});
