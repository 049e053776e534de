import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Suggestion } from '../core/suggestion.js';
import { openDb, type Db } from './db.js';
import { migrate } from './migrate.js';

/** A stored suggestion with the guardrail context it was judged in, as saved (JSON; its reader validates it). */
export interface StoredJudgedSuggestion {
  suggestion: Suggestion;
  context: unknown;
  previousOutcome: string;
}

export interface StoredSuggestionSource {
  listSince(sinceIso: string): AsyncIterable<StoredJudgedSuggestion>;
  close(): Promise<void>;
}

/**
 * Recent suggestions with the context they were judged in (suggestions stored before 0003 have none and are skipped).
 */
export function suggestionSource(
  db: Db,
  opts: { onClose?: () => Promise<void>; tenantId?: string | null } = {},
): StoredSuggestionSource {
  const tenantId = opts.tenantId ?? null;
  return {
    async *listSince(sinceIso) {
      let after = '';
      for (;;) {
        const r = await db.query<{ id: string; payload: Suggestion; context: unknown; status: string }>(
          `SELECT id, payload, context, status FROM suggestions WHERE created_at >= $1 AND context IS NOT NULL AND id > $2
             AND ($3::text IS NULL OR tenant_id = $3) ORDER BY id LIMIT 500`,
          [sinceIso, after, tenantId],
        );
        for (const row of r.rows) {
          const previousOutcome = row.status === 'blocked' ? 'block' : row.status === 'review' ? 'review' : 'pass';
          yield { suggestion: row.payload, context: row.context, previousOutcome };
        }
        if (r.rows.length < 500) return;
        after = r.rows[r.rows.length - 1]!.id;
      }
    },
    close: async () => {
      await opts.onClose?.();
    },
  };
}

/**
 * Opens the suggestions for the replay command. PGlite is single-process, so the embedded database is
 * copied to a temporary folder and read there: the running service is never touched.
 */
export async function openSuggestionSource(o: {
  databaseUrl: string | null;
  dataDir: string;
  migrationsDir: string;
}): Promise<StoredSuggestionSource> {
  if (o.databaseUrl) {
    const db = await openDb({ databaseUrl: o.databaseUrl });
    return suggestionSource(db, { onClose: () => db.close() });
  }
  const live = path.resolve(o.dataDir, 'pglite');
  if (!existsSync(live)) throw new Error(`no embedded database under ${o.dataDir} (set DATA_DIR or DATABASE_URL)`);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'closeloop-replay-'));
  cpSync(live, path.join(tmp, 'pglite'), { recursive: true });
  const db = await openDb({ dataDir: tmp });
  await migrate(db, o.migrationsDir);
  return suggestionSource(db, {
    onClose: async () => {
      await db.close();
      rmSync(tmp, { recursive: true, force: true });
    },
  });
}
