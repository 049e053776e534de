import { isScalar } from '../context/filter.js';
import type { FieldOps, Filter, Scalar } from '../context/types.js';
import { storableJson } from '../lib/storable.js';

/**
 * Compile a validated filter to a SQL boolean over the jsonb column `col`. Values and field names travel
 * inside bind parameters (pushed onto `params`), never as SQL text.
 * Equality is jsonb containment against `{"field": v}` or, for a string, `{"field": [v]}` (list fields),
 * which gives Pinecone's list semantics and can use a GIN `jsonb_path_ops` index.
 */
export function compileFilterSql(f: Filter, col: string, params: unknown[]): string {
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const parts: string[] = [];
  for (const [key, val] of Object.entries(f)) {
    if (val === undefined) continue;
    if (key === '$and' || key === '$or') {
      const subs = (val as Filter[]).map((s) => `(${compileFilterSql(s, col, params)})`);
      parts.push(`(${subs.join(key === '$and' ? ' AND ' : ' OR ')})`);
      continue;
    }
    const ops: FieldOps = isScalar(val) ? { $eq: val } : (val as FieldOps);
    const eq = (v: Scalar) => {
      const scalar = `${col} @> ${p(storableJson({ [key]: v }))}::jsonb`;
      return typeof v === 'string'
        ? `(${scalar} OR ${col} @> ${p(storableJson({ [key]: [v] }))}::jsonb)`
        : `(${scalar})`;
    };
    const anyOf = (vs: Scalar[]) => `(${vs.map(eq).join(' OR ')})`;
    const field = () => `${col}->${p(key)}::text`;
    const num = (cmp: string, n: number) => {
      const fld = field();
      return `(CASE WHEN jsonb_typeof(${fld}) = 'number' THEN (${fld})::text::float8 ${cmp} ${p(n)}::float8 ELSE false END)`;
    };
    for (const [op, arg] of Object.entries(ops) as [keyof FieldOps, unknown][]) {
      switch (op) {
        case '$eq':
          parts.push(eq(arg as Scalar));
          break;
        case '$ne':
          parts.push(`NOT ${eq(arg as Scalar)}`);
          break;
        case '$in':
          parts.push(anyOf(arg as Scalar[]));
          break;
        case '$nin':
          parts.push(`NOT ${anyOf(arg as Scalar[])}`);
          break;
        case '$exists':
          parts.push(`(${field()}) IS ${arg ? 'NOT ' : ''}NULL`);
          break;
        case '$gt':
          parts.push(num('>', arg as number));
          break;
        case '$gte':
          parts.push(num('>=', arg as number));
          break;
        case '$lt':
          parts.push(num('<', arg as number));
          break;
        case '$lte':
          parts.push(num('<=', arg as number));
          break;
      }
    }
  }
  return parts.length ? parts.join(' AND ') : 'true';
}
