import { ACRONYMS, COMMON_WORDS, MONTHS, WEEKDAYS, isSentenceStart } from './words.js';

/**
 * Proper names in text (people, companies, products): runs of capitalised or upper-case words.
 * The first word of a sentence is dropped (it is capitalised anyway), as are greetings, pronouns,
 * months, weekdays and common title-case sales words. What remains is a claim that something or
 * someone with that name exists, and it must be grounded like a number.
 */
export interface EntityMention {
  text: string;
  tokens: string[];
  start: number;
  end: number;
}

const TOKEN = /(?<![\p{L}\p{N}@./-])\p{Lu}[\p{L}\p{N}]*(?:['’]\p{L}+)?(?:-\p{Lu}[\p{L}\p{N}]*)*/gu;
const URL_OR_EMAIL = /\b(?:https?:\/\/|www\.)\S+|[\w.%+-]+@[\w.-]+\.\w+/g;

const isIgnorable = (token: string): boolean => {
  const t = token.toLowerCase();
  return COMMON_WORDS.has(t) || ACRONYMS.has(t) || Object.hasOwn(MONTHS, t) || WEEKDAYS.includes(t);
};
const stripPossessive = (t: string): string => t.replace(/['’]s$/i, '');

/** German capitalises every noun: there, capitals say nothing about names. */
const GERMAN =
  /(?<![\p{L}])(?:und|der|die|das|nicht|Sie|Ihre?n?|Ihnen|wir|uns|mit|für|ist|sind|eine?[nmrs]?|auf|bei|gerne|vielen|Dank|freundlichen|Grüßen)(?![\p{L}])/gu;

export function findEntities(input: string): EntityMention[] {
  if ((input.match(GERMAN) ?? []).length >= 3) return [];
  // Addresses and links are the PII check's business; blank them so their parts are not names.
  const text = input.replace(URL_OR_EMAIL, (m) => ' '.repeat(m.length));
  const tokens = [...text.matchAll(TOKEN)].map((m) => ({
    raw: stripPossessive(m[0]),
    start: m.index,
    end: m.index + m[0].length,
  }));
  const runs: (typeof tokens)[] = [];
  for (const t of tokens) {
    const last = runs.at(-1);
    const prev = last?.at(-1);
    if (last && prev && /^ $/.test(text.slice(prev.end, t.start))) last.push(t);
    else runs.push([t]);
  }
  const out: EntityMention[] = [];
  for (const run of runs) {
    const kept = isSentenceStart(text, run[0]!.start) ? run.slice(1) : run;
    const named = kept.filter((t) => !isIgnorable(t.raw) && !/^\p{N}+$/u.test(t.raw));
    if (named.length === 0) continue;
    const first = kept[0]!,
      last = kept.at(-1)!;
    out.push({
      text: input.slice(first.start, last.end).replace(/['’]s$/i, ''),
      tokens: named.map((t) => t.raw),
      start: first.start,
      end: last.end,
    });
  }
  return out;
}
