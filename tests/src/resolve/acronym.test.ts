import { acronymTarget, acronymTokens, expandAcronyms, initialsOfRuns } from '../../../src/resolve/er/acronym.js';
import { compareField, prepare } from '../../../src/resolve/er/compare.js';
import { candidatePairs } from '../../../src/resolve/er/blocking.js';
import { clusterWithGuard } from '../../../src/resolve/er/cluster.js';
import { tokenize } from '../../../src/resolve/er/similarity.js';
import type { ErRecord } from '../../../src/resolve/er/types.js';

const expand = (a: string, b: string): string[] | null => {
  const x = acronymTokens(a);
  return expandAcronyms(x.tokens, x.acronyms, acronymTarget(tokenize(b)));
};

describe('acronym view', () => {
  it('reads written acronyms: capitals and dotted initials, not ordinary words', () => {
    expect(acronymTokens('M.I.T.')).toEqual({ tokens: ['mit'], acronyms: new Set(['mit']) });
    expect(acronymTokens('U. C. Berkeley').tokens).toEqual(['uc', 'berkeley']);
    expect(acronymTokens('IIT, Bombay').acronyms).toEqual(new Set(['iit']));
    // an article before a single letter is not an initialism; lower-case words are not acronyms
    expect(acronymTokens('A B-tree for data').tokens).toEqual(['a', 'b', 'tree', 'for', 'data']);
    expect(acronymTokens('A B-tree for data').acronyms.size).toBe(0);
  });

  it('expands an acronym into the words of the other value whose initials it spells', () => {
    expect(expand('IIT, Bombay', 'Indian Institute of Technology Bombay')).toEqual([
      'indian',
      'institute',
      'of',
      'technology',
      'bombay',
    ]);
    expect(expand('MIT', 'Massachusetts Institute of Technology')).toEqual([
      'massachusetts',
      'institute',
      'of',
      'technology',
    ]);
    expect(expand('HKUST', 'Dept. of CS, Hong Kong University of Science and Technology')).toEqual([
      'hong',
      'kong',
      'university',
      'of',
      'science',
      'and',
      'technology',
    ]);
    expect(expand('CS Dept., UCLA', 'University of California, Los Angeles')).toEqual([
      'cs',
      'dept',
      'university',
      'of',
      'california',
      'los',
      'angeles',
    ]);
  });

  it('leaves values alone when nothing is spelled out or the acronym is a word of both', () => {
    expect(expand('MIT', 'Stanford University')).toBeNull();
    expect(expand('IBM Almaden', 'IBM Research')).toBeNull();
    expect(expand('data streams', 'Distributed Archive of Technical Articles')).toBeNull();
  });

  it('lists the initials of word runs, optionally only known acronyms', () => {
    expect(
      initialsOfRuns(tokenize('Hong Kong University of Science and Technology'), new Set(['hkust', 'ust', 'xyz'])),
    ).toEqual(['hkust', 'ust']);
    expect(initialsOfRuns(tokenize('Indian Institute of Technology'))).toEqual(['ii', 'iit', 'it']);
  });

  it('lets comparison and blocking see "IIT" ↔ "Indian Institute of Technology"', () => {
    const values = [
      'IIT',
      'Indian Institute of Technology',
      'Stanford University',
      'University of Toronto',
      'MIT',
      'Massachusetts Institute of Technology',
    ];
    const records: ErRecord[] = values.map((v, k) => ({ id: String(k), source: null, values: { org: v } }));
    const p = prepare(records, [{ name: 'org', kind: 'text' }]);
    const cos = p.fields[0]!;
    expect(compareField(cos, 0, 1).similarity).toBeCloseTo(1, 6);
    expect(compareField(cos, 4, 5).similarity).toBeCloseTo(1, 6);
    expect(compareField(cos, 0, 5).similarity).toBeLessThan(0.9);
    expect(compareField(cos, 0, 2).similarity).toBe(0);
    const pairs = candidatePairs(
      p,
      records.map(() => null),
      { neighbours: 5, keyCap: 100, window: 0, crossSourceOnly: false },
    );
    const keys = new Set<string>();
    for (let x = 0; x < pairs.length; x += 2) keys.add(`${pairs[x]}-${pairs[x + 1]}`);
    expect(keys.has('0-1')).toBe(true);
    expect(keys.has('4-5')).toBe(true);
  });
});

describe('chaining guard over all cross pairs', () => {
  it('does not merge two groups bridged by one strong edge when the unscored cross pairs disagree', () => {
    // 0-1 and 2-3 are tight groups; 1-2 is a single accepted bridge; 0-3 etc. were never candidates
    const edges = [
      { i: 0, j: 1, score: 0.99 },
      { i: 2, j: 3, score: 0.99 },
      { i: 1, j: 2, score: 0.9 },
    ];
    const far = (i: number, j: number) => (Math.min(i, j) <= 1 && Math.max(i, j) >= 2 ? 0.05 : 0.99);
    const guarded = clusterWithGuard(4, edges, 0.5, far);
    expect(guarded[0]).toBe(guarded[1]);
    expect(guarded[2]).toBe(guarded[3]);
    expect(guarded[1]).not.toBe(guarded[2]);
    // without the pair scorer only the one scored cross pair is consulted, and the chain forms
    const plain = clusterWithGuard(4, edges, 0.5);
    expect(new Set(plain).size).toBe(1);
  });
});
