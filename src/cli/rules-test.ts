import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isCloseloopError, RuleFileError } from '../core/index.js';
import { runCaseFile } from '../guardrails/case-table.js';
import { createGuardrails } from '../guardrails/guardrails.js';
import { silentLogger } from '../lib/logger.js';
import { DEFAULT_RULES_DIR, flagString, parseArgs } from './rules-args.js';

const DEFAULT_CASES_DIR = 'tests/rules';

/** `closeloop rules test [DIR] --cases DIR`: run every case table against the rules, exit 1 on any failure. */
export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const dir = args.positionals[0] ?? DEFAULT_RULES_DIR;
  const casesDir = flagString(args, 'cases') ?? DEFAULT_CASES_DIR;
  let guardrails;
  try {
    guardrails = await createGuardrails({ dir, logger: silentLogger() });
  } catch (e) {
    if (e instanceof RuleFileError) {
      process.stdout.write(`${e.message}\n\nthe rules in ${dir} are invalid; run \`closeloop rules lint ${dir}\`\n`);
      return 1;
    }
    throw e;
  }
  let files: string[];
  try {
    files = (await readdir(casesDir)).filter((f) => f.endsWith('.json')).sort();
  } catch (e) {
    process.stderr.write(`cannot read cases directory ${casesDir}: ${isCloseloopError(e) ? e.code : (e as NodeJS.ErrnoException).code ?? String(e)}\n`);
    return 2;
  }
  if (files.length === 0) {
    process.stderr.write(`no case tables (*.json) in ${casesDir}\n`);
    return 2;
  }
  let passed = 0, failed = 0;
  for (const f of files) {
    const r = await runCaseFile(guardrails, join(casesDir, f));
    if (r.error) {
      failed++;
      process.stdout.write(`FAIL ${r.file}: ${r.error}\n`);
      continue;
    }
    for (const c of r.cases) {
      if (c.passed) { passed++; process.stdout.write(`PASS ${f} › ${c.name}\n`); continue; }
      failed++;
      process.stdout.write(`FAIL ${f} › ${c.name}\n${c.problems.map((p) => `       ${p}\n`).join('')}`);
    }
  }
  process.stdout.write(`\n${passed} passed, ${failed} failed (${guardrails.rules().length} rules from ${dir}, cases from ${casesDir})\n`);
  return failed > 0 ? 1 : 0;
}
