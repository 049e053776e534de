/**
 * Fellegi-Sunter record linkage with parameters learned by EM, without labels.
 *
 * Each candidate pair is a vector of discrete agreement levels, one per feature. Matches and
 * non-matches are two latent classes; given the class, features are independent with level
 * distributions m (matches) and u (non-matches). EM alternates posterior class probabilities and
 * parameter updates. Pairs with identical vectors are grouped first, so an iteration costs
 * O(#distinct vectors), not O(#pairs).
 *
 * u starts from random record pairs (almost all non-matches) and is kept as a Dirichlet prior;
 * m starts strongly favouring the best levels and also keeps a weak prior, so a small input
 * (a CRM with a dozen records) still yields sane weights. Level 0 ("missing") carries no evidence.
 */
export interface FsModel {
  /** Prior match probability among candidate pairs. */
  lambda: number;
  /** m[f][level], u[f][level]; index 0 (missing) is unused. */
  m: number[][];
  u: number[][];
  iterations: number;
  converged: boolean;
}

export interface FsTrainOptions {
  maxIterations?: number;
  tolerance?: number;
  /** Pseudo-count weight of the random-pair u estimate (prior strength, in pairs). */
  uPriorStrength?: number;
  /** Pseudo-count weight of the initial m guess. */
  mPriorStrength?: number;
  initialLambda?: number;
  /** Initial m distribution (e.g. from reciprocal-best seed pairs); default: geometric decay over levels. */
  initialM?: number[][];
}

/** Distinct comparison vectors with their counts. */
export interface PatternTable {
  levels: number[];
  patterns: Uint8Array[];
  counts: number[];
  index: Map<string, number>;
}

export function newPatternTable(levels: number[]): PatternTable {
  return { levels, patterns: [], counts: [], index: new Map() };
}

export function addPattern(t: PatternTable, v: Uint8Array, count = 1): number {
  const key = String.fromCharCode(...v);
  let id = t.index.get(key);
  if (id === undefined) {
    id = t.patterns.length;
    t.index.set(key, id);
    t.patterns.push(Uint8Array.from(v));
    t.counts.push(0);
  }
  t.counts[id]! += count;
  return id;
}

/** Level frequencies (levels 1..L) with add-one smoothing. */
export function levelDistribution(t: PatternTable): number[][] {
  return t.levels.map((L, f) => {
    const c = new Array<number>(L).fill(1);
    c[0] = 0;
    t.patterns.forEach((p, i) => {
      if (p[f]! > 0) c[p[f]!]! += t.counts[i]!;
    });
    const s = c.reduce((a, b) => a + b, 0);
    return c.map((x) => x / s);
  });
}

export function initialM(L: number): number[] {
  // level 1 is the best agreement; mass decays by 4x per level
  const m = new Array<number>(L).fill(0);
  for (let l = 1; l < L; l++) m[l] = Math.pow(4, -(l - 1));
  const s = m.reduce((a, b) => a + b, 0);
  return m.map((x) => x / s);
}

/**
 * Levels are ordered from best to worst agreement, so the likelihood ratio m/u must not increase
 * with the level: better agreement is never weaker evidence of a match. Enforced with
 * pool-adjacent-violators over levels 1..L-1 (pooled ratio Σm/Σu); Σm is preserved.
 */
export function monotoneRatio(m: number[], u: number[]): number[] {
  const blocks: { start: number; end: number; m: number; u: number }[] = [];
  for (let l = 1; l < m.length; l++) {
    blocks.push({ start: l, end: l, m: m[l]!, u: u[l]! });
    while (blocks.length > 1) {
      const b = blocks[blocks.length - 1]!;
      const a = blocks[blocks.length - 2]!;
      if (a.m / a.u >= b.m / b.u) break;
      blocks.splice(blocks.length - 2, 2, { start: a.start, end: b.end, m: a.m + b.m, u: a.u + b.u });
    }
  }
  const out = [...m];
  for (const b of blocks) for (let l = b.start; l <= b.end; l++) out[l] = Math.max((b.m / b.u) * u[l]!, 1e-9);
  return out;
}

export function logLikelihoodRatio(model: FsModel, f: number, level: number): number {
  if (level === 0) return 0;
  return Math.log2(model.m[f]![level]! / model.u[f]![level]!);
}

/** Posterior match probability of one comparison vector. */
export function posterior(model: FsModel, v: Uint8Array): number {
  let logOdds = Math.log(model.lambda / (1 - model.lambda));
  for (let f = 0; f < v.length; f++) {
    const l = v[f]!;
    if (l === 0) continue;
    logOdds += Math.log(model.m[f]![l]! / model.u[f]![l]!);
  }
  return 1 / (1 + Math.exp(-logOdds));
}

export function trainFellegiSunter(candidates: PatternTable, uRandom: number[][], opts: FsTrainOptions = {}): FsModel {
  const maxIt = opts.maxIterations ?? 200;
  const tol = opts.tolerance ?? 1e-6;
  const uPrior = opts.uPriorStrength ?? 1000;
  const mPrior = opts.mPriorStrength ?? 5;
  const F = candidates.levels.length;
  const m0 = opts.initialM ?? candidates.levels.map(initialM);
  let model: FsModel = {
    lambda: opts.initialLambda ?? 0.1,
    m: m0.map((r) => [...r]),
    u: uRandom.map((r) => [...r]),
    iterations: 0,
    converged: false,
  };
  const P = candidates.patterns.length;
  const w = new Float64Array(P);
  for (let it = 1; it <= maxIt; it++) {
    // E-step
    let matchMass = 0;
    let total = 0;
    for (let p = 0; p < P; p++) {
      w[p] = posterior(model, candidates.patterns[p]!);
      matchMass += w[p]! * candidates.counts[p]!;
      total += candidates.counts[p]!;
    }
    // M-step with Dirichlet priors
    const mC = candidates.levels.map((L, f) => m0[f]!.map((x) => x * mPrior).slice(0, L));
    const uC = candidates.levels.map((L, f) => uRandom[f]!.map((x) => x * uPrior).slice(0, L));
    for (let p = 0; p < P; p++) {
      const v = candidates.patterns[p]!;
      const c = candidates.counts[p]!;
      for (let f = 0; f < F; f++) {
        const l = v[f]!;
        if (l === 0) continue;
        mC[f]![l]! += w[p]! * c;
        uC[f]![l]! += (1 - w[p]!) * c;
      }
    }
    const norm = (rows: number[][]) =>
      rows.map((r) => {
        const s = r.reduce((a, b, i) => (i === 0 ? a : a + b), 0);
        return r.map((x, i) => (i === 0 ? 0 : Math.max(x / s, 1e-9)));
      });
    const uNext = norm(uC);
    const next: FsModel = {
      lambda: Math.min(1 - 1e-6, Math.max(1e-6, matchMass / Math.max(total, 1))),
      m: norm(mC).map((row, f) => monotoneRatio(row, uNext[f]!)),
      u: uNext,
      iterations: it,
      converged: false,
    };
    let delta = Math.abs(next.lambda - model.lambda);
    for (let f = 0; f < F; f++) {
      for (let l = 1; l < next.m[f]!.length; l++) {
        delta = Math.max(delta, Math.abs(next.m[f]![l]! - model.m[f]![l]!), Math.abs(next.u[f]![l]! - model.u[f]![l]!));
      }
    }
    model = next;
    if (delta < tol) {
      model.converged = true;
      break;
    }
  }
  return model;
}
