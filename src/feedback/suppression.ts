/**
 * Suggestion types a rep keeps ignoring are shown to that rep less. The factor is the rep's smoothed
 * acceptance rate for the type, (accepted + PRIOR) / (accepted + ignored + PRIOR): two pseudo-acceptances
 * keep one or two ignores from counting much. It never drops below FLOOR, so a type is never silenced
 * for good and a rep who starts acting on it again brings the factor back up.
 */
export const SUPPRESSION_PRIOR = 2;
export const SUPPRESSION_FLOOR = 0.2;
/** Outcomes older than this no longer count. */
export const SUPPRESSION_WINDOW_DAYS = 90;

export interface RepTypeHistory {
  accepted: number;
  ignored: number;
  /** Suggestions of this type held back since the last one shown. */ skippedSinceShown: number;
}

export interface SuppressionDecision {
  factor: number;
  /** 1 in `showEvery` suggestions of the type reaches the rep. */
  showEvery: number;
  show: boolean;
  /** Why, in words, for the explanation; null when the factor is 1. */
  note: string | null;
}

export function suppressionFactor(h: Pick<RepTypeHistory, 'accepted' | 'ignored'>): number {
  const f = (h.accepted + SUPPRESSION_PRIOR) / (h.accepted + h.ignored + SUPPRESSION_PRIOR);
  return Math.round(Math.max(SUPPRESSION_FLOOR, Math.min(1, f)) * 1000) / 1000;
}

/**
 * Deterministic thinning instead of a coin flip: with factor f, show one suggestion, then hold back the
 * next round(1/f) - 1, so replays and tests see the same thing and the rep still sees the type regularly.
 */
export function decideSuppression(type: string, h: RepTypeHistory): SuppressionDecision {
  const factor = suppressionFactor(h);
  if (factor >= 1) return { factor: 1, showEvery: 1, show: true, note: null };
  const showEvery = Math.max(1, Math.round(1 / factor));
  const show = h.skippedSinceShown >= showEvery - 1;
  const note = `this rep left ${h.ignored} of the last ${h.accepted + h.ignored} ${type} suggestions unused; shown 1 in ${showEvery} (factor ${factor})`;
  return { factor, showEvery, show, note };
}
