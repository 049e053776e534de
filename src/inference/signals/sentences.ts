import type { EvidenceSpan } from './types.js';

/**
 * Split text into sentence spans with offsets. Breaks after . ! ? (followed by space/newline and not after
 * a common abbreviation), and on blank lines / line breaks (email bodies are often one thought per line).
 * Quoted reply history ("> ...") is kept: callers decide whether to analyse it.
 */
const ABBREVIATIONS =
  /\b(mr|mrs|ms|dr|inc|ltd|co|corp|vs|etc|e\.g|i\.e|approx|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|st|no)\.$/i;

export function splitSentences(text: string): EvidenceSpan[] {
  const out: EvidenceSpan[] = [];
  let start = 0;
  const push = (end: number): void => {
    let s = start;
    let e = end;
    while (s < e && /\s/.test(text[s]!)) s++;
    while (e > s && /\s/.test(text[e - 1]!)) e--;
    if (e > s) out.push({ start: s, end: e, quote: text.slice(s, e) });
    start = end;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\n') {
      push(i + 1);
      continue;
    }
    if (ch === '.' || ch === '!' || ch === '?') {
      let j = i + 1;
      while (j < text.length && /[.!?"')\]]/.test(text[j]!)) j++;
      if (j < text.length && !/\s/.test(text[j]!)) continue;
      if (ch === '.' && ABBREVIATIONS.test(text.slice(Math.max(0, i - 6), i + 1))) continue;
      push(j);
      i = j - 1;
    }
  }
  push(text.length);
  return out;
}
