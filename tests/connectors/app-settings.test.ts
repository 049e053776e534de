import { connectors } from '../../connectors/index.js';
import { ConfigError } from '../../src/core/errors.js';

/**
 * Each connector resolves its own OAuth app from its settings (connectors/<crm>/app-settings.ts), so the
 * composition root (src/main.ts) names no provider: URLs, secrets and origins come from here.
 */
describe('resolveApp: every registered connector', () => {
  test.each(Object.keys(connectors))(
    '%s refuses settings without a client id or secret, naming what is missing',
    (p) => {
      expect(() => connectors[p]!.resolveApp({ clientSecret: 's' })).toThrow(ConfigError);
      expect(() => connectors[p]!.resolveApp({ clientId: 'c' })).toThrow(/clientSecret is not configured/);
    },
  );

  test.each(Object.keys(connectors))('%s gives URLs on the manifest paths and origins closeloop calls', (p) => {
    const a = connectors[p]!.resolveApp({ clientId: 'c', clientSecret: 's' });
    const m = connectors[p]!.manifest;
    expect(new URL(a.authorizeUrl).pathname).toBe(new URL(m.oauth.authorizeUrl).pathname);
    expect(new URL(a.tokenUrl).pathname).toBe(new URL(m.oauth.tokenUrl).pathname);
    expect(a.origins.length).toBeGreaterThan(0);
    expect(a).toMatchObject({ clientId: 'c', clientSecret: 's' });
  });
});

test('HubSpot: the token endpoint follows the API origin (a sandbox), explicit URLs win; webhooks are signed with the client secret', () => {
  const a = connectors.hubspot!.resolveApp({ clientId: 'c', clientSecret: 's', apiBase: 'http://127.0.0.1:4010' });
  expect(a.tokenUrl).toBe('http://127.0.0.1:4010/oauth/2026-03/token');
  expect(a.authorizeUrl).toBe('https://app.hubspot.com/oauth/authorize');
  expect(a.origins).toEqual(['http://127.0.0.1:4010', 'http://127.0.0.1:4010/oauth/2026-03/token']);
  expect(a.webhookSecret).toBe('s');
  expect(connectors.hubspot!.resolveApp({ clientId: 'c', clientSecret: 's', tokenUrl: 'http://t/x' }).tokenUrl).toBe(
    'http://t/x',
  );
});

test('Salesforce: authorize and token endpoints live on the login URL (sandbox org, My Domain)', () => {
  const a = connectors.salesforce!.resolveApp({
    clientId: 'c',
    clientSecret: 's',
    loginUrl: 'https://test.salesforce.com',
  });
  expect(a.authorizeUrl).toBe('https://test.salesforce.com/services/oauth2/authorize');
  expect(a.tokenUrl).toBe('https://test.salesforce.com/services/oauth2/token');
  expect(a).toMatchObject({ apiBase: 'https://test.salesforce.com', origins: ['https://test.salesforce.com'] });
});

test("Salesforce: useDispatcher sends jsforce's own requests (token refresh) through the deployment's dispatcher", async () => {
  const { MockAgent } = await import('undici');
  const { setDispatcher } = await import('jsforce/lib/request.js');
  const agent = new MockAgent();
  agent.disableNetConnect();
  agent.get('https://login.example.test').intercept({ method: 'POST', path: '/services/oauth2/token' }).reply(200, {
    access_token: 'fresh',
    instance_url: 'https://org.example.test',
    id: 'https://login.example.test/id/00Dx/005x',
    issued_at: '1',
    signature: 'x',
    token_type: 'Bearer',
  });
  try {
    connectors.salesforce!.useDispatcher!(agent);
    const t = await connectors.salesforce!.refreshTokens({
      tokenUrl: 'https://login.example.test/services/oauth2/token',
      clientId: 'c',
      clientSecret: 's',
      refreshToken: 'r',
    });
    expect(t.accessToken).toBe('fresh');
    agent.assertNoPendingInterceptors();
  } finally {
    setDispatcher(undefined as never);
    await agent.close();
  }
});
