import { createServer, type Server } from 'node:http';
import express from 'express';
import type { Health } from '../lib/health.js';
import type { Metrics } from '../lib/metrics.js';

/**
 * /livez, /readyz, /healthz (= readiness, kept for existing probes) and /metrics: mounted on the web app, and
 * served alone on HEALTH_PORT by worker processes, so every role can be probed and scraped.
 */
export function createHealthRouter(d: {
  health: Health;
  metrics: Metrics;
  metricsGuard?: express.RequestHandler;
}): express.Router {
  const r = express.Router();
  r.get('/livez', (_req, res) => {
    res.status(200).json({ status: 'ok' });
  });
  const ready: express.RequestHandler = async (_req, res, next) => {
    try {
      const rd = await d.health.readiness();
      res
        .status(rd.ok ? 200 : 503)
        .json({ status: rd.ok ? 'ok' : d.health.started() ? 'unavailable' : 'starting', ...rd });
    } catch (e) {
      next(e);
    }
  };
  r.get('/readyz', ready);
  r.get('/healthz', ready);
  // On the public web port /metrics sits behind the access guard (src/http/guard.ts); the worker port has none.
  const guard: express.RequestHandler[] = d.metricsGuard ? [d.metricsGuard] : [];
  r.get('/metrics', ...guard, async (_req, res, next) => {
    try {
      res.setHeader('Content-Type', d.metrics.registry.contentType);
      res.send(await d.metrics.registry.metrics());
    } catch (e) {
      next(e);
    }
  });
  return r;
}

/** The health and metrics port of a process that serves no other HTTP (ROLE=worker). */
export async function startHealthServer(d: {
  health: Health;
  metrics: Metrics;
  host: string;
  port: number;
}): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.disable('x-powered-by');
  app.use(createHealthRouter(d));
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  const server: Server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(d.port, d.host, () => resolve());
  });
  const addr = server.address();
  const url = typeof addr === 'object' && addr ? `http://${d.host}:${addr.port}` : `http://${d.host}:${d.port}`;
  return {
    url,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
