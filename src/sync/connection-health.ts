import { setupIssuesOf, type ConnectionRow, type Store } from '../store/index.js';

/** One installed account as RevOps reads it (GET /admin/connections). */
export interface ConnectionHealth {
  id: string;
  provider: string;
  accountId: string;
  status: string;
  statusReason: string | null;
  pausedUntil: unknown;
  backfillDoneAt: unknown;
  lastSyncAt: unknown;
  /**
   * The install check and what the account's setup refused at write time (one sentence per problem; [] = ready;
   * write-backs wait while any remain), the backfill completeness report, and setup warnings (fields hidden from the
   * integration user, read as empty; nothing waits for them).
   */
  setupIssues: unknown;
  setupWarnings: string[];
  setupCheckedAt: unknown;
  completeness: unknown;
  /** Webhook events that failed validation, kept aside (CLI: closeloop webhooks quarantine). */
  quarantinedWebhookEvents: number;
  recentQuarantine: { id: unknown; reason: unknown; receivedAt: unknown }[];
}

/**
 * Sync health per installed account: status, pause, backfill and last sync, the install and completeness checks,
 * and the webhook events quarantined for it. `connections` are the caller's (tenant-scoped reads).
 */
export async function connectionHealth(
  connections: () => Promise<ConnectionRow[]>,
  quarantine: Pick<Store['webhookQuarantine'], 'countByConnection' | 'list'>,
): Promise<ConnectionHealth[]> {
  const rows = await connections();
  const quarantined = await quarantine.countByConnection();
  const recent = await quarantine.list({ limit: 20 });
  return rows.map((c) => ({
    id: c.id,
    provider: c.provider,
    accountId: c.account_id,
    status: c.status,
    statusReason: c.status_reason,
    pausedUntil: c.paused_until,
    backfillDoneAt: c.backfill_done_at,
    lastSyncAt: c.last_sync_at,
    setupIssues: setupIssuesOf(c),
    setupWarnings: c.setup_warnings ?? [],
    setupCheckedAt: c.setup_checked_at ?? null,
    completeness: c.completeness ?? null,
    quarantinedWebhookEvents: quarantined[c.id] ?? 0,
    recentQuarantine: recent
      .filter((q) => q.connection_id === c.id)
      .slice(0, 5)
      .map((q) => ({ id: q.id, reason: q.reason, receivedAt: q.received_at })),
  }));
}
