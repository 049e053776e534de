import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run as check } from '../../../src/cli/rules-check.js';
import { run as lint } from '../../../src/cli/rules-lint.js';
import { run as test } from '../../../src/cli/rules-test.js';
import {
  aContext,
  aRule,
  aSuggestion,
  captureOutput,
  fixturePath,
  tempRulesDir,
} from '../../fixtures/guardrails/builders.js';

const file = (...rules: Record<string, unknown>[]): string => JSON.stringify({ rules }, null, 2);

describe('closeloop rules lint', () => {
  it('prints a summary and exits 0 for the shipped rules', async () => {
    const { code, stdout } = await captureOutput(() => lint([]));
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ok: 21 active rules in 6 files \(14 block, 6 review, 1 warn\) in rules\n$/);
  });

  it('prints every problem in every file as file:line:column and exits 1', async () => {
    const b = file(
      aRule('one', { conditions: { all: [{ fact: 'dealExist', operator: 'equal', value: true }] } }),
      aRule('one'),
    );
    const dir = tempRulesDir({ 'a.json': '{\n  "rules": [\n    { "name": "x", }\n  ]\n}\n', 'b.json': b });
    const bLines = b.split('\n');
    const at = (needle: string, nth = 0): string => {
      const hits = bLines.flatMap((l, i) => (l.includes(needle) ? [`${i + 1}:${l.indexOf(needle) + 1}`] : []));
      return hits[nth]!;
    };
    const { code, stdout } = await captureOutput(() => lint([dir]));
    expect(code).toBe(1);
    expect(stdout.trim().split('\n')).toEqual([
      `${join(dir, 'a.json')}:3:20: invalid JSON: trailing comma before '}'`,
      `${join(dir, 'b.json')}:${at('"dealExist"')}: unknown fact "dealExist" (did you mean "dealExists"?) (see rules/README.md for the list)`,
      `${join(dir, 'b.json')}:${at('"one"', 1)}: duplicate rule name "one" (first defined at ${join(dir, 'b.json')}:${at('"one"')})`,
      '',
      `3 problems in ${dir}; the rules were not loaded.`,
    ]);
  });
});

describe('closeloop rules test', () => {
  it('runs the shipped case tables against the shipped rules', async () => {
    const { code, stdout } = await captureOutput(() => test(['rules', '--cases', 'tests/rules']));
    expect(code).toBe(0);
    expect(stdout).toContain('PASS records.cases.json › due yesterday is blocked');
    expect(stdout).toMatch(/\n\d+ passed, 0 failed \(21 rules from rules, cases from tests\/rules\)\n$/);
  });

  it('prints each failing case with what differed and exits 1', async () => {
    const cases = tempRulesDir({
      'x.cases.json': {
        base: { suggestion: aSuggestion() },
        cases: [
          {
            name: 'wrong expectation',
            suggestion: { evidence: [] },
            context: aContext(),
            expect: { allowed: true, verdicts: { 'evidence-required': true, 'no-such-rule': true } },
          },
          { name: 'bad input', suggestion: { type: 'nonsense' }, expect: { allowed: true } },
        ],
      },
    });
    const { code, stdout } = await captureOutput(() => test(['--cases', cases]));
    expect(code).toBe(1);
    expect(stdout).toContain(
      'FAIL x.cases.json › wrong expectation\n' +
        '       expected allowed=true, got false (outcome block; fired: evidence-required)\n' +
        '       rule evidence-required: expected pass, got fail (The suggestion cites no evidence.)\n' +
        '       no active rule named "no-such-rule"\n',
    );
    expect(stdout).toMatch(/FAIL x.cases.json › bad input\n {7}suggestion.type: Invalid option/);
    expect(stdout).toMatch(/0 passed, 2 failed/);
  });

  it('reports invalid rules instead of running cases', async () => {
    const dir = tempRulesDir({ 'a.json': '{' });
    const { code, stdout } = await captureOutput(() => test([dir, '--cases', 'tests/rules']));
    expect(code).toBe(1);
    expect(stdout).toContain(`${join(dir, 'a.json')}:1:2: invalid JSON`);
  });
});

describe('closeloop rules check', () => {
  it('prints one JSON object and exits 0 when allowed', async () => {
    const { code, stdout } = await captureOutput(() =>
      check([
        '--suggestion',
        fixturePath('follow-up-suggestion.json'),
        '--context',
        fixturePath('follow-up-context.json'),
      ]),
    );
    expect(code).toBe(0);
    const out = JSON.parse(stdout) as { allowed: boolean; outcome: string; verdicts: unknown[] };
    expect(Object.keys(out)).toEqual(['allowed', 'outcome', 'verdicts']);
    expect([out.allowed, out.outcome, out.verdicts.length]).toEqual([true, 'pass', 21]);
  });

  it('exits 1 and names the rules when the suggestion is blocked', async () => {
    const { code, stdout } = await captureOutput(() =>
      check([
        '--suggestion',
        fixturePath('reckless-draft-suggestion.json'),
        '--context',
        fixturePath('follow-up-context.json'),
      ]),
    );
    expect(code).toBe(1);
    const out = JSON.parse(stdout) as {
      allowed: boolean;
      outcome: string;
      verdicts: { rule: string; passed: boolean; message: string | null }[];
    };
    expect(out.outcome).toBe('block');
    expect(out.verdicts.filter((v) => !v.passed).map((v) => v.rule)).toEqual([
      'no-ungrounded-figures',
      'no-ungrounded-names',
      'discount-within-cap',
      'no-forbidden-promises',
      'no-third-party-pii',
      'professional-tone',
      'actionable-content-grounded',
      'offers-on-allow-list',
    ]);
    expect(out.verdicts.find((v) => v.rule === 'discount-within-cap')?.message).toBe(
      'The draft offers a 25% discount (cap: 15%).',
    );
  });

  it('judges against an empty world without --context', async () => {
    const { code, stdout } = await captureOutput(() =>
      check(['--suggestion', fixturePath('follow-up-suggestion.json')]),
    );
    expect(code).toBe(1);
    const out = JSON.parse(stdout) as { verdicts: { rule: string; passed: boolean }[] };
    expect(out.verdicts.filter((v) => !v.passed).map((v) => v.rule)).toEqual(
      expect.arrayContaining(['deal-exists', 'owner-exists', 'contacts-exist']),
    );
  });

  it('exits 2 on a missing flag or an invalid suggestion', async () => {
    expect((await captureOutput(() => check([]))).code).toBe(2);
    const dir = tempRulesDir({});
    writeFileSync(join(dir, 's.json'), JSON.stringify({ id: 1 }));
    const { code, stderr } = await captureOutput(() => check(['--suggestion', join(dir, 's.json')]));
    expect(code).toBe(2);
    expect(stderr).toContain(`${join(dir, 's.json')}: suggestion.id: `);
  });
});

describe('npx closeloop rules ... through the real entry point', () => {
  it('dispatches lint via src/cli/main.ts and sets the exit code', () => {
    const ok = spawnSync('npx', ['tsx', 'src/cli/main.ts', 'rules', 'lint'], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^ok: 21 active rules/);
    const dir = tempRulesDir({ 'a.json': '{"rules": [}' });
    const bad = spawnSync('npx', ['tsx', 'src/cli/main.ts', 'rules', 'lint', dir], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain(`${join(dir, 'a.json')}:1:12: invalid JSON: unexpected '}', expected a value`);
  });
});
