import fs from 'node:fs';
import { parseJsonWithPositions } from '../../src/guardrails/json-positions.js';
import { deepMerge } from '../../src/guardrails/case-table.js';
import { checkRuleSources } from '../../src/guardrails/load-rules.js';

/**
 * The rule files' parser assigned every key with `out[key] = value`: a `"__proto__"` key set the object's prototype
 * instead of making a field. A rule file whose rules all sat under `"__proto__"` linted clean and loaded them, while
 * the unknown-field check (own keys) saw nothing and JSON.parse-based tools (reviews, diffs, the ConfigMap) saw one
 * odd key and no rules. Found by an outside probe of POST /api/v1/admin/rules/lint.
 */
describe('"__proto__" in a rule file is a field like any other', () => {
  test('parsed as an own property, as JSON.parse does, and Object.prototype untouched', () => {
    const text = '{"__proto__": {"rules": [1], "polluted": true}, "a": {"constructor": {"prototype": {"x": 1}}}}';
    const r = parseJsonWithPositions(text);
    if (!r.ok) throw new Error(r.problem.message);
    expect(Object.keys(r.value as object)).toEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(r.value)).toBe(Object.prototype);
    expect((r.value as { rules?: unknown }).rules).toBeUndefined();
    expect(r.value).toEqual(JSON.parse(text));
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  test('rules hidden under "__proto__" are refused with a clear problem, and none is loaded', () => {
    const limits = fs.readFileSync('rules/limits.json', 'utf8');
    const r = checkRuleSources([{ path: 'rules/limits.json', text: `{"__proto__": ${limits}}` }]);
    expect(r.rules).toHaveLength(0);
    expect(r.problems.map((p) => p.message)).toContainEqual(expect.stringContaining('unknown field "__proto__"'));
  });
});

test('a case table\'s "__proto__" fact stays a fact: the merged facts inherit nothing', () => {
  const merged = deepMerge({ evidenceCount: 1 }, JSON.parse('{"__proto__": {"repSuggestionsToday": 99}}')) as Record<
    string,
    unknown
  >;
  expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
  expect(merged.repSuggestionsToday).toBeUndefined();
  expect(Object.keys(merged)).toEqual(['evidenceCount', '__proto__']);
});
