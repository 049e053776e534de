/**
 * Field comparison: turns a pair of prepared records into a vector of discrete agreement levels
 * (the Fellegi-Sunter comparison vector) plus the continuous similarity behind each level.
 * Level 0 always means "missing on either side" and carries no evidence.
 */
import type { ErRecord, FieldSpec } from './types.js';
import { acronymTarget, acronymTokens, expandAcronyms, initialsOfRuns, type AcronymTarget } from './acronym.js';
import {
  TfIdfIndex,
  containment,
  cosine,
  damerauLevenshtein,
  jaroWinkler,
  numericCloseness,
  tokenize,
  type SparseVector,
} from './similarity.js';

export interface PreparedField {
  spec: FieldSpec;
  /** Name shown in reasons: the field name, or "field~contain" for the containment view of a text field. */
  feature: string;
  /** Folded value per record ('' when missing). */
  text: string[];
  tokens: string[][];
  vectors: SparseVector[] | null;
  /** `text` only: the TF-IDF index behind `vectors` (to re-vectorize tokens after acronym expansion). */
  index: TfIdfIndex | null;
  /** `text` only: tokens written as acronyms per record ("IIT", "M.I.T."), see `acronym.ts`. */
  acronyms: Set<string>[] | null;
  /** `text` only: per record, what acronyms of other records are matched against. */
  targets: AcronymTarget[] | null;
  /**
   * `text` only: initials of word runs that some record of the field writes as an acronym
   * ("hkust" for "Hong Kong University of Science and Technology"), used as extra blocking keys.
   */
  initials: string[][] | null;
  numbers: Float64Array | null;
  /** Number of levels including level 0 (missing). */
  levels: number;
  /** Human-readable label per level, for docs and debugging. */
  labels: string[];
}

export interface Prepared {
  records: ErRecord[];
  fields: PreparedField[];
}

const TEXT_CUTS = [0.95, 0.8, 0.65, 0.5, 0.35, 0.2];
const NAME_CUTS = [1, 0.94, 0.88, 0.8, 0.7];
const NUMERIC_CUTS = [1, 0.95, 0.8, 0.5];

function cutLabels(prefix: string, cuts: number[]): string[] {
  return ['missing', ...cuts.map((c) => `${prefix}>=${c}`), `${prefix}<${cuts[cuts.length - 1]}`];
}

/**
 * Prepares the comparison features. Every field is one feature. When there is only ONE field, a
 * two-class mixture over a single feature is not identifiable, so a `text` field then adds a second
 * view, IDF-weighted containment ("Almaden" inside "IBM Almaden Research Center"). With two or more
 * fields the extra view is left out: it is strongly correlated with cosine and would double-count
 * under the conditional-independence assumption.
 */
export function prepare(records: ErRecord[], specs: FieldSpec[]): Prepared {
  const base = specs.map((spec): PreparedField => {
    let acronyms: Set<string>[] | null = null;
    let initials: string[][] | null = null;
    let targets: AcronymTarget[] | null = null;
    let tokens: string[][];
    if (spec.kind === 'text') {
      const at = records.map((r) => acronymTokens(r.values[spec.name] ?? ''));
      tokens = at.map((x) => x.tokens);
      acronyms = at.map((x) => x.acronyms);
      const written = new Set(acronyms.flatMap((a) => [...a]));
      initials = tokens.map((t) => (written.size === 0 ? [] : initialsOfRuns(t, written)));
      targets = tokens.map(acronymTarget);
    } else {
      tokens = records.map((r) => {
        const v = r.values[spec.name];
        return v ? tokenize(v) : [];
      });
    }
    const text = tokens.map((t) => t.join(' '));
    let index: TfIdfIndex | null = null;
    let vectors: SparseVector[] | null = null;
    let numbers: Float64Array | null = null;
    let labels: string[];
    switch (spec.kind) {
      case 'text': {
        const idx = new TfIdfIndex();
        for (const t of tokens) if (t.length) idx.add(t);
        vectors = tokens.map((t) => idx.vector(t));
        index = idx;
        labels = cutLabels('cos', TEXT_CUTS);
        break;
      }
      case 'name':
        labels = cutLabels('jw', NAME_CUTS);
        break;
      case 'numeric':
        numbers = Float64Array.from(records, (r) => {
          const v = r.values[spec.name]?.trim();
          return v ? Number(v) : Number.NaN;
        });
        labels = cutLabels('close', NUMERIC_CUTS);
        break;
      case 'code':
        // codes compare on their raw digits, not on word tokens
        for (let i = 0; i < records.length; i++) text[i] = (records[i]!.values[spec.name] ?? '').trim().toLowerCase();
        labels = ['missing', 'exact', 'edit1', 'edit2', 'different'];
        break;
      case 'exact':
        for (let i = 0; i < records.length; i++) text[i] = (records[i]!.values[spec.name] ?? '').trim().toLowerCase();
        labels = ['missing', 'agree', 'disagree'];
        break;
    }
    return {
      spec,
      feature: spec.name,
      text,
      tokens,
      vectors,
      index,
      acronyms,
      targets,
      initials,
      numbers,
      levels: labels.length,
      labels,
    };
  });
  const fields: PreparedField[] = [];
  for (const f of base) {
    fields.push(f);
    if (f.spec.kind === 'text' && base.length === 1)
      fields.push({ ...f, feature: `${f.spec.name}~contain`, labels: cutLabels('contain', TEXT_CUTS) });
  }
  return { records, fields };
}

function levelFromCuts(sim: number, cuts: number[]): number {
  for (let k = 0; k < cuts.length; k++) if (sim >= cuts[k]!) return k + 1;
  return cuts.length + 1;
}

/** Expanded token lists repeat (every "VLDB" against "Very Large Data Bases"), so their vectors are cached. */
const expandedCache = new WeakMap<PreparedField, Map<string, SparseVector>>();
function expandedVector(f: PreparedField, tokens: string[]): SparseVector {
  let cache = expandedCache.get(f);
  if (!cache) expandedCache.set(f, (cache = new Map()));
  const key = tokens.join(' ');
  let v = cache.get(key);
  if (!v) {
    v = f.index!.vector(tokens);
    if (cache.size < 100_000) cache.set(key, v);
  }
  return v;
}

/** Similarity in [0,1] and agreement level of one field for records i and j. */
export function compareField(f: PreparedField, i: number, j: number): { similarity: number; level: number } {
  const a = f.text[i]!;
  const b = f.text[j]!;
  if (f.spec.kind === 'numeric') {
    const x = f.numbers![i]!;
    const y = f.numbers![j]!;
    if (Number.isNaN(x) || Number.isNaN(y)) return { similarity: 0, level: 0 };
    const s = numericCloseness(x, y);
    return { similarity: s, level: levelFromCuts(s, NUMERIC_CUTS) };
  }
  if (a === '' || b === '') return { similarity: 0, level: 0 };
  switch (f.spec.kind) {
    case 'text': {
      let vi = f.vectors![i]!;
      let vj = f.vectors![j]!;
      // "IIT" against "Indian Institute of Technology": compare as if the acronym were spelled out
      const ei = expandAcronyms(f.tokens[i]!, f.acronyms![i]!, f.targets![j]!);
      const ej = expandAcronyms(f.tokens[j]!, f.acronyms![j]!, f.targets![i]!);
      if (ei) vi = expandedVector(f, ei);
      if (ej) vj = expandedVector(f, ej);
      const s = f.feature === f.spec.name ? cosine(vi, vj) : containment(vi, vj);
      return { similarity: s, level: levelFromCuts(s, TEXT_CUTS) };
    }
    case 'name': {
      let s: number;
      if (a === b) s = 1;
      else {
        s = jaroWinkler(a, b);
        const ta = f.tokens[i]!;
        const tb = f.tokens[j]!;
        // same words in another order ("anne marie" / "marie anne") count as near-exact
        if (ta.length > 1 && ta.length === tb.length && [...ta].sort().join(' ') === [...tb].sort().join(' '))
          s = Math.max(s, 0.97);
        if (s >= 1) s = 0.999;
      }
      return { similarity: s, level: levelFromCuts(s, NAME_CUTS) };
    }
    case 'code': {
      if (a === b) return { similarity: 1, level: 1 };
      const d = damerauLevenshtein(a, b);
      const s = Math.max(0, 1 - d / Math.max(a.length, b.length));
      if (d === 1) return { similarity: s, level: 2 };
      if (d === 2 && Math.min(a.length, b.length) >= 6) return { similarity: s, level: 3 };
      return { similarity: s, level: 4 };
    }
    case 'exact':
      return a === b ? { similarity: 1, level: 1 } : { similarity: 0, level: 2 };
    default:
      return { similarity: 0, level: 0 };
  }
}

/** Comparison vector of a pair (levels only). */
export function compareLevels(p: Prepared, i: number, j: number, out: Uint8Array): void {
  for (let f = 0; f < p.fields.length; f++) out[f] = compareField(p.fields[f]!, i, j).level;
}
