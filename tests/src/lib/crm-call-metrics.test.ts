import { createServer, type Server } from 'node:http';
import { request } from 'undici';
import { createMetrics } from '../../../src/lib/metrics.js';
import { hubspotManifest } from '../../../connectors/hubspot/manifest.js';
import { salesforceManifest } from '../../../connectors/salesforce/manifest.js';
import { createOutboundDispatcher, crmProviderMatcher, crmStatusClass } from '../../../src/lib/outbound-timeouts.js';

/** CRM calls and 429s per provider, counted at the one outbound dispatcher both CRM clients use. */
let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/limited') {
      res.writeHead(429, { 'retry-after': '1' });
      res.end('slow down');
      return;
    }
    if (req.url === '/missing') {
      res.writeHead(404);
      res.end();
      return;
    }
    if (req.url === '/hang-up') {
      req.socket.destroy();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

test('each call to a CRM origin is counted once by provider and status class; 429s also on their own; other origins are not', async () => {
  const metrics = createMetrics();
  // The sandbox origin stands for HubSpot here; a second origin on the same server (localhost) is not a CRM.
  const providerOf = crmProviderMatcher(() => ({ hubspot: [url], salesforce: [null] }));
  const dispatcher = createOutboundDispatcher(providerOf, 5000, (provider, status) => {
    metrics.crmCalls.inc({ provider, status: crmStatusClass(status) });
    if (status === 429) metrics.crmRateLimited.inc({ provider });
  });
  try {
    for (const path of ['/ok', '/ok', '/limited', '/missing']) {
      const r = await request(`${url}${path}`, { dispatcher });
      await r.body.dump();
    }
    await expect(request(`${url}/hang-up`, { dispatcher })).rejects.toThrow();
    const other = await request(url.replace('127.0.0.1', 'localhost') + '/ok', { dispatcher });
    await other.body.dump();

    const calls = await metrics.crmCalls.get();
    const by = Object.fromEntries(calls.values.map((v) => [`${v.labels.provider}:${v.labels.status}`, v.value]));
    expect(by).toEqual({ 'hubspot:2xx': 2, 'hubspot:429': 1, 'hubspot:4xx': 1, 'hubspot:error': 1 });
    expect((await metrics.crmRateLimited.get()).values).toEqual([
      expect.objectContaining({ labels: { provider: 'hubspot' }, value: 1 }),
    ]);
    const text = await metrics.registry.metrics();
    expect(text).toContain('closeloop_crm_calls_total{provider="hubspot",status="429"} 1');
  } finally {
    await dispatcher.close();
  }
});

test('the production CRM hosts map to their provider without configuration', () => {
  const providerOf = crmProviderMatcher(() => ({}), {
    hubspot: hubspotManifest.apiHosts,
    salesforce: salesforceManifest.apiHosts,
  });
  expect(providerOf('https://api.hubapi.com')).toBe('hubspot');
  expect(providerOf('https://acme.my.salesforce.com')).toBe('salesforce');
  expect(providerOf('https://api.openai.com')).toBeNull();
  expect(providerOf('https://notsalesforce.com')).toBeNull();
  expect(crmStatusClass(503)).toBe('5xx');
});
