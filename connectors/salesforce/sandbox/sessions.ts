/**
 * OAuth artefacts: authorization codes (single use, PKCE S256), access tokens bound to one org and user, refresh
 * tokens. Salesforce access tokens carry no lifetime; they die after the org's session timeout of inactivity.
 * https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_web_server_flow.htm
 */
import { createHash, randomBytes } from 'node:crypto';
import { OAuthError, sessionExpired } from './errors.js';

export interface Session {
  accessToken: string;
  orgId: string;
  userId: string;
  scope: string;
  issuedAt: number;
  lastUsed: number;
  refreshToken: string | null;
}

interface AuthorizationCode {
  orgId: string;
  userId: string;
  redirectUri: string;
  scope: string;
  codeChallenge: string | null;
  expiresAt: number;
}

interface RefreshGrant {
  orgId: string;
  userId: string;
  scope: string;
}

const CODE_TTL_MS = 15 * 60_000;

const token = (bytes: number): string => randomBytes(bytes).toString('base64url');

export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

export class SessionManager {
  private readonly codes = new Map<string, AuthorizationCode>();
  private readonly sessions = new Map<string, Session>();
  private readonly refreshGrants = new Map<string, RefreshGrant>();

  constructor(
    private readonly now: () => number,
    private readonly ttlMs: number,
  ) {}

  issueCode(grant: Omit<AuthorizationCode, 'expiresAt'>): string {
    const code = `aPrx${token(40)}`;
    this.codes.set(code, { ...grant, expiresAt: this.now() + CODE_TTL_MS });
    return code;
  }

  /** Redeems a code once; checks redirect_uri and the PKCE verifier against the stored S256 challenge. */
  redeemCode(code: string, redirectUri: string | undefined, verifier: string | undefined): AuthorizationCode {
    const grant = this.codes.get(code);
    this.codes.delete(code);
    if (!grant || grant.expiresAt < this.now())
      throw new OAuthError(400, 'invalid_grant', 'expired authorization code');
    if (redirectUri !== grant.redirectUri)
      throw new OAuthError(400, 'redirect_uri_mismatch', 'redirect_uri must match configuration');
    if (grant.codeChallenge) {
      if (!verifier) throw new OAuthError(400, 'invalid_grant', 'invalid code verifier');
      if (s256(verifier) !== grant.codeChallenge) throw new OAuthError(400, 'invalid_request', 'invalid code verifier');
    }
    return grant;
  }

  issueSession(orgId: string, userId: string, scope: string, withRefresh: boolean, existingRefresh?: string): Session {
    const accessToken = `${orgId.slice(0, 15)}!${token(72)}`;
    let refreshToken: string | null = existingRefresh ?? null;
    if (withRefresh && !refreshToken) {
      refreshToken = `5Aep${token(60)}`;
      this.refreshGrants.set(refreshToken, { orgId, userId, scope });
    }
    const t = this.now();
    const session: Session = { accessToken, orgId, userId, scope, issuedAt: t, lastUsed: t, refreshToken };
    this.sessions.set(accessToken, session);
    return session;
  }

  refresh(refreshToken: string): Session {
    const grant = this.refreshGrants.get(refreshToken);
    if (!grant) throw new OAuthError(400, 'invalid_grant', 'expired access/refresh token');
    return this.issueSession(grant.orgId, grant.userId, grant.scope, true, refreshToken);
  }

  /** Looks a bearer token up and extends its inactivity timer; throws INVALID_SESSION_ID otherwise. */
  authenticate(accessToken: string | undefined): Session {
    const session = accessToken ? this.sessions.get(accessToken) : undefined;
    if (!session) throw sessionExpired();
    const t = this.now();
    if (t - session.lastUsed >= this.ttlMs) {
      this.sessions.delete(session.accessToken);
      throw sessionExpired();
    }
    session.lastUsed = t;
    return session;
  }

  /** Like authenticate, without touching the inactivity timer. */
  peek(accessToken: string | undefined): Session | undefined {
    const session = accessToken ? this.sessions.get(accessToken) : undefined;
    if (!session || this.now() - session.lastUsed >= this.ttlMs) return undefined;
    return session;
  }

  /** Revokes an access token, or a refresh token together with every access token issued from it. */
  revoke(tokenValue: string): boolean {
    if (this.sessions.delete(tokenValue)) return true;
    if (!this.refreshGrants.delete(tokenValue)) return false;
    for (const [k, s] of this.sessions) if (s.refreshToken === tokenValue) this.sessions.delete(k);
    return true;
  }

  expireAll(): void {
    this.sessions.clear();
  }
}

/** Token from `Authorization: Bearer x` / `OAuth x`. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^(Bearer|OAuth)\s+(.+)$/i.exec(header.trim());
  return m?.[2];
}
