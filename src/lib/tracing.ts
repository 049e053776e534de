import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';

/**
 * OpenTelemetry traces of a webhook's way through the system: the HTTP request (src/http/app.ts), the jobs it
 * causes (pg-boss stores the W3C trace context on each job it sends and continues it in the worker that runs
 * the job: src/queue/index.ts), the analysis that makes a suggestion and the write-back (src/jobs/workers.ts).
 *
 * Off unless an OTLP endpoint is configured (OTEL_EXPORTER_OTLP_ENDPOINT, or the traces-only
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT; src/config): without one no tracer provider is registered, every span
 * below is the API's no-op, no job stores a trace context, and nothing is exported. Spans carry ids
 * (connection, deal, suggestion, outbox row), never CRM content. This file uses the API only; the SDK and the
 * exporter are registered by src/lib/tracing-sdk.ts, from the composition root.
 */
export const TRACER_NAME = 'closeloop';

const tracer = () => trace.getTracer(TRACER_NAME);

/**
 * Runs `fn` in a span (a child of the active span): ended when `fn` settles, an error recorded on it and
 * rethrown. With tracing off this is one no-op span object.
 */
export async function inSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span) => Promise<T>,
  o: { kind?: SpanKind; parent?: Context } = {},
): Promise<T> {
  return tracer().startActiveSpan(
    name,
    { kind: o.kind ?? SpanKind.INTERNAL, attributes },
    o.parent ?? context.active(),
    async (span) => {
      try {
        return await fn(span);
      } catch (e) {
        span.recordException(e as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error)?.message });
        throw e;
      } finally {
        span.end();
      }
    },
  );
}

/** The context an incoming request continues: its `traceparent` (and `tracestate`) headers, if any. */
export function contextFromHeaders(headers: Record<string, string | string[] | undefined>): Context {
  return propagation.extract(ROOT_CONTEXT, headers);
}

/** Starts a SERVER span for an HTTP request; the caller ends it when the response is finished. */
export function startRequestSpan(
  name: string,
  parent: Context,
  attributes: Attributes,
): { span: Span; context: Context } {
  const span = tracer().startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
  return { span, context: trace.setSpan(parent, span) };
}

export { context as otelContext, SpanKind, SpanStatusCode };
