/**
 * The entity-resolution pipeline: infer field kinds → prepare → block → compare → learn
 * Fellegi-Sunter weights by EM (no labels) → accept pairs by posterior ≥ threshold → cluster
 * (deduplication) or constrained assignment (two-source linkage) → merge records with reasons.
 */
import type { ErRecord, FieldSpec, LinkConstraint, MergeRecord, Reason, ResolveOptions, ScoredPair } from './types.js';
import { inferFieldSpecs } from './fields.js';
import { compareField, compareLevels, prepare, type Prepared } from './compare.js';
import { candidatePairs } from './blocking.js';
import {
  addPattern,
  initialM,
  levelDistribution,
  logLikelihoodRatio,
  newPatternTable,
  posterior,
  trainFellegiSunter,
  type FsModel,
  type PatternTable,
} from './fellegi-sunter.js';
import { assignLinks, bestOfEither, clusterWithGuard, components, type Edge } from './cluster.js';
import { distinctiveConflict } from './distinctive.js';
import { mulberry32 } from '../../lib/random.js';

export interface ResolveResult {
  /** Entities with two or more records. */
  clusters: MergeRecord[];
  /** Cluster label of every record (index-aligned with the input). */
  labels: Int32Array;
  mode: 'dedupe' | 'link';
  fields: FieldSpec[];
  model: FsModel;
  threshold: number;
  candidatePairs: number;
  /** The candidate pairs as record indices [i0, j0, i1, j1, ...] (for blocking-recall diagnostics). */
  candidates: Uint32Array;
  acceptedPairs: number;
  /** Two-source only: which sides were limited to one partner, and the duplicate rate measured per source. */
  linkage: { constraint: LinkConstraint; duplicateRate: Record<string, number> } | null;
}

/** Deterministic PRNG (mulberry32, src/lib/random.ts). */
export const rng = mulberry32;

function randomPairTable(p: Prepared, srcId: Int32Array, link: boolean, seed: number): PatternTable {
  const n = p.records.length;
  const table = newPatternTable(p.fields.map((f) => f.levels));
  const v = new Uint8Array(p.fields.length);
  const total = (n * (n - 1)) / 2;
  if (total <= 20000) {
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) {
        if (link && srcId[i] === srcId[j]) continue;
        compareLevels(p, i, j, v);
        addPattern(table, v);
      }
    return table;
  }
  const rand = rng(seed);
  const want = Math.min(50000, Math.max(20000, 2 * n));
  for (let got = 0, tries = 0; got < want && tries < want * 20; tries++) {
    const i = Math.floor(rand() * n);
    const j = Math.floor(rand() * n);
    if (i === j || (link && srcId[i] === srcId[j])) continue;
    compareLevels(p, i, j, v);
    addPattern(table, v);
    got++;
  }
  return table;
}

function scorePairs(
  p: Prepared,
  pairs: Uint32Array,
  model: FsModel | null,
  table: PatternTable,
): { edges: Edge[]; patternIds: Int32Array } {
  const F = p.fields.length;
  const v = new Uint8Array(F);
  const edges: Edge[] = [];
  const patternIds = new Int32Array(pairs.length / 2);
  const cache = new Map<number, number>();
  for (let x = 0; x < pairs.length; x += 2) {
    const i = pairs[x]!;
    const j = pairs[x + 1]!;
    compareLevels(p, i, j, v);
    const id = addPattern(table, v);
    patternIds[x / 2] = id;
    let s = 0;
    if (model) {
      s = cache.get(id) ?? posterior(model, v);
      cache.set(id, s);
    }
    edges.push({ i, j, score: s });
  }
  return { edges, patternIds };
}

/**
 * Starting point for EM that does not depend on which latent split happens to dominate the
 * candidate set: score candidates with the prior model (geometric m, u from random pairs), keep the
 * pairs that are each other's best partner (reciprocal best), and use their level distribution as
 * the initial m and as a Dirichlet prior. Duplicates are rare and look alike, so reciprocal-best
 * pairs are mostly matches even when the candidate set is dominated by look-alike non-matches.
 */
function seedFromReciprocalBest(
  n: number,
  edges: Edge[],
  patternIds: Int32Array,
  table: PatternTable,
  uRandom: number[][],
): { m: number[][]; pairs: number } {
  const prior: FsModel = { lambda: 0.5, m: table.levels.map(initialM), u: uRandom, iterations: 0, converged: false };
  const patScore = table.patterns.map((v) => {
    let s = 0;
    for (let f = 0; f < v.length; f++) s += logLikelihoodRatio(prior, f, v[f]!);
    return s;
  });
  const best = new Float64Array(n).fill(-Infinity);
  edges.forEach((e, k) => {
    const s = patScore[patternIds[k]!]!;
    if (s > best[e.i]!) best[e.i] = s;
    if (s > best[e.j]!) best[e.j] = s;
  });
  const counts = table.levels.map((L) => new Array<number>(L).fill(0.5));
  let pairs = 0;
  edges.forEach((e, k) => {
    const s = patScore[patternIds[k]!]!;
    if (s <= 0 || s < best[e.i]! || s < best[e.j]!) return;
    pairs++;
    const v = table.patterns[patternIds[k]!]!;
    for (let f = 0; f < v.length; f++) counts[f]![v[f]!]! += 1;
  });
  const m = counts.map((row) => {
    row[0] = 0;
    const s = row.reduce((a, b) => a + b, 0);
    return row.map((x) => x / s);
  });
  return { m, pairs };
}

export function explainPair(p: Prepared, model: FsModel, i: number, j: number): Reason[] {
  return p.fields.map((f, k) => {
    const { similarity, level } = compareField(f, i, j);
    return {
      field: f.feature,
      similarity: Math.round(similarity * 1000) / 1000,
      weight: Math.round(logLikelihoodRatio(model, k, level) * 100) / 100,
    };
  });
}

export function resolveRecords(records: ErRecord[], options: ResolveOptions = {}): ResolveResult {
  const n = records.length;
  const threshold = options.threshold ?? 0.5;
  const names = [...new Set(records.flatMap((r) => Object.keys(r.values)))];
  const fields = options.fields ?? inferFieldSpecs(records, names);
  const p = prepare(records, fields);
  const srcMap = new Map<string | null, number>();
  const srcId = Int32Array.from(records, (r) => {
    if (!srcMap.has(r.source)) srcMap.set(r.source, srcMap.size);
    return srcMap.get(r.source)!;
  });
  const link = srcMap.size >= 2;
  const blocking = {
    neighbours: options.neighbours ?? 15,
    keyCap: options.keyCap ?? 100,
    window: options.window ?? 4,
    crossSourceOnly: link,
  };
  const pairs = candidatePairs(
    p,
    records.map((r) => r.source),
    blocking,
  );
  const levels = p.fields.map((f) => f.levels);
  const candTable = newPatternTable(levels);
  const { edges, patternIds } = scorePairs(p, pairs, null, candTable);
  const uRandom = levelDistribution(randomPairTable(p, srcId, link, options.seed ?? 17));
  const seed = seedFromReciprocalBest(n, edges, patternIds, candTable, uRandom);
  const model = trainFellegiSunter(candTable, uRandom, {
    initialLambda: Math.min(0.5, Math.max(0.001, seed.pairs / Math.max(1, edges.length))),
    initialM: seed.m,
    mPriorStrength: (options.seedPriorStrength ?? SEED_PRIOR_STRENGTH) * seed.pairs,
  });
  const probs = candTable.patterns.map((v) => posterior(model, v));
  const scoredEdges: Edge[] = edges.map((e, k) => ({ i: e.i, j: e.j, score: probs[patternIds[k]!]! }));

  let labels: Int32Array;
  let accepted: Edge[];
  let linkage: ResolveResult['linkage'] = null;
  if (!link) {
    // The chaining guard may consult any pair; patterns repeat, so cache posteriors by level vector.
    const pv = new Uint8Array(p.fields.length);
    const patternPosterior = new Map<string, number>();
    const scorePair = (i: number, j: number): number => {
      compareLevels(p, i, j, pv);
      const key = pv.join(',');
      let s = patternPosterior.get(key);
      if (s === undefined) {
        s = posterior(model, pv);
        patternPosterior.set(key, s);
      }
      return s;
    };
    // free text (organisation names): clusters that each have a rare word the other lacks stay apart
    const conflicts =
      options.conflict === false
        ? []
        : p.fields
            .filter((f) => f.spec.kind === 'text' && f.feature === f.spec.name)
            .map((f) => distinctiveConflict(f, options.conflict || {}));
    const conflict =
      conflicts.length === 0
        ? undefined
        : (a: readonly number[], b: readonly number[]) => conflicts.some((c) => c(a, b));
    labels = clusterWithGuard(n, scoredEdges, threshold, scorePair, conflict);
    accepted = scoredEdges.filter((e) => e.score >= threshold && labels[e.i] === labels[e.j]);
  } else {
    const srcNames = [...srcMap.keys()].map((s) => String(s));
    const duplicateRate: Record<string, number> = {};
    let constraint: LinkConstraint = options.linkConstraint ?? 'one-to-one';
    const sourceA = srcNames[0]!;
    if (constraint === 'auto') {
      // Does a source hold duplicates of itself? Score within-source candidates with the same model.
      const within = candidatePairs(
        p,
        records.map((r) => r.source),
        { ...blocking, crossSourceOnly: false, sameSourceOnly: true },
      );
      const { edges: wEdges } = scorePairs(p, within, model, newPatternTable(levels));
      const dupRecords = new Set<number>();
      for (const e of wEdges)
        if (e.score >= threshold) {
          dupRecords.add(e.i);
          dupRecords.add(e.j);
        }
      const perSource = new Map<number, number>();
      const sizes = new Map<number, number>();
      for (let i = 0; i < n; i++) sizes.set(srcId[i]!, (sizes.get(srcId[i]!) ?? 0) + 1);
      for (const i of dupRecords) perSource.set(srcId[i]!, (perSource.get(srcId[i]!) ?? 0) + 1);
      for (const [s, id] of srcMap)
        duplicateRate[String(s)] = Math.round(((perSource.get(id) ?? 0) / sizes.get(id)!) * 1e4) / 1e4;
      // A source with (almost) no internal duplicates can match each foreign record at most once.
      const clean = (name: string) => (duplicateRate[name] ?? 0) < DUPLICATE_RATE_CLEAN;
      const cleanA = clean(sourceA);
      const cleanB = srcNames.slice(1).every(clean);
      constraint = cleanA && cleanB ? 'one-to-one' : cleanA ? 'many-to-one' : cleanB ? 'one-to-many' : 'none';
    }
    // one-to-many: an A record may have many B partners, a B record one A partner.
    const limitA = constraint === 'one-to-one' || constraint === 'many-to-one';
    const limitB = constraint === 'one-to-one' || constraint === 'one-to-many';
    const isA = (i: number) => srcId[i] === 0;
    const above = scoredEdges.filter((e) => e.score >= threshold);
    accepted = constraint === 'best' ? bestOfEither(above) : assignLinks(above, isA, limitA, limitB);
    labels = components(n, accepted);
    linkage = { constraint, duplicateRate };
  }

  const byCluster = new Map<number, { ids: number[]; pairs: Edge[] }>();
  for (let i = 0; i < n; i++) {
    const c = byCluster.get(labels[i]!) ?? { ids: [], pairs: [] };
    c.ids.push(i);
    byCluster.set(labels[i]!, c);
  }
  for (const e of accepted) byCluster.get(labels[e.i]!)!.pairs.push(e);
  const clusters: MergeRecord[] = [];
  for (const c of byCluster.values()) {
    if (c.ids.length < 2) continue;
    const recordIds = c.ids.map((i) => records[i]!.id).sort();
    const pairsOut: ScoredPair[] = c.pairs.map((e) => ({
      a: records[e.i]!.id,
      b: records[e.j]!.id,
      score: Math.round(e.score * 1e4) / 1e4,
      reasons: explainPair(p, model, e.i, e.j),
    }));
    clusters.push({ clusterId: `c:${recordIds[0]}`, recordIds, pairs: pairsOut });
  }
  clusters.sort((x, y) => (x.clusterId < y.clusterId ? -1 : 1));
  return {
    clusters,
    labels,
    mode: link ? 'link' : 'dedupe',
    fields,
    model,
    threshold,
    candidatePairs: edges.length,
    candidates: pairs,
    acceptedPairs: accepted.length,
    linkage,
  };
}

/**
 * Dirichlet prior strength of the reciprocal-best seed m distribution, as a multiple of the number
 * of seed pairs (1 = the seed pairs count once, as if they were an observed sample of matches).
 */
export const SEED_PRIOR_STRENGTH = 2;

/** Share of a source's records that have an accepted within-source partner, below which it counts as duplicate-free. */
export const DUPLICATE_RATE_CLEAN = 0.02;
