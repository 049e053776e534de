import { browse } from '../../../src/lib/browser-fetch.js';
import { createServer, type Server } from 'node:http';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { startHubspotSandbox, type HubspotSandbox } from '../../../connectors/hubspot/sandbox/index.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { startCloseloop, type Closeloop } from '../../../src/main.js';
import { testConfig, waitFor } from '../../helpers/closeloop.js';

/**
 * OpenTelemetry traces (src/lib/tracing.ts): one webhook's chain of spans, from the HTTP request through the
 * inbox job, the analysis, the suggestion and the write-back job, in one trace; and no export, no stored trace
 * context, when no OTLP endpoint is configured.
 */
async function start(
  o: { exporter?: InMemorySpanExporter; env?: Record<string, string> } = {},
): Promise<{ hs: HubspotSandbox; cl: Closeloop; stop(): Promise<void> }> {
  const clientId = 'test-app';
  const clientSecret = 'test-secret-123';
  const hs = await startHubspotSandbox({
    port: 0,
    clientId,
    clientSecret,
    seed: 'empty',
    webhookBatchMs: 20,
    webhookRetryBaseMs: 50,
  });
  const cfg = testConfig(o.env ?? {});
  const cl = await startCloseloop(cfg, {
    logger: silentLogger(),
    spanExporter: o.exporter,
    apps: {
      hubspot: {
        clientId,
        clientSecret,
        apiBase: hs.url,
        authorizeUrl: `${hs.url}/oauth/authorize`,
        tokenUrl: `${hs.url}/oauth/2026-03/token`,
      },
    },
  });
  hs.setWebhookTarget(`${cl.url}/webhooks/hubspot`);
  return {
    hs,
    cl,
    async stop() {
      await cl.stop();
      await hs.close();
    },
  };
}

/** An OTLP/HTTP collector stand-in: counts what is posted to it. */
async function collector(): Promise<{ url: string; posts: string[]; close(): Promise<void> }> {
  const posts: string[] = [];
  const server: Server = createServer((req, res) => {
    posts.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${addr.port}`,
    posts,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

async function install(hs: HubspotSandbox, cl: Closeloop) {
  const portalId = hs.defaultPortalId;
  const res = await browse(`${cl.url}/install/hubspot`);
  expect(res.status).toBe(200);
  await waitFor(
    async () => (await cl.store.connections.byAccount('hubspot', String(portalId)))?.backfill_done_at,
    30000,
    'backfill',
  );
  return portalId;
}

test('one webhook is one trace: HTTP request → inbox job → analysis → suggestion → write-back job', async () => {
  const exporter = new InMemorySpanExporter();
  const { hs, cl, stop } = await start({ exporter });
  try {
    const portalId = await install(hs, cl);
    const p = hs.store.portal(portalId);
    const owner = p.addOwner({
      id: '9001',
      userId: 7001,
      email: 'rep@example.com',
      firstName: 'Riley',
      lastName: 'Rep',
    });
    const company = hs.store.create(portalId, 'companies', { name: 'Globex Corporation', domain: 'globex.example' });
    const deal = hs.store.create(
      portalId,
      'deals',
      {
        dealname: 'Globex renewal',
        dealstage: 'contractsent',
        pipeline: 'default',
        amount: '48000',
        hubspot_owner_id: owner.id,
      },
      { associations: [{ toType: 'companies', toId: company.id }] },
    );
    // The deal's own webhooks settle first; then the email that makes the budget-risk task.
    await waitFor(
      async () =>
        await cl.store.records.get(
          (await cl.store.connections.byAccount('hubspot', String(portalId)))!.id,
          'deal',
          deal.id,
        ),
      20000,
      'deal synced',
    );
    hs.store.create(
      portalId,
      'emails',
      {
        hs_timestamp: String(Date.now()),
        hs_email_direction: 'INCOMING_EMAIL',
        hs_email_subject: 'Re: renewal',
        hs_email_text:
          'Hi Riley, finance just cut our budget for this quarter, so we cannot sign at the current price.',
      },
      { associations: [{ toType: 'deals', toId: deal.id }] },
    );

    // The write-back of the budget task ends a trace that began with a webhook request.
    const byId = () => new Map(exporter.getFinishedSpans().map((s) => [s.spanContext().spanId, s]));
    const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;
    const chain = (s: ReadableSpan, spans: Map<string, ReadableSpan>): ReadableSpan[] => {
      const out = [s];
      for (let p = parentOf(s); p && spans.get(p); p = parentOf(spans.get(p)!)) out.push(spans.get(p)!);
      return out;
    };
    const path = await waitFor(
      () => {
        const spans = byId();
        for (const s of spans.values()) {
          if (s.name !== 'write-back') continue;
          const c = chain(s, spans);
          if (c[c.length - 1]!.name.startsWith('POST /webhooks')) return c;
        }
        return null;
      },
      30000,
      'a write-back span whose trace starts at a webhook request',
    );
    const names = path.map((s) => s.name).reverse();
    expect(names).toEqual([
      'POST /webhooks/:provider',
      'webhook intake',
      'send inbox',
      'process inbox',
      'send analyze',
      'process analyze',
      'analyze deal',
      'suggestion',
      'send writeback',
      'process writeback',
      'write-back',
    ]);
    // One trace id from the request to the write-back; the root continues no one (the CRM sent no traceparent).
    expect(new Set(path.map((s) => s.spanContext().traceId)).size).toBe(1);
    expect(parentOf(path[path.length - 1]!)).toBeUndefined();
    const suggestion = path.find((s) => s.name === 'suggestion')!;
    expect(suggestion.attributes['closeloop.suggestion.type']).toBe('budget_risk');
    // Spans carry ids, never CRM text.
    for (const s of exporter.getFinishedSpans()) expect(JSON.stringify(s.attributes)).not.toContain('finance just cut');
  } finally {
    await stop();
  }
}, 90_000);

test('an OTLP endpoint receives the spans; without one nothing is exported and no job carries a trace context', async () => {
  const otlp = await collector();
  try {
    const on = await start({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url } });
    try {
      expect((await fetch(`${on.cl.url}/livez`)).status).toBe(200);
    } finally {
      await on.stop(); // flushes the batch of spans
    }
    expect(otlp.posts).toContain('POST /v1/traces');

    otlp.posts.length = 0;
    const off = await start();
    try {
      await install(off.hs, off.cl);
      expect((await fetch(`${off.cl.url}/livez`)).status).toBe(200);
      const jobs = await off.cl.store.db.query<{ n: number; traced: number }>(
        'SELECT count(*)::int AS n, count(trace_context)::int AS traced FROM pgboss.job',
      );
      expect(jobs.rows[0]!.n).toBeGreaterThan(0);
      expect(jobs.rows[0]!.traced).toBe(0);
    } finally {
      await off.stop();
    }
    expect(otlp.posts).toEqual([]);
  } finally {
    await otlp.close();
  }
}, 90_000);
