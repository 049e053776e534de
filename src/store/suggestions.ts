import type { RuleVerdict, Suggestion } from '../core/suggestion.js';
import type { Queryable } from './db.js';

/** suppressed: held back by the rep's feedback (src/feedback/suppression.ts); it does not count toward the daily cap. */
export type SuggestionStatus = 'allowed' | 'review' | 'blocked' | 'written' | 'write_failed' | 'suppressed';
export interface SuggestionRow {
  id: string; tenant_id: string; connection_id: string; type: string; dedupe_key: string; deal_id: string | null; owner_id: string | null;
  status: SuggestionStatus; payload: Suggestion; verdicts: RuleVerdict[]; created_at: Date;
}

export class SuggestionRepo {
  constructor(private readonly db: Queryable) {}

  /** Inserts unless the same situation (dedupe key) was already suggested. Returns false on a duplicate. */
  async insert(s: Suggestion, status: SuggestionStatus, verdicts: RuleVerdict[], context: unknown = null, repair: unknown = null): Promise<boolean> {
    const r = await this.db.query(
      `INSERT INTO suggestions (id, tenant_id, connection_id, type, dedupe_key, deal_id, owner_id, status, payload, verdicts, model, tier, cost_usd, confidence, created_at, context, repair)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9::jsonb,$10::jsonb,$11,$12,$13,$14,$15,$16::jsonb,$17::jsonb)
       ON CONFLICT DO NOTHING`,
      [s.id, s.tenantId, s.connectionId, s.type, s.dedupeKey, s.dealId, s.ownerId, status, JSON.stringify(s), JSON.stringify(verdicts),
        s.explanation.model, s.explanation.tier, s.explanation.costUsd, s.explanation.confidence, s.createdAt, context === null ? null : JSON.stringify(context),
        repair === null ? null : JSON.stringify(repair)],
    );
    return r.affectedRows === 1;
  }

  async get(id: string): Promise<(SuggestionRow & { repair: unknown }) | null> {
    return (await this.db.query<SuggestionRow & { repair: unknown }>('SELECT * FROM suggestions WHERE id = $1', [id])).rows[0] ?? null;
  }

  async exists(connectionId: string, dedupeKey: string): Promise<boolean> {
    const r = await this.db.query('SELECT 1 FROM suggestions WHERE connection_id = $1 AND dedupe_key = $2', [connectionId, dedupeKey]);
    return r.rows.length > 0;
  }

  async setStatus(id: string, status: SuggestionStatus): Promise<void> {
    await this.db.query('UPDATE suggestions SET status = $2, updated_at = now() WHERE id = $1', [id, status]);
  }

  /** Suggestions that passed the rules for this rep since the start of the UTC day of `now` (per-rep daily cap). */
  async countForOwnerOnDay(connectionId: string, ownerId: string | null, now: number): Promise<number> {
    const day = new Date(now);
    day.setUTCHours(0, 0, 0, 0);
    const r = await this.db.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM suggestions WHERE connection_id = $1 AND owner_id IS NOT DISTINCT FROM $2 AND created_at >= $3 AND status IN ('allowed','written')`,
      [connectionId, ownerId, day],
    );
    return Number(r.rows[0]?.n ?? 0);
  }

  async listSince(since: Date, limit = 1000): Promise<SuggestionRow[]> {
    return (await this.db.query<SuggestionRow>('SELECT * FROM suggestions WHERE created_at >= $1 ORDER BY created_at LIMIT $2', [since, limit])).rows;
  }

  async countsByStatus(): Promise<Record<string, number>> {
    const r = await this.db.query<{ status: string; n: string }>('SELECT status, count(*)::text AS n FROM suggestions GROUP BY status');
    return Object.fromEntries(r.rows.map((x) => [x.status, Number(x.n)]));
  }
}
