import type { ErRecord, FieldKind, FieldSpec } from './types.js';
import { tokenize } from './similarity.js';

const NUMBER_RE = /^[+-]?\d+(\.\d+)?$/;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Chooses a comparison kind per field from the values themselves (no per-data-set configuration):
 * mostly emails → exact; mostly numbers → numeric when decimals are common, else code;
 * otherwise text when values average 2.5+ words, else name. Fields with no values are dropped.
 */
export function inferFieldSpecs(records: ErRecord[], names: string[]): FieldSpec[] {
  const out: FieldSpec[] = [];
  for (const name of names) {
    let n = 0;
    let numeric = 0;
    let decimal = 0;
    let email = 0;
    let words = 0;
    for (const r of records) {
      const v = r.values[name]?.trim();
      if (!v) continue;
      n++;
      if (NUMBER_RE.test(v)) {
        numeric++;
        if (v.includes('.')) decimal++;
      }
      if (EMAIL_RE.test(v)) email++;
      words += tokenize(v).length;
    }
    if (n === 0) continue;
    let kind: FieldKind;
    if (email / n >= 0.8) kind = 'exact';
    else if (numeric / n >= 0.9) kind = decimal / numeric >= 0.1 ? 'numeric' : 'code';
    else kind = words / n >= 2.5 ? 'text' : 'name';
    out.push({ name, kind });
  }
  return out;
}
