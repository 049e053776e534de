import type { Activity, ActivityKind, CanonicalRecord, Deal } from '../core/canonical.js';
import { isActivityKind } from '../core/canonical.js';
import type { ConnectionRow, Repos, WrittenRow } from '../store/index.js';
import { dealOutcome, matchSentEmail, outcomeOfOwnRecord, sentOutcome, type OutcomeEvent } from './outcomes.js';

const HOUR = 3_600_000;

const draftOf = (w: WrittenRow): { subject: string; body: string } | null => {
  const d = w.payload?.draftText;
  return d && typeof d.subject === 'string' && typeof d.body === 'string' ? { subject: d.subject, body: d.body } : null;
};

async function save(
  r: Repos,
  w: { suggestion_id: string; tenant_id: string; connection_id: string; outbox_id: string | null },
  target: string,
  e: OutcomeEvent,
): Promise<boolean> {
  return r.feedback.record({
    suggestionId: w.suggestion_id,
    tenantId: w.tenant_id,
    connectionId: w.connection_id,
    outboxId: w.outbox_id,
    target,
    outcome: e.outcome,
    editDistance: e.editDistance,
    detail: e.detail,
    occurredAt: e.occurredAt,
  });
}

/** A deleted activity we never held, as the outcome rules read it (only its identity and `archived` matter). */
const goneActivity = (provider: string, kind: ActivityKind, externalId: string, at: number | undefined): Activity =>
  ({
    kind,
    provider,
    externalId,
    archived: true,
    createdAt: null,
    updatedAt: new Date(at ?? Date.now()).toISOString(),
    ownerId: null,
    url: null,
    associations: { contacts: [], companies: [], deals: [] },
    subject: null,
    body: null,
    occurredAt: new Date(at ?? Date.now()).toISOString(),
    direction: null,
    status: null,
    dueAt: null,
  }) as Activity;

/**
 * Feedback's subscription to the change step (src/sync/change-events.ts, wired in src/main.ts): the records that
 * changed, plus the deleted activities sync never stored, become outcomes in the change step's transaction.
 */
export async function onChangesApplied(
  r: Repos,
  _tx: unknown,
  e: {
    conn: ConnectionRow;
    changed: readonly CanonicalRecord[];
    unseenDeletions: readonly { kind: ActivityKind; externalId: string }[];
    receivedAt?: number;
  },
): Promise<void> {
  const gone = e.unseenDeletions.map((d) => goneActivity(e.conn.provider, d.kind, d.externalId, e.receivedAt));
  await recordOutcomes(r, e.conn, gone.length ? [...e.changed, ...gone] : e.changed);
}

/**
 * The feedback hook of the one ingest path (webhooks, polls, backfills, change streams): for the records that
 * changed, record what happened to the suggestions we wrote back — our task completed or deleted, our draft
 * sent (and how much the rep changed it) or discarded, the deal won or lost afterwards. Also picks up
 * deletions applied just before (they arrive as archive marks, not as changed records). Runs in the
 * caller's transaction; every outcome is recorded once. Returns how many were recorded.
 */
export async function recordOutcomes(
  r: Repos,
  conn: ConnectionRow,
  changed: readonly CanonicalRecord[],
): Promise<number> {
  let n = 0;
  for (const w of await r.feedback.archivedWritten(conn.id)) {
    const outcome = w.action === 'create_draft_email' ? 'draft_discarded' : 'task_deleted';
    if (
      await save(r, w, w.crm_id, {
        outcome,
        editDistance: null,
        occurredAt: w.archived_at.toISOString(),
        detail: { via: 'deletion' },
      })
    )
      n++;
    if (outcome === 'task_deleted')
      await r.suggestions.close(w.suggestion_id, 'done_by_rep', 'the rep deleted the task');
  }
  if (changed.length === 0) return n;

  const activities = changed.filter((c): c is Activity => isActivityKind(c.kind));
  const own = await r.feedback.writtenByCrmIds(
    conn.id,
    activities.filter((a) => a.kind === 'task' || a.kind === 'email').map((a) => a.externalId),
  );
  const byCrm = new Map(own.map((w) => [w.crm_id, w]));
  for (const a of activities) {
    const w = byCrm.get(a.externalId);
    if (!w) continue;
    const e = outcomeOfOwnRecord({ action: w.action, crmId: w.crm_id, draft: draftOf(w) }, a);
    if (e && (await save(r, w, w.crm_id, e))) n++;
    // The rep closed the task: the situation's suggestion is theirs now, closeloop no longer updates or withdraws it.
    if (e && w.action === 'create_task' && (e.outcome === 'task_completed' || e.outcome === 'task_deleted')) {
      await r.suggestions.close(
        w.suggestion_id,
        'done_by_rep',
        e.outcome === 'task_completed' ? 'the rep completed the task' : 'the rep deleted the task',
      );
    }
  }

  // HubSpot logs a sent email as a new engagement: match it to the draft it came from.
  for (const email of activities.filter(
    (a) => a.kind === 'email' && a.direction === 'outbound' && !byCrm.has(a.externalId),
  )) {
    const candidates = (
      await r.feedback.unsentDrafts(
        conn.id,
        email.associations.contacts,
        email.associations.deals,
        new Date(Date.parse(email.occurredAt) + HOUR),
      )
    )
      .map((w) => ({ w, draft: draftOf(w) }))
      .filter((c): c is { w: WrittenRow; draft: { subject: string; body: string } } => c.draft !== null);
    const hit = matchSentEmail(email, candidates);
    if (!hit) continue;
    const e = sentOutcome(hit.candidate.draft, email);
    if (await save(r, hit.candidate.w, hit.candidate.w.crm_id, e)) n++;
  }

  for (const deal of changed.filter((c): c is Deal => c.kind === 'deal' && c.isClosed)) {
    for (const w of await r.feedback.writtenForDeal(conn.id, deal.externalId)) {
      const e = dealOutcome(deal, new Date(w.written_at));
      if (e && (await save(r, { ...w, connection_id: conn.id, outbox_id: null }, `deal:${deal.externalId}`, e))) n++;
    }
  }
  return n;
}
