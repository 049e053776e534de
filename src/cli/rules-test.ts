import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isCloseloopError, RuleFileError } from '../core/index.js';
import { runCaseFile } from '../guardrails/case-table.js';
import { createGuardrails } from '../guardrails/guardrails.js';
import { silentLogger } from '../lib/logger.js';
import { defineCommand, runCommand, UsageError } from './command.js';
import { DEFAULT_RULES_DIR, requireRulesDir } from './rules-lint.js';

const DEFAULT_CASES_DIR = 'tests/rules';

/** `closeloop rules test [DIR] --cases DIR`: run every case table against the rules, exit 1 on any failure. */
export const command = defineCommand({
  name: 'rules test',
  summary: 'run the rule case tables (expected verdicts for example suggestions) against the rules',
  description:
    'Every *.json case table in the cases folder lists suggestions, their context and the expected outcome. ' +
    'Exit 0 when every case passes, 1 on a failing case or invalid rules, 2 when the cases cannot be read.',
  positionals: [{ name: 'DIR', description: 'the rules folder', default: DEFAULT_RULES_DIR }],
  options: {
    cases: { type: 'string', value: 'DIR', default: DEFAULT_CASES_DIR, description: 'the folder of case tables' },
  },
  examples: ['npx closeloop rules test rules/ --cases tests/rules'],
  async handler({ values, positionals }, io) {
    const dir = positionals[0] ?? DEFAULT_RULES_DIR;
    const casesDir = values.cases;
    let guardrails;
    await requireRulesDir(dir, 'rules test');
    try {
      guardrails = await createGuardrails({ dir, logger: silentLogger() });
    } catch (e) {
      if (e instanceof RuleFileError) {
        io.out(`${e.message}\n\nthe rules in ${dir} are invalid; run \`closeloop rules lint ${dir}\`\n`);
        return 1;
      }
      throw e;
    }
    let files: string[];
    try {
      files = (await readdir(casesDir)).filter((f) => f.endsWith('.json')).sort();
    } catch (e) {
      throw new UsageError(
        `cannot read cases directory ${casesDir}: ${isCloseloopError(e) ? e.code : ((e as NodeJS.ErrnoException).code ?? String(e))}`,
      );
    }
    if (files.length === 0) throw new UsageError(`no case tables (*.json) in ${casesDir}`);
    let passed = 0,
      failed = 0;
    for (const f of files) {
      const r = await runCaseFile(guardrails, join(casesDir, f));
      if (r.error) {
        failed++;
        io.out(`FAIL ${r.file}: ${r.error}\n`);
        continue;
      }
      for (const c of r.cases) {
        if (c.passed) {
          passed++;
          io.out(`PASS ${f} › ${c.name}\n`);
          continue;
        }
        failed++;
        io.out(`FAIL ${f} › ${c.name}\n${c.problems.map((p) => `       ${p}\n`).join('')}`);
      }
    }
    io.out(
      `\n${passed} passed, ${failed} failed (${guardrails.rules().length} rules from ${dir}, cases from ${casesDir})\n`,
    );
    return failed > 0 ? 1 : 0;
  },
});

export const run = (argv: string[]): Promise<number> => runCommand(command, argv);
