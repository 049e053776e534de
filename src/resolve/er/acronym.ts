/**
 * Acronym / initialism view of word tokens: "IIT" ↔ "Indian Institute of Technology",
 * "MIT" ↔ "Massachusetts Institute of Technology", "HKUST" ↔ "Hong Kong University of Science and
 * Technology", "UCLA" ↔ "University of California, Los Angeles". No dictionary: an acronym is any
 * token written as an acronym (upper case like "IIT", or dotted like "M.I.T.") that spells the
 * initials of consecutive content words of the *other* value. Lower-case words are never expanded, so
 * "data" in a title does not turn into "Digital Archive of Text Analysis".
 */
import { foldDiacritics } from '../normalize/text.js';

/** Function words skipped when forming initials ("Institute of Technology" → "it"). */
const STOP_WORDS = new Set([
  'of',
  'the',
  'and',
  'for',
  'at',
  'in',
  'on',
  'a',
  'an',
  'to',
  'de',
  'di',
  'del',
  'della',
  'der',
  'des',
  'du',
  'la',
  'le',
  'und',
  'fur',
  'et',
  'y',
  'e',
  'da',
  'do',
  'dos',
  'das',
  'van',
  'von',
]);

/** A function word ("of", "the", "und", "di"), skipped when forming initials. */
export const isStopWord = (t: string): boolean => STOP_WORDS.has(t);

/** Shortest and longest acronym considered (letters). */
export const MIN_ACRONYM = 2;
export const MAX_ACRONYM = 8;

const isWord = (t: string): boolean => /^\p{L}/u.test(t);

/**
 * Word tokens of a raw value (as `tokenize`) with dotted initials joined ("M.I.T." → "mit",
 * "U. C. Berkeley" → "uc berkeley"), plus the tokens written as acronyms: all-capital words of
 * 2–8 letters ("IIT", "HKUST"), dotted initials included.
 */
export function acronymTokens(raw: string): { tokens: string[]; acronyms: Set<string> } {
  const joined = foldDiacritics(raw).replace(
    /(?<![\p{L}\p{N}])(?:\p{Lu}\.\s?){2,}/gu,
    (m) => `${m.replace(/[.\s]/g, '')} `,
  );
  const parts = joined.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const acronyms = new Set<string>();
  for (const p of parts)
    if (p.length >= MIN_ACRONYM && p.length <= MAX_ACRONYM && /^\p{Lu}+$/u.test(p)) acronyms.add(p.toLowerCase());
  return { tokens: parts.map((p) => p.toLowerCase()), acronyms };
}

/** Content words of a token list (stop words and tokens not starting with a letter dropped). */
function contentWords(tokens: string[]): string[] {
  return tokens.filter((t) => isWord(t) && !STOP_WORDS.has(t));
}

/**
 * Initials of every run of 2–8 consecutive content words ("hong kong university science
 * technology" → "hk", "hku", "hkus", "hkust", "ku", …), deduplicated; only those in `keep` if given.
 */
export function initialsOfRuns(tokens: string[], keep?: ReadonlySet<string>): string[] {
  const initials = contentWords(tokens)
    .map((w) => w[0])
    .join('');
  const out = new Set<string>();
  for (let s = 0; s < initials.length; s++) {
    for (let e = s + MIN_ACRONYM; e <= Math.min(initials.length, s + MAX_ACRONYM); e++) {
      const x = initials.slice(s, e);
      if (!keep || keep.has(x)) out.add(x);
    }
  }
  return [...out];
}

/** What `expandAcronyms` needs to know about the other value, computed once per record. */
export interface AcronymTarget {
  tokens: string[];
  set: ReadonlySet<string>;
  /** Positions of the content words in `tokens`. */
  at: number[];
  /** Their first letters, concatenated. */
  initials: string;
}

export function acronymTarget(tokens: string[]): AcronymTarget {
  const at: number[] = [];
  tokens.forEach((t, k) => {
    if (isWord(t) && !STOP_WORDS.has(t)) at.push(k);
  });
  return { tokens, set: new Set(tokens), at, initials: at.map((k) => tokens[k]![0]).join('') };
}

/**
 * Rewrites the acronyms of `a` (tokens listed in `acronyms`, see `acronymTokens`) that spell the
 * initials of consecutive content words of the other value `b` — one word per letter — and are not
 * words of `b` themselves, into those words (and the function words between them), so that a token-based similarity can
 * see the match.
 * Returns null when nothing was rewritten.
 */
export function expandAcronyms(a: string[], acronyms: ReadonlySet<string>, b: AcronymTarget): string[] | null {
  if (acronyms.size === 0) return null;
  let out: string[] | null = null;
  for (let k = 0; k < a.length; k++) {
    const t = a[k]!;
    const at = acronyms.has(t) && !STOP_WORDS.has(t) && !b.set.has(t) ? b.initials.indexOf(t) : -1;
    if (at < 0) {
      out?.push(t);
      continue;
    }
    out ??= a.slice(0, k);
    // the spelled-out words, with the function words between them ("institute of technology")
    for (let x = b.at[at]!; x <= b.at[at + t.length - 1]!; x++) out.push(b.tokens[x]!);
  }
  return out;
}
