import { Client } from '@hubspot/api-client';
import type { HubspotSandbox } from '../../../../connectors/hubspot/sandbox/index.js';
import { caught, startSandbox } from './helpers.js';

const searchBody = { filterGroups: [], sorts: [], properties: ['email'], limit: 1, after: '0' };

describe('HubSpot sandbox rate limits', () => {
  let sandbox: HubspotSandbox;
  let token: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ rateLimit: { perTenSeconds: 3, searchPerSecond: 2 } });
    token = sandbox.issueTokens(sandbox.defaultPortalId).accessToken;
  });
  afterAll(() => sandbox.close());

  // The client's RetryDecorator runs `numberOfApiCallRetries` attempts in total, so 2 means one retry.
  const client = (retries = 0) =>
    new Client({
      accessToken: token,
      basePath: sandbox.url,
      ...(retries > 0 ? { numberOfApiCallRetries: retries } : {}),
    });

  it('counts calls per portal in a ten-second rolling window, reports it in headers, then 429s; the client retries after 10 s and succeeds', async () => {
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${sandbox.url}/crm/v3/objects/contacts?limit=1`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-hubspot-ratelimit-max')).toBe('3');
      expect(res.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('10000');
      seen.push(res.headers.get('x-hubspot-ratelimit-remaining') as string);
    }
    expect(seen).toEqual(['2', '1', '0']);

    const limited = await caught(client().crm.contacts.basicApi.getPage(1));
    expect(limited.code).toBe(429);
    expect(limited.body).toMatchObject({
      status: 'error',
      message: 'You have reached your ten_secondly_rolling limit.',
      errorType: 'RATE_LIMIT',
      policyName: 'TEN_SECONDLY_ROLLING',
      correlationId: expect.any(String),
      requestId: expect.any(String),
    });
    expect(limited.headers['x-hubspot-ratelimit-remaining']).toBe('0');

    // Another portal has its own window.
    const other = sandbox.createPortal({ seed: 'empty' });
    const otherClient = new Client({ accessToken: sandbox.issueTokens(other).accessToken, basePath: sandbox.url });
    await expect(otherClient.crm.contacts.basicApi.getPage(1)).resolves.toBeDefined();

    const started = Date.now();
    const page = await client(2).crm.contacts.basicApi.getPage(1);
    expect(page.results).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(9_900);
  }, 30_000);

  it('limits search per second with its own 429 (no rate-limit headers); the client waits 1 s and retries', async () => {
    const first = await fetch(`${sandbox.url}/crm/v3/objects/contacts/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(searchBody),
    });
    expect(first.status).toBe(200);
    expect(first.headers.get('x-hubspot-ratelimit-max')).toBeNull();
    await client().crm.contacts.searchApi.doSearch(searchBody);
    const limited = await caught(client().crm.contacts.searchApi.doSearch(searchBody));
    expect(limited.code).toBe(429);
    expect(limited.body).toMatchObject({
      status: 'error',
      message: 'You have reached your secondly limit.',
      errorType: 'RATE_LIMIT',
    });
    expect(limited.headers['x-hubspot-ratelimit-max']).toBeUndefined();

    const started = Date.now();
    const result = await client(2).crm.contacts.searchApi.doSearch(searchBody);
    expect(result.total).toBeGreaterThan(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  }, 30_000);
});
