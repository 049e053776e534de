import type { Response } from 'express';
import { CloseloopError, ErrorCode } from '../core/errors.js';
import type { TenantReads } from '../store/index.js';
import type { Principal } from './principal.js';

/** What the access guard (src/http/guard.ts) leaves on every /admin/** and /api/** request. */
export interface RequestScope {
  principal: Principal;
  /** The tenant every read of this request is limited to; null only for an operator who asked for every tenant. */
  tenantId: string | null;
  /** Reads filtered by that tenant in SQL: the only data access handlers behind the guard should use. */
  reads: TenantReads;
}

/** The scope the guard resolved. Fails closed (500, logged) if a handler is mounted where the guard does not run. */
export function requestScope(res: Response): RequestScope {
  const s = res.locals.scope as RequestScope | undefined;
  if (!s) throw new CloseloopError(ErrorCode.INTERNAL, 'route is outside the access guard', { status: 500 });
  return s;
}
