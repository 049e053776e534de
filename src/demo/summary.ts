/** Writes per CRM: tasks and draft emails created, tasks updated with new evidence, tasks closeloop closed. */
export type WriteCounts = Record<string, { tasks: number; drafts: number; updated: number; withdrawn: number }>;

const CRM_NAME: Record<string, string> = { hubspot: 'HubSpot', salesforce: 'Salesforce' };
const n = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/** "HubSpot: 3 tasks and 2 draft emails (1 task updated, 1 withdrawn) · Salesforce: nothing yet" */
export function summaryLine(c: WriteCounts): string {
  const parts = ['hubspot', 'salesforce', ...Object.keys(c).filter((k) => k !== 'hubspot' && k !== 'salesforce')].map((crm) => {
    const x = c[crm];
    const name = CRM_NAME[crm] ?? crm;
    if (!x || x.tasks + x.drafts + x.updated + x.withdrawn === 0) return `${name}: nothing written yet`;
    const extra = [x.updated ? `${n(x.updated, 'task update', 'task updates')} with new evidence` : '', x.withdrawn ? `${n(x.withdrawn, 'task', 'tasks')} closed as no longer needed` : ''].filter(Boolean);
    return `${name}: ${n(x.tasks, 'task', 'tasks')} and ${n(x.drafts, 'draft email', 'draft emails')}${extra.length ? ` (${extra.join(', ')})` : ''}`;
  });
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
  return Object.entries(byCrm).map(([crm, xs]) => {
    const name = CRM_NAME[crm] ?? crm;
    if (xs.length === 0) return `${name}: no task written from a webhook yet`;
    const f = (v: number) => `${v.toFixed(2)} s`;
    return `${name}: ${n(xs.length, 'task write', 'task writes')}, p50 ${f(percentile(xs, 50))}, p95 ${f(percentile(xs, 95))}, max ${f(Math.max(...xs))}`;
  }).join(' · ');
}
