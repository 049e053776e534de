import { crmDisplayName } from '../core/connector.js';
/** Writes per CRM: tasks and draft emails created, tasks updated with new evidence, tasks closeloop closed. */
export type WriteCounts = Record<string, { tasks: number; drafts: number; updated: number; withdrawn: number }>;

const n = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/** "HubSpot: 3 tasks and 2 draft emails (1 task updated, 1 withdrawn) · Salesforce: nothing yet" */
export function summaryLine(c: WriteCounts): string {
  const parts = ['hubspot', 'salesforce', ...Object.keys(c).filter((k) => k !== 'hubspot' && k !== 'salesforce')].map(
    (crm) => {
      const x = c[crm];
      const name = crmDisplayName(crm) ?? crm;
      if (!x || x.tasks + x.drafts + x.updated + x.withdrawn === 0) return `${name}: nothing written yet`;
      const extra = [
        x.updated ? `${n(x.updated, 'task update', 'task updates')} with new evidence` : '',
        x.withdrawn ? `${n(x.withdrawn, 'task', 'tasks')} closed as no longer needed` : '',
      ].filter(Boolean);
      return `${name}: ${n(x.tasks, 'task', 'tasks')} and ${n(x.drafts, 'draft email', 'draft emails')}${extra.length ? ` (${extra.join(', ')})` : ''}`;
    },
  );
  return parts.join(' · ');
}

/** The p-th percentile (nearest rank) of `xs`; NaN when empty. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** "HubSpot: 9 tasks, p50 0.31 s, p95 0.82 s, max 0.95 s" from webhook-to-task latencies in seconds. */
export function latencyLine(byCrm: Record<string, readonly number[]>): string {
  return Object.entries(byCrm)
    .map(([crm, xs]) => {
      const name = crmDisplayName(crm) ?? crm;
      if (xs.length === 0) return `${name}: no task written from a webhook yet`;
      const f = (v: number) => `${v.toFixed(2)} s`;
      return `${name}: ${n(xs.length, 'task write', 'task writes')}, p50 ${f(percentile(xs, 50))}, p95 ${f(percentile(xs, 95))}, max ${f(Math.max(...xs))}`;
    })
    .join(' · ');
}

/** One routed step of a stored suggestion, as the demo reports it. */
export interface TierStep {
  task: string;
  tier: 'rules' | 'small' | 'large';
  model: string;
  reason: string;
  costUsd: number;
  latencyMs: number;
  suggestionType: string;
}

/**
 * Which router tiers served the suggestions, with one example step each, and which tier would take over with an
 * external model endpoint: "rules: 14 steps (e.g. score_deal by cold-start-v1, $0, 1 ms: …) · small: … · large: …".
 */
export function tierLines(steps: readonly TierStep[], largeConfigured: boolean): string[] {
  const out: string[] = [];
  for (const tier of ['rules', 'small', 'large'] as const) {
    const mine = steps.filter((s) => s.tier === tier);
    if (mine.length === 0) {
      if (tier === 'large') {
        out.push(
          largeConfigured
            ? 'large: configured, not used yet'
            : 'large: not used (no model endpoint configured); with OPENAI_API_KEY (and OPENAI_BASE_URL for any OpenAI-compatible server) drafting (draft_email) and next steps move to the large tier, costed per call, and unsure small-tier answers escalate to it',
        );
      } else out.push(`${tier}: not used yet`);
      continue;
    }
    const tasks = [...new Set(mine.map((s) => s.task))].sort();
    // The example: a step of the task least represented elsewhere, so each tier shows what only it does.
    const ex = mine.find((s) => s.task !== 'next_step') ?? mine[0]!;
    const cost = ex.costUsd === 0 ? '$0' : `$${ex.costUsd.toFixed(5)}`;
    out.push(
      `${tier}: ${n(mine.length, 'step', 'steps')} (${tasks.join(', ')}); e.g. ${ex.task} for a ${ex.suggestionType.replace(/_/g, ' ')} suggestion by ${ex.model}, ${cost}, ${Math.round(ex.latencyMs)} ms: ${ex.reason}`,
    );
  }
  return out;
}
