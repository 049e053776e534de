import { AsyncLocalStorage } from 'node:async_hooks';
import { trace } from '@opentelemetry/api';

/**
 * Ids every log line written while handling one HTTP request or one job carries (request id, queue and job
 * id, trace id when tracing is on), without passing a child logger down every call: the request middleware
 * (src/http/app.ts) and the queue's worker loop (src/queue/index.ts) run their callbacks inside a scope, and
 * the logger (src/lib/logger.ts) adds the scope's fields to each line.
 */
export interface LogContext {
  requestId?: string;
  queue?: string;
  jobId?: string;
  jobIds?: string[];
}

const store = new AsyncLocalStorage<LogContext>();

/** Runs `fn` with these ids added to every log line it (and everything it awaits) writes. */
export function withLogContext<T>(fields: LogContext, fn: () => T): T {
  const outer = store.getStore();
  return store.run(outer ? { ...outer, ...fields } : fields, fn);
}

/** The fields of the current scope, plus the active trace and span ids (when a span is recording). */
export function logContextFields(): Record<string, unknown> {
  const ctx = store.getStore();
  const span = trace.getActiveSpan()?.spanContext();
  const traced = span && trace.isSpanContextValid(span) ? { traceId: span.traceId, spanId: span.spanId } : null;
  if (!ctx && !traced) return {};
  return { ...ctx, ...traced };
}
