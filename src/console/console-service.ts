import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ObjectKind } from '../core/canonical.js';
import { InvalidPayloadError } from '../core/errors.js';
import type { Connector } from '../core/connector.js';
import { UNCHANGED_MAX_DISTANCE } from '../feedback/edit-distance.js';
import { buildReport, type FeedbackReport } from '../feedback/report.js';
import { runCaseFile } from '../guardrails/case-table.js';
import { createGuardrails } from '../guardrails/guardrails.js';
import { checkRuleSources, readRuleDir, type RuleProblem } from '../guardrails/load-rules.js';
import { replaySuggestions, type ReplaySummary } from '../guardrails/replay.js';
import { silentLogger } from '../lib/logger.js';
import type {
  CompletenessReport,
  ConnectionRow,
  ConsoleReads,
  FeedFilter,
  FeedSuggestionRow,
  Store,
  TenantReads,
} from '../store/index.js';
import { setupIssuesOf } from '../store/index.js';
import { suggestionSource } from '../store/suggestion-source.js';
import {
  acceptanceOverTime,
  lastWeeks,
  modelQuality,
  OUTCOME_GROUPS,
  weeklyCounts,
  type Series,
  type TrainingPoint,
} from './outcome-series.js';

/** What the admin console shows; src/http/admin renders it. Every read goes through the request's tenant scope. */

export interface KindProgress {
  kind: ObjectKind;
  records: number;
  state: 'done' | 'syncing' | 'waiting';
  /**
   * What the completeness check last counted in the CRM, records it repaired, and the difference left (null: not
   * checked).
   */
  crm: number | null;
  repaired: number;
  difference: number | null;
}
export interface ConnectionView {
  id: string;
  provider: string;
  accountId: string;
  displayName: string | null;
  status: ConnectionRow['status'];
  statusReason: string | null;
  pausedUntil: Date | null;
  backfillDoneAt: Date | null;
  lastSyncAt: Date | null;
  lastChangeAt: Date | null;
  syncLagSeconds: number | null;
  lastEventAt: Date | null;
  pendingEvents: number;
  deadBatches: number;
  parkedWrites: number;
  failedWrites: number;
  kinds: KindProgress[];
  /**
   * Webhook events quarantined because they failed validation (dead letters of the intake), and the latest one's time.
   */
  quarantinedEvents: number;
  lastQuarantinedAt: Date | null;
  /** Share of the object kinds whose backfill is done (0..1). */
  backfillShare: number;
  needsReconnect: boolean;
  /** The CRM request budget closeloop paces against, per limit lane (burst, search, daily...). */
  rateLimits: RateLaneView[];
  /** The install check: one sentence per problem (empty: ready; null: not checked or no check for this CRM). */
  setupIssues: string[] | null;
  /** Of which refused at write time (an org validation rule): the admin can mark them fixed. */
  writeIssues: string[];
  /** Non-blocking: fields hidden from the integration user. */
  setupWarnings: string[];
  setupCheckedAt: Date | null;
  /** When the backfill completeness check last ran, and the records still differing from the CRM after its repair. */
  completenessCheckedAt: Date | null;
  completenessDifference: number | null;
}

export interface RateLaneView {
  lane: string;
  usedShare: number;
  capacity: number;
  calls: number;
  throttled: number;
  dailyRemaining: number | null;
  blockedUntil: Date | null;
}

/**
 * A lane's use now (src/store/rate-buckets.ts): the calls sent or reserved inside its sliding window, against its
 * capacity. Lanes written before the window existed (window_ms 0) are read as a token bucket refilled since its
 * last update.
 */
export function laneUsage(
  b: {
    bucket_key: string;
    capacity: number;
    refill_per_ms: number;
    tokens: number;
    updated_ms: number;
    blocked_until_ms: number;
    daily_remaining: number | null;
    calls: number;
    throttled: number;
    window_ms?: number;
    in_window?: number;
  },
  now: number,
): RateLaneView {
  const capacity = Number(b.capacity);
  let used: number;
  if (Number(b.window_ms ?? 0) > 0) used = Number(b.in_window ?? 0) / capacity;
  else
    used =
      1 -
      Math.min(capacity, Number(b.tokens) + Math.max(0, now - Number(b.updated_ms)) * Number(b.refill_per_ms)) /
        capacity;
  return {
    lane: b.bucket_key.split(':').pop() ?? b.bucket_key,
    capacity,
    usedShare: capacity > 0 ? Math.max(0, Math.min(1, used)) : 0,
    calls: Number(b.calls),
    throttled: Number(b.throttled),
    dailyRemaining: b.daily_remaining === null ? null : Number(b.daily_remaining),
    blockedUntil: Number(b.blocked_until_ms) > now ? new Date(Number(b.blocked_until_ms)) : null,
  };
}

/**
 * Backfill goes kind by kind in the connector's order (src/sync/sync-connection.ts) with a checkpoint per kind: the
 * kind whose checkpoint moved last is the one syncing, those before it are done, those after it wait. The CRM
 * totals are not known in advance, so progress is counted in kinds, with the records held so far.
 */
export function backfillProgress(
  kinds: readonly ObjectKind[],
  counts: Record<string, number>,
  streams: { stream: string; updated_at: Date }[],
  backfillDone: boolean,
  completeness: CompletenessReport | null = null,
): KindProgress[] {
  const checked = (k: ObjectKind) => {
    const c = completeness?.kinds[k];
    return c
      ? { crm: c.crm, repaired: c.repaired, difference: c.difference }
      : { crm: null, repaired: 0, difference: null };
  };
  if (backfillDone) return kinds.map((k) => ({ kind: k, records: counts[k] ?? 0, state: 'done', ...checked(k) }));
  const latest = [...streams].sort((a, b) => new Date(b.updated_at).getTime() - new Date(a.updated_at).getTime())[0];
  const current = latest ? kinds.indexOf(latest.stream.replace(/^objects:/, '') as ObjectKind) : 0;
  return kinds.map((k, i) => ({
    kind: k,
    records: counts[k] ?? 0,
    state: i < current ? 'done' : i === current ? 'syncing' : 'waiting',
    ...checked(k),
  }));
}

/**
 * As closeloop_sync_lag_seconds (src/store/sync-marks.ts): since the newer of the last poll and the last change
 * applied.
 */
export function syncLagSeconds(lastSyncAt: Date | null, lastChangeAt: Date | null, now: number): number | null {
  const t = Math.max(
    lastSyncAt ? new Date(lastSyncAt).getTime() : -Infinity,
    lastChangeAt ? new Date(lastChangeAt).getTime() : -Infinity,
  );
  return Number.isFinite(t) ? Math.max(0, Math.round((now - t) / 1000)) : null;
}

export async function connectionViews(
  reads: TenantReads,
  cr: ConsoleReads,
  connectorFor: (p: string) => Connector,
  now: number,
): Promise<ConnectionView[]> {
  const [conns, counts, streams, activity, quarantine] = await Promise.all([
    reads.connections(),
    cr.recordCountsByConnection(),
    cr.syncStreams(),
    cr.activity(),
    cr.quarantineCounts(),
  ]);
  const prefixOf = (c: ConnectionRow) => `${c.provider}:${c.account_id}:`;
  const buckets = await cr.rateBuckets(conns.map(prefixOf), now);
  return conns.map((c) => {
    const kinds = (() => {
      try {
        return connectorFor(c.provider).manifest.objectKinds;
      } catch {
        return [] as ObjectKind[];
      }
    })();
    const byKind = Object.fromEntries(counts.filter((x) => x.connection_id === c.id).map((x) => [x.kind, Number(x.n)]));
    const progress = backfillProgress(
      kinds,
      byKind,
      streams.filter((s) => s.connection_id === c.id),
      c.backfill_done_at !== null,
      c.completeness ?? null,
    );
    const a = activity.find((x) => x.connection_id === c.id);
    return {
      id: c.id,
      provider: c.provider,
      accountId: c.account_id,
      displayName: c.display_name,
      status: c.status,
      statusReason: c.status_reason,
      pausedUntil: c.paused_until,
      backfillDoneAt: c.backfill_done_at,
      lastSyncAt: c.last_sync_at,
      lastChangeAt: a?.last_change_at ?? null,
      syncLagSeconds: syncLagSeconds(c.last_sync_at, a?.last_change_at ?? null, now),
      lastEventAt: a?.last_event_at ?? null,
      pendingEvents: Number(a?.pending_events ?? 0),
      deadBatches: Number(a?.dead_batches ?? 0),
      parkedWrites: Number(a?.parked_writes ?? 0),
      failedWrites: Number(a?.failed_writes ?? 0),
      kinds: progress,
      quarantinedEvents: Number(quarantine.find((q) => q.connection_id === c.id)?.n ?? 0),
      lastQuarantinedAt: quarantine.find((q) => q.connection_id === c.id)?.last_at ?? null,
      backfillShare: progress.length === 0 ? 0 : progress.filter((p) => p.state === 'done').length / progress.length,
      needsReconnect: c.status === 'needs_reconnect' || c.status === 'failed',
      rateLimits: buckets.filter((b) => b.bucket_key.startsWith(prefixOf(c))).map((b) => laneUsage(b, now)),
      setupIssues: setupIssuesOf(c),
      writeIssues: c.write_issues ?? [],
      setupWarnings: c.setup_warnings ?? [],
      setupCheckedAt: c.setup_checked_at ?? null,
      completenessCheckedAt: c.completeness ? new Date(c.completeness.checkedAt) : null,
      completenessDifference: c.completeness?.difference ?? null,
    };
  });
}

export async function suggestionFeed(cr: ConsoleReads, f: FeedFilter): Promise<FeedSuggestionRow[]> {
  return cr.feed({ ...f, limit: Math.min(Math.max(1, f.limit), 200) });
}

export interface OutcomesView {
  since: string;
  weeks: string[];
  /** Per week: acceptance (0..1, null when nothing was decided) by suggestion kind and by rep. */
  acceptanceByKind: Series[];
  acceptanceByRep: Series[];
  /** Per week: tasks completed / deleted / overdue, drafts sent unchanged / edited / discarded, what people said. */
  tasks: Series[];
  drafts: Series[];
  said: Series[];
  /** Per week: suggestions made, by status. */
  statuses: Series[];
  /** Every outcome recorded in the window, by kind. */
  totals: Record<string, number>;
  report: FeedbackReport;
  /** Each model kind's retrainings in the window (quality across retrainings), and the model in service now. */
  trainings: Record<string, TrainingPoint[]>;
  models: {
    kind: string;
    modelName: string | null;
    rows: number;
    auc: number | null;
    calibration: TrainingPoint | null;
    trainedAt: Date | null;
  }[];
}

export const OUTCOME_WEEKS = [4, 12, 26, 52] as const;

export async function outcomesView(
  reads: TenantReads,
  cr: ConsoleReads,
  now: number,
  weeks = 12,
): Promise<OutcomesView> {
  const weekList = lastWeeks(now, weeks);
  const since = new Date(weekList[0]!);
  const [outcomes, statuses, rows, models, history] = await Promise.all([
    cr.outcomesByDay(since, UNCHANGED_MAX_DISTANCE),
    cr.suggestionsByDay(since),
    reads.feedbackRows(since),
    cr.models(),
    cr.modelHistory(since),
  ]);
  const byDay: Record<string, Record<string, number>> = {};
  const totals: Record<string, number> = {};
  for (const o of outcomes) {
    const d = (byDay[o.day] ??= {});
    d[o.outcome] = (d[o.outcome] ?? 0) + Number(o.n);
    totals[o.outcome] = (totals[o.outcome] ?? 0) + Number(o.n);
  }
  const statusByDay: Record<string, Record<string, number>> = {};
  for (const s of statuses) {
    const d = (statusByDay[s.day] ??= {});
    d[s.status] = (d[s.status] ?? 0) + Number(s.n);
  }
  const statusKeys = [...new Set(statuses.map((s) => s.status))].sort();
  const trainings = modelQuality(history);
  return {
    since: since.toISOString(),
    weeks: weekList,
    acceptanceByKind: acceptanceOverTime(rows, weekList, 'type').series,
    acceptanceByRep: acceptanceOverTime(rows, weekList, 'rep').series,
    tasks: weeklyCounts(byDay, weekList, OUTCOME_GROUPS.tasks),
    drafts: weeklyCounts(byDay, weekList, OUTCOME_GROUPS.drafts),
    said: weeklyCounts(byDay, weekList, OUTCOME_GROUPS.said),
    statuses: weeklyCounts(statusByDay, weekList, statusKeys),
    totals,
    report: buildReport(rows, since.toISOString()),
    trainings,
    models: models.map((m) => {
      const current = modelQuality([m])[m.kind]?.[0] ?? null;
      return {
        kind: m.kind,
        modelName: m.model_name,
        rows: m.rows,
        auc: m.validation_auc,
        calibration: current,
        trainedAt: m.trained_at,
      };
    }),
  };
}

export interface RuleFileView {
  file: string;
  text: string;
  rules: number;
  problems: RuleProblem[];
}

/** The deployment's rule files with their lint state (the same checks the service runs before loading an edit). */
export async function ruleFiles(rulesDir: string): Promise<{ files: RuleFileView[]; problems: RuleProblem[] }> {
  const read = await readRuleDir(rulesDir);
  const checked = checkRuleSources(read.sources);
  const all = [...read.problems, ...checked.problems];
  const files = read.sources.map((s) => {
    const name = path.basename(s.path);
    return {
      file: name,
      text: s.text,
      rules: checked.rules.filter((r) => path.basename(r.file ?? '') === name).length,
      problems: all.filter((p) => path.basename(p.file) === name),
    };
  });
  return { files, problems: all };
}

const FILE_NAME = /^[A-Za-z0-9_.-]{1,100}\.json$/;

/** The rule files with one of them replaced by a draft (nothing is written to the rules folder). */
async function withDraft(rulesDir: string, file: string, text: string) {
  if (!FILE_NAME.test(file)) throw new InvalidPayloadError('file: a rule file name like limits.json');
  if (text.length > 512 * 1024) throw new InvalidPayloadError('text: rule files are at most 512 KB');
  const read = await readRuleDir(rulesDir);
  const sources = read.sources
    .filter((s) => path.basename(s.path) !== file)
    .concat([{ path: path.join(rulesDir, file), text }]);
  return { sources, readProblems: read.problems };
}

/** Lint a draft of one rule file together with the others: every problem as file:line:column. */
export async function lintDraft(
  rulesDir: string,
  file: string,
  text: string,
): Promise<{ problems: RuleProblem[]; ruleCount: number }> {
  const { sources, readProblems } = await withDraft(rulesDir, file, text);
  const checked = checkRuleSources(sources);
  const problems = [...readProblems, ...checked.problems].map((p) => ({ ...p, file: path.basename(p.file) }));
  return { problems, ruleCount: checked.rules.length };
}

/** What the rules with this draft would have done to the tenant's suggestions of the last `days` days. */
export async function replayDraft(
  store: Store,
  tenantId: string | null,
  rulesDir: string,
  file: string,
  text: string,
  now: number,
  days = 7,
): Promise<ReplaySummary | { problems: RuleProblem[]; ruleCount: number }> {
  const lint = await lintDraft(rulesDir, file, text);
  if (lint.problems.length > 0) return lint;
  const { sources } = await withDraft(rulesDir, file, text);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'closeloop-replay-'));
  try {
    for (const s of sources) await writeFile(path.join(dir, path.basename(s.path)), s.text);
    const guardrails = await createGuardrails({ dir, logger: silentLogger() });
    return await replaySuggestions(
      guardrails,
      suggestionSource(store.db, { tenantId }),
      new Date(now - days * 86_400_000).toISOString(),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface CaseFileView {
  file: string;
  error: string | null;
  total: number;
  passed: number;
  failures: { name: string; problems: string[] }[];
}

/** Run every case table (*.cases.json) in `casesDir` against the rules in `rulesDir`. */
async function runCases(rulesDir: string, casesDir: string): Promise<CaseFileView[]> {
  const guardrails = await createGuardrails({ dir: rulesDir, logger: silentLogger() });
  let names: string[];
  try {
    names = (await readdir(casesDir)).filter((f) => f.endsWith('.cases.json')).sort();
  } catch (e) {
    return [
      {
        file: casesDir,
        error: `cannot read the case tables folder (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
        total: 0,
        passed: 0,
        failures: [],
      },
    ];
  }
  const out: CaseFileView[] = [];
  for (const name of names) {
    const r = await runCaseFile(guardrails, path.join(casesDir, name));
    out.push({
      file: name,
      error: r.error,
      total: r.cases.length,
      passed: r.cases.filter((c) => c.passed).length,
      failures: r.cases.filter((c) => !c.passed).map((c) => ({ name: c.name, problems: c.problems })),
    });
  }
  return out;
}

/** The case tables against the deployment's current rules (the rules page). */
export async function ruleCases(rulesDir: string, casesDir: string): Promise<CaseFileView[]> {
  return runCases(rulesDir, casesDir);
}

/** The case tables against the rules with this draft (nothing saved); lint problems stop it. */
export async function casesForDraft(
  rulesDir: string,
  casesDir: string,
  file: string,
  text: string,
): Promise<{ cases: CaseFileView[] } | { problems: RuleProblem[]; ruleCount: number }> {
  const lint = await lintDraft(rulesDir, file, text);
  if (lint.problems.length > 0) return lint;
  const { sources } = await withDraft(rulesDir, file, text);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'closeloop-cases-'));
  try {
    for (const s of sources) await writeFile(path.join(dir, path.basename(s.path)), s.text);
    return { cases: await runCases(dir, casesDir) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
