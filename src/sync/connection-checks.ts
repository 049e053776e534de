import type { ObjectKind } from '../core/canonical.js';
import type { CompletenessReport, ConnectionRow } from '../store/index.js';
import { applyChanges } from './apply-changes.js';
import type { SyncDeps } from './process-inbox.js';

/**
 * The install check: asks the connector what would make write-backs fail (Salesforce: `Closeloop_Key__c` missing,
 * not External ID + Unique, or not writable by the connected user) and stores the answer, shown in
 * /admin/connections. While problems remain, write-backs of the connection are parked (src/writeback) instead of
 * failing one by one with INVALID_FIELD; the check runs again with every backfill and, while problems remain,
 * with every poll, so a fix in the org is picked up by itself. Warnings (Salesforce: fields field-level security hides
 * from the connected user, read as empty) are stored and shown alongside, without parking anything; the check also
 * runs again when its last answer is older than SETUP_RECHECK_MS, so a field hidden or granted later shows up.
 * Returns the problems ([] = ready; null = no check).
 */
/** How old the install check's answer may get before a poll runs it again (it also runs while problems remain). */
export const SETUP_RECHECK_MS = 60 * 60_000;

/** Whether a poll runs the install check: problems remain, or its answer is older than SETUP_RECHECK_MS. */
export function setupCheckDue(conn: ConnectionRow, now: number): boolean {
  if ((conn.setup_issues?.length ?? 0) > 0) return true;
  const at = conn.setup_checked_at ? new Date(conn.setup_checked_at).getTime() : null;
  return at !== null && now - at >= SETUP_RECHECK_MS;
}

export async function checkConnectionSetup(deps: SyncDeps, conn: ConnectionRow): Promise<string[] | null> {
  const connector = deps.connectorFor(conn.provider);
  if (!connector.checkSetup) return null;
  const { issues, warnings } = await connector.checkSetup(deps.vault.context(conn));
  await deps.store.connections.setSetupIssues(conn.id, issues, warnings);
  if (issues.length)
    deps.logger.warn(
      { connectionId: conn.id, provider: conn.provider, issues },
      'connection setup incomplete: write-backs wait',
    );
  if (warnings.length)
    deps.logger.warn({ connectionId: conn.id, provider: conn.provider, warnings }, 'connection setup warnings');
  return issues;
}

/**
 * Backfill completeness: per object kind, the account's own count (Salesforce: `SELECT COUNT()`) against the
 * records the store holds from that provider. A difference is repaired at once: every id is listed, missing
 * records are read by id and applied, records the account no longer has are erased — both through the one change
 * step — and the kind is counted again. The report (with the difference left after the repair) is stored for
 * /admin/connections. Returns null when the connector cannot count.
 */
export async function checkCompleteness(
  deps: SyncDeps,
  conn: ConnectionRow,
  now: () => number = Date.now,
): Promise<CompletenessReport | null> {
  const connector = deps.connectorFor(conn.provider);
  const inventory = connector.inventory;
  if (!inventory) return null;
  const ctx = deps.vault.context(conn);
  const kinds: CompletenessReport['kinds'] = {};
  let difference = 0;
  for (const kind of connector.manifest.objectKinds) {
    const crm = await inventory.count(ctx, kind);
    const store = await deps.store.records.countLive(conn.id, kind, conn.provider);
    let missing = 0;
    let extra = 0;
    let repaired = 0;
    let after = { crm, store };
    if (crm !== store) {
      ({ missing, extra, repaired } = await repair(deps, conn, kind));
      after = {
        crm: await inventory.count(ctx, kind),
        store: await deps.store.records.countLive(conn.id, kind, conn.provider),
      };
    }
    const d = Math.abs(after.crm - after.store);
    kinds[kind] = { crm: after.crm, store: after.store, missing, extra, repaired, difference: d };
    difference += d;
  }
  const report: CompletenessReport = { checkedAt: new Date(now()).toISOString(), kinds, difference };
  await deps.store.connections.setCompleteness(conn.id, report);
  deps.logger[difference ? 'warn' : 'info'](
    { connectionId: conn.id, provider: conn.provider, difference, kinds },
    'backfill completeness checked',
  );
  return report;

  async function repair(
    d: SyncDeps,
    c: ConnectionRow,
    kind: ObjectKind,
  ): Promise<{ missing: number; extra: number; repaired: number }> {
    const ours = new Set(await d.store.records.liveIds(c.id, kind, c.provider));
    const theirs = new Set<string>();
    for await (const ids of inventory!.ids(ctx, kind)) for (const id of ids) theirs.add(id);
    const missingIds = [...theirs].filter((id) => !ours.has(id));
    const extraIds = [...ours].filter((id) => !theirs.has(id));
    let repaired = 0;
    for (let i = 0; i < missingIds.length; i += 200) {
      const records = await connector.fetchByIds(ctx, kind, missingIds.slice(i, i + 200));
      const applied = await applyChanges(d, c, { records, deleted: [], source: 'backfill', analyze: false });
      repaired += applied.changed.length;
    }
    if (extraIds.length) {
      // Gone from the account but still here (a deletion we never heard of): erased like any deletion.
      const applied = await applyChanges(d, c, {
        records: [],
        deleted: extraIds.map((externalId) => ({ kind, externalId })),
        source: 'backfill',
        analyze: false,
      });
      repaired += applied.erased.length;
    }
    return { missing: missingIds.length, extra: extraIds.length, repaired };
  }
}
