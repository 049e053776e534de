import {
  AuthRevokedError,
  InstallFailedError,
  isCloseloopError,
  type AccountIdentity,
  type CloseloopError,
  type TokenSet,
} from '../../src/core/index.js';
import { createHubspotOauthClient, parseHubspot, toHubspotError, type HubspotClientOptions } from './client.js';
import { HUBSPOT_LEGACY_TOKEN_PATH, HUBSPOT_OAUTH_PATHS, HUBSPOT_PROVIDER } from './manifest.js';
import { HubspotIntrospection, HubspotOauthErrorBody, HubspotTokenResponse } from './schemas.js';

/**
 * The API base behind a configured token URL (either the date-versioned path or the legacy v1 one), so
 * sandbox hosts and path prefixes keep working.
 */
export function basePathFromTokenUrl(tokenUrl: string): string {
  const url = new URL(tokenUrl);
  const known = [HUBSPOT_OAUTH_PATHS.token, HUBSPOT_LEGACY_TOKEN_PATH].find((p) => url.pathname.endsWith(p));
  const path = known ? url.pathname.slice(0, -known.length) : url.pathname.replace(/\/$/, '');
  return `${url.origin}${path}`;
}

/** RFC 6749 §5.2 codes that mean "this grant or token is no longer accepted": the admin must reinstall. */
const REVOKED_GRANT = new Set(['invalid_grant', 'invalid_token', 'unauthorized_client']);
/** Our app's client id/secret refused: the admin must fix the app configuration (shown like a revoked grant). */
const BAD_CLIENT = new Set(['invalid_client']);

/**
 * The one place closeloop calls HubSpot's OAuth API: form-encoded POSTs to the date-versioned endpoints,
 * through the official client's raw request (it has no typed API for them).
 * https://developers.hubspot.com/docs/api-reference/2026-03/authentication/oauth-tokens/refresh-oauth-token
 * Failures: RFC 6749 bodies (`error`, `error_description`) → AUTH_REVOKED for a refused grant, CONFIG_INVALID
 * for a refused client, and the usual mapping (429/477/5xx transient) for the rest.
 */
export async function postOauthForm(
  apiBase: string,
  path: string,
  form: Record<string, string | undefined>,
  opts: HubspotClientOptions = {},
): Promise<unknown> {
  const now = (opts.now ?? Date.now)();
  const where = `POST ${path}`;
  const client = createHubspotOauthClient(apiBase, opts);
  const body = new URLSearchParams(
    Object.entries(form).filter((e): e is [string, string] => e[1] !== undefined),
  ).toString();
  let res: Response;
  try {
    res = await client.apiRequest({
      method: 'POST',
      path,
      body,
      defaultJson: false,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    });
  } catch (err) {
    throw toHubspotError(err, where, now) ?? err;
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? null : JSON.parse(text);
  } catch {
    json = null;
  }
  if (res.ok) return json;

  const e = HubspotOauthErrorBody.safeParse(json);
  const errBody = e.success ? e.data : {};
  const detail = {
    provider: HUBSPOT_PROVIDER,
    where,
    status: res.status,
    providerRequestId: errBody.correlationId ?? res.headers.get('x-hubspot-correlation-id') ?? undefined,
  };
  const msg = `${where}: HubSpot answered ${res.status}${errBody.error ? ` ${errBody.error}` : ''}${errBody.error_description ? `: ${errBody.error_description}` : errBody.message ? `: ${errBody.message}` : ''}`;
  if (errBody.error && REVOKED_GRANT.has(errBody.error)) throw new AuthRevokedError(msg, detail);
  if (errBody.error && BAD_CLIENT.has(errBody.error))
    throw new AuthRevokedError(`${msg} (check the HubSpot app's client id and secret)`, detail);
  const mapped = toHubspotError(
    { code: res.status, body: json ?? text, headers: Object.fromEntries(res.headers.entries()) },
    where,
    now,
  );
  throw mapped ?? new AuthRevokedError(msg, detail);
}

/**
 * Refresh on the date-versioned token endpoint. Access tokens live ~30 minutes; the refresh token may come
 * back unchanged (or not at all), in which case the old one stays valid. `invalid_grant` (revoked token,
 * app uninstalled) is AUTH_REVOKED: the connection needs a new install, not a retry.
 */
export async function refreshTokens(
  o: { tokenUrl: string; clientId: string; clientSecret: string; refreshToken: string },
  opts: HubspotClientOptions = {},
): Promise<TokenSet> {
  const now = opts.now ?? Date.now;
  const where = `POST ${HUBSPOT_OAUTH_PATHS.token} (refresh)`;
  const raw = await postOauthForm(
    basePathFromTokenUrl(o.tokenUrl),
    HUBSPOT_OAUTH_PATHS.token,
    {
      grant_type: 'refresh_token',
      client_id: o.clientId,
      client_secret: o.clientSecret,
      refresh_token: o.refreshToken,
    },
    opts,
  ).catch((err: unknown) => {
    // A 400/401 without an RFC 6749 code still means the refresh token is not accepted.
    if (isCloseloopError(err) && err.code !== 'AUTH_REVOKED' && (err.status === 400 || err.status === 401)) {
      throw new AuthRevokedError(`${where}: refresh token rejected (${err.message})`, {
        provider: HUBSPOT_PROVIDER,
        where,
        providerRequestId: err.providerRequestId,
        cause: err,
      });
    }
    throw err;
  });
  const t = parseHubspot(where, HubspotTokenResponse, raw);
  return {
    accessToken: t.accessToken,
    refreshToken: t.refreshToken ?? o.refreshToken,
    expiresAt: now() + t.expiresIn * 1000,
    metadata: {
      ...(t.tokenType ? { tokenType: t.tokenType } : {}),
      ...(t.hubId ? { hubId: t.hubId } : {}),
    },
  };
}

export interface IntrospectOptions {
  apiBase: string;
  clientId: string;
  clientSecret: string;
}

/**
 * Token introspection: whether a token is still active, and which portal and app it belongs to.
 * https://developers.hubspot.com/docs/api-reference/2026-03/authentication/oauth-tokens/token-introspect
 */
export async function introspectToken(
  token: string,
  hint: 'access_token' | 'refresh_token',
  o: IntrospectOptions,
  opts: HubspotClientOptions = {},
): Promise<HubspotIntrospection> {
  const raw = await postOauthForm(
    o.apiBase,
    HUBSPOT_OAUTH_PATHS.introspect,
    {
      client_id: o.clientId,
      client_secret: o.clientSecret,
      token,
      token_type_hint: hint,
    },
    opts,
  );
  return parseHubspot(`POST ${HUBSPOT_OAUTH_PATHS.introspect}`, HubspotIntrospection, raw);
}

/**
 * Revokes a refresh token (uninstall from closeloop's side).
 * https://developers.hubspot.com/docs/api-reference/2026-03/authentication/oauth-tokens/token-revoke
 */
export async function revokeToken(token: string, o: IntrospectOptions, opts: HubspotClientOptions = {}): Promise<void> {
  await postOauthForm(
    o.apiBase,
    HUBSPOT_OAUTH_PATHS.revoke,
    {
      client_id: o.clientId,
      client_secret: o.clientSecret,
      token,
      token_type_hint: 'refresh_token',
    },
    opts,
  );
}

/**
 * Right after the OAuth callback: the portal (hub) id every webhook is routed by, from introspection of the
 * new access token. Without client credentials (a caller that cannot pass them) the token response's
 * `hub_id` is used; without either the install fails visibly.
 */
export async function afterInstall(
  tokens: TokenSet,
  o: { apiBase: string; clientId?: string; clientSecret?: string },
  opts: HubspotClientOptions = {},
): Promise<AccountIdentity> {
  const where = `POST ${HUBSPOT_OAUTH_PATHS.introspect}`;
  try {
    if (o.clientId && o.clientSecret) {
      const info = await introspectToken(
        tokens.accessToken,
        'access_token',
        { apiBase: o.apiBase, clientId: o.clientId, clientSecret: o.clientSecret },
        opts,
      );
      if (!info.active || !info.hub_id)
        throw new InstallFailedError(`${where}: the new access token is not active`, {
          provider: HUBSPOT_PROVIDER,
          where,
        });
      return { accountId: info.hub_id, instanceUrl: null, displayName: info.hub_domain ?? null };
    }
    const hubId = tokens.metadata.hub_id ?? tokens.metadata.hubId;
    if (hubId && /^\d+$/.test(hubId)) return { accountId: hubId, instanceUrl: null, displayName: null };
    throw new InstallFailedError(
      `${where}: no client credentials to introspect the token and no hub_id in the token response`,
      { provider: HUBSPOT_PROVIDER, where },
    );
  } catch (err) {
    if (err instanceof InstallFailedError) throw err;
    const e: CloseloopError | null = isCloseloopError(err) ? err : null;
    throw new InstallFailedError(
      `${where}: could not resolve the HubSpot portal id (${err instanceof Error ? err.message : String(err)})`,
      {
        provider: HUBSPOT_PROVIDER,
        where,
        providerRequestId: e?.providerRequestId,
        cause: err,
      },
    );
  }
}
