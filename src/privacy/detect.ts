import { escapeRegExp } from '../lib/text.js';
import { findPhoneNumbersInText, type CountryCode } from 'libphonenumber-js';
import { mod97Valid } from '../guardrails/text/iban.js';
import { luhnValid, nationalIdSpans } from '../guardrails/text/pii.js';

/**
 * Personal data in free text, as spans: email addresses, phone numbers, card numbers (Luhn-valid), IBANs
 * (mod-97-valid), national ids (US SSN, UK NINO, Spanish DNI/NIE, Italian codice fiscale, and any number named as
 * an id: passport, PESEL, BSN, Aadhaar... the output gate's reader) and the names of known CRM people. Detection favours
 * recall: a false positive only costs a placeholder (masking is reversible), a false negative leaks.
 */
export const PII_KINDS = ['EMAIL', 'PHONE', 'CARD', 'IBAN', 'NATIONAL_ID', 'PERSON'] as const;
export type PiiKind = (typeof PII_KINDS)[number];

export interface PiiSpan {
  kind: PiiKind;
  value: string;
  start: number;
  end: number;
}

/** A CRM person (contact, owner): each non-empty name part is masked, and the full name as one unit. */
export type KnownPerson = string | { firstName?: string | null; lastName?: string | null; name?: string | null };

export interface DetectOptions {
  knownPeople?: readonly KnownPerson[];
  /** Country assumed for phone numbers written without a +country code. Default US. */
  defaultCountry?: CountryCode;
}

const EMAIL = /[\p{L}\p{N}._%+'-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
const IBAN = /\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{4}){2,7}(?:[ -]?[A-Z0-9]{1,3})?\b/gi;
const CARD = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g;
const SSN = /(?<![\d-])(\d{3})[- ](\d{2})[- ](\d{4})(?![\d-])/g;
/** SSN written without separators counts only right after a label ("SSN 123456789"). */
const SSN_LABELLED = /\b(?:SSN|social security(?: number| no\.?)?)\s*[:#]?\s*(\d{9})\b/gi;
/** International numbers libphonenumber has no metadata match for ("+49 30 901820" style). */
const INTL_PHONE = /(?<![\w+])\+\d{1,3}(?:[ .-]?\(?\d{1,5}\)?){2,6}(?![\w])/g;

const digits = (s: string): string => s.replace(/\D/g, '');

export { luhnValid };

export function ibanValid(raw: string): boolean {
  const s = raw.replace(/[ -]/g, '').toUpperCase();
  if (s.length < 15 || s.length > 34 || !/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(s)) return false;
  return mod97Valid(s);
}

/** SSA rules: area not 000, 666 or 9xx; group not 00; serial not 0000. */
export const ssnValid = (area: string, group: string, serial: string): boolean =>
  area !== '000' && area !== '666' && area[0] !== '9' && group !== '00' && serial !== '0000';

/** Names that are also common words: masked only when capitalised, so "will" and "price" stay readable. */
const COMMON_WORD_NAMES = new Set([
  'will',
  'may',
  'mark',
  'grant',
  'rose',
  'june',
  'april',
  'august',
  'bill',
  'summer',
  'hope',
  'joy',
  'faith',
  'hunter',
  'chase',
  'dean',
  'page',
  'young',
  'price',
  'hall',
  'long',
  'white',
  'brown',
  'green',
  'black',
  'king',
  'rich',
  'case',
  'bell',
  'lane',
  'ward',
  'field',
  'park',
  'cook',
  'wood',
  'stone',
  'mason',
  'miller',
  'baker',
  'smith',
  'law',
  'sale',
  'sales',
  'best',
  'new',
  'early',
  'love',
  'star',
  'sky',
  'dawn',
  'drew',
  'ray',
  'rob',
  'sue',
  'pat',
  'art',
  'amber',
  'ruby',
  'pearl',
  'iris',
  'lily',
  'ivy',
  'guy',
  'frank',
  'major',
  'bond',
]);

/** Every name string worth masking, longest first so "Ada Lovelace" wins over "Ada". */
export function personNames(people: readonly KnownPerson[]): string[] {
  const out = new Set<string>();
  const add = (s: string | null | undefined) => {
    const t = (s ?? '').replace(/\s+/g, ' ').trim();
    if (t.length >= 2) out.add(t);
  };
  for (const p of people) {
    if (typeof p === 'string') {
      add(p);
      for (const part of p.split(/\s+/)) add(part);
      continue;
    }
    add(p.name);
    for (const part of (p.name ?? '').split(/\s+/)) add(part);
    add(p.firstName);
    add(p.lastName);
    if (p.firstName && p.lastName) add(`${p.firstName} ${p.lastName}`);
  }
  return [...out].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
}

function nameRegex(name: string): RegExp {
  // Whitespace inside a full name may be any run of spaces; letters must not continue on either side.
  const body = name.split(' ').map(escapeRegExp).join('\\s+');
  const flags = COMMON_WORD_NAMES.has(name.toLowerCase()) ? 'gu' : 'giu';
  return new RegExp(`(?<![\\p{L}\\p{N}_])${body}(?![\\p{L}\\p{N}_])`, flags);
}

const capitalised = (s: string) => /^\p{Lu}/u.test(s);

/** All personal data in `text`, non-overlapping, in text order. Earlier kinds win an overlap (email over name). */
export function findPersonalData(text: string, o: DetectOptions = {}): PiiSpan[] {
  const spans: PiiSpan[] = [];
  const free = (start: number, end: number) => !spans.some((s) => start < s.end && end > s.start);
  const push = (kind: PiiKind, start: number, end: number) => {
    if (end > start && free(start, end)) spans.push({ kind, value: text.slice(start, end), start, end });
  };

  for (const m of text.matchAll(EMAIL)) push('EMAIL', m.index, m.index + m[0].length);
  for (const m of text.matchAll(IBAN)) if (ibanValid(m[0])) push('IBAN', m.index, m.index + m[0].length);
  for (const m of text.matchAll(CARD)) {
    const d = digits(m[0]);
    if (d.length >= 13 && d.length <= 19 && luhnValid(d)) push('CARD', m.index, m.index + m[0].length);
  }
  for (const m of text.matchAll(SSN))
    if (ssnValid(m[1]!, m[2]!, m[3]!)) push('NATIONAL_ID', m.index, m.index + m[0].length);
  for (const m of text.matchAll(SSN_LABELLED)) {
    const n = m[1]!;
    const at = m.index + m[0].lastIndexOf(n);
    if (ssnValid(n.slice(0, 3), n.slice(3, 5), n.slice(5))) push('NATIONAL_ID', at, at + n.length);
  }
  // UK NINOs and the other ids the output gate refuses in what is written back are not sent to a model either.
  for (const id of nationalIdSpans(text)) push('NATIONAL_ID', id.start, id.end);
  for (const p of findPhoneNumbersInText(text, { defaultCountry: o.defaultCountry ?? 'US' }))
    push('PHONE', p.startsAt, p.endsAt);
  for (const m of text.matchAll(INTL_PHONE)) {
    const n = digits(m[0]).length;
    if (n >= 8 && n <= 15) push('PHONE', m.index, m.index + m[0].length);
  }
  for (const name of personNames(o.knownPeople ?? [])) {
    const re = nameRegex(name);
    for (const m of text.matchAll(re)) {
      // A case-insensitive match still needs a capital when the name is also an ordinary word.
      if (re.flags.includes('i') || capitalised(m[0])) push('PERSON', m.index, m.index + m[0].length);
    }
  }
  return spans.sort((a, b) => a.start - b.start);
}
