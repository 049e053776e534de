import { basicFold, foldGermanTransliteration, isBlank, type Normalized } from './text.js';

const HONORIFICS = new Set([
  'mr',
  'mrs',
  'ms',
  'miss',
  'mx',
  'dr',
  'prof',
  'sir',
  'madam',
  'herr',
  'frau',
  'mme',
  'mlle',
  'sr',
  'sra',
]);
const GENERATIONAL = new Set(['jr', 'sr', 'ii', 'iii', 'iv', 'phd', 'md', 'esq', 'mba', 'dds']);

/** Common English nicknames → formal given name (optional; used when `nicknames: true`). */
const NICKNAMES: Record<string, string> = {
  bob: 'robert',
  rob: 'robert',
  bobby: 'robert',
  robbie: 'robert',
  bill: 'william',
  will: 'william',
  billy: 'william',
  liam: 'william',
  jim: 'james',
  jimmy: 'james',
  jamie: 'james',
  mike: 'michael',
  mikey: 'michael',
  mick: 'michael',
  tom: 'thomas',
  tommy: 'thomas',
  dick: 'richard',
  rick: 'richard',
  rich: 'richard',
  ricky: 'richard',
  dave: 'david',
  davy: 'david',
  dan: 'daniel',
  danny: 'daniel',
  joe: 'joseph',
  joey: 'joseph',
  jon: 'jonathan',
  johnny: 'john',
  jack: 'john',
  chris: 'christopher',
  kate: 'katherine',
  katie: 'katherine',
  kathy: 'katherine',
  cathy: 'catherine',
  liz: 'elizabeth',
  beth: 'elizabeth',
  betty: 'elizabeth',
  lizzie: 'elizabeth',
  eliza: 'elizabeth',
  sue: 'susan',
  susie: 'susan',
  jen: 'jennifer',
  jenny: 'jennifer',
  meg: 'margaret',
  maggie: 'margaret',
  peggy: 'margaret',
  tony: 'anthony',
  andy: 'andrew',
  drew: 'andrew',
  alex: 'alexander',
  sam: 'samuel',
  ben: 'benjamin',
  matt: 'matthew',
  nick: 'nicholas',
  pat: 'patrick',
  steve: 'steven',
  stephen: 'steven',
  ted: 'edward',
  ed: 'edward',
  eddie: 'edward',
  greg: 'gregory',
  larry: 'lawrence',
  jeff: 'jeffrey',
  ken: 'kenneth',
  tim: 'timothy',
  vicky: 'victoria',
  becky: 'rebecca',
  abby: 'abigail',
  mandy: 'amanda',
  chuck: 'charles',
  charlie: 'charles',
  hank: 'henry',
  harry: 'henry',
};

export interface NormalizedPersonName extends Normalized {
  /** Given-name tokens, normalized (nickname-expanded when requested). */
  given: string | null;
  family: string | null;
  /** Order-independent matching key: sorted tokens, German transliteration folded. */
  key: string | null;
}

export interface PersonNameOptions {
  nicknames?: boolean;
}

/**
 * "Dr. José  MÜLLER-Lüdenscheidt Jr." → "jose muller ludenscheidt"; "Müller, Anna" → "anna muller".
 * Rules: fold diacritics and case, punctuation → space, "Last, First" reordered, honorifics and
 * generational suffixes dropped, optional nickname expansion of the first token.
 */
export function normalizePersonName(
  value: string | null | undefined,
  options: PersonNameOptions = {},
): NormalizedPersonName {
  const original = value ?? null;
  const none = { original, normalized: null, given: null, family: null, key: null };
  if (isBlank(value)) return none;
  let raw = value.trim();
  const comma = raw.split(',');
  if (comma.length === 2 && comma[1]!.trim() !== '' && !GENERATIONAL.has(basicFold(comma[1]!))) {
    raw = `${comma[1]} ${comma[0]}`;
  }
  let tokens = basicFold(raw).split(' ').filter(Boolean);
  while (tokens.length > 1 && HONORIFICS.has(tokens[0]!)) tokens = tokens.slice(1);
  while (tokens.length > 1 && GENERATIONAL.has(tokens[tokens.length - 1]!)) tokens = tokens.slice(0, -1);
  if (tokens.length === 0) return none;
  if (options.nicknames && tokens.length > 0 && Object.hasOwn(NICKNAMES, tokens[0]!))
    tokens[0] = NICKNAMES[tokens[0]!]!;
  const normalized = tokens.join(' ');
  return {
    original,
    normalized,
    given: tokens.length > 1 ? tokens.slice(0, -1).join(' ') : tokens[0]!,
    family: tokens.length > 1 ? tokens[tokens.length - 1]! : null,
    key: [...tokens].map(foldGermanTransliteration).sort().join(' '),
  };
}

/** First + last name fields (as CRMs store them) → one normalized person name. */
export function normalizePersonNameParts(
  first: string | null | undefined,
  last: string | null | undefined,
  options: PersonNameOptions = {},
): NormalizedPersonName {
  const joined = [first, last].filter((p) => !isBlank(p)).join(' ');
  const res = normalizePersonName(joined === '' ? null : joined, options);
  return { ...res, original: joined === '' ? null : joined };
}
