import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import passport from 'passport';
import { Strategy as OAuth2Strategy } from 'passport-oauth2';
import type { Connector, TokenSet } from '../core/connector.js';
import { CloseloopError, InstallFailedError, OAuthStateError } from '../core/errors.js';
import { stableId } from '../lib/ids.js';
import type { Logger } from '../lib/logger.js';
import type { ConnectionRow, Store } from '../store/index.js';
import type { TokenVault } from './token-vault.js';
import type { StatePayload, StateSealer } from './signed-state.js';

export interface ProviderAppConfig {
  clientId: string;
  clientSecret: string;
  authorizeUrl: string;
  tokenUrl: string;
  /** API origin recorded on the connection (HubSpot API base; Salesforce's comes from instance_url). */
  apiBase: string;
  callbackUrl: string;
}

export interface InstallDeps {
  store: Store;
  sealer: StateSealer;
  vault: TokenVault;
  logger: Logger;
  now: () => number;
  onInstalled: (conn: ConnectionRow) => Promise<void>;
}

/**
 * passport-oauth2 state store with nothing stored up front: the state is sealed (src/auth/signed-state.ts) and
 * carries the PKCE verifier; the callback records the nonce once (single use). So an unauthenticated GET /install
 * writes no row; a row appears only when someone returns from the provider's consent, and it expires.
 * passport-oauth2 calls store() before redirecting and verify() on callback.
 */
export class SealedStateStore {
  constructor(
    private readonly access: Store['access'],
    private readonly sealer: StateSealer,
    private readonly purpose: StatePayload['purpose'],
    private readonly provider: string,
    private readonly now: () => number,
  ) {}
  // Arity 5 matters: passport-oauth2 then passes the PKCE verifier (undefined without PKCE).
  store(_req: Request, verifier: string | undefined, _state: unknown, _meta: unknown, cb: (err: Error | null, handle?: string) => void): void {
    cb(null, this.sealer.seal(this.purpose, this.provider, verifier ?? null, this.now()).state);
  }
  // Arity 3. For PKCE, passport-oauth2 expects `ok` to be the verifier string.
  verify(_req: Request, handle: string, cb: (err: Error | null, ok: boolean | string, info?: { message: string }) => void): void {
    const rejected = () => cb(null, false, { message: 'OAuth state is unknown, expired or already used' });
    const p = this.sealer.open(handle, this.purpose, this.provider, this.now());
    if (!p) return rejected();
    this.access.useStateNonce(p.nonce, new Date(p.exp))
      .then((first) => first ? cb(null, p.verifier ?? true) : rejected(), (e) => cb(e as Error, false));
  }
}

/** Registers one passport strategy per provider and returns the two express handlers of the install flow. */
export function createInstallFlow(connector: Connector, app: ProviderAppConfig, deps: InstallDeps) {
  const provider = connector.manifest.id;
  const m = connector.manifest;
  const strategy = new OAuth2Strategy(
    {
      authorizationURL: app.authorizeUrl,
      tokenURL: app.tokenUrl,
      clientID: app.clientId,
      clientSecret: app.clientSecret,
      callbackURL: app.callbackUrl,
      scope: m.oauth.scopes,
      scopeSeparator: m.oauth.scopeSeparator,
      pkce: m.oauth.pkce,
      state: true,
      store: new SealedStateStore(deps.store.access, deps.sealer, 'install', provider, deps.now) as any,
      passReqToCallback: false,
    } as any,
    ((accessToken: string, refreshToken: string, params: Record<string, unknown>, _profile: unknown, done: (err: unknown, user?: unknown) => void) => {
      completeInstall(connector, app, deps, toTokenSet(accessToken, refreshToken, params, deps.now())).then((c) => done(null, c), (e) => done(e));
    }) as any,
  );
  // Do not fetch a user profile: identity comes from the connector's afterInstall.
  (strategy as any).userProfile = (_t: string, done: (e: null, p: object) => void) => done(null, {});
  passport.use(provider, strategy);

  const start = (req: Request, res: Response, next: (e?: unknown) => void) =>
    passport.authenticate(provider, { session: false })(req, res, next);

  const callback = (req: Request, res: Response, next: (e?: unknown) => void) =>
    passport.authenticate(provider, { session: false }, (err: unknown, conn: ConnectionRow | false, info: { message?: string } | undefined) => {
      if (err) return next(err instanceof CloseloopError ? err : new InstallFailedError(`token exchange failed: ${(err as Error).message ?? String(err)}`, { provider, cause: err }));
      if (!conn) return next(new OAuthStateError(info?.message ?? 'OAuth callback rejected'));
      res.status(200).json({ installed: true, provider, accountId: conn.account_id, connectionId: conn.id });
    })(req, res, next);

  return { start, callback };
}

export function toTokenSet(accessToken: string, refreshToken: string | undefined, params: Record<string, unknown>, now: number): TokenSet {
  const expiresIn = Number(params.expires_in);
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    if (['access_token', 'refresh_token', 'id_token'].includes(k)) continue;
    if (typeof v === 'string' || typeof v === 'number') metadata[k] = String(v);
  }
  return { accessToken, refreshToken: refreshToken || null, expiresAt: Number.isFinite(expiresIn) && expiresIn > 0 ? now + expiresIn * 1000 : null, metadata };
}

/** After the token exchange: resolve the account identity (fails the install visibly), store the connection. */
export async function completeInstall(connector: Connector, app: ProviderAppConfig, deps: InstallDeps, tokens: TokenSet): Promise<ConnectionRow> {
  const provider = connector.manifest.id;
  const identity = await connector.afterInstall(tokens, { apiBase: app.apiBase, clientId: app.clientId, clientSecret: app.clientSecret }).catch((e: unknown) => {
    throw e instanceof CloseloopError ? e : new InstallFailedError(`could not resolve the installed account: ${(e as Error).message}`, { provider, cause: e });
  });
  const enc = deps.vault.encrypt(tokens);
  const conn = await deps.store.connections.upsert({
    id: stableId('conn', provider, identity.accountId),
    tenantId: stableId('ten', provider, identity.accountId),
    provider,
    accountId: identity.accountId,
    apiBase: identity.instanceUrl ?? app.apiBase,
    displayName: identity.displayName,
    accessTokenEnc: enc.accessTokenEnc,
    refreshTokenEnc: enc.refreshTokenEnc,
    tokenExpiresAt: enc.expiresAt,
    tokenMetadata: tokens.metadata,
  });
  deps.logger.info({ provider, connectionId: conn.id, accountId: conn.account_id }, 'installed');
  await deps.onInstalled(conn);
  return conn;
}

export const pkceChallenge = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');
