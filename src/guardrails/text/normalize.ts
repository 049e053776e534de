/**
 * Text as a person would read it, and every form a payload can hide in, before anything judges it.
 *
 * Attackers hide instructions and payment details where a keyword list does not look: compatibility
 * characters (fullwidth digits, ligatures), zero-width and bidi controls, look-alike letters from other
 * scripts, HTML that a mail client never shows (comments, display:none, 1px or white text), markdown
 * links whose text differs from their target, and encoded payloads (base64, hex, rot13). `normalise`
 * undoes the first three; `views` returns every reading of a text that a judgement must consider.
 */

import { LOOK_ALIKES } from './confusables.js';

/* eslint-disable no-misleading-character-class -- the class lists invisible and combining code points on purpose */
const INVISIBLE =
  /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufeff\uffa0]|[\ufe00-\ufe0f]|\udb40[\udc00-\udc7f]/g;
/* eslint-enable no-misleading-character-class */

/** Letters from other scripts that look like Latin ones (Unicode confusables, the common subset). */
const CONFUSABLE: Record<string, string> = {
  // Cyrillic
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  ѕ: 's',
  і: 'i',
  ї: 'i',
  ј: 'j',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  һ: 'h',
  ӏ: 'l',
  ɡ: 'g',
  А: 'A',
  В: 'B',
  Е: 'E',
  К: 'K',
  М: 'M',
  Н: 'H',
  О: 'O',
  Р: 'P',
  С: 'C',
  Т: 'T',
  У: 'Y',
  Х: 'X',
  Ѕ: 'S',
  І: 'I',
  Ј: 'J',
  Ԁ: 'D',
  Ԛ: 'Q',
  Ԝ: 'W',
  Һ: 'H',
  // Greek
  α: 'a',
  ο: 'o',
  ρ: 'p',
  ν: 'v',
  τ: 't',
  ι: 'i',
  κ: 'k',
  υ: 'u',
  χ: 'x',
  ε: 'e',
  Α: 'A',
  Β: 'B',
  Ε: 'E',
  Ζ: 'Z',
  Η: 'H',
  Ι: 'I',
  Κ: 'K',
  Μ: 'M',
  Ν: 'N',
  Ο: 'O',
  Ρ: 'P',
  Τ: 'T',
  Υ: 'Y',
  Χ: 'X',
  // Latin look-alikes that NFKC keeps
  ı: 'i',
  ȷ: 'j',
  ſ: 's',
  ℓ: 'l',
  '\u2212': '-',
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u2044': '/',
  '\u2215': '/',
  '\u00a0': ' ',
  '\u2007': ' ',
  '\u202f': ' ',
};
const CONFUSABLE_RE = new RegExp(`[${Object.keys(CONFUSABLE).join('')}]`, 'g');
/** Every look-alike: the hand-kept list above first, then Unicode's confusables of all scripts (confusables.ts). */
const LOOK_ALIKE: ReadonlyMap<string, string> = new Map([...LOOK_ALIKES, ...Object.entries(CONFUSABLE)]);
/** Scripts whose words legitimately run into Latin ones without a space ("Google検索"); they have no look-alikes. */
const NO_LOOK_ALIKE_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
/** A letter of a script other than Latin (and other than the CJK scripts above). */
const otherScriptLetter = (c: string): boolean =>
  /\p{L}/u.test(c) && !/\p{Script=Latin}/u.test(c) && !NO_LOOK_ALIKE_SCRIPT.test(c);

/**
 * Decimal digits of any script ("٤١٢٣", "४१२३", "๔๑๒๓") read as ASCII digits: an account or phone number written in
 * them is the same number. Each script's digits are ten consecutive code points from zero.
 */
const asciiDigits = (text: string): string =>
  text.replace(/(?![0-9])\p{Nd}/gu, (d) => {
    let cp = d.codePointAt(0)!;
    let steps = 0;
    while (steps < 9 && /\p{Nd}/u.test(String.fromCodePoint(cp - 1))) {
      cp--;
      steps++;
    }
    return String(steps % 10);
  });

/**
 * Unicode NFKC, invisible and bidi controls removed, look-alike letters mapped to Latin, digits of any script read as
 * ASCII digits, whitespace collapsed per line.
 */
export function normalise(text: string): string {
  return (
    asciiDigits(text.normalize('NFKC').replace(INVISIBLE, ''))
      // Look-alike letters are mapped only where they disguise Latin: in a word that mixes them with Latin
      // letters, or a word made of look-alikes only ("АІ"). Russian, Greek or Armenian words stay as they are.
      .replace(/[\p{L}\p{M}\p{Nl}\p{No}]+/gu, (w) => {
        const chars = [...w];
        const mixed = /\p{Script=Latin}/u.test(w) && chars.some(otherScriptLetter);
        const allLookAlike = chars.every((c) => LOOK_ALIKE.has(c) || /\p{Script=Latin}/u.test(c));
        return mixed || allLookAlike ? chars.map((c) => LOOK_ALIKE.get(c) ?? c).join('') : w;
      })
      .replace(CONFUSABLE_RE, (c) => (/\s|[\u2010-\u2015\u2212\u2044\u2215]/u.test(c) ? CONFUSABLE[c]! : c))
      .replace(/[ \t\f\v]+/g, ' ')
  );
}

/** True when the text contains characters that only serve to hide or reorder what is shown. */
export function hasInvisibleControls(text: string): boolean {
  INVISIBLE.lastIndex = 0;
  return INVISIBLE.test(text);
}

/**
 * Whether a word mixes Latin letters with letters from another script (a classic spoofing sign), whichever script:
 * Cyrillic, Greek, Armenian, Cherokee, Coptic, Lisu... (the CJK scripts, which run into Latin words, aside); or
 * whether it is Latin made of look-alike letters of the Latin script itself (small capitals, dotless i).
 */
export function hasMixedScriptWord(text: string): boolean {
  for (const w of text.normalize('NFKC').split(/[^\p{L}]+/u)) {
    if (w.length < 3) continue;
    const chars = [...w];
    if (/\p{Script=Latin}/u.test(w) && chars.some(otherScriptLetter)) return true;
    if (chars.filter((c) => /\p{Script=Latin}/u.test(c) && LOOK_ALIKES.has(c) && !/[ıİ]/u.test(c)).length >= 2)
      return true;
  }
  return false;
}

/** Characters a host-like token is split at: anything but letters, digits, marks, dots, at signs and dashes. */
const NOT_HOSTISH_CHAR = /[^\p{L}\p{N}\p{M}\p{Pd}\u2212_.\u3002\uff0e\uff61@\uff20]+/u;
const DOTS = /[.\u3002\uff0e\uff61]/gu;
const ASCII_ONLY = /^[\p{ASCII}]*$/u;

/**
 * Whether a host name or address is written with characters that `normalise` reads as ASCII and a browser does not:
 * look-alike letters of any script, the Latin script's own included ("pılot-gmbh.de" with a dotless i, "piloᴛ"),
 * dashes other than the hyphen-minus ("example–gmbh.de" with an en dash), digits of another script ("acme२४.de").
 * Every check reads the trusted ASCII host; a browser goes to an internationalised one (xn--...) anyone can register.
 * A host is a token with a dot and a top-level label of letters ("10–12.5" and "Mon–Fri." are none); an honest
 * internationalised name ("bücher.de") keeps letters with no ASCII reading and is left alone. One split, so linear.
 */
function readsAsAsciiHost(text: string): boolean {
  const t = text.normalize('NFKC').replace(INVISIBLE, '');
  if (ASCII_ONLY.test(t)) return false;
  for (const token of t.split(NOT_HOSTISH_CHAR)) {
    if (ASCII_ONLY.test(token)) continue;
    const host = token.replace(/[.\u3002\uff0e\uff61]+$/u, '');
    let lastDot = -1;
    for (const m of host.matchAll(DOTS)) lastDot = m.index;
    if (lastDot <= 0 || !/^\p{L}{2,}$/u.test(host.slice(lastDot + 1))) continue;
    if (ASCII_ONLY.test(normalise(host))) return true;
  }
  return false;
}

/** What a host name or address is written with: letters, digits, hyphens, and dots or at signs of any script. */
const NOT_HOST_CHAR = /[^\p{L}\p{N}\p{M}_.\u3002\uff0e\uff61@\uff20-]+/u;
/** A dot or at sign between two characters of a label: a full stop at the end of a word is no host. */
const HOST_SEPARATOR = /[\p{L}\p{N}\p{M}][.\u3002\uff0e\uff61@\uff20][\p{L}\p{N}]/u;

/**
 * Whether a host name or address is spelled with look-alike letters of another script so that it reads as a plain
 * ASCII one ("example-gmbh.dе" with a Cyrillic "е", "acme.іо", "сосоа.io"): whatever the length of the label, since a
 * two-letter top-level domain or a word made only of look-alikes is no mixed-script word. An honest
 * internationalised name ("bücher.de", "пример.рф") has letters with no ASCII twin and is left alone. One split, so
 * linear in the text's length.
 */
export function hasLookAlikeHost(text: string): boolean {
  if (readsAsAsciiHost(text)) return true;
  for (const token of text.normalize('NFKC').replace(INVISIBLE, '').split(NOT_HOST_CHAR)) {
    if (!HOST_SEPARATOR.test(token)) continue;
    let disguised = false;
    let readsAscii = true;
    for (const c of token) {
      if (c.charCodeAt(0) < 0x80 || !/\p{L}/u.test(c)) continue;
      if (otherScriptLetter(c) && LOOK_ALIKE.has(c)) disguised = true;
      else if (!LOOK_ALIKE.has(c)) readsAscii = false;
    }
    if (disguised && readsAscii) return true;
  }
  return false;
}

const HIDDEN_STYLE =
  /display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*[01](?:\.\d+)?(?:px|pt|em|rem)?\b|opacity\s*:\s*0(?:\.0+)?\b|color\s*:\s*(?:#f{3}\b|#f{6}\b|white\b|rgba?\(\s*255\s*,\s*255\s*,\s*255)|max-height\s*:\s*0|height\s*:\s*0(?:px)?\b|mso-hide\s*:\s*all/i;

export interface HtmlParts {
  /** What a mail client shows. */
  visible: string;
  /** What it does not: comments, hidden elements, tiny or white text. */
  hidden: string[];
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
const decodeEntities = (s: string): string =>
  s
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => safeChar(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => safeChar(Number(d)))
    .replace(/&([a-z]+);/gi, (m, n: string) =>
      Object.hasOwn(entities, n.toLowerCase()) ? entities[n.toLowerCase()]! : m,
    );
const safeChar = (n: number): string => (n > 0 && n < 0x110000 ? String.fromCodePoint(n) : '');

/** Split an (possibly) HTML text into what is shown and what is hidden. Plain text comes back unchanged. */
export function splitHtml(text: string): HtmlParts {
  const hidden: string[] = [];
  let t = text.replace(/<!--([\s\S]*?)(?:-->|$)/g, (_, c: string) => {
    hidden.push(c);
    return ' ';
  });
  // Markdown "comments" ([//]: # (text)) are hidden the same way in rendered markdown.
  t = t.replace(/^\s*\[[^\]]*\]:\s*#\s*\(([^)]*)\)\s*$/gm, (_, c: string) => {
    hidden.push(c);
    return ' ';
  });
  if (!/<[a-z!/][^<>]*>/i.test(t)) return { visible: decodeEntities(t), hidden: hidden.map(decodeEntities) };
  t = t.replace(/<(script|style|head|title)\b[^<>]*>[\s\S]*?<\/\1\s*>/gi, (m) => {
    hidden.push(m.replace(/<[^>]+>/g, ' '));
    return ' ';
  });
  // Elements whose style hides them: take their content out, innermost first, until none is left.
  const el = /<([a-z][a-z0-9]*)\b([^<>]*)>((?:(?!<\1\b)[\s\S])*?)<\/\1\s*>/gi;
  for (let i = 0; i < 20; i++) {
    let changed = false;
    t = t.replace(el, (m, _tag: string, attrs: string, inner: string) => {
      if (
        !HIDDEN_STYLE.test(attrs) &&
        !/\bhidden\b(?!\s*=\s*["']?false)/i.test(attrs.replace(/style\s*=\s*("[^"]*"|'[^']*')/gi, ''))
      )
        return m;
      changed = true;
      hidden.push(inner.replace(/<[^>]+>/g, ' '));
      return ' ';
    });
    if (!changed) break;
  }
  const visible = t.replace(/<br\s*\/?>|<\/(p|div|li|tr|h\d)>/gi, '\n').replace(/<[^>]+>/g, ' ');
  return { visible: decodeEntities(visible), hidden: hidden.map(decodeEntities) };
}

export interface MarkdownLink {
  text: string;
  target: string;
}

/** Markdown links `[text](target)` and HTML anchors, each with its shown text and its real target. */
export function findLinks(text: string): MarkdownLink[] {
  const out: MarkdownLink[] = [];
  for (const m of text.matchAll(/\[([^\]\n]{1,200})\]\(\s*<?([^)\s<>[\]]{1,2048})>?(?:\s+"[^"]{0,500}")?\s*\)/g))
    out.push({ text: m[1]!, target: m[2]! });
  for (const m of text.matchAll(/<a\b[^<>]*?\bhref\s*=\s*["']?([^"'\s<>]+)["']?[^<>]*>([\s\S]*?)<\/a\s*>/gi))
    out.push({ text: m[2]!.replace(/<[^>]+>/g, ''), target: m[1]! });
  return out;
}

const rot13 = (s: string): string =>
  s.replace(/[a-z]/gi, (c) => {
    const base = c <= 'Z' ? 65 : 97;
    return String.fromCharCode(((c.charCodeAt(0) - base + 13) % 26) + base);
  });

const printableRatio = (s: string): number => {
  if (!s.length) return 0;
  let ok = 0;
  for (const ch of s) if (/[\p{L}\p{N}\p{P}\p{Zs}\n\r\t$€£%+=@/:.-]/u.test(ch)) ok++;
  return ok / [...s].length;
};

/** Payloads encoded in the text: base64, hex (plain or \x / %XX escaped), decoded when they read as text. */
export function decodePayloads(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(
    /(?:[A-Za-z0-9+/]{4}){4,}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?|(?:[A-Za-z0-9_-]{4}){5,}/g,
  )) {
    const raw = m[0];
    if (!/[0-9+/=_-]/.test(raw) && !/[a-z]/.test(raw)) continue;
    if (/^[a-z]+$/i.test(raw)) continue; // a long plain word
    try {
      const dec = Buffer.from(raw.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
      if (dec.length >= 6 && printableRatio(dec) > 0.9 && /[a-z]{3}/i.test(dec)) out.push(dec);
    } catch {
      /* not base64 */
    }
  }
  for (const m of text.matchAll(/(?:\\x[0-9a-f]{2}|%[0-9a-f]{2}){4,}|\b(?:[0-9a-f]{2}[\s:]?){8,}\b/gi)) {
    const hex = m[0].replace(/\\x|%|[\s:]/gi, '');
    if (!/[a-f]/i.test(hex) || hex.length % 2) continue;
    const dec = Buffer.from(hex, 'hex').toString('utf8');
    if (printableRatio(dec) > 0.9 && /[a-z]{3}/i.test(dec)) out.push(dec);
  }
  return out;
}

/**
 * The text with its markup opened up: every tag's name and attributes read as text ("<img src=https://x/t.gif>" is
 * " img src=https://x/t.gif ", "<https://x/p>" and "<x.example/p>" are the link they wrap), entities decoded. A mail
 * client drops what it takes for a tag, loads what its attributes point to, and shows an autolink as the link: none of
 * it may escape a scan because it sits between angle brackets. Null when the text has none.
 */
export function markupReading(text: string): string | null {
  if (!/[<>]|&[#a-z]/i.test(text)) return null;
  return normalise(decodeEntities(text).replace(/<!--|-->|[<>]/g, ' '));
}

/**
 * Characters that show as a slash, a backslash, a question mark or a hash but are none of them to a browser's host
 * parser: fullwidth and small forms (which NFKC, and so `normalise`, turn into the ASCII delimiter) and the slashes of
 * Unicode's confusables (fraction, division, box-drawing, mathematical slashes). Written inside a host they end it for
 * the reader's eye and not for the browser: "example.de⁄sign.evil.example" looks like a page of example.de and is a
 * host under evil.example.
 */
const DELIMITER_LIKE =
  /[\u2044\u2215\u2571\u27cb\u29f8\u2216\u27cd\u29f5\u29f9\ufe68\uff3c\uff0f\ufe16\ufe56\uff1f\ufe5f\uff03]/g;

/**
 * The text as a browser reads a host written with look-alike delimiters: each one joins what is around it (read as a
 * hyphen), so the host goes on to where the browser ends it. Null when the text has none.
 */
export function delimiterBlind(text: string): string | null {
  DELIMITER_LIKE.lastIndex = 0;
  if (!DELIMITER_LIKE.test(text)) return null;
  return normalise(splitHtml(text.replace(DELIMITER_LIKE, '-')).visible);
}

/** A run of six or more single characters between single spaces: "G B 3 3 B U K B", "e v i l . c o m". */
const SPACED_RUN = /(?<!\S)(?:\S ){5,}\S(?!\S)/g;
/**
 * The text with runs of spaced-out characters closed up ("I B A N G B 3 3 ..." is "IBANGB33...", "e v i l - c o r p .
 * c o m / pay" is "evil-corp.com/ pay"): an account number or a domain a reader types in without the spaces. Null when
 * the text has no such run. Linear: a run is matched once, and a failed attempt ends at the first word of two letters.
 */
export function despaced(text: string): string | null {
  SPACED_RUN.lastIndex = 0;
  if (!SPACED_RUN.test(text)) return null;
  return text.replace(SPACED_RUN, (run) => run.replace(/ /g, ''));
}

/**
 * Unicode tag characters (U+E0020-U+E007E) spell ASCII that no screen shows and that a language model reads as the
 * text it encodes ("ASCII smuggling"). Emoji subdivision flags (🏴 + lowercase tags + U+E007F) are the one use of
 * them in ordinary text, and stay out.
 */
const FLAG_TAGS = /\u{1F3F4}[\u{E0061}-\u{E007A}\u{E0030}-\u{E0039}]{1,8}\u{E007F}/gu;
const TAG_RUN = /[\u{E0020}-\u{E007E}]+/gu;
function tagReading(text: string): string | null {
  if (!/[\u{E0020}-\u{E007E}]/u.test(text)) return null;
  const runs = [...text.replace(FLAG_TAGS, ' ').matchAll(TAG_RUN)].map((m) =>
    [...m[0]].map((c) => String.fromCharCode(c.codePointAt(0)! - 0xe0000)).join(''),
  );
  return runs.length ? runs.join('\n') : null;
}

/**
 * What a reader sees of a right-to-left override (U+202E ... U+202C, U+2069 or the end of the line): its characters in
 * reverse order. "\u202E.tnuocca wen ruo ot yap" shows as "pay to our new account." while the characters run backwards.
 */
function overrideReading(text: string): string | null {
  if (!text.includes('\u202e')) return null;
  return text.replace(/\u202e([^\u202c\u2069\n]*)[\u202c\u2069]?/g, (_, span: string) => [...span].reverse().join(''));
}

/** Digits and signs written for letters ("1gn0r3 pr3v10us 1nstruct10ns"), the way leetspeak spells words. */
const LEET: Record<string, string> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '8': 'b',
  '@': 'a',
  $: 's',
};
const LEET_WORD = /[\p{L}0-9@$]*\p{L}[\p{L}0-9@$]*/gu;
/** How many words must mix letters with leet digits before the text is read as leetspeak (not "Q3", "B2B", "10am"). */
const LEET_WORDS = 3;
function leetReading(text: string): string | null {
  let n = 0;
  const read = text.replace(LEET_WORD, (w) => {
    if (!/[013457@$8]/.test(w)) return w;
    n++;
    return w.replace(/[013457@$8]/g, (c) => LEET[c]!);
  });
  return n >= LEET_WORDS ? read : null;
}

/**
 * Combining marks on ASCII letters that compose with nothing ("A̲s̲s̲i̲s̲t̲a̲n̲t̲", zalgo text): the letters read through
 * them. An accent that composes ("é") is a letter of its own and stays. Null when there is none.
 */
function markFreeReading(text: string): string | null {
  const t = text.normalize('NFC');
  if (!/[A-Za-z]\p{M}/u.test(t)) return null;
  return t.replace(/([A-Za-z])\p{M}+/gu, '$1');
}

/**
 * Letters drawn as symbols that NFKC leaves alone: negative circled and squared letters (🅐, 🅰) and regional
 * indicators (🇦), read as the capitals they show. Null when there is none.
 */
function letterSymbolReading(text: string): string | null {
  if (!/[\u{1F150}-\u{1F169}\u{1F170}-\u{1F189}\u{1F1E6}-\u{1F1FF}]/u.test(text)) return null;
  return text.replace(/[\u{1F150}-\u{1F169}\u{1F170}-\u{1F189}\u{1F1E6}-\u{1F1FF}]/gu, (c) => {
    const cp = c.codePointAt(0)!;
    const base = cp >= 0x1f1e6 ? 0x1f1e6 : cp >= 0x1f170 ? 0x1f170 : 0x1f150;
    return String.fromCharCode(65 + cp - base);
  });
}

/**
 * Single letters strung together with one separator ("A-s-s-i-s-t-a-n-t", "i.g.n.o.r.e"), five or more: the word they
 * spell. Abbreviations ("e.g.", "U.S.A.") are shorter. Null when there is none.
 */
const STRUNG_LETTERS = /(?<![\p{L}\p{N}])\p{L}([-._*·•|/~+])\p{L}(?:\1\p{L}){3,}(?![\p{L}\p{N}])/gu;
function closedUpReading(text: string): string | null {
  STRUNG_LETTERS.lastIndex = 0;
  if (!STRUNG_LETTERS.test(text)) return null;
  return text.replace(STRUNG_LETTERS, (run, sep: string) => run.split(sep).join(''));
}

/**
 * Readings of a text that a person or a model can take from it but that `views` does not show: tag characters decoded,
 * right-to-left overrides in the order they are shown, leetspeak spelled out, letters read through combining marks,
 * letter symbols read as letters, strung-out letters closed up. Instruction checks read them (an
 * instruction found only there is addressed to a machine); each is normalised, and absent when the text has none.
 */
export function obscuredReadings(text: string): string[] {
  return [
    tagReading(text),
    overrideReading(text),
    leetReading(normalise(text)),
    markFreeReading(text),
    letterSymbolReading(text),
    closedUpReading(normalise(text)),
  ]
    .filter((r): r is string => r !== null)
    .map(normalise);
}

/** The rot13 reading of a text (judges decide whether it reads as anything). */
export const rot13Of = rot13;

/**
 * Every reading of a text that a judgement must consider: the normalised visible text, the hidden parts,
 * decoded payloads (recursively, two levels), link targets, and the rot13 reading. The first entry is
 * always the visible text.
 */
export function views(text: string, opts: { rot13?: boolean } = {}): string[] {
  const { visible, hidden } = splitHtml(text);
  const out = [normalise(visible), ...hidden.map(normalise)];
  for (const l of findLinks(text)) out.push(normalise(l.target));
  const seen = new Set(out);
  let frontier = [...out];
  for (let depth = 0; depth < 2 && frontier.length; depth++) {
    const next: string[] = [];
    for (const v of frontier)
      for (const d of decodePayloads(v)) {
        const n = normalise(d);
        if (!seen.has(n)) {
          seen.add(n);
          next.push(n);
        }
      }
    out.push(...next);
    frontier = next;
  }
  if (opts.rot13 !== false) out.push(rot13(out[0]!));
  return out;
}
