import { MAX_JSON_DEPTH, parseJsonWithPositions } from '../../../src/guardrails/json-positions.js';

describe('parseJsonWithPositions', () => {
  it('parses like JSON.parse and records the line and column of every value and key', () => {
    const text = '{\n  "rules": [\n    { "name": "a", "n": -1.5e2 },\n    true\n  ]\n}';
    const r = parseJsonWithPositions(text);
    if (!r.ok) throw new Error(r.problem.message);
    expect(r.value).toEqual(JSON.parse(text));
    expect(r.values.get('')).toEqual({ line: 1, column: 1 });
    expect(r.values.get('/rules')).toEqual({ line: 2, column: 12 });
    expect(r.values.get('/rules/0')).toEqual({ line: 3, column: 5 });
    expect(r.values.get('/rules/0/name')).toEqual({ line: 3, column: 15 });
    expect(r.keys.get('/rules/0/name')).toEqual({ line: 3, column: 7 });
    expect(r.values.get('/rules/0/n')).toEqual({ line: 3, column: 25 });
    expect(r.values.get('/rules/1')).toEqual({ line: 4, column: 5 });
  });

  it('escapes "/" and "~" in pointers and decodes string escapes', () => {
    const r = parseJsonWithPositions('{"a/b~c": "x\\n\\u00e9\\""}');
    if (!r.ok) throw new Error(r.problem.message);
    expect(r.value).toEqual({ 'a/b~c': 'x\né"' });
    expect(r.values.has('/a~1b~0c')).toBe(true);
  });

  it('ignores a byte-order mark when counting columns', () => {
    const r = parseJsonWithPositions('\ufeff{"a": 1}');
    expect(r.ok && r.values.get('/a')).toEqual({ line: 1, column: 7 });
  });

  it.each([
    ['{\n  "a": 1,\n}', 3, 1, "trailing comma before '}'"],
    ['[1, 2,]', 1, 7, "trailing comma before ']'"],
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3, `expected ',' or '}' after the value of "a", found '"'`],
    ['{"a": tru}', 1, 7, "unexpected 't', expected a value"],
    ["{'a': 1}", 1, 2, 'keys must use double quotes (")'],
    ['{"a": "x}', 1, 7, 'unterminated string'],
    ['{\n  // note\n  "a": 1}', 2, 3, 'comments are not allowed in JSON (use the rule\'s "description" field instead)'],
    ['{"a": 1, "a": 2}', 1, 10, 'duplicate key "a" in the same object'],
    ['{"a": 1} x', 1, 10, "unexpected 'x' after the end of the JSON value"],
    ['', 1, 1, 'file is empty, expected a JSON object'],
    ['{"a": "x\n"}'.replace('\\n', '\n'), 1, 7, 'unterminated string (strings cannot span lines)'],
    ['{"a": 01}', 1, 7, 'invalid number'],
    ['{"a": "\\q"}', 1, 8, 'invalid escape sequence in string'],
    ['{"a": [1, 2}', 1, 12, "expected ',' or ']' in array, found '}'"],
  ])('reports %j at %i:%i', (text, line, column, message) => {
    const r = parseJsonWithPositions(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toEqual({ line, column, message });
  });

  it(`refuses nesting deeper than ${MAX_JSON_DEPTH} levels as a problem at the level that is too deep (no stack overflow)`, () => {
    const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
    expect(parseJsonWithPositions(deep(MAX_JSON_DEPTH)).ok).toBe(true);
    for (const text of [deep(MAX_JSON_DEPTH + 1), deep(200_000), '{"a":'.repeat(100_000)]) {
      const r = parseJsonWithPositions(text);
      expect(r.ok).toBe(false);
      if (!r.ok)
        expect(r.problem).toEqual({
          line: 1,
          column: text.startsWith('{') ? 5 * MAX_JSON_DEPTH + 1 : MAX_JSON_DEPTH + 1,
          message: `objects and arrays nested deeper than ${MAX_JSON_DEPTH} levels`,
        });
    }
  });
});
