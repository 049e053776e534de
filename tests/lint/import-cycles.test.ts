import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * One direction of flow between folders: no two folders of src/ and connectors/ import each other, directly or
 * round a longer loop (type-only imports do not count: they leave nothing at run time). The boundary rules in
 * eslint.config.js name the forbidden arrows; this finds any loop they do not name.
 */
const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === 'sandbox' || f === 'node_modules' ? [] : files(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

/** src/<folder>, connectors/<folder>, or the file itself for top-level files (src/main.ts, connectors/index.ts). */
const folderOf = (file: string): string => {
  const parts = relative(ROOT, file).split(/[\\/]/);
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts.join('/');
};

/** Run-time imports of a file: static imports and re-exports that are not type-only, and dynamic imports. */
function runtimeImports(file: string): string[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n) && !n.importClause?.isTypeOnly && ts.isStringLiteral(n.moduleSpecifier)) {
      const named = n.importClause?.namedBindings;
      const onlyTypes =
        !n.importClause?.name &&
        named &&
        ts.isNamedImports(named) &&
        named.elements.length > 0 &&
        named.elements.every((e) => e.isTypeOnly);
      if (!onlyTypes) out.push(n.moduleSpecifier.text);
    } else if (
      ts.isExportDeclaration(n) &&
      !n.isTypeOnly &&
      n.moduleSpecifier &&
      ts.isStringLiteral(n.moduleSpecifier)
    ) {
      out.push(n.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(n) &&
      n.expression.kind === ts.SyntaxKind.ImportKeyword &&
      n.arguments[0] &&
      ts.isStringLiteral(n.arguments[0])
    ) {
      out.push(n.arguments[0].text);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out.filter((s) => s.startsWith('.')).map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts')));
}

function folderGraph(): Map<string, Map<string, string>> {
  const g = new Map<string, Map<string, string>>();
  for (const f of [...files(join(ROOT, 'src')), ...files(join(ROOT, 'connectors'))]) {
    const a = folderOf(f);
    for (const target of runtimeImports(f)) {
      const b = folderOf(target);
      if (a === b) continue;
      if (!g.has(a)) g.set(a, new Map());
      if (!g.get(a)!.has(b)) g.get(a)!.set(b, `${relative(ROOT, f)} → ${relative(ROOT, target)}`);
    }
  }
  return g;
}

/** Every loop, as the folders on it with one import per arrow (Tarjan's strongly connected components). */
function loops(g: Map<string, Map<string, string>>): string[] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[] = [];
  const strong = (v: string): void => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    on.add(v);
    for (const w of g.get(v)?.keys() ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1)
        out.push(
          comp
            .map((a) =>
              [...(g.get(a) ?? new Map()).entries()]
                .filter(([b]) => comp.includes(b))
                .map(([, why]) => why)
                .join('; '),
            )
            .join('; '),
        );
    }
  };
  for (const v of g.keys()) if (!idx.has(v)) strong(v);
  return out;
}

test('no two folders import each other at run time (src/ and connectors/)', () => {
  const g = folderGraph();
  expect(g.get('src/sync')?.has('src/suggest')).toBeFalsy();
  expect(g.size).toBeGreaterThan(15);
  expect(loops(g)).toEqual([]);
});

test('the loop finder sees a loop when there is one', () => {
  const g = new Map([
    ['a', new Map([['b', 'a → b']])],
    ['b', new Map([['c', 'b → c']])],
    ['c', new Map([['a', 'c → a']])],
    ['d', new Map([['a', 'd → a']])],
  ]);
  expect(loops(g)).toHaveLength(1);
  expect(loops(g)[0]).toContain('c → a');
});
