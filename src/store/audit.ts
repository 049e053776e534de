import type { RuleVerdict } from '../core/suggestion.js';
import { randomId } from '../lib/ids.js';
import { escapeRegExp } from '../lib/text.js';
import type { Queryable } from './db.js';
import { storableJson } from '../lib/storable.js';

/** One call to an external model, masked (table model_calls, migrations/0005_audit.sql). */
export interface ModelCallAudit {
  tenantId: string;
  connectionId: string | null;
  suggestionId: string | null;
  taskKind: string;
  model: string;
  tier: string;
  /** The prompt as sent: personal data already replaced by placeholders. */
  maskedPrompt: string;
  /** The answer as the model wrote it (placeholders, not values); null when the call failed before an answer. */
  maskedResponse: string | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Our error code when the call failed or the answer was unusable. */
  errorCode: string | null;
  providerRequestId: string | null;
  /** The CRM records the prompt was built from. */
  recordRefs: { kind: string; externalId: string }[];
  /** Placeholders the model invented (never issued), and similar privacy findings. */
  privacyFlags: string[];
}

export interface ModelCallRow {
  id: string;
  tenant_id: string;
  connection_id: string | null;
  suggestion_id: string | null;
  task_kind: string;
  model: string;
  tier: string;
  masked_prompt: string;
  masked_response: string | null;
  input_tokens: number;
  output_tokens: number;
  cost_usd: string;
  error_code: string | null;
  provider_request_id: string | null;
  record_refs: { kind: string; externalId: string }[];
  privacy_flags: string[];
  verdicts: RuleVerdict[] | null;
  created_at: Date;
}

export class AuditRepo {
  constructor(private readonly db: Queryable) {}

  /** Store one model call; returns its id (the caller links it to a suggestion and its verdicts later). */
  async recordCall(c: ModelCallAudit): Promise<string> {
    const id = randomId('mc');
    await this.db.query(
      `INSERT INTO model_calls (id, tenant_id, connection_id, suggestion_id, task_kind, model, tier, masked_prompt, masked_response,
         input_tokens, output_tokens, cost_usd, error_code, provider_request_id, record_refs, privacy_flags)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15::jsonb,$16::jsonb)`,
      [
        id,
        c.tenantId,
        c.connectionId,
        c.suggestionId,
        c.taskKind,
        c.model,
        c.tier,
        c.maskedPrompt,
        c.maskedResponse,
        c.inputTokens,
        c.outputTokens,
        c.costUsd,
        c.errorCode,
        c.providerRequestId,
        storableJson(c.recordRefs),
        storableJson(c.privacyFlags),
      ],
    );
    return id;
  }

  /** Link calls to the suggestion they produced and store the rule verdicts it got. */
  async setOutcome(
    ids: readonly string[],
    o: { suggestionId: string | null; verdicts: RuleVerdict[] },
  ): Promise<number> {
    if (ids.length === 0) return 0;
    const r = await this.db.query(
      'UPDATE model_calls SET suggestion_id = COALESCE($2, suggestion_id), verdicts = $3::jsonb WHERE id = ANY($1::text[])',
      [ids, o.suggestionId, storableJson(o.verdicts)],
    );
    return r.affectedRows;
  }

  async get(id: string): Promise<ModelCallRow | null> {
    return (await this.db.query<ModelCallRow>('SELECT * FROM model_calls WHERE id = $1', [id])).rows[0] ?? null;
  }

  async listForTenant(tenantId: string, limit = 100): Promise<ModelCallRow[]> {
    return (
      await this.db.query<ModelCallRow>(
        'SELECT * FROM model_calls WHERE tenant_id = $1 ORDER BY created_at DESC, id LIMIT $2',
        [tenantId, limit],
      )
    ).rows;
  }

  async deleteForTenant(tenantId: string): Promise<number> {
    return (await this.db.query('DELETE FROM model_calls WHERE tenant_id = $1', [tenantId])).affectedRows;
  }

  /**
   * Audit copies that mention one CRM record: calls linked to the given suggestions, calls whose prompt was
   * built from the record (record_refs), and calls whose masked prompt or answer contains its id as a whole
   * token (ids are not personal data, so they survive masking).
   */
  async deleteMentioning(
    connectionId: string,
    ref: { kind: string; externalId: string },
    suggestionIds: readonly string[],
  ): Promise<number> {
    const token = `(^|[^A-Za-z0-9_-])${escapeRegExp(ref.externalId)}($|[^A-Za-z0-9_-])`;
    const r = await this.db.query(
      `DELETE FROM model_calls WHERE connection_id = $1 AND (
         suggestion_id = ANY($2::text[])
         OR record_refs @> $3::jsonb
         OR masked_prompt ~ $4 OR coalesce(masked_response, '') ~ $4)`,
      [connectionId, [...suggestionIds], storableJson([{ kind: ref.kind, externalId: ref.externalId }]), token],
    );
    return r.affectedRows;
  }
}
