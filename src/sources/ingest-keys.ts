import { createHash, randomBytes } from 'node:crypto';
import { AuthRevokedError } from '../core/errors.js';
import type { ConnectionRow, Store } from '../store/index.js';
import { constantTimeEqual } from '../../connectors/kit/constant-time.js';

/**
 * Ingest keys: `clk_<12 hex id>_<43 base64url secret>`. The id part ("clk_<12 hex>") is public and stored
 * as is, so a key can be listed and revoked; the whole key is stored only as its SHA-256 (a 256-bit random
 * secret needs no slow hash).
 */
const KEY_RE = /^(clk_[0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export interface NewIngestKey {
  id: string;
  key: string;
  secretSha256: string;
}

export function generateIngestKey(): NewIngestKey {
  const id = `clk_${randomBytes(6).toString('hex')}`;
  const key = `${id}_${randomBytes(32).toString('base64url')}`;
  return { id, key, secretSha256: hashIngestKey(key) };
}

export const hashIngestKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

/** The key id of a well-formed key, or null. */
export function ingestKeyId(key: string): string | null {
  return KEY_RE.exec(key)?.[1] ?? null;
}

/** Parses `Authorization: Bearer <key>`; null when absent or not a bearer credential. */
export function bearerToken(header: string | undefined): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1] ?? null;
}

const DUMMY_HASH = hashIngestKey('clk_000000000000_not-a-key');

/**
 * The connection an ingest key belongs to. Every failure is a 401 (AUTH_REVOKED): missing, malformed,
 * unknown, wrong secret or revoked. The hash comparison runs even for unknown ids.
 */
export async function authenticateIngestKey(
  store: Pick<Store, 'sources' | 'connections'>,
  authorization: string | undefined,
): Promise<{ connection: ConnectionRow; keyId: string }> {
  const key = bearerToken(authorization);
  if (!key) throw new AuthRevokedError('ingest: missing bearer key (Authorization: Bearer <ingest key>)');
  const id = ingestKeyId(key);
  const row = id ? await store.sources.ingestKey(id) : null;
  const matches = constantTimeEqual(hashIngestKey(key), row?.secret_sha256 ?? DUMMY_HASH);
  if (!row || !matches) throw new AuthRevokedError('ingest: invalid key');
  if (row.revoked_at) throw new AuthRevokedError(`ingest: key ${row.id} was revoked`);
  const connection = await store.connections.get(row.connection_id);
  if (!connection) throw new AuthRevokedError('ingest: invalid key');
  return { connection, keyId: row.id };
}
