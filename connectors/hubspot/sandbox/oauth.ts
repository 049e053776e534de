/**
 * OAuth 2.0 for the sandbox app: auto-consent authorize, code/refresh exchange, token introspection, revocation,
 * and the bearer check every CRM route sits behind. Shapes per connectors/hubspot/BEHAVIOR.md, "Auth and tokens"
 * (https://developers.hubspot.com/docs/apps/legacy-apps/authentication/working-with-oauth.md).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import {
  crmError,
  HubspotApiError,
  RFC6749_ERROR,
  correlationId,
  missingScopes,
  oauthError,
  type OAuthErrorStatus,
} from './errors.js';
import type { Portal } from './store.js';

export interface OAuthConfig {
  clientId: string;
  clientSecret: string;
  appId: number;
  accessTokenTtlSec: number;
  authCodeTtlSec: number;
  /** When set, `redirect_uri` must be one of these (HubSpot checks the app's configured redirect URLs). */
  redirectUris?: readonly string[];
  /** When set, the scopes an install may grant: the app's configured (required + optional) scopes. */
  appScopes?: readonly string[];
  now: () => number;
  portal: (portalId: number) => Portal | undefined;
  defaultPortalId: () => number | undefined;
  /** Who clicks "Connect" on the consent screen; the portal's installing user when unset. */
  consentUserId?: () => number | undefined;
}

interface AuthCode {
  portalId: number;
  scopes: string[];
  redirectUri: string;
  expiresAt: number;
  used: boolean;
  userId?: number;
}
interface RefreshToken {
  portalId: number;
  scopes: string[];
  revoked: boolean;
  userId?: number;
}
interface AccessToken {
  portalId: number;
  scopes: string[];
  expiresAt: number;
  refreshToken: string;
}

export interface AuthContext {
  portalId: number;
  scopes: readonly string[];
  token: string;
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  portalId: number;
}

export class OAuthRegistry {
  private readonly codes = new Map<string, AuthCode>();
  private readonly refreshTokens = new Map<string, RefreshToken>();
  private readonly accessTokens = new Map<string, AccessToken>();

  constructor(private readonly cfg: OAuthConfig) {}

  /** Mints a single-use authorization code for a portal, as the consent screen would. */
  issueCode(portalId: number, scopes: string[], redirectUri: string, userId?: number): string {
    const code = randomUUID();
    this.codes.set(code, {
      portalId,
      scopes,
      redirectUri,
      expiresAt: this.cfg.now() + this.cfg.authCodeTtlSec * 1000,
      used: false,
      userId,
    });
    return code;
  }

  /** Installs the app into a portal without the browser dance (test helper); same tokens the code exchange returns. */
  issueTokens(portalId: number, scopes: string[], userId?: number): IssuedTokens {
    const refreshToken = randomUUID();
    this.refreshTokens.set(refreshToken, { portalId, scopes, revoked: false, userId });
    return this.mintAccess(refreshToken);
  }

  private mintAccess(refreshToken: string): IssuedTokens {
    const rt = this.refreshTokens.get(refreshToken) as RefreshToken;
    // Real tokens are opaque base64-ish strings starting with a region prefix; shape does not matter to clients.
    const accessToken = `CN${randomBytes(36).toString('base64url')}`;
    this.accessTokens.set(accessToken, {
      portalId: rt.portalId,
      scopes: rt.scopes,
      expiresAt: this.cfg.now() + this.cfg.accessTokenTtlSec * 1000,
      refreshToken,
    });
    return { accessToken, refreshToken, expiresIn: this.cfg.accessTokenTtlSec, portalId: rt.portalId };
  }

  exchangeCode(form: Record<string, string | undefined>): IssuedTokens {
    this.checkClient(form);
    const code = form.code === undefined ? undefined : this.codes.get(form.code);
    if (code === undefined || code.used || code.expiresAt <= this.cfg.now()) {
      throw oauthError('BAD_AUTH_CODE', 'missing or invalid auth code');
    }
    if (form.redirect_uri !== code.redirectUri) {
      throw oauthError('MISMATCH_REDIRECT_URI_AUTH_CODE', 'redirect_uri does not match initial auth code URL');
    }
    code.used = true;
    return this.issueTokens(code.portalId, code.scopes, code.userId);
  }

  refresh(form: Record<string, string | undefined>): IssuedTokens {
    this.checkClient(form);
    const rt = form.refresh_token === undefined ? undefined : this.refreshTokens.get(form.refresh_token);
    if (rt === undefined || rt.revoked) throw oauthError('BAD_REFRESH_TOKEN', 'missing or invalid refresh token');
    return this.mintAccess(form.refresh_token as string);
  }

  private checkClient(form: Record<string, string | undefined>): void {
    if (form.client_id !== this.cfg.clientId) throw oauthError('BAD_CLIENT_ID', 'missing or unknown client id');
    if (form.client_secret !== this.cfg.clientSecret)
      throw oauthError('BAD_CLIENT_SECRET', 'missing or invalid client secret');
  }

  /** Resolves a bearer token or throws HubSpot's 401 body. */
  authenticate(token: string | undefined): AuthContext {
    if (token === undefined || token === '') {
      throw crmError(
        401,
        'INVALID_AUTHENTICATION',
        'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
      );
    }
    const at = this.accessTokens.get(token);
    if (at === undefined || this.refreshTokens.get(at.refreshToken)?.revoked === true) {
      throw crmError(
        401,
        'INVALID_AUTHENTICATION',
        'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
      );
    }
    const now = this.cfg.now();
    if (at.expiresAt <= now) {
      const minutes = Math.floor((now - at.expiresAt) / 60000);
      throw crmError(
        401,
        'EXPIRED_AUTHENTICATION',
        `The OAuth token used to make this call expired ${minutes} minute(s) ago.`,
        {
          context: { 'expire time': [new Date(at.expiresAt).toISOString()] },
        },
      );
    }
    return { portalId: at.portalId, scopes: at.scopes, token };
  }

  accessTokenInfo(token: string): Record<string, unknown> {
    const at = this.accessTokens.get(token);
    if (at === undefined) throw crmError(404, 'OBJECT_NOT_FOUND', 'Token not found');
    const remaining = Math.floor((at.expiresAt - this.cfg.now()) / 1000);
    if (remaining <= 0)
      throw crmError(401, 'EXPIRED_AUTHENTICATION', 'The OAuth token used to make this call expired.', {
        context: { 'expire time': [new Date(at.expiresAt).toISOString()] },
      });
    const portal = this.cfg.portal(at.portalId);
    const user = this.userOf(at.portalId, this.refreshTokens.get(at.refreshToken)?.userId);
    return {
      token,
      user: user?.email,
      hub_domain: portal?.info.domain,
      scopes: at.scopes,
      hub_id: at.portalId,
      app_id: this.cfg.appId,
      expires_in: remaining,
      user_id: user?.userId,
      token_type: 'access',
    };
  }

  /** The portal user who consented: the installing user, or an owner's user (sandbox users are the portal's owners). */
  private userOf(portalId: number, userId: number | undefined): { userId: number; email: string } | undefined {
    const portal = this.cfg.portal(portalId);
    if (!portal) return undefined;
    if (userId === undefined || userId === portal.info.installingUser.userId) return portal.info.installingUser;
    const owner = portal.owners.find((o) => o.userId === userId);
    return owner ? { userId: owner.userId, email: owner.email } : undefined;
  }

  refreshTokenInfo(token: string): Record<string, unknown> {
    const rt = this.refreshTokens.get(token);
    if (rt === undefined || rt.revoked) throw crmError(404, 'OBJECT_NOT_FOUND', 'Refresh token not found');
    const portal = this.cfg.portal(rt.portalId);
    return {
      token,
      user: portal?.info.installingUser.email,
      hub_domain: portal?.info.domain,
      scopes: rt.scopes,
      hub_id: rt.portalId,
      client_id: this.cfg.clientId,
      user_id: portal?.info.installingUser.userId,
      token_type: 'refresh',
    };
  }

  /** RFC 7662-style introspection for the date-versioned API: inactive tokens answer `{active:false}`, not an error. */
  introspect(form: Record<string, string | undefined>): Record<string, unknown> {
    this.checkClient(form);
    const token = form.token ?? '';
    const at = this.accessTokens.get(token);
    const now = this.cfg.now();
    if (at !== undefined && form.token_type_hint !== 'refresh_token') {
      const live = at.expiresAt > now && this.refreshTokens.get(at.refreshToken)?.revoked !== true;
      if (!live) return { active: false };
      const portal = this.cfg.portal(at.portalId);
      const user = this.userOf(at.portalId, this.refreshTokens.get(at.refreshToken)?.userId);
      return {
        active: true,
        token_use: 'access_token',
        client_id: this.cfg.clientId,
        hub_id: at.portalId,
        app_id: this.cfg.appId,
        user_id: user?.userId,
        hub_domain: portal?.info.domain,
        scopes: at.scopes,
        expires_in: Math.floor((at.expiresAt - now) / 1000),
      };
    }
    const rt = this.refreshTokens.get(token);
    if (rt === undefined || rt.revoked) return { active: false };
    const portal = this.cfg.portal(rt.portalId);
    return {
      active: true,
      token_use: 'refresh_token',
      client_id: this.cfg.clientId,
      hub_id: rt.portalId,
      app_id: this.cfg.appId,
      user_id: this.userOf(rt.portalId, rt.userId)?.userId,
      hub_domain: portal?.info.domain,
      scopes: rt.scopes,
    };
  }

  /** Date-versioned revoke: idempotent per RFC 7009 (an unknown token is not an error). */
  revoke(form: Record<string, string | undefined>): void {
    this.checkClient(form);
    const rt = this.refreshTokens.get(form.token ?? '');
    if (rt !== undefined) rt.revoked = true;
    const at = this.accessTokens.get(form.token ?? '');
    if (at !== undefined) this.accessTokens.delete(form.token ?? '');
  }

  /** Uninstall from the portal's side (the admin removes the app): every token of that install stops working. */
  uninstall(portalId: number): number {
    let n = 0;
    for (const rt of this.refreshTokens.values())
      if (rt.portalId === portalId && !rt.revoked) {
        rt.revoked = true;
        n++;
      }
    return n;
  }

  /** Every live access token of a portal answers 401 from now on (refresh tokens stay valid). */
  invalidatePortalAccessTokens(portalId: number): number {
    let n = 0;
    for (const at of this.accessTokens.values())
      if (at.portalId === portalId && at.expiresAt > this.cfg.now()) {
        at.expiresAt = this.cfg.now() - 1;
        n++;
      }
    return n;
  }

  /** Makes one access token answer 401 before its expiry (HubSpot can invalidate tokens early). */
  invalidateAccessToken(token: string): void {
    const at = this.accessTokens.get(token);
    if (at !== undefined) at.expiresAt = this.cfg.now() - 1;
  }

  /** Revoking the refresh token also kills the access tokens minted from it (the app is uninstalled). */
  revokeRefreshToken(token: string): void {
    const rt = this.refreshTokens.get(token);
    if (rt === undefined || rt.revoked) throw crmError(404, 'OBJECT_NOT_FOUND', 'Refresh token not found');
    rt.revoked = true;
  }

  /** Validates an authorize request and returns where to redirect (the code and state appended). */
  authorize(query: Record<string, unknown>, portalIdParam: string | undefined): string {
    const str = (k: string) => (typeof query[k] === 'string' ? (query[k] as string) : undefined);
    if (str('client_id') !== this.cfg.clientId) throw oauthError('BAD_CLIENT_ID', 'missing or unknown client id');
    const redirectUri = str('redirect_uri');
    let target: URL;
    try {
      target = new URL(redirectUri ?? '');
    } catch {
      throw oauthError('BAD_REDIRECT_URI', 'missing or invalid redirect_uri');
    }
    if (this.cfg.redirectUris !== undefined && !this.cfg.redirectUris.includes(redirectUri as string)) {
      throw oauthError('BAD_REDIRECT_URI', 'redirect_uri does not match any redirect URL configured for the app');
    }
    const scopes = (str('scope') ?? '').split(/[\s+]+/).filter(Boolean);
    if (scopes.length === 0) throw crmError(400, 'VALIDATION_ERROR', 'scope is required');
    const optional = (str('optional_scope') ?? '').split(/[\s+]+/).filter(Boolean);
    // HubSpot refuses an install asking for scopes the app is not configured with.
    const allowed = this.cfg.appScopes;
    if (allowed !== undefined) {
      const extra = [...scopes, ...optional].filter((x) => !allowed.includes(x));
      if (extra.length > 0)
        throw crmError(400, 'VALIDATION_ERROR', `Scopes not configured for this app: ${extra.join(', ')}`);
    }
    const portalId = portalIdParam === undefined ? this.cfg.defaultPortalId() : Number(portalIdParam);
    if (portalId === undefined || this.cfg.portal(portalId) === undefined) {
      throw crmError(404, 'OBJECT_NOT_FOUND', `Portal ${portalIdParam ?? '(default)'} does not exist in this sandbox`);
    }
    // Auto-consent: the installing user (or the user set with consentUserId) accepts every requested scope, optional
    // ones included.
    const code = this.issueCode(
      portalId,
      [...new Set([...scopes, ...optional])],
      redirectUri as string,
      this.cfg.consentUserId?.(),
    );
    target.searchParams.set('code', code);
    const state = str('state');
    if (state !== undefined) target.searchParams.set('state', state);
    return target.toString();
  }
}

/** The date-versioned OAuth API adds RFC 6749 `error` / `error_description` to HubSpot's `status` / `message`. */
function withRfc6749(err: unknown): unknown {
  if (!(err instanceof HubspotApiError)) return err;
  const body = err.body as { status?: string; message: string; correlationId: string };
  const code =
    body.status !== undefined && Object.hasOwn(RFC6749_ERROR, body.status)
      ? RFC6749_ERROR[body.status as OAuthErrorStatus]
      : 'invalid_request';
  return new HubspotApiError(
    err.status,
    { ...body, error: code, error_description: body.message ?? code },
    err.headers,
  );
}

export interface OAuthRouterOptions {
  /** Serve the /oauth/v1/* endpoints (sunset 16 Feb 2027); off proves a client no longer needs them. */
  legacyV1: boolean;
}

export function oauthRouter(registry: OAuthRegistry, opts: OAuthRouterOptions = { legacyV1: true }): Router {
  const router = Router();
  const authorize = (req: Request, res: Response) => {
    res.redirect(
      302,
      registry.authorize(req.query as Record<string, unknown>, req.params.portalId as string | undefined),
    );
  };
  router.get('/oauth/authorize', authorize);
  router.get('/oauth/:portalId/authorize', authorize);

  // https://developers.hubspot.com/docs/api-reference/2026-03/authentication/oauth-tokens/refresh-oauth-token
  const form = express.urlencoded({ extended: false });
  const rfc = (fn: (req: Request, res: Response) => void) => (req: Request, res: Response) => {
    try {
      fn(req, res);
    } catch (err) {
      throw withRfc6749(err);
    }
  };
  router.post(
    '/oauth/2026-03/token',
    form,
    rfc((req, res) => {
      const f = (req.body ?? {}) as Record<string, string | undefined>;
      let issued: IssuedTokens;
      if (f.grant_type === 'authorization_code') issued = registry.exchangeCode(f);
      else if (f.grant_type === 'refresh_token') issued = registry.refresh(f);
      else throw oauthError('BAD_GRANT_TYPE', 'missing or unsupported grant_type');
      res.json({
        token_type: 'bearer',
        access_token: issued.accessToken,
        refresh_token: issued.refreshToken,
        expires_in: issued.expiresIn,
        hub_id: issued.portalId,
      });
    }),
  );
  router.post(
    '/oauth/2026-03/token/introspect',
    form,
    rfc((req, res) => {
      res.json(registry.introspect((req.body ?? {}) as Record<string, string | undefined>));
    }),
  );
  router.post(
    '/oauth/2026-03/token/revoke',
    form,
    rfc((req, res) => {
      registry.revoke((req.body ?? {}) as Record<string, string | undefined>);
      res.status(200).json({});
    }),
  );
  if (!opts.legacyV1) {
    router.all(/^\/oauth\/v1\//, (_req: Request, res: Response) => {
      res.status(404).json({
        status: 'error',
        message: 'The v1 OAuth API has been sunset; use /oauth/2026-03/.',
        correlationId: correlationId(),
        category: 'OBJECT_NOT_FOUND',
      });
    });
    return router;
  }

  // https://developers.hubspot.com/docs/api/oauth/tokens - form-encoded body.
  router.post('/oauth/v1/token', express.urlencoded({ extended: false }), (req: Request, res: Response) => {
    const form = (req.body ?? {}) as Record<string, string | undefined>;
    let issued: IssuedTokens;
    if (form.grant_type === 'authorization_code') issued = registry.exchangeCode(form);
    else if (form.grant_type === 'refresh_token') issued = registry.refresh(form);
    else throw oauthError('BAD_GRANT_TYPE', 'missing or unsupported grant_type');
    res.json({
      token_type: 'bearer',
      refresh_token: issued.refreshToken,
      access_token: issued.accessToken,
      expires_in: issued.expiresIn,
      hub_id: issued.portalId,
    });
  });
  router.get('/oauth/v1/access-tokens/:token', (req: Request, res: Response) => {
    res.json(registry.accessTokenInfo(req.params.token as string));
  });
  router.get('/oauth/v1/refresh-tokens/:token', (req: Request, res: Response) => {
    res.json(registry.refreshTokenInfo(req.params.token as string));
  });
  router.delete('/oauth/v1/refresh-tokens/:token', (req: Request, res: Response) => {
    registry.revokeRefreshToken(req.params.token as string);
    res.status(204).end();
  });
  return router;
}

/** Express middleware: resolves the bearer token into `res.locals.auth` or answers 401. */
export function bearerAuth(registry: OAuthRegistry) {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization');
    const token = header?.match(/^Bearer\s+(.+)$/i)?.[1];
    res.locals.auth = registry.authenticate(token);
    next();
  };
}

export function authOf(res: Response): AuthContext {
  const auth = res.locals.auth as AuthContext | undefined;
  if (auth === undefined)
    throw new HubspotApiError(500, {
      status: 'error',
      message: 'auth context missing',
      correlationId: correlationId(),
    });
  return auth;
}

/** 403 unless the token carries every scope listed. */
export function requireScopes(auth: AuthContext, required: readonly string[]): void {
  const missing = required.filter((s) => !auth.scopes.includes(s));
  if (missing.length > 0) throw missingScopes(required);
}
