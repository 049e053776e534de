import { makeSynthetic } from '../../../bench/make-synthetic-people.js';
import { prepare } from '../../../src/resolve/er/compare.js';
import { candidatePairs } from '../../../src/resolve/er/blocking.js';
import { inferFieldSpecs } from '../../../src/resolve/er/fields.js';
import {
  addPattern,
  levelDistribution,
  monotoneRatio,
  newPatternTable,
  posterior,
  trainFellegiSunter,
} from '../../../src/resolve/er/fellegi-sunter.js';
import { assignLinks, bestOfEither, clusterWithGuard } from '../../../src/resolve/er/cluster.js';
import { resolveRecords, rng } from '../../../src/resolve/er/resolve.js';
import type { ErRecord } from '../../../src/resolve/er/types.js';

function syntheticRecords(n: number): { records: ErRecord[]; pairs: [string, string][] } {
  const { header, rows, pairs } = makeSynthetic({ records: n, dupRate: 0.3, seed: 11 });
  const records = rows.map((r) => ({
    id: r[0]!,
    source: null,
    values: Object.fromEntries(header.slice(1).map((h, k) => [h, r[k + 1] === '' ? null : r[k + 1]!])),
  }));
  return { records, pairs };
}

describe('field inference', () => {
  it('picks a kind per column from the values', () => {
    const recs: ErRecord[] = [
      {
        id: '1',
        source: null,
        values: {
          title: 'a study of record linkage methods',
          name: 'anna',
          zip: '2650',
          price: '9.99',
          email: 'a@x.com',
        },
      },
      {
        id: '2',
        source: null,
        values: {
          title: 'deep entity matching with transformers',
          name: 'bob',
          zip: '2651',
          price: '10',
          email: 'b@y.com',
        },
      },
      { id: '3', source: null, values: { title: null, name: null, zip: null, price: '3.50', email: null } },
    ];
    expect(inferFieldSpecs(recs, ['title', 'name', 'zip', 'price', 'email', 'empty'])).toEqual([
      { name: 'title', kind: 'text' },
      { name: 'name', kind: 'name' },
      { name: 'zip', kind: 'code' },
      { name: 'price', kind: 'numeric' },
      { name: 'email', kind: 'exact' },
    ]);
  });
});

describe('blocking', () => {
  it('keeps nearly every true pair while comparing a tiny share of all pairs', () => {
    const { records, pairs } = syntheticRecords(3000);
    const p = prepare(records, inferFieldSpecs(records, Object.keys(records[0]!.values)));
    const cand = candidatePairs(
      p,
      records.map(() => null),
      { neighbours: 15, keyCap: 100, window: 4, crossSourceOnly: false },
    );
    const index = new Map(records.map((r, i) => [r.id, i]));
    const set = new Set<number>();
    for (let x = 0; x < cand.length; x += 2) set.add(cand[x]! * records.length + cand[x + 1]!);
    const hits = pairs.filter(([a, b]) => {
      const i = index.get(a)!;
      const j = index.get(b)!;
      return set.has(Math.min(i, j) * records.length + Math.max(i, j));
    }).length;
    expect(hits / pairs.length).toBeGreaterThan(0.99);
    expect(cand.length / 2).toBeLessThan(records.length * 25); // O(n·k), not O(n²) = 4.5M
  });
  it('only emits cross-source pairs for linkage', () => {
    const recs: ErRecord[] = ['a', 'b', 'c', 'd'].map((id, k) => ({
      id,
      source: k % 2 ? 'B' : 'A',
      values: { name: 'same name' },
    }));
    const p = prepare(recs, [{ name: 'name', kind: 'name' }]);
    const cand = candidatePairs(
      p,
      recs.map((r) => r.source),
      { neighbours: 5, keyCap: 100, window: 4, crossSourceOnly: true },
    );
    for (let x = 0; x < cand.length; x += 2) expect(recs[cand[x]!]!.source).not.toBe(recs[cand[x + 1]!]!.source);
    expect(cand.length / 2).toBe(4);
  });
});

describe('Fellegi-Sunter EM', () => {
  it('recovers m, u and the match share of a simulated mixture without labels', () => {
    const rand = rng(5);
    const trueM = [
      [0, 0.9, 0.08, 0.02],
      [0, 0.85, 0.1, 0.05],
      [0, 0.95, 0.05],
    ];
    const trueU = [
      [0, 0.05, 0.15, 0.8],
      [0, 0.1, 0.2, 0.7],
      [0, 0.3, 0.7],
    ];
    const draw = (dist: number[]) => {
      let r = rand();
      for (let l = 1; l < dist.length; l++) {
        r -= dist[l]!;
        if (r <= 0) return l;
      }
      return dist.length - 1;
    };
    const cands = newPatternTable([4, 4, 3]);
    const random = newPatternTable([4, 4, 3]);
    for (let k = 0; k < 20000; k++) {
      const isMatch = rand() < 0.2;
      addPattern(cands, Uint8Array.from((isMatch ? trueM : trueU).map(draw)));
      addPattern(random, Uint8Array.from(trueU.map(draw)));
    }
    const model = trainFellegiSunter(cands, levelDistribution(random));
    expect(model.lambda).toBeCloseTo(0.2, 1);
    expect(model.m[0]![1]!).toBeCloseTo(0.9, 1);
    expect(model.u[0]![3]!).toBeCloseTo(0.8, 1);
    expect(posterior(model, Uint8Array.from([1, 1, 1]))).toBeGreaterThan(0.99);
    expect(posterior(model, Uint8Array.from([3, 3, 2]))).toBeLessThan(0.01);
    // missing (level 0) is neutral
    expect(posterior(model, Uint8Array.from([0, 0, 0]))).toBeCloseTo(model.lambda, 6);
  });
  it('monotoneRatio makes better levels at least as strong as worse ones, keeping Σm', () => {
    const m = [0, 0.3, 0.5, 0.2];
    const u = [0, 0.1, 0.1, 0.8];
    const out = monotoneRatio(m, u);
    expect(out[1]! / u[1]!).toBeGreaterThanOrEqual(out[2]! / u[2]! - 1e-12);
    expect(out.reduce((a, b) => a + b, 0)).toBeCloseTo(1);
  });
});

describe('clustering', () => {
  it('stops a chain when the two ends were compared and judged different', () => {
    // 0-1 strong, 1-2 strong, but 0-2 was scored and is clearly not a match
    const labels = clusterWithGuard(
      4,
      [
        { i: 0, j: 1, score: 0.99 },
        { i: 1, j: 2, score: 0.9 },
        { i: 0, j: 2, score: 0.01 },
        { i: 2, j: 3, score: 0.2 },
      ],
      0.5,
    );
    expect(labels[0]).toBe(labels[1]);
    expect(labels[2]).not.toBe(labels[0]);
    expect(labels[3]).not.toBe(labels[2]);
  });
  it('merges transitively when the evidence agrees', () => {
    const labels = clusterWithGuard(
      3,
      [
        { i: 0, j: 1, score: 0.99 },
        { i: 1, j: 2, score: 0.9 },
        { i: 0, j: 2, score: 0.7 },
      ],
      0.5,
    );
    expect(new Set(labels).size).toBe(1);
  });
  it('one-to-one assignment keeps the best edge per record', () => {
    const edges = [
      { i: 0, j: 2, score: 0.9 },
      { i: 0, j: 3, score: 0.8 },
      { i: 1, j: 3, score: 0.7 },
    ];
    const isA = (i: number) => i < 2;
    expect(assignLinks(edges, isA, true, true)).toEqual([
      { i: 0, j: 2, score: 0.9 },
      { i: 1, j: 3, score: 0.7 },
    ]);
    expect(assignLinks(edges, isA, false, true)).toHaveLength(2);
    expect(bestOfEither(edges)).toHaveLength(3);
  });
});

describe('resolveRecords', () => {
  it('finds the synthetic duplicates and explains every joined pair', () => {
    const { records, pairs } = syntheticRecords(2000);
    const res = resolveRecords(records);
    expect(res.mode).toBe('dedupe');
    const predicted = new Set(res.clusters.flatMap((c) => c.pairs.map((p) => [p.a, p.b].sort().join('|'))));
    const found = pairs.filter(
      ([a, b]) => res.labels[records.findIndex((r) => r.id === a)] === res.labels[records.findIndex((r) => r.id === b)],
    ).length;
    expect(found / pairs.length).toBeGreaterThan(0.95);
    expect(predicted.size).toBeGreaterThan(0);
    const pair = res.clusters[0]!.pairs[0]!;
    expect(pair.score).toBeGreaterThanOrEqual(0.5);
    expect(pair.reasons.map((r) => r.field)).toEqual(res.fields.map((f) => f.name));
    expect(pair.reasons.every((r) => r.similarity >= 0 && r.similarity <= 1 && Number.isFinite(r.weight))).toBe(true);
  });
  it('links two sources one-to-one', () => {
    const a = ['anna becker', 'boris schmidt', 'carla novak', 'dieter fischer', 'emma weber', 'felix meyer'];
    const recs: ErRecord[] = [
      ...a.map((n, k) => ({
        id: `a${k}`,
        source: 'A',
        values: { name: n, city: ['berlin', 'hamburg', 'bonn'][k % 3]!, zip: String(10000 + k * 37) },
      })),
      ...a.map((n, k) => ({
        id: `b${k}`,
        source: 'B',
        values: {
          name: k % 2 ? n : n.replace('a', 'e'),
          city: ['berlin', 'hamburg', 'bonn'][k % 3]!,
          zip: String(10000 + k * 37),
        },
      })),
    ];
    const res = resolveRecords(recs);
    expect(res.mode).toBe('link');
    expect(res.linkage?.constraint).toBe('one-to-one');
    expect(res.clusters.map((c) => c.recordIds)).toEqual(a.map((_, k) => [`a${k}`, `b${k}`]));
  });
});
