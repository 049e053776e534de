/**
 * Distinctive-word conflict between two clusters of a free-text field (organisation names,
 * affiliations). "The Chinese University of Hong Kong, Shatin" and "City University of Hong Kong,
 * Kowloon" share most of their TF-IDF mass ("university", "hong", "kong"), so pair scores cannot keep
 * them apart, yet each group has a *characteristic* rare word ("chinese" in most of its strings,
 * "city" in most of the other's) that no string of the other group has in any form. Two clusters that
 * each have such a word are different entities, however similar the rest looks. Used by
 * `clusterWithGuard` as a veto on merging two clusters; it never joins anything.
 *
 * Everything is measured on the field itself, no word lists:
 * - a word is *distinctive* when at most `DISTINCTIVE_DF_SHARE` of the field's values contain it;
 * - a word characterises a cluster when it is in at least `CHARACTERISTIC_SHARE` of the cluster's
 *   records, the size shrunk by `CHARACTERISTIC_SHRINK` pseudo-records (one or two strings say little
 *   about what their entity is), or in at least `CHARACTERISTIC_RECORDS` of them (a sub-group of five
 *   strings that agree on a rare word is an identity even inside a larger cluster);
 * - a word of one cluster is present in the other when the other has it, a word that it abbreviates
 *   or that abbreviates it ("univ" / "university"), a near spelling ("univerity"), or an acronym that
 *   spells it ("UCLA" for "University of California, Los Angeles").
 *
 * The clusters conflict when each lacks a characteristic distinctive word of the other. A cluster
 * without a characteristic word ("University of Hong Kong": every word is common) never conflicts.
 */
import { expandAcronyms, isStopWord } from './acronym.js';
import type { PreparedField } from './compare.js';
import { jaroWinkler } from './similarity.js';

/** A word in at most this share of the field's non-empty values is distinctive. */
export const DISTINCTIVE_DF_SHARE = 0.1;
/** A distinctive word in at least this (shrunk) share of a cluster's records characterises it. */
export const CHARACTERISTIC_SHARE = 0.5;
/** Pseudo-records added to a cluster's size when measuring a share. */
export const CHARACTERISTIC_SHRINK = 3;
/** A distinctive word in at least this many records of a cluster characterises it, whatever its share. */
export const CHARACTERISTIC_RECORDS = 5;

export interface ConflictOptions {
  dfShare?: number;
  characteristicShare?: number;
  shrink?: number;
  characteristicRecords?: number;
}

/** Abbreviation or near spelling of the same word ("univ" / "university", "univerity" / "university"). */
export function sameWord(a: string, b: string): boolean {
  if (a === b) return true;
  const [s, l] = a.length <= b.length ? [a, b] : [b, a];
  if (s.length >= 3 && l.startsWith(s) && /^\p{L}+$/u.test(s)) return true;
  return s.length >= 5 && jaroWinkler(a, b) >= 0.92;
}

const isWord = (w: string): boolean => /^\p{L}/u.test(w);

/**
 * Returns `conflict(a, b)` for clusters given as record indices of the prepared `text` field `f`:
 * true when the two clusters must stay apart (see the module comment).
 */
export function distinctiveConflict(
  f: PreparedField,
  opts: ConflictOptions = {},
): (a: readonly number[], b: readonly number[]) => boolean {
  const dfShare = opts.dfShare ?? DISTINCTIVE_DF_SHARE;
  const share = opts.characteristicShare ?? CHARACTERISTIC_SHARE;
  const shrink = opts.shrink ?? CHARACTERISTIC_SHRINK;
  const atLeast = opts.characteristicRecords ?? CHARACTERISTIC_RECORDS;
  const df = new Map<string, number>();
  let docs = 0;
  for (const t of f.tokens) {
    if (t.length === 0) continue;
    docs++;
    for (const w of new Set(t)) df.set(w, (df.get(w) ?? 0) + 1);
  }
  const maxDf = Math.max(1, dfShare * docs);
  const distinctive = f.tokens.map((t) =>
    [...new Set(t)].filter((w) => isWord(w) && !isStopWord(w) && df.get(w)! <= maxDf),
  );

  /** Characteristic distinctive words of cluster `c`. */
  const characteristic = (c: readonly number[]): string[] => {
    const need = Math.min(share * (c.length + shrink), atLeast);
    const count = new Map<string, number>();
    for (const i of c) for (const w of distinctive[i]!) count.set(w, (count.get(w) ?? 0) + 1);
    return [...count].filter(([, n]) => n >= need).map(([w]) => w);
  };

  /** Per record: its words and the initials of its word runs ("hkust" for "Hong Kong University of …"). */
  const vocab = f.tokens.map((t, i) => new Set([...t, ...(f.initials?.[i] ?? [])]));
  const has = (i: number, w: string): boolean => {
    const v = vocab[i]!;
    if (v.has(w)) return true;
    for (const x of v) if (sameWord(w, x)) return true;
    return false;
  };
  /** Does record `i` spell `w` with an acronym, against some record of `other` that has `w`? */
  const spells = (i: number, w: string, other: readonly number[]): boolean => {
    if (!f.acronyms || !f.targets || f.acronyms[i]!.size === 0) return false;
    for (const j of other) {
      if (!vocab[j]!.has(w)) continue;
      if (expandAcronyms(f.tokens[i]!, f.acronyms[i]!, f.targets[j]!)?.includes(w)) return true;
    }
    return false;
  };

  /** Does cluster `c` lack some word of `want` (words of records of `other`) in every form? */
  const lacksSome = (c: readonly number[], other: readonly number[], want: string[]): boolean =>
    want.some((w) => !c.some((i) => has(i, w) || spells(i, w, other)));

  return (a, b) => lacksSome(b, a, characteristic(a)) && lacksSome(a, b, characteristic(b));
}
