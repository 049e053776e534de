import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

/**
 * The layer boundaries bite: each fixture in tests/lint-fixtures is linted with the repository's eslint.config.js
 * as if it lived at its `// lint-as:` path, and must produce exactly its `// expect:` errors.
 */
const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const DIR = join(ROOT, 'tests/lint-fixtures');
const fixtures = readdirSync(DIR)
  .filter((f) => f.endsWith('.ts'))
  .sort();

const eslint = new ESLint({ cwd: ROOT });

async function lintAs(file: string): Promise<{ expected: string[]; messages: string[] }> {
  const text = readFileSync(join(DIR, file), 'utf8');
  const lintAsPath = /^\/\/ lint-as: (\S+)$/m.exec(text)?.[1];
  if (!lintAsPath) throw new Error(`${file}: no // lint-as: line`);
  const expected = [...text.matchAll(/^\/\/ expect: (.+)$/gm)].map((m) => m[1]!).filter((e) => e !== 'nothing');
  const [result] = await eslint.lintText(text, { filePath: join(ROOT, lintAsPath) });
  return { expected, messages: result!.messages.map((m) => `${m.ruleId}: ${m.message}`) };
}

describe('lint boundaries (tests/lint-fixtures)', () => {
  it('has fixtures for every boundary', () => {
    expect(fixtures).toEqual(
      expect.arrayContaining([
        'core-imports-ours.ts',
        'sql-outside-store.ts',
        'inference-impure.ts',
        'connector-imports-other.ts',
        'connector-imports-sandbox.ts',
        'sandbox-outside-tests.ts',
        'store-imports-upward.ts',
        'feedback-imports-suggest.ts',
        'sync-imports-feedback.ts',
        'suggest-imports-writeback.ts',
      ]),
    );
  });

  it.each(fixtures)('%s fails with exactly its expected errors', async (file) => {
    const { expected, messages } = await lintAs(file);
    const unmatched = [...messages];
    for (const e of expected) {
      const i = unmatched.findIndex((m) => m.includes(e));
      if (i < 0) throw new Error(`${file}: no error containing "${e}" in:\n${messages.join('\n')}`);
      unmatched.splice(i, 1);
    }
    expect(unmatched).toEqual([]);
  });

  it('the same code passes where the boundary allows it (the rules are about place, not syntax)', async () => {
    const text = readFileSync(join(DIR, 'sql-outside-store.ts'), 'utf8');
    const [r] = await eslint.lintText(text, { filePath: join(ROOT, 'src/store/lint-fixture.ts') });
    expect(r!.messages).toEqual([]);
  });

  it('eslint . ignores the fixtures', async () => {
    expect(await eslint.isPathIgnored(join(DIR, 'core-imports-ours.ts'))).toBe(true);
  });
});
