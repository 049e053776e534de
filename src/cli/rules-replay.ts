import { RuleFileError } from '../core/index.js';
import { createGuardrails } from '../guardrails/guardrails.js';
import { parseSince, replaySuggestions, type ReplaySummary, type SuggestionSource } from '../guardrails/replay.js';
import { silentLogger } from '../lib/logger.js';
import { DEFAULT_RULES_DIR, flagString, parseArgs } from './rules-args.js';

/** What src/store must provide: a source over stored suggestions, closed when the replay is done. */
export type OpenSuggestionSource = () => Promise<SuggestionSource & { close?(): Promise<void> }>;

const USAGE = 'usage: closeloop rules replay --since 7d|24h|<ISO date> [--rules DIR] [--json]\n';
export class SourceUnavailableError extends Error {}

export function formatSummary(s: ReplaySummary): string {
  const lines = [
    `replayed ${s.total} suggestion${s.total === 1 ? '' : 's'} since ${s.since} against the current rules`,
    `  would let through: ${s.wouldPass}`,
    `  would hold for review: ${s.wouldReview}`,
    `  would block: ${s.wouldBlock}`,
    `  changed since they were judged: ${s.changed}${Object.keys(s.transitions).length ? ` (${Object.entries(s.transitions).map(([k, v]) => `${k}: ${v}`).join(', ')})` : ''}`,
  ];
  const fired = Object.entries(s.firedByRule).sort((a, b) => b[1] - a[1]);
  if (fired.length) lines.push('  rules that fired:', ...fired.map(([r, n]) => `    ${r}: ${n}`));
  if (s.changedExamples.length) lines.push('  changed, e.g.:', ...s.changedExamples.map((e) => `    ${e.suggestionId}: ${e.previous} -> ${e.now}${e.fired.length ? ` (${e.fired.join(', ')})` : ''}`));
  return `${lines.join('\n')}\n`;
}

/** The command with its database dependency injected (tests pass a fake source). */
export async function runWith(argv: string[], deps: { openSource: () => Promise<OpenSuggestionSource>; now?: () => Date }): Promise<number> {
  const args = parseArgs(argv, ['json']);
  const sinceArg = flagString(args, 'since');
  const since = sinceArg ? parseSince(sinceArg, (deps.now ?? (() => new Date()))()) : null;
  if (!since) { process.stderr.write(USAGE); return 2; }
  const dir = flagString(args, 'rules') ?? args.positionals[0] ?? DEFAULT_RULES_DIR;

  let guardrails;
  try {
    guardrails = await createGuardrails({ dir, logger: silentLogger() });
  } catch (e) {
    if (e instanceof RuleFileError) { process.stderr.write(`${e.message}\n`); return 2; }
    throw e;
  }
  let source;
  try {
    source = await (await deps.openSource())();
  } catch (e) {
    if (e instanceof SourceUnavailableError) { process.stderr.write(`${e.message}\n`); return 2; }
    throw e;
  }
  try {
    const summary = await replaySuggestions(guardrails, source, since);
    process.stdout.write(args.flags.has('json') ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary));
    return 0;
  } finally {
    await source.close?.();
  }
}

/** `closeloop rules replay --since 7d`: what the current rules would have done to recent suggestions. */
export const run = (argv: string[]): Promise<number> => runWith(argv, {
  openSource: async () => async () => {
    const { readConfigFromProcess } = await import('../config/index.js');
    const { openSuggestionSource } = await import('../store/suggestion-source.js');
    const cfg = readConfigFromProcess();
    try {
      return await openSuggestionSource({ databaseUrl: cfg.databaseUrl, dataDir: cfg.dataDir, migrationsDir: new URL('../../migrations', import.meta.url).pathname });
    } catch (e) {
      throw new SourceUnavailableError(`rules replay: ${(e as Error).message}`);
    }
  },
});
