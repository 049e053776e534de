import { context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import { inSpan, SpanKind } from '../lib/tracing.js';

/**
 * Traces across the inbox queue (src/lib/tracing.ts), as pg-boss does for its jobs: the request records its
 * batches inside a "send inbox" span and stores that span's W3C context on each batch row; the worker that
 * claims the batches continues it in "process inbox". With tracing off the span is a no-op, the carrier is
 * empty and nothing is stored (null).
 */
export async function sendInboxSpan<T>(fn: (traceContext: string | null) => Promise<T>): Promise<T> {
  return inSpan(
    'send inbox',
    {},
    async () => {
      const carrier: Record<string, string> = {};
      propagation.inject(context.active(), carrier);
      return fn(carrier.traceparent ? JSON.stringify(carrier) : null);
    },
    { kind: SpanKind.PRODUCER },
  );
}

/** Runs the processing of claimed batches in a "process inbox" span continuing the stored context, if any. */
export async function processInboxSpan<T>(
  traceContext: string | null | undefined,
  attributes: Record<string, string>,
  fn: () => Promise<T>,
): Promise<T> {
  let parent = context.active();
  if (traceContext) {
    try {
      parent = propagation.extract(ROOT_CONTEXT, JSON.parse(traceContext) as Record<string, string>);
    } catch {
      /* not ours: start a new trace */
    }
  }
  return inSpan('process inbox', attributes, fn, { kind: SpanKind.CONSUMER, parent });
}
