import type { Connector, SignedInUser } from '../core/connector.js';
import { CloseloopError, ErrorCode } from '../core/errors.js';
import type { Logger } from '../lib/logger.js';
import type { Store } from '../store/index.js';
import { registerOAuthFlow, type ProviderAppConfig } from './oauth-strategy.js';
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
 * token is used for these two lookups and dropped; only a session row (hashed cookie) is kept (`signIn`, called by
 * the callback handler in src/http/oauth.ts). Returns the passport strategy name.
 */
export function registerSignIn(connector: Connector, app: ProviderAppConfig, deps: SignInDeps): string {
  const provider = connector.manifest.id;
  const identify = connector.identifyUser;
  return registerOAuthFlow(
    {
      name: `signin:${provider}`,
      purpose: 'login',
      connector,
      app,
      scopes: connector.manifest.signIn?.scopes ?? connector.manifest.oauth.scopes,
      access: deps.store.access,
      sealer: deps.sealer,
      now: deps.now,
    },
    async (tokens, params): Promise<SignedInUser> => {
      if (!identify) throw new CloseloopError(ErrorCode.NOT_FOUND, `${provider} has no sign-in`, { status: 404 });
      return identify(tokens, {
        apiBase: typeof params.instance_url === 'string' ? params.instance_url : app.apiBase,
        clientId: app.clientId,
        clientSecret: app.clientSecret,
      });
    },
  );
}

/** Decide the role and tenant of a signed-in CRM user, then open a session. */
export async function signIn(
  deps: SignInDeps,
  provider: string,
  user: SignedInUser,
): Promise<{ cookie: string; body: { signedIn: true; role: string; tenantId: string | null; csrfToken: string } }> {
  const isOperator = deps.operatorUsers.includes(`${provider}:${user.accountId}:${user.userId}`);
  let tenantId: string | null = null;
  if (!isOperator) {
    if (!user.isAdmin) {
      deps.logger.warn(
        { provider, accountId: user.accountId, code: ErrorCode.FORBIDDEN },
        'sign-in refused: not an admin of the account',
      );
      throw new ForbiddenError(`only admins of the ${provider} account can sign in`);
    }
    const conn = await deps.store.connections.byAccount(provider, user.accountId);
    if (!conn) throw new ForbiddenError(`closeloop is not installed in this ${provider} account`);
    tenantId = conn.tenant_id;
  }
  const role = isOperator ? 'operator' : 'admin';
  const s = await createSession(
    deps.store,
    { tenantId, role, provider, accountId: user.accountId, userId: user.userId, userLabel: user.label },
    deps.sessionTtlMs,
    deps.now(),
  );
  deps.logger.info({ provider, accountId: user.accountId, role, tenantId }, 'signed in');
  return {
    cookie: sessionCookie(s.cookieValue, deps.sessionTtlMs),
    body: { signedIn: true, role, tenantId, csrfToken: s.csrfToken },
  };
}
