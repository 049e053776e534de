import express from 'express';
import { hashSecret, resolveScope, ForbiddenError, UnauthenticatedError, type Principal } from '../auth/principal.js';
import { constantTimeEqual } from '../../connectors/kit/constant-time.js';
import type { RequestScope } from '../auth/request-scope.js';
import { readSessionCookie } from '../auth/sessions.js';
import { InvalidPayloadError } from '../core/errors.js';
import { TenantReads, type Store } from '../store/index.js';

export interface GuardDeps {
  store: Store;
  now: () => number;
  operatorTokens: readonly string[];
  metricsToken: string | null;
  /** Origin of PUBLIC_URL: a write from a session must come from it (when the browser says where it comes from). */
  publicOrigin: () => string;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Who is calling: bearer token (operator, metrics, API token) or session cookie. Null when nothing was presented. */
export async function authenticate(d: GuardDeps, req: express.Request): Promise<Principal | null> {
  const auth = req.header('authorization');
  if (auth !== undefined) {
    const m = /^Bearer ([\x21-\x7e]{1,512})$/.exec(auth);
    if (!m) throw new UnauthenticatedError('malformed Authorization header');
    const token = m[1]!;
    // Every operator token is compared (constant time each), so timing says nothing about which one matched.
    let operator = false;
    for (const t of d.operatorTokens) operator = constantTimeEqual(token, t) || operator;
    if (operator)
      return {
        kind: 'operator-token',
        role: 'operator',
        tenantId: null,
        subject: `operator:${hashSecret(token).slice(0, 8)}`,
      };
    if (d.metricsToken && constantTimeEqual(token, d.metricsToken))
      return { kind: 'metrics-token', role: 'metrics', tenantId: null, subject: 'metrics' };
    const row = token.startsWith('clt_')
      ? await d.store.access.useApiToken(hashSecret(token), new Date(d.now()))
      : null;
    if (!row) throw new UnauthenticatedError('unknown, expired or revoked token');
    return { kind: 'api-token', role: 'admin', tenantId: row.tenant_id, subject: `token:${row.id}` };
  }
  const cookie = readSessionCookie(req.header('cookie'));
  if (cookie) {
    const idHash = hashSecret(cookie);
    const s = await d.store.access.session(idHash, new Date(d.now()));
    if (!s) throw new UnauthenticatedError('session expired or signed out; sign in again');
    return {
      kind: 'session',
      role: s.role,
      tenantId: s.tenant_id,
      subject: `${s.provider}:${s.account_id}:${s.user_id}`,
      csrfToken: s.csrf_token,
      sessionHash: idHash,
    };
  }
  return null;
}

/** The console's HTML forms (no script needed) carry the token as a `_csrf` field of a small urlencoded body. */
const FORM_BODY = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 20 });
const CSRF_FIELD = '_csrf';

async function formToken(req: express.Request, res: express.Response): Promise<string | undefined> {
  if (!req.is('application/x-www-form-urlencoded')) return undefined;
  await new Promise<void>((resolve, reject) => FORM_BODY(req, res, (e?: unknown) => (e ? reject(e) : resolve())));
  const v = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
  return typeof v === 'string' ? v : undefined;
}

/**
 * Writes carried by a browser session need the session's CSRF token (X-CSRF-Token header, or the `_csrf` field of
 * a console form) and, when sent, our own Origin.
 */
async function checkCsrf(d: GuardDeps, req: express.Request, res: express.Response, p: Principal): Promise<void> {
  if (p.kind !== 'session' || SAFE.has(req.method)) return;
  const origin = req.header('origin');
  if (origin !== undefined && origin !== d.publicOrigin()) throw new ForbiddenError('cross-origin write refused');
  const token = req.header('x-csrf-token') ?? (await formToken(req, res));
  if (!token || !constantTimeEqual(token, p.csrfToken))
    throw new ForbiddenError('missing or wrong X-CSRF-Token (GET /auth/session gives it)');
}

function requestedTenant(req: express.Request): string | null {
  const q = req.query.tenant;
  const h = req.header('x-closeloop-tenant');
  if (q !== undefined && typeof q !== 'string') throw new InvalidPayloadError('tenant: give it once');
  // Both given and naming different tenants: which one was meant is not ours to guess.
  if (q !== undefined && h !== undefined && q !== h)
    throw new InvalidPayloadError('tenant: ?tenant= and X-Closeloop-Tenant name different tenants: give one');
  const v = q ?? h ?? null;
  return v === '' ? null : v;
}

/**
 * The access guard, in ONE place for every route under /admin/** and /api/** (mounted on the prefixes before any of
 * their routers, so a route added later is covered without doing anything): authenticate, refuse the metrics-only
 * token, check CSRF on session writes, resolve the tenant scope and hand the handler reads filtered by it.
 */
export function accessGuard(
  d: GuardDeps,
  o: { roles?: ReadonlyArray<Principal['role']> } = {},
): express.RequestHandler {
  const roles = o.roles ?? ['admin', 'operator'];
  return (req, res, next) => {
    (async () => {
      const p = await authenticate(d, req);
      if (!p) throw new UnauthenticatedError();
      if (!roles.includes(p.role))
        throw new ForbiddenError(p.role === 'metrics' ? 'this token may read /metrics only' : 'operators only');
      await checkCsrf(d, req, res, p);
      const scope = p.role === 'metrics' ? { tenantId: null } : resolveScope(p, requestedTenant(req));
      const s: RequestScope = { principal: p, tenantId: scope.tenantId, reads: new TenantReads(d.store.db, scope) };
      res.locals.scope = s;
      res.setHeader('Cache-Control', 'no-store');
    })().then(() => next(), next);
  };
}
