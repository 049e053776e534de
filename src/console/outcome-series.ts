import { buildReport } from '../feedback/report.js';
import type { ModelHistoryRow, ReportRow } from '../store/index.js';

/** The Outcomes page's time series, per UTC week (Monday first). Pure: rows in, series out. */

const DAY_MS = 86_400_000;

export interface Series {
  name: string;
  values: (number | null)[];
}

/** Monday (UTC) of the week holding `t`, as YYYY-MM-DD. */
export function weekOf(t: Date | string | number): string {
  const d = new Date(t);
  const day = d.getUTCDay();
  const monday = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - ((day + 6) % 7) * DAY_MS;
  return new Date(monday).toISOString().slice(0, 10);
}

/** The last `n` weeks up to the one holding `now`, oldest first. */
export function lastWeeks(now: number, n: number): string[] {
  const current = Date.parse(weekOf(now));
  return Array.from({ length: n }, (_, i) => new Date(current - (n - 1 - i) * 7 * DAY_MS).toISOString().slice(0, 10));
}

/**
 * Acceptance (acted on / decided, as in src/feedback/report.ts) per week of the suggestion's creation, one series per
 * suggestion kind or rep: the `top` groups with the most suggestions, the rest left out. Null where nothing was
 * decided.
 */
export function acceptanceOverTime(
  rows: readonly ReportRow[],
  weeks: readonly string[],
  by: 'type' | 'rep',
  top = 8,
): { series: Series[]; decided: Record<string, number[]> } {
  const buckets = new Map<string, ReportRow[]>();
  for (const r of rows) {
    const w = weekOf(r.created_at);
    if (!weeks.includes(w)) continue;
    (buckets.get(w) ?? buckets.set(w, []).get(w)!).push(r);
  }
  const volume = new Map<string, number>();
  for (const r of rows) {
    const k = by === 'type' ? r.type : (r.owner_id ?? 'unassigned');
    volume.set(k, (volume.get(k) ?? 0) + 1);
  }
  const names = [...volume.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, top)
    .map(([k]) => k);
  const reports = weeks.map((w) => buildReport(buckets.get(w) ?? [], w));
  const decided: Record<string, number[]> = {};
  const series = names.map((name) => {
    decided[name] = reports.map((rep) => {
      const g = (by === 'type' ? rep.byType : rep.byRep)[name];
      return g ? g.accepted + g.ignored : 0;
    });
    return {
      name,
      values: reports.map((rep) => (by === 'type' ? rep.byType : rep.byRep)[name]?.acceptanceRate ?? null),
    };
  });
  return { series, decided };
}

/** Daily counts by key (outcome or status) summed into weeks: one series per key, zero where none. */
export function weeklyCounts(
  byDay: Record<string, Record<string, number>>,
  weeks: readonly string[],
  keys: readonly string[],
): Series[] {
  const index = new Map(weeks.map((w, i) => [w, i]));
  const out = keys.map((k) => ({ name: k, values: weeks.map(() => 0 as number | null) }));
  for (const [day, counts] of Object.entries(byDay)) {
    const i = index.get(weekOf(day));
    if (i === undefined) continue;
    keys.forEach((k, j) => {
      out[j]!.values[i] = (out[j]!.values[i] ?? 0) + (counts[k] ?? 0);
    });
  }
  return out;
}

/** What the rep did with tasks and drafts, and what reviewers and card users said: the keys of each chart. */
export const OUTCOME_GROUPS = {
  tasks: ['task_completed', 'task_deleted', 'task_overdue'],
  drafts: ['draft_sent', 'draft_sent_edited', 'draft_discarded'],
  said: ['card_useful', 'card_done', 'card_not_useful', 'review_dismissed'],
} as const;

export const OUTCOME_LABELS: Record<string, string> = {
  task_completed: 'completed',
  task_deleted: 'deleted',
  task_overdue: 'overdue',
  draft_sent: 'sent unchanged',
  draft_sent_edited: 'sent edited',
  draft_discarded: 'discarded',
  card_useful: 'useful (card)',
  card_done: 'done (card)',
  card_not_useful: 'not useful (card)',
  review_dismissed: 'dismissed in review',
};

export interface TrainingPoint {
  trainedAt: Date;
  modelName: string | null;
  rows: number;
  positives: number | null;
  auc: number | null;
  /** Expected calibration error and Brier score on the validation slice (src/inference/models/scoring-model.ts). */
  ece: number | null;
  brier: number | null;
  calibrationRows: number | null;
  /** Why nothing was stored, or why this model was chosen. */
  note: string | null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The retrainings of each model kind, oldest first, with AUC and calibration read from the stored metrics. */
export function modelQuality(history: readonly ModelHistoryRow[]): Record<string, TrainingPoint[]> {
  const out: Record<string, TrainingPoint[]> = {};
  for (const h of history) {
    if (!h.trained_at) continue;
    const m = (h.metrics ?? {}) as Record<string, unknown>;
    const cal = (m.calibration && typeof m.calibration === 'object' ? m.calibration : {}) as Record<string, unknown>;
    (out[h.kind] ??= []).push({
      trainedAt: new Date(h.trained_at),
      modelName: h.model_name,
      rows: h.rows,
      positives: num(h.positives),
      auc: num(h.validation_auc),
      ece: num(cal.ece),
      brier: num(cal.brier),
      calibrationRows: num(cal.rows),
      note: typeof m.reason === 'string' ? m.reason : null,
    });
  }
  for (const k of Object.keys(out)) out[k]!.sort((a, b) => a.trainedAt.getTime() - b.trainedAt.getTime());
  return out;
}
