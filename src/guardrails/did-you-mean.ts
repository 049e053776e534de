import { editDistance } from '../lib/edit-distance.js';

/** " (did you mean \"x\"?)" for a near miss among `candidates`, or "" when nothing is close. */
export function suggest(input: string, candidates: readonly string[]): string {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(input.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== null && bestDistance <= Math.max(2, Math.floor(input.length / 3)) ? ` (did you mean "${best}"?)` : '';
}
