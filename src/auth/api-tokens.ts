import { NotFoundError } from '../core/errors.js';
import { randomId } from '../lib/ids.js';
import type { ApiTokenRow, Store } from '../store/index.js';
import { hashSecret, newSecret } from './principal.js';

/**
 * API tokens for the CLI and automation: a 256-bit random secret shown once, stored as its SHA-256, bound to one
 * tenant, revocable. Sent as `Authorization: Bearer clt_...` on /admin/** and /api/**.
 */
export async function createApiToken(
  store: Pick<Store, 'access'>,
  o: { tenantId: string; name: string; expiresAt?: Date | null },
): Promise<{ id: string; token: string }> {
  if (!(await store.access.tenantExists(o.tenantId))) throw new NotFoundError(`no tenant ${o.tenantId}`);
  const token = newSecret('clt_');
  const id = randomId('tok');
  await store.access.createApiToken({
    id,
    tenantId: o.tenantId,
    name: o.name,
    tokenHash: hashSecret(token),
    expiresAt: o.expiresAt ?? null,
  });
  return { id, token };
}

export async function revokeApiToken(store: Pick<Store, 'access'>, id: string): Promise<boolean> {
  return store.access.revokeApiToken(id);
}

export async function listApiTokens(store: Pick<Store, 'access'>, tenantId: string | null): Promise<ApiTokenRow[]> {
  return store.access.listApiTokens(tenantId);
}
