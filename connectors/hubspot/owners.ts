import { isCloseloopError, type ConnectionContext } from '../../src/core/index.js';
import { requestHubspot, type HubspotClientOptions } from './client.js';
import { HubspotOwner } from './schemas.js';

export type OwnerCheck =
  | { status: 'active'; ownerId: string; email: string | null }
  | { status: 'invalid'; ownerId: string; reason: 'unknown' | 'deactivated' }
  /** The owners API could not answer (outage, missing scope): the id is written as is and HubSpot decides. */
  | { status: 'unverified'; ownerId: string; reason: string };

export interface OwnerCacheOptions extends HubspotClientOptions {
  /** How long an answer is reused per connection and owner id (default 10 minutes). */
  ownerCacheTtlMs?: number;
}

const DEFAULT_TTL_MS = 10 * 60 * 1000;
const MAX_ENTRIES = 5_000;
const cache = new Map<string, { at: number; check: OwnerCheck }>();

/** Drops cached owner answers (tests; an admin reassigning owners can wait for the TTL). */
export function clearOwnerCache(): void {
  cache.clear();
}

/**
 * Is `ownerId` an active owner in this portal? HubSpot refuses writes naming an unknown or deactivated
 * `hubspot_owner_id`, so write-back checks first. GET /crm/v3/owners/{ownerId} answers 404 for an unknown id
 * and only returns active owners unless `archived=true` is asked; a deactivated user's owner is archived.
 * Answers are cached per connection for a few minutes (one call per owner, not per task).
 * https://developers.hubspot.com/docs/api-reference/crm-crm-owners-v3/guide
 */
export async function resolveOwner(
  ctx: ConnectionContext,
  ownerId: string,
  opts: OwnerCacheOptions = {},
): Promise<OwnerCheck> {
  const now = (opts.now ?? Date.now)();
  const key = `${ctx.connectionId}:${ownerId}`;
  const hit = cache.get(key);
  if (hit && now - hit.at < (opts.ownerCacheTtlMs ?? DEFAULT_TTL_MS)) return hit.check;
  if (!/^\d+$/.test(ownerId)) return remember(key, now, { status: 'invalid', ownerId, reason: 'unknown' });

  const where = 'GET /crm/v3/owners/{ownerId}';
  let check: OwnerCheck;
  try {
    const owner = await requestHubspot(
      ctx,
      where,
      HubspotOwner,
      (client) => client.crm.owners.ownersApi.getById(Number(ownerId), 'id', false),
      opts,
    );
    check =
      owner.archived === true
        ? { status: 'invalid', ownerId, reason: 'deactivated' }
        : { status: 'active', ownerId, email: owner.email ?? null };
  } catch (err) {
    if (isCloseloopError(err) && err.code === 'NOT_FOUND') {
      check = (await isArchived(ctx, ownerId, opts))
        ? { status: 'invalid', ownerId, reason: 'deactivated' }
        : { status: 'invalid', ownerId, reason: 'unknown' };
    } else {
      // Not cached: the next write asks again.
      return { status: 'unverified', ownerId, reason: isCloseloopError(err) ? err.code : 'INTERNAL' };
    }
  }
  return remember(key, now, check);
}

/** A 404 on the active list may be a deactivated owner: ask for archived owners to say which. */
async function isArchived(ctx: ConnectionContext, ownerId: string, opts: OwnerCacheOptions): Promise<boolean> {
  try {
    const owner = await requestHubspot(
      ctx,
      'GET /crm/v3/owners/{ownerId}?archived=true',
      HubspotOwner,
      (client) => client.crm.owners.ownersApi.getById(Number(ownerId), 'id', true),
      opts,
    );
    return owner.archived === true;
  } catch {
    return false;
  }
}

/** Drops the cached answer for one owner of a connection: HubSpot refused it on a write, so the next check asks. */
export function forgetOwner(ctx: ConnectionContext, ownerId: string): void {
  cache.delete(`${ctx.connectionId}:${ownerId}`);
}

function remember(key: string, at: number, check: OwnerCheck): OwnerCheck {
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
  cache.set(key, { at, check });
  return check;
}
