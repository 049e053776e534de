import type { RuleVerdict, Suggestion } from '../core/suggestion.js';
import type { Queryable } from './db.js';

export type CardRecordKind = 'deal' | 'company' | 'contact';

export interface RecordSuggestionRow {
  id: string;
  tenant_id: string;
  connection_id: string;
  type: string;
  status: string;
  payload: Suggestion;
  verdicts: RuleVerdict[];
  created_at: Date;
  outcomes: string[];
  mine: string[];
}

/** Outcomes after which a suggestion is no longer open on the record's card (the rep acted, or said no). */
export const CLOSING_OUTCOMES = [
  'task_completed',
  'task_deleted',
  'draft_sent',
  'draft_discarded',
  'card_done',
  'card_not_useful',
] as const;
/** Statuses a rep may see: passed the rules (held-for-review and blocked ones are for admins only). */
export const REP_VISIBLE_STATUSES = ['allowed', 'written', 'write_failed'] as const;

/** The suggestions shown in a CRM record's card: one connection, one record, still open. */
export class RecordSuggestionRepo {
  constructor(private readonly db: Queryable) {}

  /** `userTarget` selects the caller's own feedback rows (`mine`). */
  async openForRecord(
    connectionId: string,
    kind: CardRecordKind,
    externalId: string,
    userTarget: string,
    limit = 20,
  ): Promise<RecordSuggestionRow[]> {
    const r = await this.db.query<RecordSuggestionRow>(
      `SELECT s.id, s.tenant_id, s.connection_id, s.type, s.status, s.payload, s.verdicts, s.created_at,
              coalesce(array_agg(x.outcome) FILTER (WHERE x.outcome IS NOT NULL), '{}') AS outcomes,
              coalesce(array_agg(x.outcome) FILTER (WHERE x.target = $4), '{}') AS mine
       FROM suggestions s LEFT JOIN suggestion_outcomes x ON x.suggestion_id = s.id
       WHERE s.connection_id = $1 AND s.status = ANY($5::text[])
         AND CASE $2::text WHEN 'deal' THEN s.deal_id = $3
                           WHEN 'company' THEN s.payload ->> 'companyId' = $3
                           ELSE (s.payload -> 'contactIds') ? $3 END
       GROUP BY s.id
       HAVING NOT coalesce(bool_or(x.outcome = ANY($6::text[])), false)
       ORDER BY s.created_at DESC, s.id LIMIT $7`,
      [connectionId, kind, externalId, userTarget, [...REP_VISIBLE_STATUSES], [...CLOSING_OUTCOMES], limit],
    );
    return r.rows;
  }
}
