import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { isBlank, type Normalized } from './text.js';

export interface NormalizedPhone extends Normalized {
  /** Extension digits when the input carried one ("x204"), else null. */
  extension: string | null;
}

/**
 * To E.164 via libphonenumber-js: "(030) 123 4567" with region DE → "+49301234567".
 * Numbers with an explicit "+" or "00" prefix ignore the default region. Invalid numbers → null.
 */
export function normalizePhone(value: string | null | undefined, defaultRegion: CountryCode = 'US'): NormalizedPhone {
  const original = value ?? null;
  if (isBlank(value)) return { original, normalized: null, extension: null };
  const s = value.trim().replace(/^00(?=[1-9])/, '+');
  const parsed = parsePhoneNumberFromString(s, defaultRegion);
  if (!parsed || !parsed.isValid()) return { original, normalized: null, extension: null };
  return { original, normalized: parsed.number, extension: parsed.ext ?? null };
}
