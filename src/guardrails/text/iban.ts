/**
 * IBANs (ISO 13616) and structured creditor references (ISO 11649, "RF18 5390 0754 7034") in a text, read the way a
 * bank reads them: a country code, two check digits, then exactly as many letters and digits as that country's IBANs
 * have, in whatever groups they are written (fours, threes, none; spaces, dashes or dots between them). One reader for
 * every check, so that a span is read as one thing by all of them: the PII masking of quotes and the gate's payment
 * details never cut an IBAN in two (a part of it read as a phone number, the rest left as written).
 */

/** The length of each country's IBAN (the ISO 13616 registry). */
const IBAN_LENGTH: ReadonlyMap<string, number> = new Map(
  (
    'AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DJ27 DK18 DO28 EE20 EG29 ES24 ' +
    'FI18 FK18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 LI21 ' +
    'LT20 LU20 LV21 LY25 MC27 MD24 ME22 MK19 MN20 MR27 MT31 MU30 NI28 NL18 NO15 OM23 PK24 PL28 PS29 PT25 QA29 RO24 RS22 ' +
    'RU33 SA24 SC31 SD18 SE24 SI19 SK24 SM27 SO23 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20 YE30'
  )
    .split(' ')
    .map((e) => [e.slice(0, 2), Number(e.slice(2))]),
);

export interface IbanMatch {
  start: number;
  end: number;
  text: string;
  /** Letters and digits only, upper-case: what a trusted list holds. */
  value: string;
  kind: 'iban' | 'reference';
  /** The check digits hold (mod 97). An upper-case IBAN of the right length with wrong check digits is still one. */
  valid: boolean;
}

/** Mod-97 over the letters and digits, the country code and check digits moved to the end (ISO 7064). */
export const mod97Valid = (compact: string): boolean => {
  const s = compact.toUpperCase();
  const moved = s.slice(4) + s.slice(0, 4);
  let rem = 0;
  for (const ch of moved) {
    const v = ch >= '0' && ch <= '9' ? ch : String(ch.charCodeAt(0) - 55);
    for (const d of v) rem = (rem * 10 + Number(d)) % 97;
  }
  return rem === 1;
};

const START = /(?<![\p{L}\p{N}])([A-Za-z]{2})[ \u00a0]?(\d{2})(?=[ \u00a0.-]?[A-Za-z0-9])/gu;
const ALNUM = /[A-Za-z0-9]/;
const SEPARATOR = /[ \u00a0.-]/;

/**
 * The letters and digits after a start, one separator at most between two of them, up to `max`: each position where a
 * group ends (the next character is no letter or digit) with the count read so far.
 */
function readGroups(text: string, from: number, max: number): { count: number; end: number; atBoundary: boolean }[] {
  const out: { count: number; end: number; atBoundary: boolean }[] = [];
  let i = from;
  let count = 0;
  while (i < text.length && count < max) {
    if (ALNUM.test(text[i]!)) {
      count++;
      i++;
      out.push({ count, end: i, atBoundary: !ALNUM.test(text[i] ?? ' ') });
      continue;
    }
    if (SEPARATOR.test(text[i]!) && ALNUM.test(text[i + 1] ?? '')) {
      i++;
      continue;
    }
    break;
  }
  return out;
}

export function findIbans(text: string): IbanMatch[] {
  const out: IbanMatch[] = [];
  let after = 0;
  for (const m of text.matchAll(START)) {
    if (m.index < after) continue;
    const country = m[1]!.toUpperCase();
    const upper = m[1] === country;
    const from = m.index + m[0].length;
    const known = IBAN_LENGTH.get(country);
    let pick: { end: number; kind: IbanMatch['kind']; valid: boolean } | null = null;
    if (known) {
      const at = readGroups(text, from, known - 4).find((g) => g.count === known - 4);
      if (at?.atBoundary) {
        const compact = (country + m[2] + text.slice(from, at.end)).replace(/[^A-Za-z0-9]/g, '');
        const valid = mod97Valid(compact);
        // Written in capitals, an IBAN with a typo in it is still an account number; in lower case only a valid one is.
        if (valid || (upper && (compact.match(/\d/g)?.length ?? 0) >= 8)) pick = { end: at.end, kind: 'iban', valid };
      }
    } else if (country === 'RF') {
      // A creditor reference: up to 21 letters and digits after the check digits, its length not fixed.
      const ends = readGroups(text, from, 21).filter((g) => g.atBoundary);
      for (const g of ends.reverse()) {
        if (mod97Valid(('RF' + m[2] + text.slice(from, g.end)).replace(/[^A-Za-z0-9]/g, ''))) {
          pick = { end: g.end, kind: 'reference', valid: true };
          break;
        }
      }
    }
    if (!pick) continue;
    const whole = text.slice(m.index, pick.end);
    out.push({
      start: m.index,
      end: pick.end,
      text: whole,
      value: whole.replace(/[^A-Za-z0-9]/g, '').toUpperCase(),
      kind: pick.kind,
      valid: pick.valid,
    });
    after = pick.end;
  }
  return out;
}
