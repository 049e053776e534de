import { InvalidPayloadError, NotFoundError } from '../core/errors.js';
import type { Evidence, Explanation } from '../core/suggestion.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import type { WorkQueue } from '../queue/index.js';
import type { Repos, Store, SuggestionRow, SuggestionStatus } from '../store/index.js';
import type { Activity, Company, Contact, Deal } from '../core/canonical.js';
import { isCustomerTouch } from '../inference/deal-features.js';
import { humanDate } from './render.js';
import { resolutionOf, withdraw } from './withdraw.js';
import { emailBlockedBy } from './drafting.js';
import { describeProblems } from '../guardrails/output-gate.js';
import type { AnalyzeDeps } from './analyze-deps.js';
import { gateFactsFor } from './gate.js';
import { createWrites, enqueueGated, gateAll } from './process-suggestion.js';
import { workingDue } from '../lib/dates.js';
import { hasUnstorableChars } from '../lib/storable.js';
import { contactName } from '../inference/drafting/salutation.js';

const DAY = 86_400_000;

/** What a reviewer sees of one suggestion: what would be written, why it was held, and the evidence behind it. */
export interface ReviewItem {
  id: string;
  type: string;
  status: SuggestionStatus;
  createdAt: string;
  connectionId: string;
  provider: string;
  dealId: string | null;
  companyId: string | null;
  ownerId: string | null;
  /** The rules that held it, each with its message. */
  heldBecause: string[];
  task: { subject: string; body: string; priority: string } | null;
  draft: { subject: string; body: string; to: string | null } | null;
  evidence: Evidence[];
  explanation: Explanation;
  /** Set once it is closed (dismissed, withdrawn, done by the rep). */
  closedReason: string | null;
}

export const REVIEWABLE_STATUSES = [
  'review',
  'allowed',
  'written',
  'dismissed',
  'withdrawn',
  'done_by_rep',
  'blocked',
] as const;

function toItem(row: SuggestionRow & { repair?: unknown }): ReviewItem {
  const s = row.payload;
  const repair = (row.repair ?? {}) as { reasons?: unknown };
  const held = Array.isArray(repair.reasons)
    ? repair.reasons.filter((x): x is string => typeof x === 'string')
    : row.verdicts.filter((v) => !v.passed).map((v) => `${v.rule}: ${v.message ?? ''}`);
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    createdAt: new Date(row.created_at).toISOString(),
    connectionId: row.connection_id,
    provider: s.provider,
    dealId: s.dealId,
    companyId: s.companyId,
    ownerId: s.ownerId,
    heldBecause: held,
    task: s.task ? { subject: s.task.subject, body: s.task.body, priority: s.task.priority } : null,
    draft: s.draft ? { subject: s.draft.subject, body: s.draft.body, to: s.draft.to?.email ?? null } : null,
    evidence: s.evidence,
    explanation: s.explanation,
    closedReason: row.closed_reason,
  };
}

export interface ReviewDeps {
  store: Store;
  queue: WorkQueue;
  logger: Logger;
  metrics: Metrics;
  now: () => number;
  guardrails: AnalyzeDeps['guardrails'];
}

/** Suggestions of a tenant in one status (the review queue: `review`), newest first. */
export async function listSuggestions(
  store: Store,
  tenantId: string,
  status: SuggestionStatus = 'review',
  limit = 100,
): Promise<ReviewItem[]> {
  return (await store.suggestions.listByStatus(tenantId, status, Math.min(Math.max(1, limit), 500))).map(toItem);
}

async function heldRow(store: Store, tenantId: string, id: string) {
  const row = await store.suggestions.get(id);
  // Another tenant's suggestion is as unknown as a missing one.
  if (!row || row.tenant_id !== tenantId) throw new NotFoundError(`no suggestion ${id}`);
  if (row.status !== 'review')
    // Why it left the queue (the deal closed, the situation resolved, a reviewer's reason), for whoever tries now.
    throw new InvalidPayloadError(
      `suggestion ${id} is ${row.status}, not held for review${row.closed_reason ? `: ${row.closed_reason}` : ''}`,
      { status: 409 },
    );
  return row;
}

/**
 * The first statement of a review action's transaction: the suggestion is still held (and now locked until the
 * commit), or another reviewer acted on it since it was read: 409, nothing changed.
 */
async function claimHeld(r: Repos, id: string): Promise<void> {
  if (await r.suggestions.claimHeld(id)) return;
  const now = await r.suggestions.get(id);
  throw new InvalidPayloadError(
    `suggestion ${id} is no longer held for review: it was ${now?.status ?? 'removed'} meanwhile${now?.closed_reason ? ` (${now.closed_reason})` : ''}; nothing was changed`,
    { status: 409 },
  );
}

/**
 * A reviewer lets a held suggestion through: it is written back now (its task and draft queued as if the rules had
 * passed it) and stays the situation's live suggestion — if the deal is still as it was when it was held. Approval can
 * come days later: a deal closed or deleted, handed to another rep, moved to another stage, re-priced, or a customer who
 * wrote again (or a rep who logged a call) since then makes the held text stale, and the approver approved that text,
 * not whatever it should say now. Such a suggestion is not written: it is closed with the reason, the deal is analysed
 * again as it is now (what still applies comes back to the queue with the current facts, or is written when the rules
 * pass now), and the approver gets a 409 saying what changed.
 */
export async function approveSuggestion(
  deps: ReviewDeps,
  tenantId: string,
  id: string,
  by: string | null = null,
): Promise<ReviewItem> {
  const row = await heldRow(deps.store, tenantId, id);
  const now = deps.now();
  const conn = await deps.store.connections.get(row.connection_id);
  if (!conn) throw new NotFoundError(`no suggestion ${id}`);
  // Approved days after it was held: the task is due from the day of approval, never overdue on arrival.
  const s =
    row.payload.task && Date.parse(row.payload.task.dueAt) < now
      ? { ...row.payload, task: { ...row.payload.task, dueAt: workingDue(now, DAY, row.payload.task.timeZone) } }
      : row.payload;
  const deal = s.dealId ? await deps.store.records.get<Deal>(row.connection_id, 'deal', s.dealId) : null;
  const company = s.companyId ? await deps.store.records.get<Company>(row.connection_id, 'company', s.companyId) : null;
  const all = s.dealId ? await deps.store.records.activitiesForDeal(row.connection_id, s.dealId) : [];
  // closeloop's own tasks and drafts are not news about the deal.
  const own = await deps.store.outbox.ownCrmIds(
    row.connection_id,
    all.map((a) => a.externalId),
  );
  const activities = all.filter((a) => !own.has(a.externalId));
  const stale = await staleSinceHeld(deps, row, { deal, company, activities }, now);
  if (stale) {
    const reason = `Not written on approval: ${stale.reason}`;
    const closed = stale.withdraw
      ? await withdraw(deps, conn, row, reason, { deal, company, activities }, null, true)
      : await deps.store.suggestions.close(id, 'withdrawn', reason, true);
    // Analysed again as the deal is now: a situation that still holds comes back with today's facts.
    if (closed && s.dealId && deal && !deal.archived)
      await deps.queue.send(
        'analyze',
        { connectionId: row.connection_id, dealId: s.dealId, receivedAt: null },
        { singletonKey: `${row.connection_id}:${s.dealId}` },
      );
    deps.metrics.suggestions.inc({ status: 'stale_on_approval', type: row.type });
    deps.logger.info({ tenantId, suggestionId: id, by, reason: stale.reason }, 'approval declined: the deal changed');
    throw new InvalidPayloadError(
      `suggestion ${id} was not written: ${stale.reason}${
        stale.withdraw
          ? ''
          : ' closeloop is checking the deal again as it is now; what still applies comes back to the review queue with the current facts.'
      }`,
      { status: 409 },
    );
  }
  // A person approved the suggestion, not its content: what reaches the CRM still passes the output gate.
  const gf = await gateFactsFor(deps, row.connection_id, s, { deal, company, activities }, now);
  const gated = gateAll(createWrites(s, { approvedBy: by }), s, row.verdicts, {}, gf);
  if (gated.refused.length) {
    throw new InvalidPayloadError(
      `suggestion ${id} cannot be written as it is: ${describeProblems(gated.refused).join('; ')}`,
      { status: 409 },
    );
  }
  await deps.store.tx(async (r, tx) => {
    await claimHeld(r, id);
    if (s !== row.payload) await r.suggestions.updatePayload(id, s);
    await r.suggestions.setStatus(id, 'allowed');
    await enqueueGated(deps, r, tx, row.connection_id, id, gated.writes, null);
  });
  deps.metrics.suggestions.inc({ status: 'approved', type: row.type });
  deps.logger.info({ tenantId, suggestionId: id, by }, 'suggestion approved in review');
  return toItem({ ...row, status: 'allowed' });
}

const money = (n: number | null | undefined) => (n === null || n === undefined ? 'none' : n.toLocaleString('en-US'));

/**
 * Why a held suggestion no longer says what it should, in one line for the approver; null while the deal is as it was
 * when it was held. `withdraw`: the situation itself is over (the deal closed or deleted, the recipient gone), so the
 * suggestion is withdrawn for good reason; otherwise the deal changed and is analysed again.
 */
async function staleSinceHeld(
  deps: ReviewDeps,
  row: SuggestionRow,
  now: { deal: Deal | null; company: Company | null; activities: Activity[] },
  at: number,
): Promise<{ reason: string; withdraw: boolean } | null> {
  const s = row.payload;
  const { deal } = now;
  if (s.dealId && !deal) return { reason: 'The deal was deleted in the CRM.', withdraw: true };
  if (s.companyId && !s.dealId && (!now.company || now.company.archived))
    return { reason: 'The company was deleted in the CRM.', withdraw: true };
  const ids = [...new Set([...s.contactIds, ...(s.draft?.toContactIds ?? [])])];
  const contacts = await deps.store.records.getMany<Contact>(row.connection_id, 'contact', ids);
  const over = resolutionOf(row, { deal, activities: now.activities, contacts, stageLabel: null, now: at }, true);
  if (over) return { reason: over.reason, withdraw: true };
  const changes: string[] = [];
  const to = s.draft?.toContactIds[0];
  const recipient = to ? contacts.find((c) => c.externalId === to) : undefined;
  const blocked = recipient ? emailBlockedBy(recipient, now.activities) : null;
  if (recipient && blocked)
    changes.push(
      `${contactName(recipient.firstName, recipient.lastName) ?? 'the recipient'} may no longer be emailed (${
        blocked === 'bounced' ? 'the address bounced' : 'unsubscribed or asked not to be emailed'
      })`,
    );
  // The deal as the rules saw it when they held the suggestion (absent for rows stored without their context).
  const then = ((row as { context?: { deal?: Partial<Deal> | null } | null }).context?.deal ??
    null) as Partial<Deal> | null;
  if (deal) {
    const ownerThen = then?.ownerId !== undefined ? then.ownerId : s.ownerId;
    if ((deal.ownerId ?? null) !== (ownerThen ?? null) || (s.ownerId && deal.ownerId !== s.ownerId))
      changes.push('the deal was assigned to another rep');
    if (then) {
      if ((then.providerStage ?? null) !== (deal.providerStage ?? null))
        changes.push('the deal moved to another stage');
      if ((then.amount ?? null) !== (deal.amount ?? null))
        changes.push(`the amount changed (${money(then.amount)} to ${money(deal.amount)})`);
      if ((then.closeDate ?? null) !== (deal.closeDate ?? null)) changes.push('the close date changed');
    }
  }
  // Anything logged on the deal since it was held that the text does not know about: the customer wrote again, the
  // rep called or met them, a task or note was added. Mail no person wrote (auto-replies, bounces) is no news.
  const heldAt = new Date(row.created_at).getTime();
  const known = new Set(s.evidence.map((e) => e.externalId));
  const news = now.activities
    .filter(
      (a) =>
        !a.archived &&
        !known.has(a.externalId) &&
        Date.parse(a.createdAt ?? a.occurredAt) > heldAt &&
        (a.kind !== 'email' || isCustomerTouch(a)),
    )
    .sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
  const wrote = news.find((a) => a.kind === 'email' && a.direction === 'inbound');
  if (wrote) changes.push(`the customer wrote again (${humanDate(wrote.occurredAt)})`);
  const other = news.find((a) => a !== wrote && !(a.kind === 'email' && a.direction === 'inbound'));
  if (other) changes.push(`${/^[aeiou]/.test(other.kind) ? 'an' : 'a'} ${other.kind} was logged on the deal`);
  if (!changes.length) return null;
  const list = changes.length === 1 ? changes[0]! : `${changes.slice(0, -1).join(', ')} and ${changes.at(-1)!}`;
  return { reason: `since it was held for review, ${list}.`, withdraw: false };
}

/** A reviewer turns a held suggestion down: it is closed (never written) and recorded as feedback. */
export async function dismissSuggestion(
  deps: ReviewDeps,
  tenantId: string,
  id: string,
  reason: string | null = null,
  by: string | null = null,
): Promise<ReviewItem> {
  // What a reviewer types (the console's form, the API, the CLI): text, never what the database refuses (U+0000, an
  // unpaired surrogate: src/lib/storable.ts) or another control character (tab and line breaks are text).
  // eslint-disable-next-line no-control-regex -- the point is to find them
  if (reason && (hasUnstorableChars(reason) || /[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(reason)))
    throw new InvalidPayloadError('reason: control characters and unpaired surrogates are not allowed', {
      where: 'dismiss',
    });
  const row = await heldRow(deps.store, tenantId, id);
  const why = reason?.trim() || 'dismissed in review';
  await deps.store.tx(async (r) => {
    await claimHeld(r, id);
    if (!(await r.suggestions.close(id, 'dismissed', why))) await r.suggestions.setStatus(id, 'dismissed');
    await r.feedback.record({
      suggestionId: id,
      tenantId,
      connectionId: row.connection_id,
      outboxId: null,
      target: `review:${id}`,
      outcome: 'review_dismissed',
      editDistance: null,
      detail: { reason: why, by },
      occurredAt: new Date(deps.now()),
    });
  });
  deps.metrics.suggestions.inc({ status: 'dismissed', type: row.type });
  deps.logger.info({ tenantId, suggestionId: id, by }, 'suggestion dismissed in review');
  return toItem({ ...row, status: 'dismissed', closed_reason: why });
}
