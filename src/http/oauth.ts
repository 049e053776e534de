import type { Request, Response } from 'express';
import passport from 'passport';
import { signIn, type SignInDeps } from '../auth/crm-sign-in.js';
import type { SignedInUser } from '../core/connector.js';
import { CloseloopError, ErrorCode, InstallFailedError, InvalidPayloadError, OAuthStateError } from '../core/errors.js';
import type { ConnectionRow } from '../store/index.js';

/** The two handlers of an OAuth flow: redirect to the provider's consent, and its callback. */
export interface OAuthHandlers {
  start: (req: Request, res: Response, next: (e?: unknown) => void) => void;
  callback: (req: Request, res: Response, next: (e?: unknown) => void) => void;
}

/**
 * The start of a flow redirects to the provider's consent page. Passport would take a `code` or `error` here for a
 * callback and answer in plain text, so a start URL carrying one is the caller's mistake, said as one.
 */
const start = (strategy: string) => (req: Request, res: Response, next: (e?: unknown) => void) => {
  const q = req.query as Record<string, unknown>;
  if (q.code !== undefined || q.error !== undefined)
    return next(
      new InvalidPayloadError(
        'this URL starts the OAuth flow and takes no code or error: the provider answers on the callback URL',
      ),
    );
  passport.authenticate(strategy, { session: false })(req, res, next);
};

/**
 * What a callback must carry before passport sees it: the provider's answer is either one `error` (the user declined,
 * or the provider refused: said as such, in our words, with the provider's code when it is a plain OAuth code; its
 * free-text description is not echoed) or one `code` with one `state`. Anything else (nothing at all, arrays, a
 * code without a state) is a malformed callback: 400, where passport would start a new flow with a redirect.
 */
function callbackProblem(req: Request, provider: string): CloseloopError | null {
  const q = req.query as Record<string, unknown>;
  if (q.error !== undefined) {
    const code = typeof q.error === 'string' && /^[a-z_]{1,64}$/.test(q.error) ? q.error : null;
    return new CloseloopError(
      ErrorCode.INSTALL_FAILED,
      `${provider} did not grant access${code ? ` (${code})` : ''}: nothing was installed; start again from the install link`,
      { status: 400, provider },
    );
  }
  if (typeof q.code !== 'string' || q.code === '' || typeof q.state !== 'string' || q.state === '')
    return new InvalidPayloadError('an OAuth callback needs one code and one state from the provider');
  return null;
}

/**
 * A failed code exchange in our words. The provider refusing the code itself (RFC 6749 5.2 `invalid_grant`: expired,
 * already used, issued for another redirect or PKCE verifier; passport-oauth2's TokenError carries the code) is the
 * caller's: a stale or replayed callback URL, 400, start again. Anything else (the provider down, our app refused) is
 * a 502.
 */
function exchangeFailure(err: unknown, provider: string, flow: 'install' | 'sign-in'): CloseloopError {
  if (err instanceof CloseloopError) return err;
  if ((err as { code?: unknown } | null)?.code === 'invalid_grant')
    return new CloseloopError(
      ErrorCode.INSTALL_FAILED,
      `${provider} refused the authorization code (invalid_grant: expired, already used, or not from this flow): nothing was ${flow === 'install' ? 'installed' : 'signed in'}; start again from the ${flow} link`,
      { status: 400, provider, cause: err },
    );
  return flow === 'install'
    ? new InstallFailedError(`token exchange failed: ${(err as Error)?.message ?? String(err)}`, {
        provider,
        cause: err,
      })
    : new CloseloopError(ErrorCode.INSTALL_FAILED, `sign-in failed: ${(err as Error)?.message ?? String(err)}`, {
        status: 502,
        provider,
        cause: err,
      });
}

/**
 * GET /install/:provider and GET /oauth/:provider/callback for the strategy `registerInstall`
 * (src/auth/oauth-install.ts)
 * set up: the callback answers with the installed connection, or maps a failed exchange or a bad state to our errors.
 */
export function installHandlers(strategy: string, provider: string): OAuthHandlers {
  return {
    start: start(strategy),
    callback: (req, res, next) => {
      const problem = callbackProblem(req, provider);
      if (problem) return next(problem);
      passport.authenticate(
        strategy,
        { session: false },
        (err: unknown, conn: ConnectionRow | false, info: { message?: string } | undefined) => {
          if (err) return next(exchangeFailure(err, provider, 'install'));
          if (!conn) return next(new OAuthStateError(info?.message ?? 'OAuth callback rejected'));
          res.status(200).json({ installed: true, provider, accountId: conn.account_id, connectionId: conn.id });
        },
      )(req, res, next);
    },
  };
}

/**
 * GET /auth/login/:provider and GET /auth/callback/:provider for the strategy `registerSignIn`
 * (src/auth/crm-sign-in.ts)
 * set up: the callback opens a session (`signIn`) and sets its cookie; a browser goes to the summary page.
 */
export function signInHandlers(strategy: string, provider: string, deps: SignInDeps): OAuthHandlers {
  return {
    start: start(strategy),
    callback: (req, res, next) => {
      const problem = callbackProblem(req, provider);
      if (problem) return next(problem);
      passport.authenticate(
        strategy,
        { session: false },
        (err: unknown, user: SignedInUser | false, info: { message?: string } | undefined) => {
          if (err) return next(exchangeFailure(err, provider, 'sign-in'));
          if (!user) return next(new OAuthStateError(info?.message ?? 'OAuth callback rejected'));
          signIn(deps, provider, user).then(({ cookie, body }) => {
            res.append('Set-Cookie', cookie);
            res.setHeader('Cache-Control', 'no-store');
            if (req.accepts(['html', 'json']) === 'json') res.status(200).json(body);
            else res.redirect(303, '/');
          }, next);
        },
      )(req, res, next);
    },
  };
}
