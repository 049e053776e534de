import { basicFold, foldDiacritics, foldGermanTransliteration, isBlank, type Normalized } from './text.js';

/**
 * Legal-form designators removed from the end of a company name (after folding and dropping the
 * dots of abbreviations, so "L.L.C." arrives as "llc" and "S.A." as "sa"). Multi-word forms are
 * listed as token sequences and matched longest first.
 */
const LEGAL_SUFFIXES: string[][] = [
  ['gmbh', 'and', 'co', 'kg'],
  ['gmbh', 'and', 'co', 'kgaa'],
  ['gmbh', 'and', 'co'],
  ['ag', 'and', 'co', 'kg'],
  ['pty', 'ltd'],
  ['pvt', 'ltd'],
  ['private', 'limited'],
  ['public', 'limited', 'company'],
  ['limited', 'liability', 'company'],
  ['co', 'ltd'],
  ['co', 'inc'],
  ['s', 'a'],
  ['b', 'v'],
  ['n', 'v'],
  ['l', 'l', 'c'],
  ['l', 'p'],
  ['l', 'l', 'p'],
  ['inc'],
  ['incorporated'],
  ['corp'],
  ['corporation'],
  ['llc'],
  ['llp'],
  ['lp'],
  ['ltd'],
  ['limited'],
  ['gmbh'],
  ['mbh'],
  ['ag'],
  ['kg'],
  ['kgaa'],
  ['ug'],
  ['ev'],
  ['sa'],
  ['sas'],
  ['sarl'],
  ['srl'],
  ['spa'],
  ['sl'],
  ['bv'],
  ['nv'],
  ['plc'],
  ['co'],
  ['company'],
  ['pty'],
  ['pte'],
  ['oy'],
  ['oyj'],
  ['ab'],
  ['as'],
  ['asa'],
  ['aps'],
  ['kk'],
  ['se'],
  ['sp', 'z', 'o', 'o'],
  ['spzoo'],
  ['sro'],
  ['doo'],
  ['lda'],
  ['ltda'],
];
LEGAL_SUFFIXES.sort((a, b) => b.length - a.length);

function endsWith(tokens: string[], suffix: string[]): boolean {
  if (suffix.length >= tokens.length) return false; // never strip a name down to nothing
  for (let i = 0; i < suffix.length; i++) if (tokens[tokens.length - suffix.length + i] !== suffix[i]) return false;
  return true;
}

export interface NormalizedCompanyName extends Normalized {
  /** Matching key: `normalized` with German ue/oe/ae folded and spaces removed ("mueller ag" → "muller"). */
  key: string | null;
  /** Legal forms that were removed, in the order found (outermost last): ["gmbh"]. */
  legalForms: string[];
}

/**
 * "The Acme Müller & Sons, Incorporated" → "acme muller and sons".
 * Rules: fold diacritics, lowercase, "&"/"+" → "and", drop the dots inside abbreviations,
 * punctuation → space, drop a leading "the", strip trailing legal-form designators (repeatedly).
 */
export function normalizeCompanyName(value: string | null | undefined): NormalizedCompanyName {
  const original = value ?? null;
  if (isBlank(value)) return { original, normalized: null, key: null, legalForms: [] };
  let s = foldDiacritics(value).toLowerCase();
  s = s.replace(/\s*[&+]\s*/g, ' and ');
  // "l.l.c." → "llc", "s.a." → "sa"; also "co." → "co"
  s = s.replace(/\b(\p{L})\.(?=\p{L}\.)/gu, '$1').replace(/\.(?=\s|,|$)/g, '');
  let tokens = basicFold(s).split(' ').filter(Boolean);
  if (tokens.length > 1 && tokens[0] === 'the') tokens = tokens.slice(1);
  const legalForms: string[] = [];
  for (let changed = true; changed;) {
    changed = false;
    for (const suffix of LEGAL_SUFFIXES) {
      if (endsWith(tokens, suffix)) {
        legalForms.unshift(suffix.join(''));
        tokens = tokens.slice(0, tokens.length - suffix.length);
        changed = true;
        break;
      }
    }
  }
  // A dangling "and" left after stripping "& Co." style endings.
  while (tokens.length > 1 && tokens[tokens.length - 1] === 'and') tokens.pop();
  const normalized = tokens.join(' ');
  if (normalized === '') return { original, normalized: null, key: null, legalForms };
  return { original, normalized, key: foldGermanTransliteration(normalized).replace(/ /g, ''), legalForms };
}
