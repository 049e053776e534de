/**
 * A quote short enough for a task (`max` characters) that still holds what it is quoted for. A sentence that fits is
 * quoted whole; a longer one is cut at its clause boundaries (after , ; : – —) around the clause `focus` scores
 * highest (the one that carries the signal), with neighbouring clauses added while they fit and "…" where words were
 * left out. Never cut inside a word: "…our regional directors in Lyon, M" reads as a name to the output gate and as
 * nothing to the rep.
 */
export function quoteWindow(sentence: string, focus: ((part: string) => number) | null, max = 280): string {
  const text = sentence.trim();
  if (text.length <= max) return text;
  const clauses: string[] = [];
  const re = /[^,;:–—]+(?:[,;:–—]+|$)/gu;
  for (let m = re.exec(text); m && m[0] !== ''; m = re.exec(text)) clauses.push(m[0]);
  const scores = clauses.map((c) => (focus ? focus(c) : 0));
  let best = 0;
  for (let k = 1; k < clauses.length; k++) if (scores[k]! > scores[best]!) best = k;
  let [i, j] = [best, best];
  const joined = () =>
    clauses
      .slice(i, j + 1)
      .join('')
      .trim();
  const budget = max - 2; // room for the two ellipses
  if (joined().length > budget) return `${i > 0 ? '…' : ''}${cutAtWord(joined(), budget)}…`;
  for (let grew = true; grew;) {
    grew = false;
    if (
      j + 1 < clauses.length &&
      clauses
        .slice(i, j + 2)
        .join('')
        .trim().length <= budget
    )
      [j, grew] = [j + 1, true];
    if (
      i > 0 &&
      clauses
        .slice(i - 1, j + 1)
        .join('')
        .trim().length <= budget
    )
      [i, grew] = [i - 1, true];
  }
  // A trailing comma or colon where the quote stops reads as cut; the ellipsis says so instead.
  const body = joined().replace(/[,;:–—\s]+$/u, '');
  return `${i > 0 ? '…' : ''}${body}${j < clauses.length - 1 ? '…' : ''}`;
}

/** The longest start of `text` that fits in `max` characters and ends at a word boundary. */
function cutAtWord(text: string, max: number): string {
  const head = text.slice(0, max + 1);
  const at = head.search(/\s\S*$/u);
  return (at > max / 2 ? head.slice(0, at) : text.slice(0, max)).replace(/[,;:–—\s]+$/u, '');
}
