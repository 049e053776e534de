/**
 * Personal and payment data in outgoing text: email addresses, phone numbers, card numbers
 * (Luhn-valid), IBANs (mod-97-valid) and national ids (US SSN, UK NINO, Spanish DNI, Italian codice fiscale, and any
 * number a text names as a personal id: passport, ID card, social security, BSN, PESEL, Aadhaar...). The recipient's
 * own address and number are expected in a draft, as is anything on the allow-list; everything else is reported,
 * masked, so that the finding itself can be logged and shown to an admin.
 *
 * The text is read as it shows (`normalise`: full-width and other-script digits, invisible characters, look-alike
 * letters and dashes), so "４１１１ …", "AB\u200b123456C" or "078–05–1120" are the numbers they display.
 */
import { findDates } from './dates.js';
import { findIbans } from './iban.js';
import { normalise } from './normalize.js';
import { findAmounts } from './numbers.js';

export interface PiiAllowed {
  emails: string[];
  phones: string[];
  other: string[];
}

const EMAIL = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
// Digits in groups split by spaces, dashes, dots or slashes ("4111.1111.1111.1111" is a card as much as with spaces).
const CARD = /(?<![\d./-])(?:\d[ ./-]?){12,18}\d(?![\d-]|[./]\d)/g;
const PHONE =
  /(?<![\w+$€£])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,5}(?:[ .-]\d{2,8}){1,4}(?![\w%])|\+\d{7,15}(?!\w)/g;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** US SSN (SSA rules: area not 000, 666 or 9xx; group not 00; serial not 0000) and UK NINO (HMRC prefix rules). */
const SSN = /(?<![\d-])(\d{3})-(\d{2})-(\d{4})(?![\d-])/g;
const NINO = /\b([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z])[ -]?\d{2}[ -]?\d{2}[ -]?\d{2}[ -]?[A-D]\b/gi;
/** Spanish DNI / NIE: eight digits (an NIE starts X, Y or Z) and the check letter of the number mod 23. */
const DNI = /\b([XYZ]?)(\d{7,8})[ -]?([A-Z])\b/gi;
const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';
/** Italian codice fiscale: surname and name letters, birth year, month letter, day, place code, check letter. */
const CODICE_FISCALE = /\b[A-Z]{6}\d{2}[ABCDEHLMPRST]\d{2}[A-Z]\d{3}[A-Z]\b/gi;
/**
 * A number the text names as a personal id, whatever its format: the name of the id, a few connecting words ("number",
 * "no.", "is", "es", "ist", "est", a colon), then a token of letters and digits (separated by spaces, dashes, dots or slashes) with at least
 * four digits. Company ids (VAT, registration numbers) are not personal and not named here.
 */
const ID_NAMED = new RegExp(
  String.raw`(?<![\p{L}\p{N}])(social[ -]security|soc(?:ial)?\.? ?sec\.?|SSN|ITIN|social insurance|national insurance|NI number|NINO|national (?:id(?:entity)?|identification)|identity card|ID[ -]card|passport|driv(?:er'?s|ing)[ -]licen[cs]e|Personalausweis|Ausweis|Reisepass|Sozialversicherungsnummer|Steuer-?ID|Steueridentifikationsnummer|IdNr|DNI|NIE|pasaporte|seguridad social|NIR|num[ée]ro de s[ée]curit[ée] sociale|s[ée]curit[ée] sociale|carte d'identit[ée]|passeport|codice fiscale|carta d'identit[àa]|passaporto|BSN|burgerservicenummer|paspoort|PESEL|personnummer|henkilötunnus|CPF|Aadhaar|паспорт|СНИЛС)` +
    String.raw`(?:\s*(?:number|no|nr|num|n[°º]|nummer|número|numero|is|was|es|est|ist|lautet|è|é|era|war|était|ends? in|on file)(?![\p{L}\p{N}])[\s.:#=-]*|[\s.:#=()-]+){0,3}` +
    // The id: groups of letters and digits joined by dots, dashes or slashes; a group after a space holds a digit or
    // is one letter ("AB 12 34 56 C"), so the words after the number are not read as part of it.
    String.raw`([\p{L}\p{N}]+(?:[./-][\p{L}\p{N}]+|\s(?:[\p{L}\p{N}]*\d[\p{L}\p{N}]*|\p{L}(?![\p{L}\p{N}])))*)`,
  'giu',
);
/** An id named as such holds at least four digits and is no longer than an id is. */
const idShaped = (id: string): boolean => (id.match(/\d/g)?.length ?? 0) >= 4 && id.length <= 30;
const NINO_NEVER = new Set(['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ']);

const digits = (s: string): string => s.replace(/\D/g, '');
/** The Luhn check of a card number's digits (an empty string is none). */
export const luhnValid = (num: string): boolean => {
  let sum = 0;
  for (let i = 0; i < num.length; i++) {
    let d = +num[num.length - 1 - i]!;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return num.length > 0 && sum % 10 === 0;
};
const samePhone = (a: string, b: string): boolean => a.length >= 7 && b.length >= 7 && (a.endsWith(b) || b.endsWith(a));
const maskEmail = (e: string): string => {
  const [u, d] = e.split('@');
  return `${u!.slice(0, 1)}***@${d}`;
};

/** What the scan found: where (in the normalised text), what kind, and the finding's label (null when allowed). */
interface PiiHit {
  start: number;
  end: number;
  kind: 'email' | 'iban' | 'card' | 'national_id' | 'phone';
  label: string | null;
}

/**
 * Names of ids that are also ordinary words or letters in some language (German "nie", Polish "dni"): they name an id
 * only written in capitals.
 */
const ID_ACRONYM = /^(?:dni|nie|nir|bsn|cpf)$/i;

/**
 * Every national id in `text` (normalised), in the order of the checks (SSN, NINO, DNI, codice fiscale, a number named as
 * an id), overlaps left to the caller. `allowedCompact`: numbers the tenant allows (upper case, no spaces or dashes).
 */
function nationalIdsIn(
  text: string,
  allowedCompact: ReadonlySet<string>,
): { start: number; end: number; label: string }[] {
  const out: { start: number; end: number; label: string }[] = [];
  const add = (start: number, end: number, last: string) =>
    out.push({ start, end, label: `national id ending ${last}` });
  for (const m of text.matchAll(SSN)) {
    const [, area, group, serial] = m;
    if (area === '000' || area === '666' || area![0] === '9' || group === '00' || serial === '0000') continue;
    add(m.index, m.index + m[0].length, serial!);
  }
  for (const m of text.matchAll(NINO)) {
    if (NINO_NEVER.has(m[1]!)) continue;
    add(m.index, m.index + m[0].length, m[0].slice(-2).trim());
  }
  for (const m of text.matchAll(DNI)) {
    // An NIE's letter stands for a leading digit (X 0, Y 1, Z 2); a DNI has none.
    const n = Number(`${m[1] ? 'XYZ'.indexOf(m[1].toUpperCase()) : ''}${m[2]}`);
    if ((m[1] ? m[2]!.length !== 7 : m[2]!.length !== 8) || DNI_LETTERS[n % 23] !== m[3]!.toUpperCase()) continue;
    add(m.index, m.index + m[0].length, m[0].slice(-2));
  }
  for (const m of text.matchAll(CODICE_FISCALE)) add(m.index, m.index + m[0].length, m[0].slice(-2));
  for (const m of text.matchAll(ID_NAMED)) {
    const [, name, id] = m as unknown as [string, string, string];
    const at = m.index + m[0].length - id.length;
    if (
      (ID_ACRONYM.test(name) && name !== name.toUpperCase()) ||
      !idShaped(id) ||
      allowedCompact.has(id.replace(/[\s./-]/g, '').toUpperCase())
    )
      continue;
    add(at, at + id.length, id.slice(-2));
  }
  return out;
}

/**
 * Where national ids stand in `text` as given (not normalised: the spans index the caller's string), for the masking
 * of a model's input (src/privacy/detect.ts): SSN, NINO, DNI/NIE, codice fiscale and a number named as an id.
 */
export function nationalIdSpans(text: string): { start: number; end: number }[] {
  return nationalIdsIn(text, new Set()).map(({ start, end }) => ({ start, end }));
}

function scanPii(text: string, allowed: PiiAllowed): PiiHit[] {
  const out: PiiHit[] = [];
  const taken: [number, number][] = [];
  const allowedEmails = new Set([...allowed.emails, ...allowed.other].map((e) => e.trim().toLowerCase()));
  const allowedPhones = [...allowed.phones, ...allowed.other].map(digits).filter((d) => d.length >= 7);
  const allowedCompact = new Set(allowed.other.map((o) => o.replace(/[\s-]/g, '').toUpperCase()));
  const free = (start: number, end: number): boolean => !taken.some(([s, e]) => start < e && end > s);
  // "10 000 000 EUR" and "2026-03-15" are digit groups too, but not phone numbers.
  const notPhone: [number, number][] = [...findAmounts(text), ...findDates(text)].map((m) => [m.start, m.end]);
  const hit = (start: number, end: number, kind: PiiHit['kind'], label: string | null): void => {
    taken.push([start, end]);
    out.push({ start, end, kind, label });
  };

  for (const m of text.matchAll(EMAIL)) {
    hit(
      m.index,
      m.index + m[0].length,
      'email',
      allowedEmails.has(m[0].toLowerCase()) ? null : `email ${maskEmail(m[0])}`,
    );
  }
  // One reader of IBANs for every check (`findIbans`): a span is an IBAN whole, never partly a phone number. A payment
  // reference (RF...) is no personal data; it is held so that nothing else reads its digits.
  for (const m of findIbans(text)) {
    if (!free(m.start, m.end)) continue;
    if (m.kind === 'reference') {
      taken.push([m.start, m.end]);
      continue;
    }
    hit(m.start, m.end, 'iban', allowedCompact.has(m.value) ? null : `IBAN ending ${m.value.slice(-4)}`);
  }
  for (const m of text.matchAll(CARD)) {
    const d = digits(m[0]);
    if (!free(m.index, m.index + m[0].length) || d.length < 13 || !luhnValid(d)) continue;
    hit(m.index, m.index + m[0].length, 'card', allowedCompact.has(d) ? null : `card number ending ${d.slice(-4)}`);
  }
  // After the ways to pay, before phones: a named id is a national id even when shaped like a phone number.
  for (const h of nationalIdsIn(text, allowedCompact))
    if (free(h.start, h.end)) hit(h.start, h.end, 'national_id', h.label);
  for (const m of text.matchAll(PHONE)) {
    const d = digits(m[0]);
    const end = m.index + m[0].length;
    if (
      !free(m.index, end) ||
      d.length < 7 ||
      d.length > 15 ||
      ISO_DATE.test(m[0]) ||
      notPhone.some(([s, e]) => m.index < e && end > s)
    )
      continue;
    hit(m.index, end, 'phone', allowedPhones.some((p) => samePhone(p, d)) ? null : `phone ending ${d.slice(-4)}`);
  }
  return out;
}

/**
 * National ids in `shown` (an SSN, a NINO, a DNI, a codice fiscale, a number named as a passport, ID card, BSN, PESEL,
 * Aadhaar...), one masked label each: no text closeloop writes may hold one, whoever wrote it (a model, a template, a
 * quote not masked).
 */
export function findNationalIds(shown: string): string[] {
  const text = normalise(shown);
  // An address is an address (the output gate judges it as one), as in `scanPii`, where it is found first.
  const emails = [...text.matchAll(EMAIL)].map((m) => [m.index, m.index + m[0].length] as const);
  const inEmail = (start: number, end: number): boolean => {
    let lo = 0;
    let hi = emails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (emails[mid]![1] <= start) lo = mid + 1;
      else hi = mid;
    }
    return lo < emails.length && emails[lo]![0] < end;
  };
  // One finding per number where two checks read it (an SSN also named as one): sorted, overlaps dropped (linear after
  // the sort, whatever a text repeats).
  const hits = nationalIdsIn(text, new Set())
    .filter((h) => !inEmail(h.start, h.end))
    .sort((a, b) => a.start - b.start);
  const out: string[] = [];
  let reached = -1;
  for (const h of hits) {
    if (h.start < reached) continue;
    out.push(h.label);
    reached = h.end;
  }
  return out;
}

/** Personal and payment data in `shown` that is not allowed, one masked label each. */
export function findPii(shown: string, allowed: PiiAllowed): string[] {
  return scanPii(normalise(shown), allowed)
    .map((h) => h.label)
    .filter((l): l is string => l !== null);
}

/**
 * `shown` as it shows (normalised), with card numbers, bank accounts (IBAN) and national ids masked, for a customer's
 * words quoted in a task: "my card is •••• 1111", "my SSN is [ID number removed]". The rest stays as written (contact
 * details are the output gate's: grounded or removed). `allowed` (the company's own payment details) stays.
 * The notices do not read as payment details themselves (no "IBAN", "account number").
 */
/** The notices `redactPii` writes: read as nothing (no account word before a phone number that follows one). */
export const REDACTION_NOTICE = /\[bank account removed\]|\[ID number removed\]|•••• \d{4}/g;

export function redactPii(shown: string, allowed: string[] = []): string {
  let text = normalise(shown);
  const hits = scanPii(text, { emails: [], phones: [], other: allowed })
    .filter((h) => h.label !== null && (h.kind === 'card' || h.kind === 'iban' || h.kind === 'national_id'))
    .sort((a, b) => b.start - a.start);
  for (const h of hits) {
    const notice =
      h.kind === 'card'
        ? `•••• ${digits(text.slice(h.start, h.end)).slice(-4)}`
        : h.kind === 'iban'
          ? '[bank account removed]'
          : '[ID number removed]';
    text = text.slice(0, h.start) + notice + text.slice(h.end);
  }
  return text;
}
