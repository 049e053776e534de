import { configuredStore, withStore } from './cli-store.js';
import { feedbackReport } from '../feedback/report.js';
import type { AcceptanceGroup, FeedbackReport } from '../feedback/report.js';
import { parseSince } from '../guardrails/replay.js';
import type { Store } from '../store/index.js';
import { defineCommand, ioOf, runCommand, UsageError } from './command.js';

export interface FeedbackCliDeps {
  openStore(): Promise<{ store: Pick<Store, 'feedback'>; close(): Promise<void> }>;
  now?: () => number;
  out?: (s: string) => void;
  err?: (s: string) => void;
}

const pct = (r: number | null) => (r === null ? '-' : `${Math.round(r * 100)}%`);

function table(title: string, groups: Record<string, AcceptanceGroup>): string[] {
  const rows = Object.entries(groups);
  if (rows.length === 0) return [];
  const w = Math.max(12, ...rows.map(([k]) => k.length));
  const lines = [
    title,
    `  ${'name'.padEnd(w)}  suggested  written  accepted  ignored  pending  rate   sent(unchanged/edited)  won/lost after`,
  ];
  for (const [k, g] of rows) {
    lines.push(
      `  ${k.padEnd(w)}  ${String(g.suggested).padStart(9)}  ${String(g.written).padStart(7)}  ${String(g.accepted).padStart(8)}  ${String(g.ignored).padStart(7)}  ${String(g.pending).padStart(7)}  ${pct(g.acceptanceRate).padStart(4)}   ${`${g.draftsSentUnchanged}/${g.draftsSentEdited}`.padStart(22)}  ${`${g.dealsWonAfter}/${g.dealsLostAfter}`.padStart(14)}`,
    );
  }
  return lines;
}

export function formatReport(r: FeedbackReport): string {
  const t = r.total;
  return [
    `suggestions since ${r.since}: ${t.suggested} (${
      Object.entries(t.byStatus)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none'
    })`,
    `written back: ${t.written}; acted on ${t.accepted}, ignored ${t.ignored}, no outcome yet ${t.pending}; acceptance ${pct(t.acceptanceRate)}${t.meanEditDistance === null ? '' : `; mean edit distance of sent drafts ${t.meanEditDistance}`}`,
    ...table('by suggestion type', r.byType),
    ...table('by rep', r.byRep),
    ...table('by rule (acceptance of what the rule let through)', r.byRule),
    '',
  ].join('\n');
}

const spec = {
  name: 'feedback report',
  summary: 'acceptance of the written-back suggestions per suggestion type, rep and rule',
  description:
    'Counts what was suggested, written back, acted on or ignored, the drafts sent unchanged or edited, ' +
    "and the deals won or lost after. Reads the service's database (DATABASE_URL, or the embedded one under " +
    'DATA_DIR: stop the service first).',
  options: {
    since: { type: 'string', value: 'SPAN', default: '30d', description: 'how far back: 30d, 24h or an ISO date' },
    tenant: { type: 'string', value: 'ID', description: 'one tenant only' },
    json: { type: 'boolean', description: 'print the report as JSON' },
  },
  examples: ['npx closeloop feedback report --since 7d', 'npx closeloop feedback report --tenant t1 --json'],
} as const;

/** The command with its database injected (tests pass the running service's store). */
export function commandWith(deps: FeedbackCliDeps) {
  return defineCommand({
    ...spec,
    async handler({ values }, io) {
      const since = parseSince(values.since, new Date((deps.now ?? Date.now)()));
      if (!since) throw new UsageError(`--since must be like 30d, 24h or an ISO date (got "${values.since}")`);
      return withStore(deps, async (store) => {
        const report = await feedbackReport((d) => store.feedback.reportRows(d, values.tenant ?? null), since);
        io.out(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
        return 0;
      });
    },
  });
}

/** `closeloop feedback report [--since 30d]`: acceptance rates per suggestion type, rep and rule. */
export const command = commandWith({ openStore: configuredStore });
export const runWith = (argv: string[], deps: FeedbackCliDeps): Promise<number> =>
  runCommand(commandWith(deps), argv, ioOf(deps));
export const run = (argv: string[]): Promise<number> => runCommand(command, argv);
