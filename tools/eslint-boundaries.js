/**
 * ESLint rule `closeloop/boundaries`: which folder may import which. Every relative import (static, re-export,
 * dynamic with a literal) is resolved against the importing file, so depth and `../` tricks do not matter.
 * Proved by the fixtures in tests/lint-fixtures (tests/lint/boundaries.test.ts).
 *
 * Options: a list of { from, allow?, deny?, unless?, except?, message }, paths relative to the repository root.
 * `unless` lists targets a `deny` does not cover.
 * `from`, `allow`, `deny` and `except` are path prefixes ending in "/" or exact files (`*`: one path segment);
 * `{crm}` in `from` stands for the importing connector's own folder name, and in the others for that same name.
 * `except` exempts importing files.
 */
import path from 'node:path';

const norm = (p) => p.split(path.sep).join('/');
const escape = (s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
/** A path prefix ending in "/" or an exact file; `*` is one path segment. A `.js` import names its `.ts` file. */
const matches = (file, pattern) => {
  const re = escape(pattern).replaceAll('*', '[^/]+');
  return new RegExp(pattern.endsWith('/') ? `^${re}` : `^${re}$`).test(file.replace(/\.js$/, '.ts'));
};

function fromMatch(file, from) {
  if (from === '') return {};
  if (!from.includes('{crm}')) return matches(file, from) ? {} : null;
  const [head, tail] = from.split('{crm}');
  if (!file.startsWith(head)) return null;
  const crm = file.slice(head.length).split('/')[0];
  if (!crm || crm.includes('.')) return null;
  return matches(file, `${head}${crm}${tail}`) ? { crm } : null;
}

export const boundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'folder boundaries: who may import whom' },
    schema: [{ type: 'array' }],
  },
  create(context) {
    const root = context.cwd;
    const file = norm(path.relative(root, context.filename));
    const active = [];
    for (const r of context.options[0] ?? []) {
      const m = fromMatch(file, r.from);
      if (!m || (r.except ?? []).some((e) => matches(file, e.replaceAll('{crm}', m.crm ?? '{crm}')))) continue;
      const sub = (p) => p.replaceAll('{crm}', m.crm ?? '{crm}');
      active.push({ ...r, allow: r.allow?.map(sub), deny: r.deny?.map(sub), except: r.except?.map(sub) });
    }
    if (active.length === 0) return {};
    const check = (node) => {
      const spec = node?.type === 'Literal' && typeof node.value === 'string' ? node.value : null;
      if (!spec || !spec.startsWith('.')) return;
      const target = norm(path.relative(root, path.resolve(path.dirname(context.filename), spec))).replace(
        /\.js$/,
        '.ts',
      );
      for (const r of active) {
        const denied = r.deny
          ? r.deny.some((d) => matches(target, d)) && !(r.unless ?? []).some((u) => matches(target, u))
          : false;
        const notAllowed = r.allow ? !r.allow.some((a) => matches(target, a)) : false;
        if (denied || notAllowed) context.report({ node, message: `${r.message} (imports ${target})` });
      }
    };
    return {
      ImportDeclaration: (n) => check(n.source),
      ExportNamedDeclaration: (n) => check(n.source),
      ExportAllDeclaration: (n) => check(n.source),
      ImportExpression: (n) => check(n.source),
    };
  },
};

export default { rules: { boundaries } };
