import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { Client } from '@hubspot/api-client';
import {
  ALL_SANDBOX_SCOPES,
  startHubspotSandbox,
  type HubspotSandbox,
  type HubspotSandboxOptions,
} from '../../../../connectors/hubspot/sandbox/index.js';

export const CLIENT_ID = 'test-client-id';
export const CLIENT_SECRET = 'test-client-secret-0000';

export function startSandbox(overrides: Partial<HubspotSandboxOptions> = {}): Promise<HubspotSandbox> {
  return startHubspotSandbox({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    rateLimit: false,
    webhookBatchMs: 20,
    webhookRetryBaseMs: 10,
    ...overrides,
  });
}

/** A real @hubspot/api-client pointed at the sandbox, with a token for the portal. */
export function clientFor(
  sandbox: HubspotSandbox,
  portalId = sandbox.defaultPortalId,
  extra: Record<string, unknown> = {},
  scopes = ALL_SANDBOX_SCOPES,
): Client {
  const { accessToken } = sandbox.issueTokens(portalId, scopes);
  return new Client({ accessToken, basePath: sandbox.url, ...extra });
}

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  events: Array<Record<string, any>>;
}

/**
 * A local webhook receiver that records raw requests and answers with the next scripted status (default 200),
 * optionally late.
 */
export async function startReceiver(
  statuses: number[] = [],
  delaysMs: number[] = [],
): Promise<{ url: string; requests: ReceivedRequest[]; close(): Promise<void> }> {
  const requests: ReceivedRequest[] = [];
  const queue = [...statuses];
  const delays = [...delaysMs];
  const app = express();
  // Raw bytes, captured before any JSON parsing: signatures are computed over them.
  app.use(express.raw({ type: () => true }));
  app.use((req, res) => {
    const rawBody = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    requests.push({
      method: req.method,
      url: req.originalUrl,
      headers: req.headers,
      rawBody,
      events: JSON.parse(rawBody),
    });
    const status = queue.shift() ?? 200;
    setTimeout(() => {
      if (!res.headersSent) res.status(status).end();
    }, delays.shift() ?? 0);
  });
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/hubspot?tenant=t1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The ApiException the client throws, typed loosely for assertions. */
export async function caught(
  p: Promise<unknown>,
): Promise<{ code: number; body: any; headers: Record<string, string> }> {
  try {
    await p;
  } catch (err) {
    return err as { code: number; body: any; headers: Record<string, string> };
  }
  throw new Error('expected the call to fail');
}
