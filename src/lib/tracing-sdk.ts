import os from 'node:os';
import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-node';

/** The process's tracer provider (src/lib/tracing.ts says what is traced). */
export interface Tracing {
  shutdown(): Promise<void>;
}

/**
 * Registers a tracer provider for the process (AsyncLocalStorage context, W3C trace-context and baggage
 * propagation) exporting to `url`, or to `exporter` (tests: an in-memory exporter, spans handed over as each
 * ends). Null, and nothing registered, when neither is given.
 */
export function startTracing(o: {
  url?: string | null;
  exporter?: SpanExporter;
  serviceName: string;
  role: string;
}): Tracing | null {
  if (!o.exporter && !o.url) return null;
  const processor = o.exporter
    ? new SimpleSpanProcessor(o.exporter)
    : new BatchSpanProcessor(new OTLPTraceExporter({ url: o.url! }));
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      'service.name': o.serviceName,
      'service.instance.id': `${os.hostname()}:${process.pid}`,
      'closeloop.role': o.role,
    }),
    spanProcessors: [processor],
  });
  provider.register();
  return {
    async shutdown() {
      await provider.forceFlush().catch(() => undefined);
      await provider.shutdown().catch(() => undefined);
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
