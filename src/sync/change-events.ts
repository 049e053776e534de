import type { ActivityKind, CanonicalRecord } from '../core/canonical.js';
import type { ConnectionRow, Queryable, Repos } from '../store/index.js';

/**
 * What the change step (`applyChangesInTx`) announces after its upsert, inside its transaction: the records that
 * really changed and the deleted activities it never stored (deleted at the source before their create arrived).
 * Sync knows no subscriber; the composition root (src/main.ts) hands it the list (today: feedback outcomes).
 */
export interface ChangesApplied {
  conn: ConnectionRow;
  changed: readonly CanonicalRecord[];
  unseenDeletions: readonly { kind: ActivityKind; externalId: string }[];
  /** When the source saw the change (ms), when it said so. */
  receivedAt?: number;
}

/** A subscriber runs in the change step's transaction: what it writes commits (or rolls back) with the records. */
export type ChangeSubscriber = (r: Repos, tx: Queryable, e: ChangesApplied) => Promise<void>;

/** Announce `e` to every subscriber, in order. */
export async function emitChanges(
  subscribers: readonly ChangeSubscriber[],
  r: Repos,
  tx: Queryable,
  e: ChangesApplied,
): Promise<void> {
  for (const s of subscribers) await s(r, tx, e);
}
