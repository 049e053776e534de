import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * One regular-expression escape in the code: `escapeRegExp` in src/lib/text.ts. A second inline copy drifts (one of
 * three copies once left out a character). The CRM sandboxes may not import src/lib and keep their own.
 */
const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const HOME = 'src/lib/text.ts';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === 'sandbox' || f === 'node_modules' ? [] : files(p);
    return /\.(?:ts|mts|js)$/.test(p) ? [p] : [];
  });
}

/** A `.replace(/[...]/g, '\\$&')` whose class escapes the pattern characters: an inline regex escape. */
const INLINE_ESCAPE = /\.replace\(\s*\/\[[^\]\n]*[*+?^$][^\n]*\/g,\s*(['"`])\\\\\$&\1\s*\)/;

test('the regex escape lives only in src/lib/text.ts', () => {
  const copies = ['src', 'connectors', 'bench']
    .flatMap((d) => files(join(ROOT, d)))
    .map((f) => relative(ROOT, f))
    .filter((f) => f !== HOME && INLINE_ESCAPE.test(readFileSync(join(ROOT, f), 'utf8')));
  expect(copies).toEqual([]);
  expect(INLINE_ESCAPE.test(readFileSync(join(ROOT, HOME), 'utf8'))).toBe(true);
});
