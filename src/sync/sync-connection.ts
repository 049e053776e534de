import type { ObjectKind } from '../core/canonical.js';
import { ErrorCode, isCloseloopError } from '../core/errors.js';
import type { ConnectionRow } from '../store/index.js';
import { applyChanges } from './apply-changes.js';
import type { SyncDeps } from './process-inbox.js';

/**
 * Backfill and polling are the same loop: read pages of changes since the stored checkpoint and store
 * each page together with its new checkpoint in one transaction, so a killed sync resumes after the
 * last stored page. An invalid cursor clears the checkpoint and starts a full resync of that kind.
 */
export async function syncKind(
  deps: SyncDeps,
  conn: ConnectionRow,
  kind: ObjectKind,
  opts: { analyze: boolean },
): Promise<number> {
  const connector = deps.connectorFor(conn.provider);
  const ctx = deps.vault.context(conn);
  const stream = `objects:${kind}`;
  let n = 0;
  for (let attempt = 0; attempt < 2; attempt++) {
    const since = await deps.store.checkpoints.get(conn.id, stream);
    try {
      for await (const page of connector.listChanges(ctx, kind, since)) {
        // The one change step; the page's checkpoint commits with it.
        await applyChanges(
          deps,
          conn,
          {
            records: page.records,
            deleted: page.deleted,
            source: opts.analyze ? 'poll' : 'backfill',
            analyze: opts.analyze,
          },
          async (r) => {
            await r.checkpoints.save(conn.id, stream, page.checkpoint);
          },
        );
        n += page.records.length;
      }
      return n;
    } catch (err) {
      if (isCloseloopError(err) && err.code === ErrorCode.INVALID_CURSOR && attempt === 0) {
        deps.logger.warn({ connectionId: conn.id, kind, code: err.code }, 'invalid cursor: full resync of this kind');
        await deps.store.checkpoints.clear(conn.id, stream);
        continue;
      }
      throw err;
    }
  }
  return n;
}

/** Sync every object kind the connector declares. `backfill` skips per-record analysis; a scan follows instead. */
export async function syncConnection(
  deps: SyncDeps,
  conn: ConnectionRow,
  mode: 'backfill' | 'poll',
): Promise<Record<string, number>> {
  const connector = deps.connectorFor(conn.provider);
  const counts: Record<string, number> = {};
  for (const kind of connector.manifest.objectKinds) {
    counts[kind] = await syncKind(deps, conn, kind, { analyze: mode === 'poll' });
  }
  await deps.store.connections.markSynced(conn.id, { backfillDone: mode === 'backfill' });
  return counts;
}
