import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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
    ...queueGauges(registry),
    webhookToTask: new Histogram({ name: 'closeloop_webhook_to_task_seconds', help: 'From webhook receipt to task written', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30], registers: [registry] }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;

export interface QueueDepthSample { queued: number; active: number; oldestSeconds: number }

/**
 * Queue depth and age per queue, read at scrape time from a source the composition root binds (the job table
 * is shared, so every process reports the same cluster-wide figures; alert on one scrape target, or use max).
 */
function queueGauges(registry: Registry) {
  let source: (() => Promise<Record<string, QueueDepthSample>>) | null = null;
  let last: Promise<Record<string, QueueDepthSample>> | null = null;
  // One read per scrape for the three gauges.
  const read = () => {
    if (!source) return Promise.resolve({} as Record<string, QueueDepthSample>);
    last ??= source().finally(() => { setTimeout(() => { last = null; }, 250); });
    return last;
  };
  const gauge = (name: string, help: string, pick: (s: QueueDepthSample) => number) => new Gauge({
    name, help, labelNames: ['queue'] as const, registers: [registry],
    async collect() {
      this.reset();
      const all = await read().catch(() => ({} as Record<string, QueueDepthSample>));
      for (const [queue, s] of Object.entries(all)) this.set({ queue }, pick(s));
    },
  });
  return {
    queueDepth: gauge('closeloop_queue_depth', 'Jobs due and waiting, per queue (cluster-wide)', (s) => s.queued),
    queueActive: gauge('closeloop_queue_active', 'Jobs running, per queue (cluster-wide)', (s) => s.active),
    queueOldestAge: gauge('closeloop_queue_oldest_age_seconds', 'Age of the oldest due job, per queue (cluster-wide)', (s) => s.oldestSeconds),
    /** Bind the depth source (the work queue) once it exists. */
    observeQueue(fn: () => Promise<Record<string, QueueDepthSample>>) { source = fn; },
  };
}
