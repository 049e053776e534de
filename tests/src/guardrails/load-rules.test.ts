import { RuleFileError } from '../../../src/core/index.js';
import { checkRuleSources, loadRuleDir } from '../../../src/guardrails/load-rules.js';
import { aRule, tempRulesDir } from '../../fixtures/guardrails/builders.js';

const file = (rules: unknown[], extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ rules, ...extra }, null, 2);
const check = (text: string, path = 'rules/a.json') => checkRuleSources([{ path, text }]);
/** "line:column" of the n-th occurrence (0-based) of `needle` in `text`. */
const posOf = (text: string, needle: string, n = 0): string => {
  let at = -1;
  for (let i = 0; i <= n; i++) at = text.indexOf(needle, at + 1);
  if (at < 0) throw new Error(`${needle} not in text`);
  const before = text.slice(0, at).split('\n');
  return `${before.length}:${before.at(-1)!.length + 1}`;
};
const lines = (r: ReturnType<typeof check>): string[] =>
  r.problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`);

describe('checkRuleSources', () => {
  it('accepts a valid file and keeps rules in file order', () => {
    const r = check(
      file([aRule('one'), aRule('two', { priority: 3, event: { type: 'review', params: { message: 'm' } } })]),
    );
    expect(r.problems).toEqual([]);
    expect(r.rules.map((x) => [x.name, x.file, x.priority, x.eventType])).toEqual([
      ['one', 'a.json', 1, 'block'],
      ['two', 'a.json', 3, 'review'],
    ]);
  });

  it('reports malformed JSON at the exact line and column', () => {
    const text = '{\n  "rules": [\n    { "name": "a" }\n    { "name": "b" }\n  ]\n}\n';
    expect(lines(check(text))).toEqual([`rules/a.json:4:5: invalid JSON: expected ',' or ']' in array, found '{'`]);
  });

  it('reports an unknown fact at the fact, with a suggestion', () => {
    const text = [
      '{',
      '  "rules": [{',
      '    "name": "x", "description": "d",',
      '    "conditions": { "all": [{ "fact": "dealExist", "operator": "equal", "value": true }] },',
      '    "event": { "type": "block", "params": { "message": "m" } }',
      '  }]',
      '}',
    ].join('\n');
    expect(posOf(text, '"dealExist"')).toBe('4:39');
    expect(lines(check(text))).toEqual([
      'rules/a.json:4:39: unknown fact "dealExist" (did you mean "dealExists"?) (see rules/README.md for the list)',
    ]);
  });

  it('reports unknown operators, wrong value types, bad params and unknown keys', () => {
    const r = check(
      file([
        aRule('x', {
          conditions: {
            any: [
              { fact: 'dealExists', operator: 'equals', value: true },
              { fact: 'dealExists', operator: 'equal', value: 'true' },
              { fact: 'repSuggestionsToday', operator: 'containsAny', value: ['x'] },
              { fact: 'hasSignal', operator: 'equal', value: true },
              { fact: 'evidenceCount', params: { a: 1 }, operator: 'lessThan', value: 1 },
              { fact: 'dealStage', operator: 'stageAtLeast', value: 'won' },
              { fact: 'dealStage', operator: 'someFact:equal', value: 'won' },
              { fact: 'signals', operator: 'contains', value: 'x', path: '$.a' },
            ],
          },
          extra: 1,
        }),
      ]),
    );
    const messages = r.problems.map((p) => p.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        'unknown operator "equals" (did you mean "equal"?)',
        'value must be true or false to compare with this fact, found text',
        'operator "containsAny" does not work with fact "repSuggestionsToday" (number); it needs string or string[]',
        expect.stringMatching(/^fact "hasSignal" needs "params"/),
        'fact "evidenceCount" takes no params',
        'value must be a deal stage (prospecting, qualification, proposal, negotiation, closed_won, closed_lost)',
        'unknown operator "someFact:equal" (only the "not:" prefix is supported)',
        expect.stringMatching(/^unknown field "path"/),
        expect.stringMatching(/^unknown field "extra"/),
      ]),
    );
    expect(r.rules).toEqual([]);
  });

  it("refuses Object.prototype's names as operators (a rule file could crash every process with them)", () => {
    for (const operator of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf', 'not:constructor']) {
      const r = check(file([aRule('x', { conditions: { all: [{ fact: 'dealExists', operator, value: true }] } })]));
      expect([operator, r.problems.map((p) => p.message)]).toEqual([
        operator,
        [expect.stringMatching(new RegExp(`^unknown operator "${operator}"`))],
      ]);
      expect(r.rules).toEqual([]);
    }
  });

  it('reports a missing name at the rule and a missing event type at the event', () => {
    const { name: _n, ...noName } = aRule('x');
    const text = file([noName, aRule('y', { event: { params: { message: 'm' } } })]);
    const r = check(text);
    expect(lines(r)).toEqual([
      `rules/a.json:${posOf(text, '{', 1)}: missing required field "name"`,
      `rules/a.json:${posOf(text, '"event": {', 1).replace(/:(\d+)$/, (_, c: string) => `:${+c + 9}`)}: missing required field "type"`,
    ]);
  });

  it('refuses a root condition that is not a group, and a group mixed with a test', () => {
    const r = check(
      file([
        aRule('a', { conditions: { fact: 'evidenceCount', operator: 'lessThan', value: 1 } }),
        aRule('b', { conditions: { all: [{ all: [], fact: 'evidenceCount' }] } }),
      ]),
    );
    expect(r.problems.map((p) => p.message)).toEqual([
      '"conditions" must start with "all", "any" or "not"',
      expect.stringMatching(/^a condition is either a group \(all\) or a test \(fact\), not both/),
      '"all" needs at least one condition',
    ]);
  });

  it('accepts a known fact as a value and refuses an unknown one', () => {
    const cond = (value: unknown) =>
      check(file([aRule('a', { conditions: { all: [{ fact: 'evidenceCount', operator: 'lessThan', value }] } })]));
    expect(cond({ fact: 'repSuggestionsToday' }).problems).toEqual([]);
    expect(cond({ fact: 'repSuggestionToday' }).problems.map((p) => p.message)).toEqual([
      'unknown fact "repSuggestionToday" in value (did you mean "repSuggestionsToday"?)',
    ]);
  });

  it('checks fact names used in message placeholders', () => {
    const r = check(
      file([aRule('a', { event: { type: 'warn', params: { message: 'x {{dealStag}} {{hasSignal}}' } } })]),
    );
    expect(r.problems.map((p) => p.message)).toEqual([
      'unknown fact "{{dealStag}}" in message (did you mean "dealStage"?)',
      'fact "{{hasSignal}}" needs params and cannot be used in a message',
    ]);
  });

  it('reports duplicate names across files, pointing at the first definition', () => {
    const a = file([aRule('same')]),
      b = file([aRule('other'), aRule('same')]);
    const r = checkRuleSources([
      { path: 'rules/a.json', text: a },
      { path: 'rules/b.json', text: b },
    ]);
    const at = (t: string) => posOf(t, '"same"').replace(/:(\d+)$/, (_, c: string) => `:${+c}`);
    expect(lines(r)).toEqual([
      `rules/b.json:${at(b)}: duplicate rule name "same" (first defined at rules/a.json:${at(a)})`,
    ]);
  });

  it('collects every problem in every file instead of stopping at the first', () => {
    const b = file([aRule('Bad Name'), aRule('ok', { priority: 0 })]);
    const r = checkRuleSources([
      { path: 'rules/a.json', text: '{ "rules": [ }' },
      { path: 'rules/b.json', text: b },
      { path: 'rules/c.json', text: '[]' },
    ]);
    expect(lines(r)).toEqual([
      "rules/a.json:1:14: invalid JSON: unexpected '}', expected a value",
      `rules/b.json:${posOf(b, '"Bad Name"')}: "name": rule names are lower-case words joined by "-" (e.g. "due-date-not-in-past"); they appear in logs and reports`,
      `rules/b.json:${posOf(b, '0')}: "priority" must be at least 1`,
      'rules/c.json:1:1: a rule file must be an object: { "rules": [ ... ] }',
    ]);
  });

  it('skips disabled rules but still checks them', () => {
    const r = check(file([aRule('on'), aRule('off', { enabled: false })]));
    expect(r.rules.map((x) => x.name)).toEqual(['on']);
    expect(
      check(
        file([aRule('off', { enabled: false, conditions: { all: [{ fact: 'nope', operator: 'equal', value: 1 }] } })]),
      ).problems,
    ).toHaveLength(1);
  });
});

describe('loadRuleDir', () => {
  it('loads *.json files in name order and ignores other files', async () => {
    const dir = tempRulesDir({
      'b.json': file([aRule('b1')]),
      'a.json': file([aRule('a1')]),
      'README.md': '# not a rule',
    });
    const r = await loadRuleDir(dir);
    expect(r.ok && r.rules.map((x) => `${x.file}/${x.name}`)).toEqual(['a.json/a1', 'b.json/b1']);
  });

  it('refuses a directory without rule files and a missing directory', async () => {
    const empty = await loadRuleDir(tempRulesDir({}));
    expect(!empty.ok && empty.error.message).toMatch(/:1:1: no rule files \(\*\.json\) in the rules directory$/);
    const missing = await loadRuleDir('/nonexistent/rules');
    expect(missing.ok).toBe(false);
    if (!missing.ok) {
      expect(missing.error).toBeInstanceOf(RuleFileError);
      expect(missing.error.code).toBe('RULE_FILE_INVALID');
      expect(missing.error.message).toBe('/nonexistent/rules:1:1: cannot read the rules directory: ENOENT');
    }
  });

  it('loads the shipped rules without problems', async () => {
    const r = await loadRuleDir('rules');
    if (!r.ok) throw r.error;
    expect(r.rules.length).toBeGreaterThanOrEqual(14);
  });
});
