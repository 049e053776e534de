import { findPersonalData, type DetectOptions, type KnownPerson, type PiiKind } from './detect.js';

/**
 * Reversible masking of personal data: each distinct value becomes a placeholder such as `[EMAIL_1]` or
 * `[PERSON_2]`, the same value always the same placeholder within one masker (one model call).
 *
 * Text that already looks like a placeholder ("[PERSON_1]" typed into an email by someone hoping the model
 * will echo it and have it unmasked into a real name) is itself masked as `[TOKEN_n]`, so the only
 * placeholders in masked text are ones this masker issued.
 */
export type PlaceholderKind = PiiKind | 'TOKEN';

export interface Masker {
  /**
   * Replace personal data with placeholders (zero-width characters are removed first so they cannot split a
   * value). With `keepPlaceholders` (for a model's answer), placeholder-shaped text is left alone and only
   * raw personal data is masked.
   */
  mask(text: string, opts?: { keepPlaceholders?: boolean }): string;
  /** Put the original values back. Placeholders this masker did not issue stay as they are and are flagged. */
  unmask(text: string): string;
  /** Placeholder → original value, for every placeholder issued so far. */
  readonly mapping: ReadonlyMap<string, string>;
  /** Placeholder-shaped strings met by `unmask` that were never issued (the model invented them). */
  readonly flagged: readonly string[];
}

export type MaskerOptions = Omit<DetectOptions, 'knownPeople'>;

/** Zero-width and invisible formatting characters (ZWSP, ZWNJ, ZWJ, word joiner, BOM, soft hyphen, bidi marks). */
export const INVISIBLE = /[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/g;

/**
 * Our placeholder shape, matched in any case: "[person_1]" typed by someone is masked too, and flagged when a model
 * invents it.
 */
const PLACEHOLDER_LOOSE = /\[(email|phone|card|iban|national_id|person|token)_(\d+)\]/gi;

export function createMasker(knownPeople: readonly KnownPerson[] = [], o: MaskerOptions = {}): Masker {
  const people = [...knownPeople];
  const toPlaceholder = new Map<string, string>();
  const mapping = new Map<string, string>();
  const counters = new Map<PlaceholderKind, number>();
  const flagged: string[] = [];

  const issue = (kind: PlaceholderKind, value: string): string => {
    const key = `${kind}\u0000${value}`;
    let p = toPlaceholder.get(key);
    if (!p) {
      const n = (counters.get(kind) ?? 0) + 1;
      counters.set(kind, n);
      p = `[${kind}_${n}]`;
      toPlaceholder.set(key, p);
      mapping.set(p, value);
    }
    return p;
  };

  const mask = (input: string, mo: { keepPlaceholders?: boolean } = {}): string => {
    const text = input.replace(INVISIBLE, '');
    const spans: { kind: PlaceholderKind; start: number; end: number; value: string; keep?: boolean }[] = [
      ...[...text.matchAll(PLACEHOLDER_LOOSE)].map((m) => ({
        kind: 'TOKEN' as const,
        start: m.index,
        end: m.index + m[0].length,
        value: m[0],
        keep: mo.keepPlaceholders,
      })),
    ];
    const taken = (s: number, e: number) => spans.some((x) => s < x.end && e > x.start);
    for (const s of findPersonalData(text, { ...o, knownPeople: people })) if (!taken(s.start, s.end)) spans.push(s);
    spans.sort((a, b) => a.start - b.start);
    let out = '';
    let at = 0;
    for (const s of spans) {
      out += text.slice(at, s.start) + (s.keep ? s.value : issue(s.kind, s.value));
      at = s.end;
    }
    return out + text.slice(at);
  };

  // One pass: a restored value is never scanned again (a TOKEN's value is itself placeholder-shaped).
  const unmask = (text: string): string =>
    text.replace(PLACEHOLDER_LOOSE, (p) => {
      const v = mapping.get(p);
      if (v !== undefined) return v;
      if (!flagged.includes(p)) flagged.push(p);
      return p;
    });

  return { mask, unmask, mapping, flagged };
}

/** Apply `f` to every string inside a JSON-like value (object keys untouched). */
export function mapStrings<T>(value: T, f: (s: string) => string): T {
  if (typeof value === 'string') return f(value) as T;
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, mapStrings(v, f)]),
    ) as T;
  }
  return value;
}
