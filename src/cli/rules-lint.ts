import { checkRuleSources, readRuleDir } from '../guardrails/load-rules.js';
import { DEFAULT_RULES_DIR, parseArgs } from './rules-args.js';

/** `closeloop rules lint [DIR]`: check every rule file, print every problem as file:line:column, exit 1 if any. */
export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const dir = args.positionals[0] ?? DEFAULT_RULES_DIR;
  const read = await readRuleDir(dir);
  const { rules, problems } = checkRuleSources(read.sources);
  const all = [...read.problems, ...problems];
  for (const p of all) process.stdout.write(`${p.file}:${p.line}:${p.column}: ${p.message}\n`);
  if (all.length > 0) {
    process.stdout.write(`\n${all.length} problem${all.length === 1 ? '' : 's'} in ${dir}; the rules were not loaded.\n`);
    return 1;
  }
  const byType = (t: string): number => rules.filter((r) => r.eventType === t).length;
  process.stdout.write(
    `ok: ${rules.length} active rule${rules.length === 1 ? '' : 's'} in ${read.sources.length} file${read.sources.length === 1 ? '' : 's'} ` +
      `(${byType('block')} block, ${byType('review')} review, ${byType('warn')} warn) in ${dir}\n`,
  );
  return 0;
}
