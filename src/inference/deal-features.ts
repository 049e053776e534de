import type { Activity, Deal } from '../core/canonical.js';
import type { ColdStartFeatures } from './models/cold-start.js';
import type { Table } from './models/table.js';
import { extractSignals, SIGNAL_TYPES, type SignalType } from './signals/index.js';
import { signalText } from './signals/email-text.js';
import { isAutomatedMessage } from './automated-mail.js';

/**
 * The deal-scoring features, computed the same way for training (closed deals, as of their close) and for
 * scoring (open deals, as of now): deal fields, activity counts and recency, and the signals in the text.
 * Only activities up to `asOf` count, so a closed deal's features never see what happened after it closed.
 * The stage is not a feature: on a closed deal it IS the outcome.
 */
export interface DealFeatures {
  amount: number | null;
  daysOpen: number | null;
  emails: number;
  calls: number;
  meetings: number;
  notes: number;
  inboundReplies: number;
  inboundReplies30d: number;
  daysSinceLastActivity: number | null;
  contactCount: number;
  signals: SignalType[];
}

const DAY = 86_400_000;
const TOUCH = new Set(['email', 'call', 'meeting', 'note']);

/**
 * A draft we (or the rep) have not sent is not an interaction with the customer, and neither is mail no person wrote
 * (an out-of-office reply, a bounce, a newsletter, a calendar notification: src/inference/automated-mail.ts).
 */
export const isCustomerTouch = (a: Activity): boolean =>
  TOUCH.has(a.kind) && !(a.kind === 'email' && (a.status ?? '').toUpperCase() === 'DRAFT') && !isAutomatedMessage(a);

export function dealFeatures(deal: Deal, activities: readonly Activity[], asOf: number): DealFeatures {
  const touches = activities.filter((a) => isCustomerTouch(a) && !a.archived && Date.parse(a.occurredAt) <= asOf);
  const count = (k: string) => touches.filter((a) => a.kind === k).length;
  const inbound = touches.filter((a) => a.direction === 'inbound');
  const last = touches.reduce((m, a) => Math.max(m, Date.parse(a.occurredAt)), -Infinity);
  const created = deal.createdAt ? Date.parse(deal.createdAt) : null;
  const signals = new Set<SignalType>();
  for (const a of touches) for (const s of extractSignals(signalText(a))) signals.add(s.type);
  return {
    amount: deal.amount,
    daysOpen: created === null ? null : Math.max(0, Math.floor((asOf - created) / DAY)),
    emails: count('email'),
    calls: count('call'),
    meetings: count('meeting'),
    notes: count('note'),
    inboundReplies: inbound.length,
    inboundReplies30d: inbound.filter((a) => asOf - Date.parse(a.occurredAt) <= 30 * DAY).length,
    daysSinceLastActivity: Number.isFinite(last)
      ? Math.floor((asOf - last) / DAY)
      : created === null
        ? null
        : Math.floor((asOf - created) / DAY),
    contactCount: deal.associations.contacts.length,
    signals: [...signals].sort(),
  };
}

/** Column names of the scoring table; `outcome` is the target, `closed_at` orders rows in time (a date column). */
export const DEAL_TARGET = 'outcome';
export const DEAL_POSITIVE = 'won';

export function featureRecord(f: DealFeatures): Record<string, string | number | null> {
  const rec: Record<string, string | number | null> = {
    amount: f.amount,
    days_open: f.daysOpen,
    emails: f.emails,
    calls: f.calls,
    meetings: f.meetings,
    notes: f.notes,
    inbound_replies: f.inboundReplies,
    inbound_replies_30d: f.inboundReplies30d,
    days_since_last_activity: f.daysSinceLastActivity,
    contacts: f.contactCount,
  };
  for (const t of SIGNAL_TYPES) rec[`signal_${t}`] = f.signals.includes(t) ? 1 : 0;
  return rec;
}

/** When a closed deal closed (its close date, else its last update). */
export const closedAt = (d: Deal): number => Date.parse(d.closeDate ?? d.updatedAt);

/** The training table: one row per closed deal, features as of its close. */
export function dealTrainingTable(deals: readonly Deal[], activities: readonly Activity[]): Table {
  const byDeal = new Map<string, Activity[]>();
  for (const a of activities)
    for (const d of a.associations.deals) (byDeal.get(d) ?? byDeal.set(d, []).get(d)!).push(a);
  const closed = deals.filter((d) => d.isClosed).sort((a, b) => closedAt(a) - closedAt(b));
  let columns: string[] = [];
  const rows: string[][] = [];
  for (const d of closed) {
    const at = closedAt(d);
    const rec: Record<string, string | number | null> = {
      ...featureRecord(dealFeatures(d, byDeal.get(d.externalId) ?? [], at)),
      closed_at: new Date(at).toISOString(),
      [DEAL_TARGET]: d.isWon ? DEAL_POSITIVE : 'lost',
    };
    if (columns.length === 0) columns = Object.keys(rec);
    rows.push(columns.map((c) => (rec[c] === null || rec[c] === undefined ? '' : String(rec[c]))));
  }
  return { columns, rows };
}

/** The cold-start rules' view of the same deal. */
export function coldStartFeatures(deal: Deal, f: DealFeatures, asOf: number): ColdStartFeatures {
  return {
    stage: deal.stage,
    daysSinceLastActivity: f.daysSinceLastActivity,
    inboundRepliesLast30Days: f.inboundReplies30d,
    daysToCloseDate: deal.closeDate ? Math.floor((Date.parse(deal.closeDate) - asOf) / DAY) : null,
    contactCount: f.contactCount,
    signals: f.signals,
  };
}
