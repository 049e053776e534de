import type { Activity, Company, Deal } from '../core/canonical.js';
import type { Queryable } from './db.js';
import { storableJson } from '../lib/storable.js';

/** The kinds of per-tenant model stored in tenant_models: the deal scorer and the suggestion-usefulness model. */
export const DEAL_MODEL_KIND = 'deal_score';
export const USEFULNESS_KIND = 'usefulness';
/** The tenant's fine-tuned signal models (src/inference/signals/tenant-model.ts), on top of the shipped ones. */
export const SIGNALS_KIND = 'signals';

export interface TenantModelRow {
  tenant_id: string;
  kind: string;
  model_name: string | null;
  model: unknown;
  rows: number;
  positives: number;
  validation_auc: number | null;
  metrics: Record<string, unknown>;
  trained_at: Date | null;
  claimed_at: Date | null;
}

/** Per-tenant small models (serialized), their training history, and the tenant's model budget. */
export class TenantModelRepo {
  constructor(private readonly db: Queryable) {}

  async get(tenantId: string, kind: string): Promise<TenantModelRow | null> {
    return (
      (
        await this.db.query<TenantModelRow>('SELECT * FROM tenant_models WHERE tenant_id = $1 AND kind = $2', [
          tenantId,
          kind,
        ])
      ).rows[0] ?? null
    );
  }

  /**
   * Take the training lease for (tenant, kind) unless another process took it less than `leaseMs` ago, or the
   * model was trained less than `minIntervalMs` ago. True when this caller should train.
   */
  async claim(tenantId: string, kind: string, now: Date, leaseMs: number, minIntervalMs: number): Promise<boolean> {
    const r = await this.db.query(
      `INSERT INTO tenant_models (tenant_id, kind, claimed_at) VALUES ($1, $2, $3)
       ON CONFLICT (tenant_id, kind) DO UPDATE SET claimed_at = EXCLUDED.claimed_at
       WHERE (tenant_models.claimed_at IS NULL OR tenant_models.claimed_at < $4)
         AND (tenant_models.trained_at IS NULL OR tenant_models.trained_at < $5)
       RETURNING 1`,
      [tenantId, kind, now, new Date(now.getTime() - leaseMs), new Date(now.getTime() - minIntervalMs)],
    );
    return r.rows.length === 1;
  }

  /**
   * Store a trained model (or, with model null, the training attempt and why nothing was stored); releases the lease.
   * The same statement appends the training to tenant_model_history (quality across retrainings).
   */
  async save(
    tenantId: string,
    kind: string,
    m: {
      modelName: string | null;
      model: unknown;
      rows: number;
      positives: number;
      validationAuc: number | null;
      metrics: Record<string, unknown>;
      trainedAt: Date;
    },
  ): Promise<void> {
    await this.db.query(
      `WITH history AS (
         INSERT INTO tenant_model_history (tenant_id, kind, model_name, rows, positives, validation_auc, metrics, trained_at)
         VALUES ($1,$2,$3,$5,$6,$7,$8::jsonb,$9))
       INSERT INTO tenant_models (tenant_id, kind, model_name, model, rows, positives, validation_auc, metrics, trained_at, claimed_at, updated_at)
       VALUES ($1,$2,$3,$4::jsonb,$5,$6,$7,$8::jsonb,$9,NULL,now())
       ON CONFLICT (tenant_id, kind) DO UPDATE SET model_name = EXCLUDED.model_name, model = EXCLUDED.model, rows = EXCLUDED.rows,
         positives = EXCLUDED.positives, validation_auc = EXCLUDED.validation_auc, metrics = EXCLUDED.metrics, trained_at = EXCLUDED.trained_at,
         claimed_at = NULL, updated_at = now()`,
      [
        tenantId,
        kind,
        m.modelName,
        m.model === null ? null : storableJson(m.model),
        m.rows,
        m.positives,
        m.validationAuc,
        storableJson(m.metrics),
        m.trainedAt,
      ],
    );
  }

  async release(tenantId: string, kind: string): Promise<void> {
    await this.db.query('UPDATE tenant_models SET claimed_at = NULL WHERE tenant_id = $1 AND kind = $2', [
      tenantId,
      kind,
    ]);
  }

  async tenants(): Promise<string[]> {
    return (await this.db.query<{ id: string }>('SELECT id FROM tenants ORDER BY id')).rows.map((r) => r.id);
  }

  /** Closed deals of the tenant: how many were won and lost (chooseScorer's history). */
  async closedDealCounts(tenantId: string): Promise<{ won: number; lost: number }> {
    const r = (
      await this.db.query<{ won: string; lost: string }>(
        `SELECT count(*) FILTER (WHERE (r.data->>'isWon')::boolean)::text AS won, count(*) FILTER (WHERE NOT (r.data->>'isWon')::boolean)::text AS lost
       FROM records r JOIN connections c ON c.id = r.connection_id
       WHERE c.tenant_id = $1 AND r.kind = 'deal' AND NOT r.archived AND (r.data->>'isClosed')::boolean`,
        [tenantId],
      )
    ).rows[0];
    return { won: Number(r?.won ?? 0), lost: Number(r?.lost ?? 0) };
  }

  /** The tenant's closed deals and the live activities associated with them (training data), newest deals first. */
  async closedDealsWithActivities(tenantId: string, limit = 20000): Promise<{ deals: Deal[]; activities: Activity[] }> {
    const deals = (
      await this.db.query<{ data: Deal }>(
        `SELECT r.data FROM records r JOIN connections c ON c.id = r.connection_id
       WHERE c.tenant_id = $1 AND r.kind = 'deal' AND NOT r.archived AND (r.data->>'isClosed')::boolean
       ORDER BY r.provider_updated_at DESC LIMIT $2`,
        [tenantId, limit],
      )
    ).rows.map((x) => x.data);
    if (deals.length === 0) return { deals, activities: [] };
    const activities = (
      await this.db.query<{ data: Activity }>(
        `SELECT r.data FROM records r JOIN connections c ON c.id = r.connection_id
       WHERE c.tenant_id = $1 AND r.kind IN ('email','call','meeting','note','task') AND NOT r.archived
         AND (r.data -> 'associations' -> 'deals') ?| $2::text[]`,
        [tenantId, deals.map((d) => d.externalId)],
      )
    ).rows.map((x) => x.data);
    return { deals, activities };
  }

  /** Companies of a connection (the churn scan), and everything the churn score reads about one. */
  async companies(connectionId: string): Promise<Company[]> {
    return (
      await this.db.query<{ data: Company }>(
        `SELECT data FROM records WHERE connection_id = $1 AND kind = 'company' AND NOT archived`,
        [connectionId],
      )
    ).rows.map((x) => x.data);
  }

  async dealsOfCompany(connectionId: string, companyId: string): Promise<Deal[]> {
    return (
      await this.db.query<{ data: Deal }>(
        `SELECT data FROM records WHERE connection_id = $1 AND kind = 'deal' AND NOT archived AND data -> 'associations' -> 'companies' @> $2::jsonb`,
        [connectionId, storableJson([companyId])],
      )
    ).rows.map((x) => x.data);
  }

  /** Activities linked to the company directly, or through its deals or contacts. */
  async activitiesOfAccount(
    connectionId: string,
    companyId: string,
    dealIds: string[],
    contactIds: string[],
    since: Date,
  ): Promise<Activity[]> {
    return (
      await this.db.query<{ data: Activity }>(
        `SELECT data FROM records WHERE connection_id = $1 AND kind IN ('email','call','meeting','note','task') AND NOT archived
         AND (data->>'occurredAt')::timestamptz >= $5
         AND (data -> 'associations' -> 'companies' @> $2::jsonb OR (data -> 'associations' -> 'deals') ?| $3::text[] OR (data -> 'associations' -> 'contacts') ?| $4::text[])
       ORDER BY (data->>'occurredAt') DESC LIMIT 500`,
        [connectionId, storableJson([companyId]), dealIds, contactIds, since],
      )
    ).rows.map((x) => x.data);
  }

  /** The tenant's budget state as stored (null when none yet), locked for update inside a transaction. */
  async budgetForUpdate(tenantId: string): Promise<unknown> {
    return (
      (
        await this.db.query<{ state: unknown }>('SELECT state FROM tenant_budgets WHERE tenant_id = $1 FOR UPDATE', [
          tenantId,
        ])
      ).rows[0]?.state ?? null
    );
  }

  async budget(tenantId: string): Promise<unknown> {
    return (
      (await this.db.query<{ state: unknown }>('SELECT state FROM tenant_budgets WHERE tenant_id = $1', [tenantId]))
        .rows[0]?.state ?? null
    );
  }

  async saveBudget(tenantId: string, state: unknown): Promise<void> {
    await this.db.query(
      `INSERT INTO tenant_budgets (tenant_id, state, updated_at) VALUES ($1, $2::jsonb, now())
       ON CONFLICT (tenant_id) DO UPDATE SET state = EXCLUDED.state, updated_at = now()`,
      [tenantId, storableJson(state)],
    );
  }
}
