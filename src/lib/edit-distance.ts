/**
 * Edit distance between two strings, by UTF-16 code unit: insertions, deletions and substitutions cost 1.
 * With `transpositions`, swapping two adjacent characters also costs 1 (optimal string alignment, the
 * "restricted" Damerau-Levenshtein distance). Two rolling rows (three with transpositions): O(|a|·|b|) time,
 * O(|b|) memory. The one implementation for entity resolution, feedback and "did you mean" hints.
 */
export function editDistance(a: string, b: string, opts: { transpositions?: boolean } = {}): number {
  const la = a.length;
  const lb = b.length;
  if (la === 0) return lb;
  if (lb === 0) return la;
  const osa = opts.transpositions === true;
  let prev2 = new Uint32Array(lb + 1);
  let prev = new Uint32Array(lb + 1);
  let cur = new Uint32Array(lb + 1);
  for (let j = 0; j <= lb; j++) prev[j] = j;
  for (let i = 1; i <= la; i++) {
    cur[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= lb; j++) {
      const cb = b.charCodeAt(j - 1);
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (ca === cb ? 0 : 1));
      if (osa && i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb)
        v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[lb]!;
}
