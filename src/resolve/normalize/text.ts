/**
 * Shared text folding used by every normalizer and by the entity resolver's tokenizer.
 * Pure functions; no locale-dependent behaviour (toLowerCase on the NFKD form).
 */

/** Letters that NFKD does not decompose into base + combining mark. */
const SPECIAL_FOLDS: Record<string, string> = {
  ß: 'ss',
  ẞ: 'SS',
  æ: 'ae',
  Æ: 'AE',
  œ: 'oe',
  Œ: 'OE',
  ø: 'o',
  Ø: 'O',
  đ: 'd',
  Đ: 'D',
  ł: 'l',
  Ł: 'L',
  ı: 'i',
  þ: 'th',
  Þ: 'TH',
  ð: 'd',
  Ð: 'D',
  ħ: 'h',
  Ħ: 'H',
};
const SPECIAL_RE = new RegExp(`[${Object.keys(SPECIAL_FOLDS).join('')}]`, 'g');

/** Removes diacritics: "Müller" → "Muller", "São Paulo" → "Sao Paulo", "Straße" → "Strasse". */
export function foldDiacritics(value: string): string {
  return value
    .replace(SPECIAL_RE, (c) => SPECIAL_FOLDS[c] ?? c)
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '');
}

/**
 * German transliteration folding: "mueller" / "müller" → "muller". Applied to already-lowercased,
 * diacritic-free text, so both spellings meet. Only ue/oe/ae after a consonant-or-start are folded
 * to avoid mangling "queue"-like vowel runs more than needed; both sides of a comparison are folded
 * the same way, so the key stays consistent.
 */
export function foldGermanTransliteration(lowerAscii: string): string {
  return lowerAscii.replace(/([^aeiouy]|^)(a|o|u)e/g, '$1$2');
}

/** Lowercase, fold diacritics, turn punctuation into spaces, collapse whitespace. */
export function basicFold(value: string): string {
  return foldDiacritics(value)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .replace(/\s+/g, ' ');
}

/** Result shape shared by every normalizer: the original value is always kept beside the normalized one. */
export interface Normalized<T = string | null> {
  original: string | null;
  normalized: T;
}

export const isBlank = (v: string | null | undefined): v is null | undefined | '' =>
  v === null || v === undefined || v.trim() === '';
