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
