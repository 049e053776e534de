import { createHash, randomBytes } from 'node:crypto';
import { CloseloopError, ErrorCode } from '../core/errors.js';

/**
 * Who is calling an authenticated route. `tenantId: null` is every tenant and belongs only to the deployment's
 * operator; everyone else holds exactly one tenant (the CRM account they signed in with, or the token's tenant).
 */
export type Principal =
  | {
      kind: 'session';
      role: 'admin' | 'operator';
      tenantId: string | null;
      subject: string;
      csrfToken: string;
      sessionHash: string;
    }
  | { kind: 'api-token'; role: 'admin'; tenantId: string; subject: string }
  | { kind: 'operator-token'; role: 'operator'; tenantId: null; subject: string }
  | { kind: 'metrics-token'; role: 'metrics'; tenantId: null; subject: string };

export class UnauthenticatedError extends CloseloopError {
  constructor(message = 'sign in (GET /auth/login/<crm>) or send an API token (Authorization: Bearer ...)') {
    super(ErrorCode.UNAUTHENTICATED, message, { status: 401 });
  }
}
export class ForbiddenError extends CloseloopError {
  constructor(message: string) {
    super(ErrorCode.FORBIDDEN, message, { status: 403 });
  }
}

/** SHA-256 hex of a secret: what is stored for API tokens and session cookies. */
export const hashSecret = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');

/** A new random secret with a readable prefix (`clt_` API token, `cls_` session). 256 bits. */
export const newSecret = (prefix: string): string => `${prefix}${randomBytes(32).toString('base64url')}`;

/** A tenant id as closeloop makes them (src/lib/ids.ts stableId): bounded and plain, so it is safe to log and query. */
export const isTenantIdShape = (s: string): boolean => /^[A-Za-z0-9_.:-]{1,128}$/.test(s);

/**
 * The tenant scope of one request: the principal's own tenant, or for an operator every tenant unless one is asked
 * for. Asking for another tenant than one's own is refused (403), whether it exists or not.
 */
export function resolveScope(p: Principal, requested: string | null): { tenantId: string | null } {
  if (requested !== null && !isTenantIdShape(requested))
    throw new CloseloopError(ErrorCode.INVALID_PAYLOAD, 'tenant: not a tenant id', { status: 400 });
  if (p.tenantId === null) {
    if (p.role === 'metrics') throw new ForbiddenError('this token may read /metrics only');
    return { tenantId: requested };
  }
  if (requested !== null && requested !== p.tenantId) throw new ForbiddenError('not your tenant');
  return { tenantId: p.tenantId };
}
