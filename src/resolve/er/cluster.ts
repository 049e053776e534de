/**
 * Turning scored pairs into entities.
 *
 * Deduplication: union-find over accepted edges in descending score order, with a guard against
 * chaining (average linkage): two clusters merge only if the mean posterior over the pairs between
 * them is at least the threshold. With a `scorePair` callback the guard scores *every* cross pair
 * (pairs blocking never proposed included; a deterministic sample above `MAX_GUARD_PAIRS`), so
 * "University of Toronto" and "University of Michigan" do not join through a chain of
 * "Department of Computer Science, University of …" strings. Without it only the scored candidate
 * pairs between the two clusters are consulted.
 *
 * Two-source linkage: greedy assignment in descending score order under a per-side cardinality
 * constraint (1:1, 1:n, n:1 or none).
 */

/** Cross pairs the guard scores per attempted merge at most (a regular sample beyond this). */
export const MAX_GUARD_PAIRS = 4096;

export interface Edge {
  i: number;
  j: number;
  score: number;
}

class UnionFind {
  readonly parent: Int32Array;
  readonly members: number[][];
  constructor(n: number) {
    this.parent = Int32Array.from({ length: n }, (_, i) => i);
    this.members = Array.from({ length: n }, (_, i) => [i]);
  }
  find(x: number): number {
    let r = x;
    while (this.parent[r] !== r) r = this.parent[r]!;
    while (this.parent[x] !== r) {
      const nx = this.parent[x]!;
      this.parent[x] = r;
      x = nx;
    }
    return r;
  }
  union(a: number, b: number): number {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return ra;
    if (this.members[ra]!.length < this.members[rb]!.length) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    for (const x of this.members[rb]!) this.members[ra]!.push(x);
    this.members[rb] = [];
    return ra;
  }
}

/**
 * @param n number of records
 * @param scored every scored candidate pair (accepted or not): the evidence the guard consults
 * @param scorePair posterior of any pair (optional): lets the guard look at pairs that were not candidates
 * @returns cluster label per record (the union-find root)
 */
export function clusterWithGuard(
  n: number,
  scored: Edge[],
  threshold: number,
  scorePair?: (i: number, j: number) => number,
  conflict?: (a: readonly number[], b: readonly number[]) => boolean,
): Int32Array {
  const adj: Map<number, number>[] = Array.from({ length: n }, () => new Map());
  for (const e of scored) {
    adj[e.i]!.set(e.j, e.score);
    adj[e.j]!.set(e.i, e.score);
  }
  const accepted = scored.filter((e) => e.score >= threshold).sort((x, y) => y.score - x.score);
  const uf = new UnionFind(n);
  for (const e of accepted) {
    const ra = uf.find(e.i);
    const rb = uf.find(e.j);
    if (ra === rb) continue;
    const [small, large] = uf.members[ra]!.length <= uf.members[rb]!.length ? [ra, rb] : [rb, ra];
    let sum = 0;
    let cnt = 0;
    const ms = uf.members[small]!;
    const ml = uf.members[large]!;
    if (scorePair) {
      const total = ms.length * ml.length;
      const step = Math.max(1, Math.ceil(total / MAX_GUARD_PAIRS));
      for (let k = 0; k < total; k += step) {
        const x = ms[Math.floor(k / ml.length)]!;
        const y = ml[k % ml.length]!;
        sum += adj[x]!.get(y) ?? scorePair(x, y);
        cnt++;
      }
    } else {
      for (const x of ms) {
        for (const [y, s] of adj[x]!) {
          if (uf.find(y) === large) {
            sum += s;
            cnt++;
          }
        }
      }
    }
    if (cnt > 0 && sum / cnt < threshold) continue;
    if (conflict?.(ms, ml)) continue;
    uf.union(e.i, e.j);
  }
  return Int32Array.from({ length: n }, (_, i) => uf.find(i));
}

/**
 * Greedy constrained assignment for two sources.
 * `limitA`: a record of source A may take at most one partner; `limitB` likewise for B.
 */
export function assignLinks(edges: Edge[], isA: (i: number) => boolean, limitA: boolean, limitB: boolean): Edge[] {
  const taken = new Set<number>();
  const out: Edge[] = [];
  for (const e of [...edges].sort((x, y) => y.score - x.score)) {
    const a = isA(e.i) ? e.i : e.j;
    const b = a === e.i ? e.j : e.i;
    if (limitA && taken.has(a)) continue;
    if (limitB && taken.has(b)) continue;
    taken.add(a);
    taken.add(b);
    out.push(e);
  }
  return out;
}

/** Connected components over accepted edges (used after linkage). */
export function components(n: number, edges: Edge[]): Int32Array {
  const uf = new UnionFind(n);
  for (const e of edges) uf.union(e.i, e.j);
  return Int32Array.from({ length: n }, (_, i) => uf.find(i));
}

/** Keeps an edge only if it is the best-scoring edge of at least one of its two endpoints. */
export function bestOfEither(edges: Edge[]): Edge[] {
  const best = new Map<number, number>();
  for (const e of edges) {
    best.set(e.i, Math.max(best.get(e.i) ?? -1, e.score));
    best.set(e.j, Math.max(best.get(e.j) ?? -1, e.score));
  }
  return edges.filter((e) => e.score >= best.get(e.i)! || e.score >= best.get(e.j)!);
}
