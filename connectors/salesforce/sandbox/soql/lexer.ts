/**
 * SOQL tokenizer. Keywords are ordinary identifiers here (SOQL keywords are case-insensitive and context-dependent);
 * the parser decides. Strings are single-quoted with backslash escapes.
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_quotedstringescapes.htm
 */
import { malformedQuery } from '../errors.js';

export type TokenKind =
  'ident' | 'string' | 'number' | 'date' | 'datetime' | 'op' | 'comma' | 'lparen' | 'rparen' | 'colon' | 'eof';

export interface Token {
  kind: TokenKind;
  text: string;
  /** string tokens: the unescaped value */
  value: string;
  pos: number;
}

const ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  f: '\f',
  '"': '"',
  "'": "'",
  '\\': '\\',
  '%': '\\%',
  _: '\\_',
};

const DATETIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:?\d{2})/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}(?![\d:T])/;
const NUMBER_RE = /^-?\d+(\.\d+)?/;
const IDENT_RE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/;

/** A position → "Row:r:Column:c" in the style of the API's error messages. */
export function describePosition(source: string, pos: number): { row: number; column: number } {
  const before = source.slice(0, pos);
  const row = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return { row, column };
}

/** Formats an error the way the query endpoint does: the offending line, a caret, then the row and column. */
export function positionedMessage(source: string, pos: number, message: string): string {
  const { row, column } = describePosition(source, pos);
  const line = source.split('\n')[row - 1] ?? '';
  return `\n${line}\n${' '.repeat(Math.max(0, column - 1))}^\nERROR at Row:${row}:Column:${column}\n${message}`;
}

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source.charAt(i);
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const rest = source.slice(i);
    if (c === "'") {
      let value = '';
      let j = i + 1;
      let closed = false;
      while (j < source.length) {
        const ch = source.charAt(j);
        if (ch === '\\') {
          const next = source.charAt(j + 1);
          const esc = ESCAPES[next];
          if (esc === undefined)
            throw malformedQuery(
              positionedMessage(
                source,
                j,
                `Invalid string literal '${source.slice(i, j + 2)}'. Illegal character sequence '\\${next}' in string literal.`,
              ),
            );
          value += esc;
          j += 2;
          continue;
        }
        if (ch === "'") {
          closed = true;
          break;
        }
        value += ch;
        j++;
      }
      if (!closed)
        throw malformedQuery(positionedMessage(source, i, `line 1:${i} mismatched character '<EOF>' expecting '''`));
      tokens.push({ kind: 'string', text: source.slice(i, j + 1), value, pos: i });
      i = j + 1;
      continue;
    }
    let m: RegExpExecArray | null;
    if ((m = DATETIME_RE.exec(rest))) {
      tokens.push({ kind: 'datetime', text: m[0], value: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    if ((m = DATE_RE.exec(rest))) {
      tokens.push({ kind: 'date', text: m[0], value: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    if ((m = NUMBER_RE.exec(rest)) && (c !== '-' || /\d/.test(source.charAt(i + 1)))) {
      tokens.push({ kind: 'number', text: m[0], value: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    if ((m = IDENT_RE.exec(rest))) {
      tokens.push({ kind: 'ident', text: m[0], value: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    const two = source.slice(i, i + 2);
    if (two === '!=' || two === '<=' || two === '>=' || two === '<>') {
      tokens.push({ kind: 'op', text: two, value: two === '<>' ? '!=' : two, pos: i });
      i += 2;
      continue;
    }
    if (c === '=' || c === '<' || c === '>') {
      tokens.push({ kind: 'op', text: c, value: c, pos: i });
      i++;
      continue;
    }
    const single: Partial<Record<string, TokenKind>> = { ',': 'comma', '(': 'lparen', ')': 'rparen', ':': 'colon' };
    const kind = single[c];
    if (kind) {
      tokens.push({ kind, text: c, value: c, pos: i });
      i++;
      continue;
    }
    throw malformedQuery(positionedMessage(source, i, `line 1:${i} no viable alternative at character '${c}'`));
  }
  tokens.push({ kind: 'eof', text: '<EOF>', value: '', pos: source.length });
  return tokens;
}
