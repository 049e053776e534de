import { RuleFileError } from '../core/index.js';
import { createGuardrails } from '../guardrails/guardrails.js';
import { parseSince, replaySuggestions, type ReplaySummary, type SuggestionSource } from '../guardrails/replay.js';
import { silentLogger } from '../lib/logger.js';
import { defineCommand, ioOf, runCommand, UsageError, type CommandArgs, type CommandIo } from './command.js';
import { DEFAULT_RULES_DIR, requireRulesDir } from './rules-lint.js';

/** What src/store must provide: a source over stored suggestions, closed when the replay is done. */
export type OpenSuggestionSource = () => Promise<SuggestionSource & { close?(): Promise<void> }>;

export class SourceUnavailableError extends Error {}

export function formatSummary(s: ReplaySummary): string {
  const lines = [
    `replayed ${s.total} suggestion${s.total === 1 ? '' : 's'} since ${s.since} against the current rules`,
    `  would let through: ${s.wouldPass}`,
    `  would hold for review: ${s.wouldReview}`,
    `  would block: ${s.wouldBlock}`,
    `  changed since they were judged: ${s.changed}${
      Object.keys(s.transitions).length
        ? ` (${Object.entries(s.transitions)
            .map(([k, v]) => `${k}: ${v}`)
            .join(', ')})`
        : ''
    }`,
  ];
  const fired = Object.entries(s.firedByRule).sort((a, b) => b[1] - a[1]);
  if (fired.length) lines.push('  rules that fired:', ...fired.map(([r, n]) => `    ${r}: ${n}`));
  if (s.changedExamples.length)
    lines.push(
      '  changed, e.g.:',
      ...s.changedExamples.map(
        (e) => `    ${e.suggestionId}: ${e.previous} -> ${e.now}${e.fired.length ? ` (${e.fired.join(', ')})` : ''}`,
      ),
    );
  return `${lines.join('\n')}\n`;
}

export interface ReplayDeps {
  openSource: () => Promise<OpenSuggestionSource>;
  now?: () => Date;
  out?: (s: string) => void;
  err?: (s: string) => void;
}

const spec = {
  name: 'rules replay',
  summary: 'what the current rules would have done to the suggestions of a recent period',
  description:
    'Re-judges every stored suggestion made since the given time with the rules as they are now, and counts ' +
    "how many would pass, be held for review or be blocked, and which changed. Reads the service's database " +
    '(DATABASE_URL, or the embedded one under DATA_DIR: stop the service first). Exit 0, or 2 on bad input.',
  positionals: [{ name: 'DIR', description: 'the rules folder (same as --rules)', default: DEFAULT_RULES_DIR }],
  options: {
    since: { type: 'string', value: 'SPAN', required: true, description: 'how far back: 7d, 24h or an ISO date' },
    rules: { type: 'string', value: 'DIR', description: `the rules folder (default: ${DEFAULT_RULES_DIR})` },
    json: { type: 'boolean', description: 'print the summary as JSON' },
  },
  examples: [
    'npx closeloop rules replay --since 7d',
    'npx closeloop rules replay --since 2026-01-01 --rules rules/ --json',
  ],
} as const;

async function replay(
  { values, positionals }: CommandArgs<typeof spec.options>,
  io: CommandIo,
  deps: ReplayDeps,
): Promise<number> {
  const since = parseSince(values.since, (deps.now ?? (() => new Date()))());
  if (!since) throw new UsageError(`--since must be like 7d, 24h or an ISO date (got "${values.since}")`);
  const dir = values.rules ?? positionals[0] ?? DEFAULT_RULES_DIR;

  await requireRulesDir(dir, 'rules replay');
  let guardrails;
  try {
    guardrails = await createGuardrails({ dir, logger: silentLogger() });
  } catch (e) {
    if (e instanceof RuleFileError) {
      io.err(`${e.message}\n`);
      return 2;
    }
    throw e;
  }
  let source;
  try {
    source = await (await deps.openSource())();
  } catch (e) {
    if (e instanceof SourceUnavailableError) {
      io.err(`${e.message}\n`);
      return 2;
    }
    throw e;
  }
  try {
    const summary = await replaySuggestions(guardrails, source, since);
    io.out(values.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary));
    return 0;
  } finally {
    await source.close?.();
  }
}

/** The command with its database dependency injected (tests pass a fake source). */
export const commandWith = (deps: ReplayDeps) =>
  defineCommand({ ...spec, handler: (args, io) => replay(args, io, deps) });
export const runWith = (argv: string[], deps: ReplayDeps): Promise<number> =>
  runCommand(commandWith(deps), argv, ioOf(deps));

/** The service's database from configuration. */
const configured: ReplayDeps = {
  openSource: async () => async () => {
    const { readConfigFromProcess } = await import('../config/index.js');
    const { openSuggestionSource } = await import('../store/suggestion-source.js');
    const cfg = readConfigFromProcess({}); // the database only: no CRM app settings
    try {
      return await openSuggestionSource({
        databaseUrl: cfg.databaseUrl,
        dataDir: cfg.dataDir,
        migrationsDir: new URL('../../migrations', import.meta.url).pathname,
      });
    } catch (e) {
      throw new SourceUnavailableError(`rules replay: ${(e as Error).message}`);
    }
  },
};

/** `closeloop rules replay --since 7d`: what the current rules would have done to recent suggestions. */
export const command = commandWith(configured);
export const run = (argv: string[]): Promise<number> => runCommand(command, argv);
