import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { checkRuleSources, readRuleDir } from '../guardrails/load-rules.js';
import { defineCommand, runCommand, UsageError } from './command.js';

export const DEFAULT_RULES_DIR = 'rules';

/**
 * The rules commands' DIR must be a folder: a usage error (exit 2) saying where it was looked for and how to name
 * another, not a rule problem ("cannot read the rules directory: ENOENT") when run outside the project.
 */
export async function requireRulesDir(dir: string, command: string): Promise<void> {
  const s = await stat(dir).catch(() => null);
  if (s?.isDirectory()) return;
  const abs = resolve(dir);
  throw new UsageError(
    `${s ? 'not a folder' : 'no rules folder'}: ${abs === dir ? dir : `${dir} (${abs})`}; name the folder of rule files, ` +
      `e.g. \`closeloop ${command} path/to/rules\` (${DEFAULT_RULES_DIR} is looked for in the current directory)`,
  );
}

/** `closeloop rules lint [DIR]`: check every rule file, print every problem as file:line:column, exit 1 if any. */
export const command = defineCommand({
  name: 'rules lint',
  summary: 'validate the rule files: every problem as file:line:column, exit 1 if any',
  description:
    'Checks JSON syntax, the rule schema, facts, operators and duplicate names of every *.json file in DIR, ' +
    'the same checks the service runs before it loads an edit. Exit 0 when valid, 1 when there are problems, ' +
    '2 when DIR is not a folder.',
  positionals: [{ name: 'DIR', description: 'the rules folder', default: DEFAULT_RULES_DIR }],
  options: {},
  examples: ['npx closeloop rules lint rules/'],
  async handler({ positionals }, io) {
    const dir = positionals[0] ?? DEFAULT_RULES_DIR;
    await requireRulesDir(dir, 'rules lint');
    const read = await readRuleDir(dir);
    const { rules, problems } = checkRuleSources(read.sources);
    const all = [...read.problems, ...problems];
    for (const p of all) io.out(`${p.file}:${p.line}:${p.column}: ${p.message}\n`);
    if (all.length > 0) {
      io.out(`\n${all.length} problem${all.length === 1 ? '' : 's'} in ${dir}; the rules were not loaded.\n`);
      return 1;
    }
    const byType = (t: string): number => rules.filter((r) => r.eventType === t).length;
    io.out(
      `ok: ${rules.length} active rule${rules.length === 1 ? '' : 's'} in ${read.sources.length} file${read.sources.length === 1 ? '' : 's'} ` +
        `(${byType('block')} block, ${byType('review')} review, ${byType('warn')} warn) in ${dir}\n`,
    );
    return 0;
  },
});

export const run = (argv: string[]): Promise<number> => runCommand(command, argv);
