import './no-proxy.js';
import jsforce, { type Connection } from 'jsforce';
import {
  type SalesforceSandbox,
  type SalesforceSandboxOptions,
  startSalesforceSandbox,
} from '../../../../connectors/salesforce/sandbox/index.js';

export const CLIENT_ID = 'closeloop-test-client';
export const CLIENT_SECRET = 'closeloop-test-secret';
export const REDIRECT_URI = 'https://app.closeloop.example/oauth/salesforce/callback';
/** A fixed clock: 2025-03-12T15:30:00Z. */
export const FIXED_NOW = Date.UTC(2025, 2, 12, 15, 30, 0);

export function startSandbox(overrides: Partial<SalesforceSandboxOptions> = {}): Promise<SalesforceSandbox> {
  return startSalesforceSandbox({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUris: [REDIRECT_URI],
    ...overrides,
  });
}

export function newOAuth2(sandbox: SalesforceSandbox): InstanceType<typeof jsforce.OAuth2> {
  return new jsforce.OAuth2({
    loginUrl: sandbox.url,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUri: REDIRECT_URI,
    useVerifier: true,
  });
}

/** Follows the authorize redirect by hand (auto-consent) and returns the code it carries. */
export async function authorizeCode(authUrl: string): Promise<{ code: string; state: string | null; location: URL }> {
  const res = await fetch(authUrl, { redirect: 'manual' });
  if (res.status !== 302) throw new Error(`authorize answered ${res.status}`);
  const location = new URL(res.headers.get('location') ?? '');
  const code = location.searchParams.get('code');
  if (!code) throw new Error(`no code in ${location.toString()}`);
  return { code, state: location.searchParams.get('state'), location };
}

/** Web server flow with PKCE through jsforce, ending in an authorized Connection. */
export async function connect(
  sandbox: SalesforceSandbox,
  options: { loginHint?: string; callOptions?: Record<string, string> } = {},
): Promise<Connection> {
  const oauth2 = newOAuth2(sandbox);
  const url = oauth2.getAuthorizationUrl({
    scope: 'api refresh_token',
    state: 'st-1',
    ...(options.loginHint ? { login_hint: options.loginHint } : {}),
  });
  const { code } = await authorizeCode(url);
  const conn = new jsforce.Connection({
    oauth2,
    version: '62.0',
    ...(options.callOptions ? { callOptions: options.callOptions } : {}),
  });
  await conn.authorize(code);
  return conn;
}

export function waitFor<T>(
  predicate: () => T | undefined | null | false,
  timeoutMs = 5000,
  what = 'condition',
): Promise<T> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      const v = predicate();
      if (v) return resolve(v);
      if (Date.now() - start > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}
