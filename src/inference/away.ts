import type { Activity } from '../core/canonical.js';
import { chronoFor } from '../lib/chrono.js';
import { isAwayNotice } from './automated-mail.js';

export interface CalendarDay {
  year: number;
  month: number;
  day: number;
}

/** The day an away notice names and what it says of it. */
export interface AwayReturn extends CalendarDay {
  /**
   * `until`: the last day away ("until 14 December", "bis 14.12.", "jusqu'au 14 décembre"); `back`: the first day back
   * ("back on 14 December", "ab dem 14.12. wieder im Büro", "de retour le 14 décembre").
   */
  said: 'until' | 'back';
}

type Lang = 'en' | 'de' | 'fr' | 'es' | 'nl' | 'it' | 'pt';
type Cue = 'until' | 'back' | 'from';

/**
 * The words an away notice puts before a day, by language and by what they say of it: `until` the last day away,
 * `back` the first day back, `from` a day the sentence may say either of ("ab 14.12." is the first day away, "ab dem
 * 14.12. bin ich wieder da" the first day back: only a word of returning in the same sentence makes it a return).
 */
const CUES: Record<Lang, Record<Cue, string[]>> = {
  en: {
    until: ['until(?:\\s+and\\s+including)?', 'till', "'til", 'through', 'thru', 'up\\s+to\\s+and\\s+including', 'to'],
    back: [
      '(?:be\\s+)?back(?:\\s+(?:in|at|to)\\s+(?:the\\s+|my\\s+)?(?:office|desk|work))?(?:\\s+on)?',
      'return(?:ing)?(?:\\s+to\\s+(?:the\\s+|my\\s+)?(?:office|desk|work))?(?:\\s+on)?',
    ],
    from: ['from', 'as\\s+of', 'starting(?:\\s+on)?', 'beginning(?:\\s+on)?'],
  },
  de: {
    until: [
      'bis(?:\\s+(?:einschließlich|einschliesslich|inklusive|inkl\\.|zum|zur|am|einschl\\.))?(?:\\s+(?:zum|den|dem))?',
    ],
    back: ['zurück\\s+am', 'wieder\\s+(?:im\\s+büro|erreichbar|da|verfügbar|zurück)\\s+am', 'rückkehr\\s+am'],
    from: ['ab(?:\\s+(?:dem|den))?', 'vom', 'von'],
  },
  fr: {
    until: ["jusqu['’]\\s?(?:au|à|a)(?:\\s+(?:la|le))?", 'au'],
    back: [
      'de\\s+retour(?:\\s+au\\s+bureau)?(?:\\s+(?:le|à\\s+partir\\s+du|dès\\s+le))?',
      'retour\\s+(?:prévu\\s+)?le',
      'je\\s+reviens\\s+le',
      'reprise\\s+le',
    ],
    from: ['à\\s+partir\\s+du', 'à\\s+partir\\s+de', 'dès\\s+le', 'du'],
  },
  es: {
    until: ['hasta(?:\\s+el(?:\\s+día)?)?(?:\\s+día)?', 'al'],
    back: [
      'de\\s+(?:vuelta|regreso)(?:\\s+en\\s+la\\s+oficina)?(?:\\s+el)?',
      'regreso\\s+el',
      'vuelvo\\s+el',
      'me\\s+reincorporo\\s+el',
    ],
    from: ['a\\s+partir\\s+del?', 'desde\\s+el', 'del'],
  },
  nl: {
    until: ['tot\\s+en\\s+met', 't/m', 'tot(?:\\s+en\\s+met)?'],
    back: ['terug\\s+op', 'weer\\s+(?:aanwezig|op\\s+kantoor|bereikbaar|beschikbaar)\\s+op'],
    from: ['vanaf', 'van'],
  },
  it: {
    until: ["fino\\s+al(?:l['’])?", 'fino\\s+a', 'sino\\s+al', 'al'],
    back: [
      'di\\s+ritorno(?:\\s+in\\s+ufficio)?(?:\\s+il)?',
      'rientro(?:\\s+previsto)?\\s+il',
      'rientrerò\\s+il',
      'tornerò\\s+il',
    ],
    from: ['a\\s+partire\\s+dal', 'dal', "dall['’]"],
  },
  pt: {
    until: ['até(?:\\s+(?:ao|à|o|a))?(?:\\s+dia)?'],
    back: [
      'de\\s+volta(?:\\s+ao\\s+escritório)?(?:\\s+(?:em|no\\s+dia|a|dia))?',
      'regresso\\s+(?:a|em|no\\s+dia)',
      'retorno\\s+(?:em|a|no\\s+dia)',
    ],
    from: ['a\\s+partir\\s+d[eoa]', 'desde'],
  },
};

const LANGS = Object.keys(CUES) as Lang[];

/** One pattern per language and cue kind; alternatives longest first, so "bis einschließlich" beats "bis". */
const CUE_RE = new RegExp(
  LANGS.flatMap((lang) =>
    (['back', 'until', 'from'] as const).map(
      (cue) => `(?<${lang}_${cue}>${[...CUES[lang][cue]].sort((a, b) => b.length - a.length).join('|')})`,
    ),
  )
    .map((g) => `(?<![\\p{L}])${g}(?![\\p{L}])`)
    .join('|'),
  'giu',
);

/** The first cue of a text (CUE_RE without its global state). */
const FIRST_CUE = new RegExp(CUE_RE.source, 'iu');

/**
 * A word of returning: after a `from` day ("ab dem 14.12. bin ich wieder im Büro") or before it ("I'll be back in
 * the office from 14 December", "je serai de retour à partir du 14").
 */
const RETURNING =
  /(?<![\p{L}])(?:wieder|zurück|back|again|return(?:ing)?|de\s+retour|de\s+nouveau|à\s+nouveau|de\s+vuelta|de\s+regreso|nuevamente|otra\s+vez|weer|terug|di\s+nuovo|nuovamente|rientr\p{L}*|de\s+volta|novamente|regress\p{L}*|retorn\p{L}*)(?![\p{L}])/iu;

/** Words of a range's start ("du 10 au 14", "del 10 al 14", "from 10 to 14"): "au"/"al"/"to" end a range only. */
const RANGE_START = /(?<![\p{L}])(?:du|del|dal|from|van|vom|de)\s+[^\n]{1,30}$/iu;
const RANGE_ONLY = new Set(['au', 'al', 'to']);

const MAX_CANDIDATES = 8;

/** "14.12.", "Montag, 14.12.2026", "14/12/2026": day first (as every language but US English writes it). */
const NUMERIC_DAY =
  /^\s*(?:(?:dem|den|der|le|el|il|op|on|the|o|dia|a)\s+)?(?:\p{L}{2,13}\.?,?\s+(?:(?:den|dem|der|le|el|il|o|dia|the)\s+)?)?(\d{1,2})\s?([./-])\s?(\d{1,2})(?:\2(\d{4}|\d{2}))?(?!\d)/iu;

/** Articles before a day ("el 14 de diciembre", "am 14. Dezember" after "zurück"): read past. */
const LEADING = /^\s*(?:(?:the|dem|den|der|le|la|el|il|lo|op|o|dia|no|ao)\s+)*/iu;

function numericDay(text: string, ref: Date, dayFirst: boolean): CalendarDay | null {
  const m = NUMERIC_DAY.exec(text);
  if (!m) return null;
  // A slash date in an English notice is month first unless the day says otherwise (12/14); dots never are.
  let [day, month] = [Number(m[1]), Number(m[3])];
  if (m[2] === '/' && !dayFirst && month <= 12 && day <= 12) [day, month] = [month, day];
  else if (m[2] === '/' && !dayFirst && month > 12) [day, month] = [month, day];
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  let year: number;
  if (m[4]) year = m[4].length === 2 ? 2000 + Number(m[4]) : Number(m[4]);
  else {
    // No year: the next such day on or after the notice (as chrono's forwardDate).
    year = ref.getUTCFullYear();
    const refDay = Date.UTC(year, ref.getUTCMonth(), ref.getUTCDate());
    if (Date.UTC(year, month - 1, day) < refDay) year += 1;
  }
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCMonth() !== month - 1) return null;
  return { year, month, day };
}

/** The day written right after a cue, read in the cue's language first (then the others), or null. */
function dayAfter(after: string, ref: Date, lang: Lang): CalendarDay | null {
  const numeric = numericDay(after, ref, lang !== 'en');
  if (numeric) return numeric;
  const text = after.replace(LEADING, '');
  // A day without a digit is a weekday's or a month's name, in the cue's own language ("back on Monday").
  const langs = /\d/.test(text.slice(0, 40)) ? [lang, ...LANGS.filter((x) => x !== lang)] : [lang];
  for (const l of langs) {
    const r = chronoFor(l).parse(text, ref, { forwardDate: true })[0];
    // The day right after the word ("until the 5th", "until Monday, January 4"), not one further on in the sentence.
    if (!r || r.index > 6 || !(r.start.isCertain('day') || r.start.isCertain('weekday'))) continue;
    return { year: r.start.get('year')!, month: r.start.get('month')!, day: r.start.get('day')! };
  }
  return null;
}

/** The sentence around `at`: from the last line break or sentence end before it to the next after it. */
function clauseAround(text: string, start: number, end: number): { before: string; after: string } {
  const head = text.slice(Math.max(0, start - 80), start);
  const cut = Math.max(head.lastIndexOf('\n'), ...[...head.matchAll(/[!?]|(?<!\d)\.\s/g)].map((m) => m.index!));
  const tail = text.slice(end, end + 100);
  const stop = tail.search(/\n|[!?]|(?<!\d)\.(?:\s|$)/);
  return { before: head.slice(cut + 1), after: stop >= 0 ? tail.slice(0, stop) : tail };
}

/**
 * The day the writer of an away notice ("I am out of the office until January 5") names for their return, as written
 * (the year the next one after the notice was sent when it names none), and whether it is their last day away or
 * their first day back; null for any other message or one naming no such day. Read in English, German, French,
 * Spanish, Dutch, Italian and Portuguese; "ab 14.12." / "à partir du 14 décembre" alone is the day the absence starts,
 * not the return.
 */
export function awayUntil(a: Activity): AwayReturn | null {
  if (a.kind !== 'email' || !isAwayNotice(a)) return null;
  const ref = new Date(a.occurredAt);
  if (!Number.isFinite(ref.getTime())) return null;
  const text = `${a.subject ?? ''}\n${a.body ?? ''}`.slice(0, 2_000);
  let read = 0;
  // The first few candidates: an away notice names its return early (a body of nothing but "until until …" costs
  // a handful of reads, not one per word).
  for (const m of text.matchAll(CUE_RE)) {
    const group = Object.entries(m.groups ?? {}).find(([, v]) => v !== undefined)?.[0];
    if (!group) continue;
    const [lang, cue] = group.split('_') as [Lang, Cue];
    const end = m.index + m[0].length;
    // "au"/"al"/"to" end a range ("du 10 au 14 décembre"); alone they are no "until".
    if (
      cue === 'until' &&
      RANGE_ONLY.has(m[0].toLowerCase()) &&
      !RANGE_START.test(text.slice(Math.max(0, m.index - 32), m.index))
    )
      continue;
    if (++read > MAX_CANDIDATES) break;
    const day = dayAfter(text.slice(end, end + 60), ref, lang);
    if (!day) continue;
    if (cue === 'from') {
      const { before, after } = clauseAround(text, m.index, end);
      // A later "until"/"back on" in the same sentence names the return itself ("vom 10. bis 14.12.", "ab 14.12.
      // nicht im Büro, zurück am 4.1."): this day is where the absence starts. A later "from" day is read on its own
      // ("ab dem 14.12. im Urlaub und ab dem 4.1. wieder erreichbar").
      const next = FIRST_CUE.exec(after);
      if (next && !Object.entries(next.groups ?? {}).some(([g, v]) => v !== undefined && g.endsWith('_from'))) continue;
      if (!RETURNING.test(before) && !RETURNING.test(next ? after.slice(0, next.index) : after)) continue;
      return { ...day, said: 'back' };
    }
    return { ...day, said: cue === 'back' ? 'back' : 'until' };
  }
  return null;
}
