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
 * GET /install/:provider and GET /oauth/:provider/callback for the strategy `registerInstall`
 * (src/auth/oauth-install.ts)
 * set up: the callback answers with the installed connection, or maps a failed exchange or a bad state to our errors.
 */
export function installHandlers(strategy: string, provider: string): OAuthHandlers {
  return {
    start: start(strategy),
    callback: (req, res, next) =>
      passport.authenticate(
        strategy,
        { session: false },
        (err: unknown, conn: ConnectionRow | false, info: { message?: string } | undefined) => {
          if (err)
            return next(
              err instanceof CloseloopError
                ? err
                : new InstallFailedError(`token exchange failed: ${(err as Error).message ?? String(err)}`, {
                    provider,
                    cause: err,
                  }),
            );
          if (!conn) return next(new OAuthStateError(info?.message ?? 'OAuth callback rejected'));
          res.status(200).json({ installed: true, provider, accountId: conn.account_id, connectionId: conn.id });
        },
      )(req, res, next),
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
    callback: (req, res, next) =>
      passport.authenticate(
        strategy,
        { session: false },
        (err: unknown, user: SignedInUser | false, info: { message?: string } | undefined) => {
          if (err)
            return next(
              err instanceof CloseloopError
                ? err
                : new CloseloopError(
                    ErrorCode.INSTALL_FAILED,
                    `sign-in failed: ${(err as Error)?.message ?? String(err)}`,
                    { status: 502, provider },
                  ),
            );
          if (!user) return next(new OAuthStateError(info?.message ?? 'OAuth callback rejected'));
          signIn(deps, provider, user).then(({ cookie, body }) => {
            res.setHeader('Set-Cookie', cookie);
            res.setHeader('Cache-Control', 'no-store');
            if (req.accepts(['html', 'json']) === 'json') res.status(200).json(body);
            else res.redirect(303, '/');
          }, next);
        },
      )(req, res, next),
  };
}
