/**
 * What PostgreSQL cannot store, said once: `text` refuses U+0000, and `jsonb` also refuses an unpaired UTF-16
 * surrogate (JSON.stringify writes one as a `\udXXX` escape that has no pair). A caller's value holding either answered
 * 500 from the database; edges refuse it as the caller's mistake (ids, the ingest API), and content that comes from a
 * CRM or a chat tool is made storable instead (the character dropped, or replaced by U+FFFD), so one odd character
 * never stops a sync.
 */
// eslint-disable-next-line no-control-regex -- U+0000 is the point
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// eslint-disable-next-line no-control-regex -- U+0000 is the point
const NUL = /\u0000/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** True when the text holds U+0000 or an unpaired surrogate. */
export const hasUnstorableChars = (s: string): boolean => UNSTORABLE.test(s);

/** The message a refused value gets. */
export const UNSTORABLE_MESSAGE = 'contains U+0000 or an unpaired UTF-16 surrogate, which cannot be stored';

/** The text without U+0000, each unpaired surrogate replaced by U+FFFD. */
export function storableText(s: string): string {
  return UNSTORABLE.test(s) ? s.replace(NUL, '').replace(LONE_SURROGATE, '\ufffd') : s;
}

// JSON.stringify writes U+0000 as \u0000 and an unpaired surrogate as \udXXX (a paired one stays raw): the only
// spellings jsonb refuses. A backslash before them (a literal "\\u0000") is a false alarm that only costs the slow path.
const UNSTORABLE_ESCAPE = /\\u0000|\\ud[89a-f]/i;

/**
 * JSON.stringify for a jsonb parameter: every string and key made storable (storableText). The plain serialization when
 * it has nothing to mend (the common case, at JSON.stringify's speed).
 */
export function storableJson(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined || !UNSTORABLE_ESCAPE.test(json)) return json;
  return JSON.stringify(value, function (_key, v: unknown) {
    if (typeof v === 'string') return storableText(v);
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).some(hasUnstorableChars)) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[storableText(k)] = x;
      return out;
    }
    return v;
  });
}
