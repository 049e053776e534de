import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics. One registry per process (tests create their own). */
export function createMetrics(opts: { defaults?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaults) collectDefaultMetrics({ register: registry });
  return {
    registry,
    webhookEvents: new Counter({ name: 'closeloop_webhook_events_total', help: 'Webhook events received', labelNames: ['crm', 'result'] as const, registers: [registry] }),
    suggestions: new Counter({ name: 'closeloop_suggestions_total', help: 'Suggestions made, by guardrail outcome', labelNames: ['status', 'type'] as const, registers: [registry] }),
    writebacks: new Counter({ name: 'closeloop_writebacks_total', help: 'Records written back to the CRM', labelNames: ['crm', 'kind'] as const, registers: [registry] }),
    recordsSynced: new Counter({ name: 'closeloop_records_synced_total', help: 'Canonical records upserted', labelNames: ['crm', 'kind', 'source'] as const, registers: [registry] }),
    jobFailures: new Counter({ name: 'closeloop_job_failures_total', help: 'Job failures by queue and error code', labelNames: ['queue', 'code'] as const, registers: [registry] }),
    webhookToTask: new Histogram({ name: 'closeloop_webhook_to_task_seconds', help: 'From webhook receipt to task written', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30], registers: [registry] }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
