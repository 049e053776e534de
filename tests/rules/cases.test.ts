import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseCaseFile, runCaseFile } from '../../src/guardrails/case-table.js';
import { createGuardrails, type Guardrails } from '../../src/guardrails/guardrails.js';
import { silentLogger } from '../../src/lib/logger.js';

/** Every shipped rule file has a case table here, and every case in it holds against the shipped rules. */
const RULES_DIR = 'rules';
const CASES_DIR = 'tests/rules';
const ruleFiles = readdirSync(RULES_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

let guardrails: Guardrails;
beforeAll(async () => {
  guardrails = await createGuardrails({ dir: RULES_DIR, logger: silentLogger() });
});

describe.each(ruleFiles)('rules/%s', (ruleFile) => {
  const casesPath = join(CASES_DIR, `${basename(ruleFile, '.json')}.cases.json`);

  it('has a case table', () => {
    expect(existsSync(casesPath)).toBe(true);
  });

  it('has, for every rule in the file, a case where it passes and a case where it fires', () => {
    const parsed = parseCaseFile(readFileSync(casesPath, 'utf8'));
    if (!parsed.ok) throw new Error(parsed.error);
    const names = guardrails
      .rules()
      .filter((r) => r.file === ruleFile)
      .map((r) => r.name);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      const expectations = parsed.file.cases.map((c) => c.expect.verdicts?.[name]).filter((v) => v !== undefined);
      expect({ name, passes: expectations.includes(true), fires: expectations.includes(false) }).toEqual({
        name,
        passes: true,
        fires: true,
      });
    }
  });

  it('every case holds', async () => {
    const result = await runCaseFile(guardrails, casesPath);
    expect(result.error).toBeNull();
    const failures = result.cases.filter((c) => !c.passed).map((c) => `${c.name}: ${c.problems.join('; ')}`);
    expect(failures).toEqual([]);
    expect(result.cases.length).toBeGreaterThan(0);
  });
});

it('has no case table without a rule file', () => {
  const orphans = readdirSync(CASES_DIR)
    .filter((f) => f.endsWith('.cases.json'))
    .filter((f) => !ruleFiles.includes(f.replace(/\.cases\.json$/, '.json')));
  expect(orphans).toEqual([]);
});
