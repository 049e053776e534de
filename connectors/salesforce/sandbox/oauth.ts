/**
 * OAuth 2.0 web server flow (+PKCE), refresh, revoke, userinfo and the identity URL.
 * https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_web_server_flow.htm
 * https://help.salesforce.com/s/articleView?id=sf.remoteaccess_using_openid.htm (identity URL)
 */
import { createHmac } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { type SandboxContext, API_VERSION, firstOrg } from './context.js';
import { OAuthError, SalesforceApiError } from './errors.js';
import type { Org } from './org.js';
import { type Session, bearerToken } from './sessions.js';

const DEFAULT_SCOPE = 'api refresh_token id';

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Which org and user consent: `login_hint` may name a username or an org id; otherwise the first org's admin. */
function resolveLogin(ctx: SandboxContext, hint: string | undefined): { org: Org; userId: string } {
  if (hint) {
    const org = ctx.orgs.get(hint);
    if (org) return { org, userId: org.adminUserId };
    for (const o of ctx.orgs.values()) {
      const user = o.store
        .all('User')
        .find((u) => typeof u.Username === 'string' && u.Username.toLowerCase() === hint.toLowerCase());
      if (user) return { org: o, userId: user.Id as string };
    }
  }
  const org = firstOrg(ctx);
  return { org, userId: org.adminUserId };
}

function tokenResponse(ctx: SandboxContext, session: Session, includeRefresh: boolean): Record<string, string> {
  const id = `${ctx.baseUrl}/id/${session.orgId}/${session.userId}`;
  const issuedAt = String(session.issuedAt);
  // signature = Base64(HMAC-SHA256(client secret, id + issued_at)), per the token response documentation
  const signature = createHmac('sha256', ctx.clientSecret)
    .update(id + issuedAt)
    .digest('base64');
  return {
    access_token: session.accessToken,
    ...(includeRefresh && session.refreshToken ? { refresh_token: session.refreshToken } : {}),
    signature,
    scope: session.scope,
    instance_url: ctx.baseUrl,
    id,
    token_type: 'Bearer',
    issued_at: issuedAt,
  };
}

function checkClient(ctx: SandboxContext, body: Record<string, unknown>, secretRequired: boolean): void {
  if (str(body.client_id) !== ctx.clientId) throw new OAuthError(400, 'invalid_client_id', 'client identifier invalid');
  const secret = str(body.client_secret);
  if ((secret !== undefined || secretRequired) && secret !== ctx.clientSecret)
    throw new OAuthError(400, 'invalid_client', 'invalid client credentials');
}

function identityUrls(ctx: SandboxContext, org: Org, userId: string): Record<string, string> {
  const v = API_VERSION;
  const b = ctx.baseUrl;
  return {
    enterprise: `${b}/services/Soap/c/${v}/${org.id15}`,
    metadata: `${b}/services/Soap/m/${v}/${org.id15}`,
    partner: `${b}/services/Soap/u/${v}/${org.id15}`,
    rest: `${b}/services/data/v${v}/`,
    sobjects: `${b}/services/data/v${v}/sobjects/`,
    search: `${b}/services/data/v${v}/search/`,
    query: `${b}/services/data/v${v}/query/`,
    recent: `${b}/services/data/v${v}/recent/`,
    profile: `${b}/${userId}`,
    custom_domain: b,
  };
}

function identity(ctx: SandboxContext, org: Org, userId: string): Record<string, unknown> {
  const user = org.store.get('User', userId);
  if (!user) throw new SalesforceApiError(404, 'NOT_FOUND', 'Bad_Id');
  return {
    id: `${ctx.baseUrl}/id/${org.id}/${userId}`,
    asserted_user: true,
    user_id: userId,
    organization_id: org.id,
    username: user.Username,
    nick_name: user.CommunityNickname,
    display_name: user.Name,
    email: user.Email,
    email_verified: true,
    first_name: user.FirstName,
    last_name: user.LastName,
    timezone: user.TimeZoneSidKey,
    active: user.IsActive,
    user_type: 'STANDARD',
    language: user.LanguageLocaleKey,
    locale: user.LocaleSidKey,
    utcOffset: 0,
    last_modified_date: user.LastModifiedDate,
    is_app_installed: true,
    urls: identityUrls(ctx, org, userId),
  };
}

function sessionFrom(ctx: SandboxContext, req: Request): Session {
  const queryToken = str(req.query.oauth_token);
  return ctx.sessions.authenticate(bearerToken(req.header('authorization')) ?? queryToken);
}

export function oauthRouter(ctx: SandboxContext): Router {
  const r = express.Router();
  const form = express.urlencoded({ extended: false });

  r.get('/services/oauth2/authorize', (req: Request, res: Response) => {
    const q = req.query as Record<string, unknown>;
    const clientId = str(q.client_id);
    const redirectUri = str(q.redirect_uri);
    // Bad client or redirect_uri: Salesforce shows an error page instead of redirecting to an untrusted URI.
    if (clientId !== ctx.clientId) {
      res
        .status(400)
        .type('text/html')
        .send('<html><body>error=invalid_client_id&error_description=client%20identifier%20invalid</body></html>');
      return;
    }
    if (!redirectUri || (ctx.redirectUris && !ctx.redirectUris.includes(redirectUri))) {
      res
        .status(400)
        .type('text/html')
        .send(
          '<html><body>error=redirect_uri_mismatch&error_description=redirect_uri%20must%20match%20configuration</body></html>',
        );
      return;
    }
    const target = new URL(redirectUri);
    const state = str(q.state);
    const fail = (error: string, description: string): void => {
      target.searchParams.set('error', error);
      target.searchParams.set('error_description', description);
      if (state) target.searchParams.set('state', state);
      res.redirect(302, target.toString());
    };
    if (str(q.response_type) !== 'code') return fail('unsupported_response_type', 'response type not supported');
    const challenge = str(q.code_challenge) ?? null;
    const method = str(q.code_challenge_method) ?? 'S256';
    if (challenge && method !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256');
    const { org, userId } = resolveLogin(ctx, str(q.login_hint));
    const code = ctx.sessions.issueCode({
      orgId: org.id,
      userId,
      redirectUri,
      scope: str(q.scope) ?? DEFAULT_SCOPE,
      codeChallenge: challenge,
    });
    target.searchParams.set('code', code);
    if (state) target.searchParams.set('state', state);
    res.redirect(302, target.toString());
  });

  r.post('/services/oauth2/token', form, (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const grantType = str(body.grant_type);
    if (grantType === 'authorization_code') {
      const verifier = str(body.code_verifier);
      checkClient(ctx, body, verifier === undefined);
      const grant = ctx.sessions.redeemCode(str(body.code) ?? '', str(body.redirect_uri), verifier);
      const scopes = grant.scope.split(/\s+/);
      const withRefresh = scopes.some((s) => s === 'refresh_token' || s === 'offline_access' || s === 'full');
      const session = ctx.sessions.issueSession(grant.orgId, grant.userId, grant.scope, withRefresh);
      ctx.log(`oauth: authorization_code → session for org ${grant.orgId}`);
      res.json(tokenResponse(ctx, session, true));
      return;
    }
    if (grantType === 'refresh_token') {
      checkClient(ctx, body, false);
      const session = ctx.sessions.refresh(str(body.refresh_token) ?? '');
      ctx.log(`oauth: refresh_token → new session for org ${session.orgId}`);
      res.json(tokenResponse(ctx, session, false));
      return;
    }
    throw new OAuthError(400, 'unsupported_grant_type', 'grant type not supported');
  });

  const revoke = (req: Request, res: Response): void => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const value = str(body.token) ?? str(req.query.token);
    if (!value || !ctx.sessions.revoke(value)) throw new OAuthError(400, 'invalid_token', 'invalid token');
    res.status(200).end();
  };
  r.post('/services/oauth2/revoke', form, revoke);
  r.get('/services/oauth2/revoke', revoke);

  r.get('/services/oauth2/userinfo', (req: Request, res: Response) => {
    const session = sessionFrom(ctx, req);
    const org = ctx.orgs.get(session.orgId);
    if (!org) throw new SalesforceApiError(403, 'INSUFFICIENT_ACCESS_OR_READONLY', 'org unavailable');
    const id = identity(ctx, org, session.userId);
    res.json({
      sub: id.id,
      user_id: id.user_id,
      organization_id: id.organization_id,
      preferred_username: id.username,
      nickname: id.nick_name,
      name: id.display_name,
      email: id.email,
      email_verified: true,
      given_name: id.first_name,
      family_name: id.last_name,
      zoneinfo: id.timezone,
      profile: `${ctx.baseUrl}/${session.userId}`,
      active: id.active,
      user_type: id.user_type,
      language: id.language,
      locale: id.locale,
      utcOffset: 0,
      updated_at: id.last_modified_date,
      is_app_installed: true,
      urls: id.urls,
    });
  });

  r.get('/id/:orgId/:userId', (req: Request, res: Response) => {
    const session = sessionFrom(ctx, req);
    const orgId = String(req.params.orgId);
    const userId = String(req.params.userId);
    if (session.orgId !== orgId)
      throw new SalesforceApiError(403, 'INSUFFICIENT_ACCESS_OR_READONLY', 'Bad_OAuth_Token');
    const org = ctx.orgs.get(orgId);
    if (!org) throw new SalesforceApiError(404, 'NOT_FOUND', 'Bad_Id');
    res.json(identity(ctx, org, userId));
  });

  // The identity response's `profile` URL (`<instance>/<userId>`): the user's profile page, for a signed-in session.
  r.get('/:userId', (req: Request, res: Response, next) => {
    const userId = String(req.params.userId);
    if (!/^005[0-9a-zA-Z]{12}([0-9a-zA-Z]{3})?$/.test(userId)) {
      next();
      return;
    }
    const session = sessionFrom(ctx, req);
    const user = ctx.orgs.get(session.orgId)?.store.get('User', userId);
    if (!user) throw new SalesforceApiError(404, 'NOT_FOUND', 'The requested resource does not exist');
    const esc = (v: unknown) => String(v ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    res
      .type('text/html')
      .send(
        `<!doctype html><title>${esc(user.FirstName)} ${esc(user.LastName)}</title><h1>${esc(user.FirstName)} ${esc(user.LastName)}</h1><p>${esc(user.Email)}</p>`,
      );
  });

  return r;
}
