import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics. One registry per process (tests create their own). */
export function createMetrics(opts: { defaults?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaults) collectDefaultMetrics({ register: registry });
  return {
    registry,
    webhookEvents: new Counter({
      name: 'closeloop_webhook_events_total',
      help: 'Webhook events received',
      labelNames: ['crm', 'result'] as const,
      registers: [registry],
    }),
    suggestions: new Counter({
      name: 'closeloop_suggestions_total',
      help: 'Suggestions made, by guardrail outcome',
      labelNames: ['status', 'type'] as const,
      registers: [registry],
    }),
    writebacks: new Counter({
      name: 'closeloop_writebacks_total',
      help: 'Records written back to the CRM',
      labelNames: ['crm', 'kind'] as const,
      registers: [registry],
    }),
    recordsSynced: new Counter({
      name: 'closeloop_records_synced_total',
      help: 'Canonical records upserted',
      labelNames: ['crm', 'kind', 'source'] as const,
      registers: [registry],
    }),
    jobFailures: new Counter({
      name: 'closeloop_job_failures_total',
      help: 'Job failures by queue and error code',
      labelNames: ['queue', 'code'] as const,
      registers: [registry],
    }),
    // Every HTTP call to a CRM, counted where both official clients' requests go through
    // (src/lib/outbound-timeouts.ts).
    crmCalls: new Counter({
      name: 'closeloop_crm_calls_total',
      help: 'HTTP calls to a CRM by provider and status class (2xx, 3xx, 4xx, 429, 5xx, error: no response)',
      labelNames: ['provider', 'status'] as const,
      registers: [registry],
    }),
    crmRateLimited: new Counter({
      name: 'closeloop_crm_rate_limited_total',
      help: 'CRM calls answered 429 (rate limited), by provider',
      labelNames: ['provider'] as const,
      registers: [registry],
    }),
    ...queueGauges(registry),
    ...syncLagGauge(registry),
    webhookToTask: new Histogram({
      name: 'closeloop_webhook_to_task_seconds',
      help: 'From webhook receipt to task written',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;

export interface SyncLagSample {
  connectionId: string;
  provider: string;
  lagSeconds: number;
}

/**
 * Sync lag, read at scrape time (cluster-wide, like the queue gauges): per connection, seconds since the newest of its
 * last applied change (webhook, stream, ingest) and its last successful poll or backfill. Exposed per provider only:
 * the worst connection's lag and how many connections have one. No connection id: ids are derived from the CRM account
 * id (src/lib/ids.ts), so a label would let whoever reads the metrics tell which portals and orgs are customers
 * (docs/security.md). Which connection lags is on the operator's /admin/connections page.
 */
function syncLagGauge(registry: Registry) {
  let source: (() => Promise<SyncLagSample[]>) | null = null;
  let last: Promise<SyncLagSample[]> | null = null;
  // One read per scrape for the two gauges.
  const read = () => {
    if (!source) return Promise.resolve([] as SyncLagSample[]);
    last ??= source()
      .catch(() => [] as SyncLagSample[])
      .finally(() => {
        setTimeout(() => {
          last = null;
        }, 250);
      });
    return last;
  };
  const byProvider = async () => {
    const out = new Map<string, { max: number; count: number }>();
    for (const r of await read()) {
      const p = out.get(r.provider) ?? { max: 0, count: 0 };
      out.set(r.provider, { max: Math.max(p.max, r.lagSeconds), count: p.count + 1 });
    }
    return out;
  };
  return {
    syncLag: new Gauge({
      name: 'closeloop_sync_lag_seconds',
      help: 'Seconds since the most lagging connection of a provider last applied a change or finished a poll (cluster-wide)',
      labelNames: ['provider'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        for (const [provider, a] of await byProvider()) this.set({ provider }, a.max);
      },
    }),
    syncLagConnections: new Gauge({
      name: 'closeloop_sync_lag_connections',
      help: 'Connections of a provider with a sync lag (they have polled or applied a change; cluster-wide)',
      labelNames: ['provider'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        for (const [provider, a] of await byProvider()) this.set({ provider }, a.count);
      },
    }),
    /** Bind the lag source (the store) once it exists. */
    observeSyncLag(fn: () => Promise<SyncLagSample[]>) {
      source = fn;
    },
  };
}

export interface QueueDepthSample {
  queued: number;
  active: number;
  oldestSeconds: number;
}

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
    last ??= source().finally(() => {
      setTimeout(() => {
        last = null;
      }, 250);
    });
    return last;
  };
  const gauge = (name: string, help: string, pick: (s: QueueDepthSample) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['queue'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        const all = await read().catch(() => ({}) as Record<string, QueueDepthSample>);
        for (const [queue, s] of Object.entries(all)) this.set({ queue }, pick(s));
      },
    });
  return {
    queueDepth: gauge('closeloop_queue_depth', 'Jobs due and waiting, per queue (cluster-wide)', (s) => s.queued),
    queueActive: gauge('closeloop_queue_active', 'Jobs running, per queue (cluster-wide)', (s) => s.active),
    queueOldestAge: gauge(
      'closeloop_queue_oldest_age_seconds',
      'Age of the oldest due job, per queue (cluster-wide)',
      (s) => s.oldestSeconds,
    ),
    /** Bind the depth source (the work queue) once it exists. */
    observeQueue(fn: () => Promise<Record<string, QueueDepthSample>>) {
      source = fn;
    },
  };
}
