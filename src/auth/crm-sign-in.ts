import type { Request, Response } from 'express';
import passport from 'passport';
import { Strategy as OAuth2Strategy } from 'passport-oauth2';
import type { Connector, SignedInUser } from '../core/connector.js';
import { CloseloopError, ErrorCode, OAuthStateError } from '../core/errors.js';
import type { Logger } from '../lib/logger.js';
import type { Store } from '../store/index.js';
import { SealedStateStore, toTokenSet, type ProviderAppConfig } from './oauth-install.js';
import { ForbiddenError } from './principal.js';
import { createSession, sessionCookie } from './sessions.js';
import type { StateSealer } from './signed-state.js';

export interface SignInDeps {
  store: Store;
  sealer: StateSealer;
  logger: Logger;
  now: () => number;
  /** provider:accountId:userId of the deployment's operators (OPERATOR_USERS). */
  operatorUsers: readonly string[];
  sessionTtlMs: number;
}

/**
 * "Sign in with HubSpot / Salesforce" for closeloop's admin pages. The OAuth identity of the person decides:
 * an operator listed by the deployment gets every tenant; otherwise the person must be an admin of an account
 * closeloop is installed in (by the CRM's own rule, connector.identifyUser) and gets that one tenant. The sign-in
 * token is used for these two lookups and dropped; only a session row (hashed cookie) is kept.
 */
export function createSignInFlow(connector: Connector, app: ProviderAppConfig, deps: SignInDeps) {
  const provider = connector.manifest.id;
  const m = connector.manifest;
  const identify = connector.identifyUser;
  const strategyName = `signin:${provider}`;
  const strategy = new OAuth2Strategy(
    {
      authorizationURL: app.authorizeUrl,
      tokenURL: app.tokenUrl,
      clientID: app.clientId,
      clientSecret: app.clientSecret,
      callbackURL: app.callbackUrl,
      scope: m.signIn?.scopes ?? m.oauth.scopes,
      scopeSeparator: m.oauth.scopeSeparator,
      pkce: m.oauth.pkce,
      state: true,
      store: new SealedStateStore(deps.store.access, deps.sealer, 'login', provider, deps.now) as any,
      passReqToCallback: false,
    } as any,
    ((accessToken: string, refreshToken: string, params: Record<string, unknown>, _profile: unknown, done: (err: unknown, user?: unknown) => void) => {
      if (!identify) return done(new CloseloopError(ErrorCode.NOT_FOUND, `${provider} has no sign-in`, { status: 404 }));
      const tokens = toTokenSet(accessToken, refreshToken, params, deps.now());
      identify(tokens, { apiBase: typeof params.instance_url === 'string' ? params.instance_url : app.apiBase, clientId: app.clientId, clientSecret: app.clientSecret }).then((u) => done(null, u), (e) => done(e));
    }) as any,
  );
  (strategy as any).userProfile = (_t: string, done: (e: null, p: object) => void) => done(null, {});
  passport.use(strategyName, strategy);

  const start = (req: Request, res: Response, next: (e?: unknown) => void) => passport.authenticate(strategyName, { session: false })(req, res, next);

  const callback = (req: Request, res: Response, next: (e?: unknown) => void) =>
    passport.authenticate(strategyName, { session: false }, (err: unknown, user: SignedInUser | false, info: { message?: string } | undefined) => {
      if (err) return next(err instanceof CloseloopError ? err : new CloseloopError(ErrorCode.INSTALL_FAILED, `sign-in failed: ${(err as Error)?.message ?? String(err)}`, { status: 502, provider }));
      if (!user) return next(new OAuthStateError(info?.message ?? 'OAuth callback rejected'));
      signIn(deps, provider, user).then(({ cookie, body }) => {
        res.setHeader('Set-Cookie', cookie);
        res.setHeader('Cache-Control', 'no-store');
        if (req.accepts(['html', 'json']) === 'json') res.status(200).json(body);
        else res.redirect(303, '/');
      }, next);
    })(req, res, next);

  return { start, callback };
}

/** Decide the role and tenant of a signed-in CRM user, then open a session. */
export async function signIn(deps: SignInDeps, provider: string, user: SignedInUser): Promise<{ cookie: string; body: { signedIn: true; role: string; tenantId: string | null; csrfToken: string } }> {
  const isOperator = deps.operatorUsers.includes(`${provider}:${user.accountId}:${user.userId}`);
  let tenantId: string | null = null;
  if (!isOperator) {
    if (!user.isAdmin) {
      deps.logger.warn({ provider, accountId: user.accountId, code: ErrorCode.FORBIDDEN }, 'sign-in refused: not an admin of the account');
      throw new ForbiddenError(`only admins of the ${provider} account can sign in`);
    }
    const conn = await deps.store.connections.byAccount(provider, user.accountId);
    if (!conn) throw new ForbiddenError(`closeloop is not installed in this ${provider} account`);
    tenantId = conn.tenant_id;
  }
  const role = isOperator ? 'operator' : 'admin';
  const s = await createSession(deps.store, { tenantId, role, provider, accountId: user.accountId, userId: user.userId, userLabel: user.label }, deps.sessionTtlMs, deps.now());
  deps.logger.info({ provider, accountId: user.accountId, role, tenantId }, 'signed in');
  return { cookie: sessionCookie(s.cookieValue, deps.sessionTtlMs), body: { signedIn: true, role, tenantId, csrfToken: s.csrfToken } };
}
