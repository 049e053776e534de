import type { Request } from 'express';
import passport from 'passport';
import { Strategy as OAuth2Strategy } from 'passport-oauth2';
import type { Connector, TokenSet } from '../core/connector.js';
import type { Store } from '../store/index.js';
import {
  clearedFlowCookie,
  flowBindingMatches,
  flowCookie,
  flowCookieName,
  newFlowNonce,
  readFlowCookie,
  type StatePayload,
  type StateSealer,
} from './signed-state.js';

export interface ProviderAppConfig {
  clientId: string;
  clientSecret: string;
  authorizeUrl: string;
  tokenUrl: string;
  /** API origin recorded on the connection (HubSpot API base; Salesforce's comes from instance_url). */
  apiBase: string;
  callbackUrl: string;
}

/**
 * passport-oauth2 state store with nothing stored up front: the state is sealed (src/auth/signed-state.ts) and
 * carries the PKCE verifier; the callback records the nonce once (single use). So an unauthenticated GET /install
 * writes no row; a row appears only when someone returns from the provider's consent, and it expires.
 * passport-oauth2 calls store() before redirecting and verify() on callback.
 *
 * The state is bound to the browser that began the flow: store() sets the flow cookie (a random nonce; see
 * src/auth/signed-state.ts) and seals its hash; verify() needs the cookie back, matching, and clears it. A callback
 * URL opened by anyone else's browser (login CSRF) is refused before anything is exchanged.
 */
export class SealedStateStore {
  constructor(
    private readonly access: Store['access'],
    private readonly sealer: StateSealer,
    private readonly purpose: StatePayload['purpose'],
    private readonly provider: string,
    private readonly now: () => number,
  ) {
    this.cookieName = flowCookieName(purpose, provider);
  }
  private readonly cookieName: string;
  // Arity 5 matters: passport-oauth2 then passes the PKCE verifier (undefined without PKCE).
  store(
    req: Request,
    verifier: string | undefined,
    _state: unknown,
    _meta: unknown,
    cb: (err: Error | null, handle?: string) => void,
  ): void {
    if (!req.res) return cb(new Error('OAuth state store: no response to set the flow cookie on'));
    const { nonce, binding } = newFlowNonce();
    req.res.append('Set-Cookie', flowCookie(this.cookieName, nonce, this.sealer.ttlMs));
    cb(null, this.sealer.seal(this.purpose, this.provider, verifier ?? null, this.now(), binding).state);
  }
  // Arity 3. For PKCE, passport-oauth2 expects `ok` to be the verifier string.
  verify(
    req: Request,
    handle: string,
    cb: (err: Error | null, ok: boolean | string, info?: { message: string }) => void,
  ): void {
    const rejected = () => cb(null, false, { message: 'OAuth state is unknown, expired or already used' });
    const nonce = readFlowCookie(req.headers.cookie, this.cookieName);
    // The flow is over either way: this browser's flow cookie goes.
    if (nonce !== null) req.res?.append('Set-Cookie', clearedFlowCookie(this.cookieName));
    const p = this.sealer.open(handle, this.purpose, this.provider, this.now());
    if (!p) return rejected();
    if (!flowBindingMatches(nonce, p.binding))
      return cb(null, false, {
        message: `this ${this.purpose === 'login' ? 'sign-in' : 'install'} was not started in this browser (or its cookie expired): start again from the ${this.purpose === 'login' ? 'sign-in' : 'install'} link`,
      });
    this.access.useStateNonce(p.nonce, new Date(p.exp)).then(
      (first) => (first ? cb(null, p.verifier ?? true) : rejected()),
      (e) => cb(e as Error, false),
    );
  }
}

export function toTokenSet(
  accessToken: string,
  refreshToken: string | undefined,
  params: Record<string, unknown>,
  now: number,
): TokenSet {
  const expiresIn = Number(params.expires_in);
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    if (['access_token', 'refresh_token', 'id_token'].includes(k)) continue;
    if (typeof v === 'string' || typeof v === 'number') metadata[k] = String(v);
  }
  return {
    accessToken,
    refreshToken: refreshToken || null,
    expiresAt: Number.isFinite(expiresIn) && expiresIn > 0 ? now + expiresIn * 1000 : null,
    metadata,
  };
}

export interface OAuthFlowOptions {
  /** passport strategy name: the provider id for installs, `signin:<provider>` for sign-in. */
  name: string;
  purpose: StatePayload['purpose'];
  connector: Connector;
  app: ProviderAppConfig;
  scopes: readonly string[];
  access: Store['access'];
  sealer: StateSealer;
  now: () => number;
}

/**
 * The one OAuth2 authorization-code flow (install and sign-in): the provider's URLs and scopes from its manifest,
 * sealed single-use state with PKCE where the manifest supports it, no profile fetch. `onTokens` turns the
 * exchanged tokens (and the raw token response) into what the callback handler receives. Returns the strategy name.
 */
export function registerOAuthFlow<U>(
  o: OAuthFlowOptions,
  onTokens: (tokens: TokenSet, params: Record<string, unknown>) => Promise<U>,
): string {
  const m = o.connector.manifest;
  const strategy = new OAuth2Strategy(
    {
      authorizationURL: o.app.authorizeUrl,
      tokenURL: o.app.tokenUrl,
      clientID: o.app.clientId,
      clientSecret: o.app.clientSecret,
      callbackURL: o.app.callbackUrl,
      scope: o.scopes,
      scopeSeparator: m.oauth.scopeSeparator,
      pkce: m.oauth.pkce,
      state: true,
      store: new SealedStateStore(o.access, o.sealer, o.purpose, m.id, o.now) as any,
      passReqToCallback: false,
    } as any,
    ((
      accessToken: string,
      refreshToken: string,
      params: Record<string, unknown>,
      _profile: unknown,
      done: (err: unknown, user?: unknown) => void,
    ) => {
      onTokens(toTokenSet(accessToken, refreshToken, params, o.now()), params).then(
        (u) => done(null, u),
        (e) => done(e),
      );
    }) as any,
  );
  // Do not fetch a user profile: identity comes from the connector (afterInstall, identifyUser).
  (strategy as any).userProfile = (_t: string, done: (e: null, p: object) => void) => done(null, {});
  passport.use(o.name, strategy);
  return o.name;
}
