/**
 * A small JSON parser that remembers where every value (and every object key) starts, so that
 * schema problems in admin-edited rule files can be reported as `file:line:column`.
 * Paths are JSON pointers ("" is the root, "/rules/0/name" the first rule's name).
 * Stricter than JSON.parse in one way on purpose: a key repeated in the same object is an error
 * (JSON.parse silently keeps the last one, which hides an admin's mistake).
 */
export interface Position {
  line: number;
  column: number;
}

export interface JsonParseSuccess {
  ok: true;
  value: unknown;
  /** Where each value starts, by JSON pointer. */
  values: Map<string, Position>;
  /** Where each object key starts, by the JSON pointer of its value. */
  keys: Map<string, Position>;
}
export interface JsonParseFailure {
  ok: false;
  problem: Position & { message: string };
}

class JsonSyntaxError extends Error {
  constructor(
    readonly at: number,
    message: string,
  ) {
    super(message);
  }
}

export const escapePointerToken = (t: string | number): string => String(t).replace(/~/g, '~0').replace(/\//g, '~1');
export const toPointer = (path: readonly PropertyKey[]): string =>
  path.map((p) => `/${escapePointerToken(String(p))}`).join('');

/**
 * How deep objects and arrays may nest in a rule file: far beyond any real rule (conditions nest all / any / not a
 * few levels), and shallow enough that neither this parser nor the schema check recurses out of stack.
 */
export const MAX_JSON_DEPTH = 64;

export function parseJsonWithPositions(input: string): JsonParseSuccess | JsonParseFailure {
  // A BOM is invisible in editors, so it does not count as a column.
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const pos = (at: number): Position => {
    let lo = 0,
      hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: at - lineStarts[lo]! + 1 };
  };
  const values = new Map<string, Position>();
  const keys = new Map<string, Position>();
  let i = 0;

  const describe = (at: number): string => {
    if (at >= text.length) return 'end of file';
    const ch = text[at]!;
    return ch === '\n' ? 'end of line' : `'${ch}'`;
  };
  const skipWs = (): void => {
    for (;;) {
      const ch = text[i];
      if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
        i++;
        continue;
      }
      if (ch === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) {
        throw new JsonSyntaxError(i, 'comments are not allowed in JSON (use the rule\'s "description" field instead)');
      }
      return;
    }
  };
  const expect = (ch: string, what: string): void => {
    skipWs();
    if (text[i] !== ch) throw new JsonSyntaxError(i, `expected ${what}, found ${describe(i)}`);
    i++;
  };

  const parseString = (): string => {
    const start = i;
    i++; // opening quote
    let out = '';
    for (;;) {
      if (i >= text.length) throw new JsonSyntaxError(start, 'unterminated string');
      const ch = text[i]!;
      if (ch === '"') {
        i++;
        return out;
      }
      if (ch === '\n') throw new JsonSyntaxError(start, 'unterminated string (strings cannot span lines)');
      if (ch.charCodeAt(0) < 0x20) throw new JsonSyntaxError(i, 'control character in string (escape it)');
      if (ch === '\\') {
        const e = text[i + 1];
        const simple: Record<string, string> = {
          '"': '"',
          '\\': '\\',
          '/': '/',
          b: '\b',
          f: '\f',
          n: '\n',
          r: '\r',
          t: '\t',
        };
        if (e !== undefined && e in simple) {
          out += simple[e];
          i += 2;
          continue;
        }
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
          continue;
        }
        throw new JsonSyntaxError(i, 'invalid escape sequence in string');
      }
      out += ch;
      i++;
    }
  };

  const parseNumber = (): number => {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) throw new JsonSyntaxError(i, `invalid number`);
    const after = text[i + m[0].length];
    if (after !== undefined && /[0-9A-Za-z.]/.test(after)) throw new JsonSyntaxError(i, 'invalid number');
    i += m[0].length;
    return Number(m[0]);
  };

  let depth = 0;
  const nested = <T>(parse: (path: string) => T, path: string): T => {
    if (++depth > MAX_JSON_DEPTH)
      throw new JsonSyntaxError(i, `objects and arrays nested deeper than ${MAX_JSON_DEPTH} levels`);
    try {
      return parse(path);
    } finally {
      depth--;
    }
  };

  const parseValue = (path: string): unknown => {
    skipWs();
    values.set(path, pos(i));
    const ch = text[i];
    if (ch === '{') return nested(parseObject, path);
    if (ch === '[') return nested(parseArray, path);
    if (ch === '"') return parseString();
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) return parseNumber();
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, i)) {
        const after = text[i + word.length];
        if (after === undefined || !/[A-Za-z0-9_]/.test(after)) {
          i += word.length;
          return v;
        }
      }
    }
    if (ch === "'") throw new JsonSyntaxError(i, 'strings must use double quotes (")');
    throw new JsonSyntaxError(
      i,
      i >= text.length ? 'unexpected end of file, expected a value' : `unexpected ${describe(i)}, expected a value`,
    );
  };

  const parseObject = (path: string): Record<string, unknown> => {
    i++;
    const out: Record<string, unknown> = {};
    skipWs();
    if (text[i] === '}') {
      i++;
      return out;
    }
    for (;;) {
      skipWs();
      if (text[i] === '}') throw new JsonSyntaxError(i, "trailing comma before '}'");
      if (text[i] !== '"') {
        throw new JsonSyntaxError(
          i,
          text[i] === "'" ? 'keys must use double quotes (")' : `expected a quoted key, found ${describe(i)}`,
        );
      }
      const keyAt = i;
      const key = parseString();
      const childPath = `${path}/${escapePointerToken(key)}`;
      if (Object.prototype.hasOwnProperty.call(out, key))
        throw new JsonSyntaxError(keyAt, `duplicate key "${key}" in the same object`);
      keys.set(childPath, pos(keyAt));
      expect(':', `':' after key "${key}"`);
      // An own property whatever the key, as JSON.parse makes it: `out["__proto__"] = …` would set the object's
      // prototype instead, so a rule file could hide its rules where key checks do not look (and JSON.parse-based
      // tools see something else than the loader applies).
      Object.defineProperty(out, key, {
        value: parseValue(childPath),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      skipWs();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return out;
      }
      throw new JsonSyntaxError(i, `expected ',' or '}' after the value of "${key}", found ${describe(i)}`);
    }
  };

  const parseArray = (path: string): unknown[] => {
    i++;
    const out: unknown[] = [];
    skipWs();
    if (text[i] === ']') {
      i++;
      return out;
    }
    for (;;) {
      skipWs();
      if (text[i] === ']') throw new JsonSyntaxError(i, "trailing comma before ']'");
      out.push(parseValue(`${path}/${out.length}`));
      skipWs();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return out;
      }
      throw new JsonSyntaxError(i, `expected ',' or ']' in array, found ${describe(i)}`);
    }
  };

  try {
    skipWs();
    if (i >= text.length) throw new JsonSyntaxError(i, 'file is empty, expected a JSON object');
    const value = parseValue('');
    skipWs();
    if (i < text.length) throw new JsonSyntaxError(i, `unexpected ${describe(i)} after the end of the JSON value`);
    return { ok: true, value, values, keys };
  } catch (e) {
    if (e instanceof JsonSyntaxError) return { ok: false, problem: { ...pos(e.at), message: e.message } };
    throw e;
  }
}
