import { prepare } from '../../../src/resolve/er/compare.js';
import { distinctiveConflict, sameWord } from '../../../src/resolve/er/distinctive.js';
import { clusterWithGuard } from '../../../src/resolve/er/cluster.js';
import { resolveRecords } from '../../../src/resolve/er/resolve.js';
import type { ErRecord } from '../../../src/resolve/er/types.js';

// Invented organisations in one invented town: four groups that share the town and generic words.
const GROUPS: Record<string, string[]> = {
  alder: [
    'Department of Physics, Alder University of Northport, Northport',
    'Alder University of Northport',
    'Alder Univ. of Northport, Northport',
    'Dept. of Chemistry, Alder University of Northport',
  ],
  birch: [
    'Birch College, University of Northport',
    'Birch College of Northport University, Northport',
    'Birch College, Northport',
    'Law School, Birch College, University of Northport, Northport',
  ],
  acronym: ['AUN, Northport', 'Physics Dept., AUN', 'AUN', 'AUN, Northport, Country'],
  cedar: ['Cedar Labs, Northport', 'Cedar Research Labs, Northport', 'Cedar Labs', 'Cedar Labs, Northport Campus'],
  plain: [
    'University of Northport',
    'University of Northport, Northport',
    'Dept. of Physics, University of Northport',
    'The University of Northport',
    'University of Northport, Country',
    'Northport University',
    'School of Law, University of Northport',
  ],
};
// other organisations, so that the group names are rare words of the field
const FILLER = Array.from({ length: 40 }, (_, k) => `${String.fromCharCode(97 + (k % 26))}${k}x Institute, Town${k}`);

function fixture(skip: string[] = []) {
  const records: ErRecord[] = [];
  const groups: Record<string, number[]> = {};
  for (const [g, values] of Object.entries(GROUPS)) {
    if (skip.includes(g)) continue;
    groups[g] = values.map((v) => {
      records.push({ id: `r${records.length}`, source: null, values: { org: v } });
      return records.length - 1;
    });
  }
  for (const v of FILLER) records.push({ id: `r${records.length}`, source: null, values: { org: v } });
  const p = prepare(records, [{ name: 'org', kind: 'text' }]);
  return { records, groups, conflict: distinctiveConflict(p.fields[0]!) };
}

describe('distinctive-word conflict', () => {
  const { groups: g, conflict } = fixture();
  it('keeps apart two groups that each have a rare word the other lacks', () => {
    expect(conflict(g.alder!, g.birch!)).toBe(true);
    expect(conflict(g.birch!, g.alder!)).toBe(true);
  });
  it('does not count abbreviations, acronyms or a generic name as a conflict', () => {
    expect(conflict(g.alder!, g.acronym!)).toBe(false);
    expect(conflict(g.alder!, g.plain!)).toBe(false);
    expect(conflict(g.alder!.slice(0, 2), g.alder!.slice(2))).toBe(false);
  });
  it('a group without a rare word of its own (a generic name) conflicts with none', () => {
    expect(conflict(g.cedar!, g.plain!)).toBe(false);
    expect(conflict(g.birch!, g.plain!)).toBe(false);
    expect(conflict(g.cedar!, g.birch!)).toBe(true);
  });
  it('one or two strings say too little about their entity', () => {
    expect(conflict(g.alder!, g.birch!.slice(0, 1))).toBe(false);
    expect(conflict(g.alder!.slice(0, 2), g.birch!.slice(0, 2))).toBe(false);
  });
  it('sameWord accepts abbreviations and near spellings only', () => {
    expect(sameWord('univ', 'university')).toBe(true);
    expect(sameWord('univerity', 'university')).toBe(true);
    expect(sameWord('alder', 'birch')).toBe(false);
    expect(sameWord('of', 'office')).toBe(false);
  });
});

describe('clustering with a conflict veto', () => {
  it('does not merge two clusters the veto keeps apart, even when every pair scores high', () => {
    const edges = [
      { i: 0, j: 1, score: 0.99 },
      { i: 2, j: 3, score: 0.99 },
      { i: 1, j: 2, score: 0.95 },
      { i: 0, j: 3, score: 0.9 },
    ];
    const veto = (a: readonly number[], b: readonly number[]) =>
      a.includes(0) !== b.includes(0) && a.length + b.length > 2;
    const labels = clusterWithGuard(4, edges, 0.5, () => 0.9, veto);
    expect(labels[0]).toBe(labels[1]);
    expect(labels[2]).toBe(labels[3]);
    expect(labels[1]).not.toBe(labels[2]);
    expect(new Set(clusterWithGuard(4, edges, 0.5, () => 0.9)).size).toBe(1);
  });
});

describe('resolveRecords on organisation strings', () => {
  it('keeps two organisations that share a town and generic words apart', () => {
    const { records, groups: g } = fixture(['plain', 'acronym']);
    const same = (labels: Int32Array, xs: number[]) => new Set(xs.map((i) => labels[i])).size === 1;
    const res = resolveRecords(records);
    expect(same(res.labels, g.alder!)).toBe(true);
    expect(same(res.labels, g.birch!)).toBe(true);
    expect(res.labels[g.alder![0]!]).not.toBe(res.labels[g.birch![0]!]);
    // the pair scores alone join them (every cross pair looks like a match on this little data)
    const off = resolveRecords(records, { conflict: false });
    expect(off.labels[g.alder![0]!]).toBe(off.labels[g.birch![0]!]);
  });
});
