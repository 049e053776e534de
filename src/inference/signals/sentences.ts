import type { EvidenceSpan } from './types.js';

/**
 * Split text into sentence spans with offsets. Breaks after . ! ? (followed by space/newline and not after
 * a common abbreviation), and on blank lines / line breaks (email bodies are often one thought per line).
 * Quoted reply history ("> ...") is kept: callers decide whether to analyse it.
 */
const ABBREVIATIONS =
  /\b(mr|mrs|ms|dr|inc|ltd|co|corp|vs|etc|e\.g|i\.e|approx|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|st|no)\.$/i;

/**
 * A day number of one or two digits before a period ("3.", "12."), and what follows it when it is an ordinal: a month
 * name (German writes "3. Januar") or a word in lower case ("vom 12. erinnern"), never a new sentence.
 */
const ORDINAL_NUMBER = /(?:^|[\s(])\d{1,2}$/;
const ORDINAL_GOES_ON =
  /^\s+(?:\p{Ll}|(?:Januar|Jänner|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember)(?![\p{L}]))/u;

/**
 * A greeting that opens a sentence ("Hi Riley, …", "Dear Ms. Chen, …", "Hallo Herr Meier, …", "Hola Riley, …"): the
 * salutation word, up to four words of name, then a comma, colon or dash. Not part of what the customer said, so not
 * part of the sentence quoted as evidence (or read by the models). Without the punctuation it is no greeting ("Hi there
 * is a problem").
 */
const GREETING = new RegExp(
  `^(?:hi|hello|hey|hiya|dear|good\\s+(?:morning|afternoon|evening|day)|greetings|hallo|guten\\s+(?:morgen|tag|abend)|sehr\\s+geehrte[rs]?|liebe[rs]?|moin|servus|bonjour|bonsoir|salut|cher|chère|chers|chères|hola|buen(?:os|as)\\s+(?:días|tardes|noches)|estimad[oa]s?|querid[oa]s?|ciao|buongiorno|buonasera|salve|gentile|gentili|olá|oi|bom\\s+dia|boa\\s+(?:tarde|noite)|prezad[oa]s?|beste|hoi|goedemorgen|goedemiddag|geachte)(?![\\p{L}])(?:\\s+[^\\s,:;!?]+){0,4}?\\s*[,:;—–]\\s+(?=\\S)`,
  'iu',
);

/**
 * At most this many sentences of one text are read: a person's message has far fewer (a long visible reply is a few
 * dozen, a 50 KB one with notes about 500); 60,000 characters of "? ? ? …" would otherwise be 30,000 sentences, each
 * read by the lexicon and the models.
 */
export const MAX_SENTENCES = 1_000;
/** The longest piece of text read as one sentence (quotes are cut to 280 characters anyway). */
export const MAX_SENTENCE_CHARS = 600;

export function splitSentences(text: string): EvidenceSpan[] {
  const out: EvidenceSpan[] = [];
  let start = 0;
  const push = (end: number): void => {
    let s = start;
    let e = end;
    while (s < e && /\s/.test(text[s]!)) s++;
    while (e > s && /\s/.test(text[e - 1]!)) e--;
    const greeting = GREETING.exec(text.slice(s, e));
    if (greeting) s += greeting[0].length;
    if (e > s) out.push({ start: s, end: e, quote: text.slice(s, e) });
    start = end;
  };
  for (let i = 0; i < text.length && out.length < MAX_SENTENCES; i++) {
    // A "sentence" longer than any written one (no stop for hundreds of characters) is read in pieces cut at a space:
    // the detectors' cost grows faster than the length of what they read at once.
    if (i - start >= MAX_SENTENCE_CHARS) {
      const space = text.lastIndexOf(' ', i);
      push(space > start + MAX_SENTENCE_CHARS / 2 ? space + 1 : i);
    }
    const ch = text[i]!;
    if (ch === '\n') {
      push(i + 1);
      continue;
    }
    // Japanese and Chinese stops end a sentence with no space after them.
    if (ch === '。' || ch === '！' || ch === '？') {
      let j = i + 1;
      while (j < text.length && /[」』）)"'”’]/.test(text[j]!)) j++;
      push(j);
      i = j - 1;
      continue;
    }
    if (ch === '.' || ch === '!' || ch === '?') {
      let j = i + 1;
      while (j < text.length && /[.!?"')\]]/.test(text[j]!)) j++;
      if (j < text.length && !/\s/.test(text[j]!)) continue;
      if (ch === '.' && ABBREVIATIONS.test(text.slice(Math.max(0, i - 6), i + 1))) continue;
      // A German ordinal date ("bis zum 3. Januar", "meine Anfrage vom 12. erinnern") goes on after its number.
      if (
        ch === '.' &&
        j === i + 1 &&
        ORDINAL_NUMBER.test(text.slice(Math.max(0, i - 3), i)) &&
        ORDINAL_GOES_ON.test(text.slice(j, j + 16))
      ) {
        continue;
      }
      push(j);
      i = j - 1;
    }
  }
  if (out.length < MAX_SENTENCES) push(text.length);
  return out;
}
