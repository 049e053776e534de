/** Pairwise precision / recall / F1 of predicted entities against a list of true pairs. */

export const pairKey = (a: string, b: string): string => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);

export interface PairMetrics {
  precision: number;
  recall: number;
  f1: number;
  truePositives: number;
  predictedPairs: number;
  truePairs: number;
}

/**
 * Predicted pairs are all pairs inside each predicted cluster (`crossSourceOnly`: only pairs whose
 * records come from different sources, for two-source linkage).
 */
export function predictedPairsFromClusters(
  clusters: string[][],
  sourceOf: (id: string) => string | null,
  crossSourceOnly: boolean,
): Set<string> {
  const out = new Set<string>();
  for (const c of clusters) {
    for (let x = 0; x < c.length; x++) {
      for (let y = x + 1; y < c.length; y++) {
        if (crossSourceOnly && sourceOf(c[x]!) === sourceOf(c[y]!)) continue;
        out.add(pairKey(c[x]!, c[y]!));
      }
    }
  }
  return out;
}

/** Transitive closure of a pair list (its connected components' pairs). */
export function closePairs(pairs: [string, string][]): [string, string][] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== undefined && parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  for (const [a, b] of pairs) {
    if (!parent.has(a)) parent.set(a, a);
    if (!parent.has(b)) parent.set(b, b);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  }
  const groups = new Map<string, string[]>();
  for (const x of parent.keys()) {
    const r = find(x);
    groups.set(r, [...(groups.get(r) ?? []), x]);
  }
  const out: [string, string][] = [];
  for (const g of groups.values())
    for (let i = 0; i < g.length; i++) for (let j = i + 1; j < g.length; j++) out.push([g[i]!, g[j]!]);
  return out;
}

export function pairMetrics(predicted: Set<string>, truth: [string, string][]): PairMetrics {
  const truthSet = new Set(truth.map(([a, b]) => pairKey(a, b)));
  let tp = 0;
  for (const k of predicted) if (truthSet.has(k)) tp++;
  const precision = predicted.size === 0 ? (truthSet.size === 0 ? 1 : 0) : tp / predicted.size;
  const recall = truthSet.size === 0 ? 1 : tp / truthSet.size;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, truePositives: tp, predictedPairs: predicted.size, truePairs: truthSet.size };
}
