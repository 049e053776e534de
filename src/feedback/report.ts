import type { ReportRow } from '../store/index.js';
import { UNCHANGED_MAX_DISTANCE } from './edit-distance.js';
import { verdictOf, type Outcome } from './outcomes.js';

export interface AcceptanceGroup {
  /** Suggestions judged in the window, by status (written, review, blocked, suppressed...). */
  suggested: number;
  byStatus: Record<string, number>;
  written: number;
  accepted: number;
  ignored: number;
  /** Written, nothing recorded yet. */
  pending: number;
  /** accepted / (accepted + ignored); null until something was decided. */
  acceptanceRate: number | null;
  outcomes: Partial<Record<Outcome, number>>;
  draftsSentUnchanged: number;
  draftsSentEdited: number;
  /** Mean normalized edit distance of the drafts sent (0 = unchanged). */
  meanEditDistance: number | null;
  dealsWonAfter: number;
  dealsLostAfter: number;
}

export interface RuleGroup extends AcceptanceGroup {
  /** Times the rule fired on a suggestion's final version. */
  fired: number;
  /** Times it fired on a first draft that was then repaired. */
  firedOnFirstDraft: number;
}

export interface FeedbackReport {
  since: string;
  total: AcceptanceGroup;
  byType: Record<string, AcceptanceGroup>;
  byRep: Record<string, AcceptanceGroup>;
  /** Per rule: how often it fired, and the acceptance of the written suggestions it let through. */
  byRule: Record<string, RuleGroup>;
}

const empty = (): AcceptanceGroup => ({
  suggested: 0,
  byStatus: {},
  written: 0,
  accepted: 0,
  ignored: 0,
  pending: 0,
  acceptanceRate: null,
  outcomes: {},
  draftsSentUnchanged: 0,
  draftsSentEdited: 0,
  meanEditDistance: null,
  dealsWonAfter: 0,
  dealsLostAfter: 0,
});

interface Acc {
  g: AcceptanceGroup;
  distances: number[];
}

function add(acc: Acc, row: ReportRow): void {
  const g = acc.g;
  g.suggested++;
  g.byStatus[row.status] = (g.byStatus[row.status] ?? 0) + 1;
  const outcomes = row.outcomes as Outcome[];
  const written = row.status === 'written' || outcomes.length > 0;
  if (!written) return;
  g.written++;
  const v = verdictOf(outcomes);
  if (v === 'accepted') g.accepted++;
  else if (v === 'ignored') g.ignored++;
  else g.pending++;
  for (const o of outcomes) g.outcomes[o] = (g.outcomes[o] ?? 0) + 1;
  for (const d of row.edit_distances) {
    acc.distances.push(d);
    if (d <= UNCHANGED_MAX_DISTANCE) g.draftsSentUnchanged++;
    else g.draftsSentEdited++;
  }
  if (outcomes.includes('deal_won')) g.dealsWonAfter++;
  if (outcomes.includes('deal_lost')) g.dealsLostAfter++;
}

function finish<T extends AcceptanceGroup>(acc: { g: T; distances: number[] }): T {
  const { g, distances } = acc;
  g.acceptanceRate =
    g.accepted + g.ignored === 0 ? null : Math.round((g.accepted / (g.accepted + g.ignored)) * 1000) / 1000;
  g.meanEditDistance =
    distances.length === 0 ? null : Math.round((distances.reduce((s, d) => s + d, 0) / distances.length) * 1000) / 1000;
  return g;
}

/** Acceptance rates per suggestion type, per rep and per rule, from the stored suggestions and their outcomes. Pure. */
/**
 * The acceptance report for suggestions created since `since` (ISO), from a reader of report rows: the store's
 * (`closeloop feedback report`, optionally one tenant) or the caller's tenant-scoped reads (GET /admin/feedback).
 */
export async function feedbackReport(
  rowsSince: (since: Date) => Promise<readonly ReportRow[]>,
  since: string,
): Promise<FeedbackReport> {
  return buildReport(await rowsSince(new Date(since)), since);
}

export function buildReport(rows: readonly ReportRow[], since: string): FeedbackReport {
  const total: Acc = { g: empty(), distances: [] };
  const byType = new Map<string, Acc>();
  const byRep = new Map<string, Acc>();
  const byRule = new Map<string, { g: RuleGroup; distances: number[] }>();
  const group = <A>(m: Map<string, A>, k: string, make: () => A): A => m.get(k) ?? m.set(k, make()).get(k)!;
  for (const row of rows) {
    add(total, row);
    add(
      group(byType, row.type, () => ({ g: empty(), distances: [] })),
      row,
    );
    add(
      group(byRep, row.owner_id ?? '(no owner)', () => ({ g: empty(), distances: [] })),
      row,
    );
    const firstFailed = new Set<string>(((row.repair?.firstFailed ?? []) as { rule: string }[]).map((v) => v.rule));
    for (const v of row.verdicts ?? []) {
      const r = group(byRule, v.rule, () => ({ g: { ...empty(), fired: 0, firedOnFirstDraft: 0 }, distances: [] }));
      if (!v.passed) r.g.fired++;
      if (firstFailed.has(v.rule)) r.g.firedOnFirstDraft++;
      // Acceptance per rule: among the suggestions this rule let through.
      if (v.passed) add(r, row);
    }
  }
  const out = <A extends { g: AcceptanceGroup; distances: number[] }>(m: Map<string, A>) =>
    Object.fromEntries(
      [...m.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, a]) => [k, finish(a)]),
    ) as Record<string, A['g']>;
  return { since, total: finish(total), byType: out(byType), byRep: out(byRep), byRule: out(byRule) };
}
