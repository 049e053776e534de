import { PassThrough } from 'node:stream';
import { withLogContext } from '../../../src/lib/log-context.js';
import { createLogger } from '../../../src/lib/logger.js';

/** Structured JSON logs: every line written inside a request's or a job's scope carries its ids. */
function capture() {
  const out = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  out.on('data', (d) => {
    for (const l of String(d).split('\n')) if (l.trim()) lines.push(JSON.parse(l));
  });
  return { logger: createLogger({ level: 'info', destination: out }), lines };
}

test('lines inside a request or job scope carry its ids, across awaits; lines outside carry none', async () => {
  const { logger, lines } = capture();
  logger.info('outside');
  await withLogContext({ requestId: 'req-1' }, async () => {
    await new Promise((r) => setTimeout(r, 5));
    logger.info({ connectionId: 'c1' }, 'in the request');
    // A job started from inside the request keeps the request id beside its own ids.
    await withLogContext({ queue: 'analyze', jobId: 'job-9' }, async () => {
      await Promise.resolve();
      logger.warn('in the job');
    });
  });
  await new Promise((r) => setImmediate(r));
  expect(lines.map((l) => [l.msg, l.requestId, l.queue, l.jobId])).toEqual([
    ['outside', undefined, undefined, undefined],
    ['in the request', 'req-1', undefined, undefined],
    ['in the job', 'req-1', 'analyze', 'job-9'],
  ]);
  expect(lines[1]).toMatchObject({ level: 30, connectionId: 'c1' });
  expect(typeof lines[0]!.time).toBe('string');
});

test('redaction still applies to fields logged inside a scope', async () => {
  const { logger, lines } = capture();
  withLogContext({ requestId: 'req-2' }, () =>
    logger.info({ accessToken: 'secret-token', email: 'a@example.com' }, 'token refreshed'),
  );
  await new Promise((r) => setImmediate(r));
  expect(lines[0]).toMatchObject({ requestId: 'req-2', accessToken: '[redacted]', email: '[redacted]' });
});
