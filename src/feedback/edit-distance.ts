import { editDistance } from '../lib/edit-distance.js';

/**
 * Older drafts carried a closeloop note under this marker (src/suggest/render.ts no longer writes it); stripped before
 * comparing.
 */
export const DRAFT_NOTE_MARKER = '-- closeloop note';

/** Text as a rep would compare it: no signature placeholder, no closeloop note, whitespace and case folded. */
export function normalizeForDiff(text: string): string {
  const cut = text.indexOf(DRAFT_NOTE_MARKER);
  const body = cut >= 0 ? text.slice(0, cut) : text;
  return body
    .replace(/\{\{rep_signature\}\}/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/** Longer texts are compared on their first MAX_CHARS characters: enough to tell "edited" from "rewritten". */
const MAX_CHARS = 4000;

/**
 * Levenshtein distance between the two normalized texts divided by the longer length: 0 = the same text,
 * 1 = nothing in common. Character level, so a fixed typo counts little and a rewritten paragraph a lot.
 */
export function normalizedEditDistance(ours: string, theirs: string): number {
  const a = normalizeForDiff(ours).slice(0, MAX_CHARS);
  const b = normalizeForDiff(theirs).slice(0, MAX_CHARS);
  if (a === b) return 0;
  if (a.length === 0 || b.length === 0) return 1;
  return Math.round((editDistance(a, b) / Math.max(a.length, b.length)) * 1e4) / 1e4;
}

/** At or below this distance a sent email counts as our draft sent unchanged (whitespace, a fixed typo). */
export const UNCHANGED_MAX_DISTANCE = 0.02;
/** Above this distance an outgoing email is not taken to be our draft at all. */
export const SAME_EMAIL_MAX_DISTANCE = 0.75;
