/**
 * Numbers written as words, read the two ways a person reads them: as a quantity ("forty-two thousand", "twenty three
 * hundred") and as digits read out in groups, the way a phone or account number is said ("four one five, five five
 * five, twenty three hundred" is 4155552300; "forty-eight two thirteen" is 48213). Single digits in the languages we
 * serve and their neighbours; teens, tens and scale words in English, German, Spanish, French, Italian, Portuguese and
 * Dutch, with the tens-and-units they write as one word ("zweiundvierzig", "tweeënveertig", "veintidós", "quarantadue").
 */

const words = (spec: readonly (readonly [number, string])[]): [string, number][] =>
  spec.flatMap(([v, ws]) => ws.split(' ').map((w) => [w, v] as [string, number]));

/** One word, one digit ("oh", "null", "zéro"...). */
export const DIGIT_WORDS: ReadonlyMap<string, number> = new Map(
  words([
    [0, 'zero oh o nought nil null cero zéro nulla nul нуль ноль'],
    [1, 'one eins uno un une um uma een jeden jedna один'],
    [2, 'two zwei zwo dos deux due dois duas twee dwa dwie два'],
    [3, 'three drei tres trois tre três drie trzy три'],
    [4, 'four vier cuatro quatre quattro quatro cztery четыре'],
    [5, 'five fünf fuenf cinco cinq cinque vijf pięć piec пять'],
    [6, 'six sechs seis sei zes sześć szesc шесть'],
    [7, 'seven sieben siete sept sette sete zeven siedem семь'],
    [8, 'eight acht ocho huit otto oito osiem восемь'],
    [9, 'nine neun nueve neuf nove negen dziewięć девять'],
  ]),
);
const TEENS: ReadonlyMap<string, number> = new Map(
  words([
    [10, 'ten zehn diez dix dieci dez tien'],
    [11, 'eleven elf once onze undici'],
    [12, 'twelve zwölf doce douze dodici doze twaalf'],
    [13, 'thirteen dreizehn trece treize tredici treze dertien'],
    [14, 'fourteen vierzehn catorce quatorze quattordici catorze veertien'],
    [15, 'fifteen fünfzehn quince quinze quindici vijftien'],
    [16, 'sixteen sechzehn dieciséis seize sedici dezesseis zestien'],
    [17, 'seventeen siebzehn diecisiete diciassette dezessete zeventien'],
    [18, 'eighteen achtzehn dieciocho diciotto dezoito achttien'],
    [19, 'nineteen neunzehn diecinueve diciannove dezenove negentien'],
  ]),
);
const TENS: ReadonlyMap<string, number> = new Map(
  words([
    [20, 'twenty zwanzig veinte vingt venti vinte twintig'],
    [30, 'thirty dreißig dreissig treinta trente trenta trinta dertig'],
    [40, 'forty fourty vierzig cuarenta quarante quaranta quarenta veertig'],
    [50, 'fifty fünfzig cincuenta cinquante cinquanta cinquenta vijftig'],
    [60, 'sixty sechzig sesenta soixante sessanta zestig'],
    [70, 'seventy siebzig setenta settanta zeventig'],
    [80, 'eighty achtzig ochenta ottanta oitenta tachtig'],
    [90, 'ninety neunzig noventa novanta negentig'],
  ]),
);
const HUNDRED = new Set('hundred hundert cien ciento cent cento cem honderd'.split(' '));
const SCALES: ReadonlyMap<string, number> = new Map(
  words([
    [1_000, 'thousand tausend mil mille mila duizend'],
    [1_000_000, 'million millions millionen millón millones milione milioni milhão milhões miljoen'],
  ]),
);
const REPEAT: ReadonlyMap<string, number> = new Map(
  words([
    [2, 'double doppel doble'],
    [3, 'triple'],
  ]),
);
/** Tens and units written as one word: German and Dutch put the unit first, Spanish and Italian the tens. */
const COMPOUNDS: [RegExp, (m: RegExpExecArray) => number][] = [
  [
    /^(ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun)und(zwanzig|dreißig|dreissig|vierzig|fünfzig|sechzig|siebzig|achtzig|neunzig)$/u,
    (m) => TENS.get(m[2]!)! + (m[1] === 'ein' ? 1 : DIGIT_WORDS.get(m[1]!)!),
  ],
  [
    /^(een|twee|drie|vier|vijf|zes|zeven|acht|negen)(?:en|ën)(twintig|dertig|veertig|vijftig|zestig|zeventig|tachtig|negentig)$/u,
    (m) => TENS.get(m[2]!)! + DIGIT_WORDS.get(m[1]!)!,
  ],
  [
    /^veinti(uno|ún|dós|dos|trés|tres|cuatro|cinco|séis|seis|siete|ocho|nueve)$/u,
    (m) => 20 + DIGIT_WORDS.get(m[1]!.normalize('NFD').replace(/\p{M}/gu, '').replace(/^un$/, 'uno'))!,
  ],
  [
    /^(vent|trent|quarant|cinquant|sessant|settant|ottant|novant)[ai]?(uno|due|tré|tre|quattro|cinque|sei|sette|otto|nove)$/u,
    (m) => TENS.get(`${m[1]}${m[1] === 'vent' ? 'i' : 'a'}`)! + DIGIT_WORDS.get(m[2]!.replace('tré', 'tre'))!,
  ],
];
const compound = (w: string): number | null => {
  for (const [re, value] of COMPOUNDS) {
    const m = re.exec(w);
    if (m) return value(m);
  }
  return null;
};
const COMPOUND_TOKEN = COMPOUNDS.map(([re]) => re.source.slice(1, -1)).join('|');

/** "and" inside a number ("one hundred and five", "cuarenta y dos", "vinte e dois"). */
const CONNECTOR = new Set('and y e et und en'.split(' '));

const alternation = (ws: Iterable<string>): string =>
  [...ws].sort((a, b) => b.length - a.length || a.localeCompare(b)).join('|');
/** One number word, or a short run of digits among them. */
export const NUMBER_TOKEN = String.raw`(?:${alternation([
  ...DIGIT_WORDS.keys(),
  ...TEENS.keys(),
  ...TENS.keys(),
  ...HUNDRED,
  ...SCALES.keys(),
  ...REPEAT.keys(),
])}|${COMPOUND_TOKEN}|\d{1,4})`;
const SEPARATOR = String.raw`[\s,.\-–/]{1,3}`;
/** A run of number words (and digits), with the connectors a number can contain. */
export const NUMBER_RUN_RE = new RegExp(
  String.raw`(?<![\p{L}\p{N}])${NUMBER_TOKEN}(?:${SEPARATOR}(?:(?:${[...CONNECTOR].join('|')})\s+)?${NUMBER_TOKEN}){1,40}(?![\p{L}\p{N}])`,
  'giu',
);

export interface SpelledReading {
  /** The digits as read out: each group's value written after the previous one. */
  digits: string;
  /** How many groups were read ("forty-two, ninety one" is two). */
  groups: number;
  /** The value when the run is one quantity ("forty-two thousand"), else null. */
  value: number | null;
  /** A scale word made the single group a quantity (hundred, thousand, million). */
  scaled: boolean;
  /** Words that are not number words ("half", "doscientos", a currency): the value is then not known. */
  unknown: number;
}

type Kind = 'num' | 'unit' | 'teen' | 'tens' | 'tensunit' | 'hundred' | 'big' | null;

/**
 * Read a run of number words. Groups combine as a person says them ("forty" + "two" is 42, "twenty three" +
 * "hundred" is 2300, "two thousand twenty five" is 2025); a comma or full stop between two words, or a word that
 * cannot continue the group ("nineteen forty-two"), starts the next group.
 */
export function readSpelled(text: string): SpelledReading {
  const tokens = [...text.toLowerCase().matchAll(/([^\s,.\-–/]+)|([,./])/gu)];
  let out = '';
  let groups = 0;
  let scaled = false;
  let cur: number | null = null;
  let high = 0;
  let kind: Kind = null;
  let repeat = 1;
  let broken = false;
  let unknown = 0;
  // Digits keep their leading zeros ("0207") while nothing multiplies them.
  let digitsAsWritten = '';
  const flush = () => {
    if (kind === 'num') {
      out += digitsAsWritten;
      groups++;
    } else if (cur !== null || high) {
      out += String(high + (cur ?? 0));
      groups++;
    }
    cur = null;
    high = 0;
    kind = null;
  };
  for (const t of tokens) {
    if (t[2]) {
      broken = true;
      continue;
    }
    const w = t[1]!;
    if (broken) flush();
    broken = false;
    if (REPEAT.has(w)) {
      flush();
      repeat = REPEAT.get(w)!;
    } else if (/^\d+$/.test(w)) {
      // Digits among the words: a group of their own, which a scale word may still multiply ("1 million").
      flush();
      if (repeat > 1) {
        out += w.repeat(w.length === 1 ? repeat : 1);
        groups++;
      } else {
        cur = Number(w);
        digitsAsWritten = w;
        kind = 'num';
      }
      repeat = 1;
    } else if (CONNECTOR.has(w)) {
      // Inside a number only after a tens, hundred or thousand word; anywhere else it ends the group.
      if (kind !== 'tens' && kind !== 'hundred' && kind !== 'big') flush();
    } else if (DIGIT_WORDS.has(w)) {
      const v = DIGIT_WORDS.get(w)!;
      if (repeat > 1) {
        flush();
        out += String(v).repeat(repeat);
        groups++;
        repeat = 1;
      } else if (v > 0 && (kind === 'tens' || kind === 'hundred' || kind === 'big')) {
        cur = (cur ?? 0) + v;
        kind = kind === 'tens' ? 'tensunit' : 'unit';
      } else {
        flush();
        cur = v;
        kind = 'unit';
      }
    } else if (TEENS.has(w) || TENS.has(w) || compound(w) !== null) {
      const teen = TEENS.has(w);
      const v = teen ? TEENS.get(w)! : (TENS.get(w) ?? compound(w)!);
      if (kind === 'hundred' || kind === 'big') cur = (cur ?? 0) + v;
      else {
        flush();
        cur = v;
      }
      kind = teen ? 'teen' : TENS.has(w) ? 'tens' : 'tensunit';
    } else if (HUNDRED.has(w)) {
      if (cur !== null && cur > 0 && cur < 100 && kind !== 'big') cur *= 100;
      else if (cur === null && kind !== 'big') cur = 100;
      else if (kind === 'big' && cur === null) cur = 100;
      else {
        flush();
        cur = 100;
      }
      kind = 'hundred';
      scaled = true;
    } else if (SCALES.has(w)) {
      high += (cur ?? 1) * SCALES.get(w)!;
      cur = null;
      kind = 'big';
      scaled = true;
    } else unknown++;
  }
  flush();
  return {
    digits: out,
    groups,
    value: groups === 1 && !unknown ? Number(out) : null,
    scaled: scaled && groups === 1,
    unknown,
  };
}
