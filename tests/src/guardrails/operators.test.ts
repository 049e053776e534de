import { Engine } from 'json-rules-engine';
import { customEngineOperators, OPERATORS, parseOperatorName } from '../../../src/guardrails/operators.js';

const op = (name: string) => {
  const def = OPERATORS[name];
  if (!def?.evaluate) throw new Error(`${name} is not a custom operator`);
  return def.evaluate;
};

/** Run one condition through a real engine with our operators, as the loader would. */
async function holds(factValue: unknown, operator: string, value: unknown): Promise<boolean> {
  const engine = new Engine([], { allowUndefinedFacts: false });
  for (const o of customEngineOperators()) engine.addOperator(o);
  engine.addRule({ name: 'r', conditions: { all: [{ fact: 'f', operator, value }] }, event: { type: 'x' } });
  const { results } = await engine.run({ f: factValue });
  return results.length === 1;
}

describe('custom operators', () => {
  it('containsAny: case-insensitive substring on a text or any list entry', async () => {
    expect(op('containsAny')('We GUARANTEE it', ['guarantee', 'refund'])).toBe(true);
    expect(op('containsAny')(['amount: $5', 'name: Bob'], ['bob'])).toBe(true);
    expect(op('containsAny')('all good', ['guarantee'])).toBe(false);
    expect(op('containsAny')([], ['x'])).toBe(false);
    expect(await holds('free forever', 'containsAny', ['forever'])).toBe(true);
    expect(await holds('free forever', 'not:containsAny', ['forever'])).toBe(false);
  });

  it('isEmpty / isNotEmpty on lists and texts', async () => {
    expect(op('isEmpty')([], true)).toBe(true);
    expect(op('isEmpty')('', true)).toBe(true);
    expect(op('isEmpty')(['x'], true)).toBe(false);
    expect(op('isNotEmpty')(['x'], true)).toBe(true);
    expect(op('isNotEmpty')([], true)).toBe(false);
    expect(op('isNotEmpty')(null, true)).toBe(false);
    expect(await holds(['a'], 'isNotEmpty', true)).toBe(true);
    expect(await holds(['a'], 'not:isNotEmpty', true)).toBe(false);
  });

  it('stageAtLeast: the stage or later; unknown is never at least anything', async () => {
    expect(op('stageAtLeast')('negotiation', 'negotiation')).toBe(true);
    expect(op('stageAtLeast')('closed_won', 'negotiation')).toBe(true);
    expect(op('stageAtLeast')('closed_lost', 'negotiation')).toBe(true);
    expect(op('stageAtLeast')('proposal', 'negotiation')).toBe(false);
    expect(op('stageAtLeast')(null, 'prospecting')).toBe(false);
    expect(op('stageAtLeast')('someday', 'prospecting')).toBe(false);
    expect(await holds('proposal', 'stageAtLeast', 'qualification')).toBe(true);
  });

  it('stageBefore: strictly earlier; unknown counts as earliest', async () => {
    expect(op('stageBefore')('proposal', 'negotiation')).toBe(true);
    expect(op('stageBefore')('negotiation', 'negotiation')).toBe(false);
    expect(op('stageBefore')('closed_won', 'negotiation')).toBe(false);
    expect(op('stageBefore')(null, 'prospecting')).toBe(true);
    expect(await holds(null, 'stageBefore', 'negotiation')).toBe(true);
    expect(await holds(null, 'not:stageBefore', 'negotiation')).toBe(false);
  });

  it('built-in numeric operators never match an empty value, so "not:" does', async () => {
    expect(await holds(null, 'greaterThan', 1)).toBe(false);
    expect(await holds(null, 'not:greaterThan', 1)).toBe(true);
  });
});

describe('operator value checks (used by the loader)', () => {
  it.each([
    ['equal', 'boolean', false, 'true', 'value must be true or false to compare with this fact, found text'],
    ['equal', 'stage', true, null, null],
    ['equal', 'stage', false, 'won', expect.stringMatching(/^value must be a deal stage/)],
    ['in', 'string', false, ['budget_risk'], null],
    ['in', 'string', false, 'budget_risk', 'value must be a non-empty list of text values'],
    ['greaterThan', 'number', false, '15', 'value must be a number, found text'],
    ['contains', 'string[]', false, 'x', null],
    ['containsAny', 'string', false, [], 'value must be a non-empty list of texts, e.g. ["guarantee", "refund"]'],
    ['isNotEmpty', 'string[]', false, false, 'value must be true (use the "not:" prefix to negate)'],
    ['stageAtLeast', 'stage', true, 'negotiation', null],
  ] as const)('%s on %s (nullable %s) with %j', (name, type, nullable, value, problem) => {
    expect(OPERATORS[name]!.checkValue(value, type, nullable)).toEqual(problem);
  });

  it('parses the not: prefix', () => {
    expect(parseOperatorName('not:containsAny')).toEqual({ name: 'containsAny', negated: true });
    expect(parseOperatorName('equal')).toEqual({ name: 'equal', negated: false });
  });
});
