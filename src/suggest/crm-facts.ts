import type { TokenVault } from '../auth/token-vault.js';
import type { Connector, CrmOwner, StageLabel } from '../core/connector.js';
import { isCloseloopError } from '../core/errors.js';
import type { Logger } from '../lib/logger.js';
import type { ConnectionRow } from '../store/index.js';

/** What the loop reads from the CRM itself to write like a colleague: who owns a record, what a stage is called. */
export interface CrmFacts {
  /** The owner behind an owner id; null when the CRM has none by that id (or cannot be asked right now). */
  owner(conn: ConnectionRow, ownerId: string | null): Promise<CrmOwner | null>;
  /** The stage as the CRM shows it (label and pipeline); null when unknown. */
  stage(conn: ConnectionRow, stageId: string | null): Promise<StageLabel | null>;
}

const TTL_MS = 10 * 60_000;
/** A lookup that has not answered by then is given up (the text falls back); the loop never waits on it longer. */
const LOOKUP_TIMEOUT_MS = 8_000;

function within<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${LOOKUP_TIMEOUT_MS} ms`)), LOOKUP_TIMEOUT_MS);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * CrmFacts through the connectors (HubSpot owners and pipelines APIs, Salesforce User and describe), cached per
 * connection for ten minutes. A failed lookup is logged and answers null: the text falls back to what the record
 * says, the write is never failed for it.
 */
export function createCrmFacts(d: {
  vault: TokenVault;
  connectorFor: (provider: string) => Connector;
  logger: Logger;
  now: () => number;
}): CrmFacts {
  const owners = new Map<string, { at: number; value: CrmOwner | null }>();
  const stages = new Map<string, { at: number; value: StageLabel[] }>();
  const fresh = (at: number) => d.now() - at < TTL_MS;
  const warn = (conn: ConnectionRow, what: string, err: unknown) =>
    d.logger.warn(
      { connectionId: conn.id, provider: conn.provider, code: isCloseloopError(err) ? err.code : 'INTERNAL', what },
      'CRM lookup failed; using the record as it is',
    );
  return {
    async owner(conn, ownerId) {
      if (!ownerId) return null;
      const key = `${conn.id}:${ownerId}`;
      const hit = owners.get(key);
      if (hit && fresh(hit.at)) return hit.value;
      try {
        const value = await within(
          d.connectorFor(conn.provider).lookupOwner(d.vault.context(conn), ownerId),
          'owner lookup',
        );
        owners.set(key, { at: d.now(), value });
        return value;
      } catch (err) {
        warn(conn, 'owner', err);
        return null;
      }
    },
    async stage(conn, stageId) {
      if (!stageId) return null;
      let hit = stages.get(conn.id);
      if (!hit || !fresh(hit.at)) {
        try {
          hit = {
            at: d.now(),
            value: await within(d.connectorFor(conn.provider).stageLabels(d.vault.context(conn)), 'stage labels'),
          };
          stages.set(conn.id, hit);
        } catch (err) {
          warn(conn, 'stages', err);
          return null;
        }
      }
      return hit.value.find((s) => s.stageId === stageId) ?? null;
    },
  };
}
