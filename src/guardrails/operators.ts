import { Operator } from 'json-rules-engine';
import { DEAL_STAGE_ORDER, DealStage } from '../core/index.js';
import type { FactType } from './facts.js';

/**
 * Operators a rule may use: json-rules-engine's built-ins plus ours. Each declares which fact
 * types it works on and checks its `value`, so that `{"fact": "dealExists", "operator": "equal",
 * "value": "true"}` (a string, never equal to a boolean) is refused when the file is loaded
 * instead of silently never firing. Any operator may be prefixed with "not:" to negate it.
 */
export interface OperatorDefinition {
  description: string;
  factTypes: readonly FactType[];
  /** Returns a problem with the condition's value, or null when it is fine. */
  checkValue(value: unknown, factType: FactType, factNullable: boolean): string | null;
  /** Custom operators only: the evaluator registered with the engine. */
  evaluate?(factValue: unknown, value: unknown): boolean;
}

const typeName = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'string' ? 'text' : typeof v;
const matchesType = (v: unknown, t: FactType, nullable: boolean): boolean => {
  if (v === null) return nullable;
  switch (t) {
    case 'boolean':
      return typeof v === 'boolean';
    case 'number':
      return typeof v === 'number';
    case 'string':
      return typeof v === 'string';
    case 'stage':
      return DealStage.safeParse(v).success;
    case 'string[]':
      return Array.isArray(v) && v.every((x) => typeof x === 'string');
  }
};
const expected = (t: FactType, nullable: boolean): string =>
  ({
    boolean: 'true or false',
    number: 'a number',
    string: 'text',
    stage: `a deal stage (${DealStage.options.join(', ')})`,
    'string[]': 'a list of texts',
  })[t] + (nullable ? ' (or null)' : '');
const sameTypeAsFact = (v: unknown, t: FactType, nullable: boolean): string | null =>
  matchesType(v, t, nullable)
    ? null
    : `value must be ${expected(t, nullable)} to compare with this fact, found ${typeName(v)}`;
const listOfFactType = (v: unknown, t: FactType): string | null =>
  Array.isArray(v) && v.length > 0 && v.every((x) => matchesType(x, t, false))
    ? null
    : `value must be a non-empty list of ${expected(t, false).replace(/^a /, '')} values`;
const number = (v: unknown): string | null =>
  typeof v === 'number' ? null : `value must be a number, found ${typeName(v)}`;
const text = (v: unknown): string | null =>
  typeof v === 'string' && v !== '' ? null : `value must be a non-empty text, found ${typeName(v)}`;
const textList = (v: unknown): string | null =>
  Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && x.trim() !== '')
    ? null
    : 'value must be a non-empty list of texts, e.g. ["guarantee", "refund"]';
const trueOnly = (v: unknown): string | null =>
  v === true ? null : 'value must be true (use the "not:" prefix to negate)';
const stage = (v: unknown): string | null =>
  DealStage.safeParse(v).success ? null : `value must be a deal stage (${DealStage.options.join(', ')})`;

const asTextList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);
const stageOrder = (v: unknown): number | null => {
  const parsed = DealStage.safeParse(v);
  return parsed.success ? DEAL_STAGE_ORDER[parsed.data] : null;
};

const NUMERIC = { factTypes: ['number'] as const, checkValue: number };

export const OPERATORS: Record<string, OperatorDefinition> = {
  equal: {
    description: 'The fact is exactly the value.',
    factTypes: ['boolean', 'number', 'string', 'stage'],
    checkValue: sameTypeAsFact,
  },
  notEqual: {
    description: 'The fact is anything but the value.',
    factTypes: ['boolean', 'number', 'string', 'stage'],
    checkValue: sameTypeAsFact,
  },
  in: {
    description: 'The fact is one of the listed values.',
    factTypes: ['number', 'string', 'stage'],
    checkValue: (v, t) => listOfFactType(v, t),
  },
  notIn: {
    description: 'The fact is none of the listed values.',
    factTypes: ['number', 'string', 'stage'],
    checkValue: (v, t) => listOfFactType(v, t),
  },
  contains: { description: 'The list fact contains the value exactly.', factTypes: ['string[]'], checkValue: text },
  doesNotContain: {
    description: 'The list fact does not contain the value.',
    factTypes: ['string[]'],
    checkValue: text,
  },
  lessThan: { description: 'The number is below the value.', ...NUMERIC },
  lessThanInclusive: { description: 'The number is at most the value.', ...NUMERIC },
  greaterThan: { description: 'The number is above the value.', ...NUMERIC },
  greaterThanInclusive: { description: 'The number is at least the value.', ...NUMERIC },
  containsAny: {
    description: 'The text (or any entry of the list) contains any of the listed words or phrases, ignoring case.',
    factTypes: ['string', 'string[]'],
    checkValue: textList,
    evaluate: (fact, value) => {
      const haystacks = asTextList(fact).map((s) => s.toLowerCase());
      return asTextList(value).some((needle) => haystacks.some((h) => h.includes(needle.toLowerCase())));
    },
  },
  isEmpty: {
    description: 'The list (or text) is empty. Write "value": true.',
    factTypes: ['string', 'string[]'],
    checkValue: trueOnly,
    evaluate: (fact) =>
      Array.isArray(fact) || typeof fact === 'string' ? fact.length === 0 : fact === null || fact === undefined,
  },
  isNotEmpty: {
    description: 'The list (or text) has at least one entry. Write "value": true.',
    factTypes: ['string', 'string[]'],
    checkValue: trueOnly,
    evaluate: (fact) => (Array.isArray(fact) || typeof fact === 'string' ? fact.length > 0 : false),
  },
  stageAtLeast: {
    description:
      'The deal stage is the given stage or a later one (closed_won and closed_lost are the latest). An unknown stage is never "at least" anything.',
    factTypes: ['stage'],
    checkValue: stage,
    evaluate: (fact, value) => {
      const f = stageOrder(fact),
        v = stageOrder(value);
      return f !== null && v !== null && f >= v;
    },
  },
  stageBefore: {
    description: 'The deal stage is earlier than the given stage. An unknown stage counts as earlier than every stage.',
    factTypes: ['stage'],
    checkValue: stage,
    evaluate: (fact, value) => {
      const f = stageOrder(fact),
        v = stageOrder(value);
      return v !== null && (f === null || f < v);
    },
  },
};

export const NEGATION_PREFIX = 'not:';

/** Split "not:containsAny" into the operator name and whether it is negated. */
export const parseOperatorName = (op: string): { name: string; negated: boolean } =>
  op.startsWith(NEGATION_PREFIX)
    ? { name: op.slice(NEGATION_PREFIX.length), negated: true }
    : { name: op, negated: false };

/** json-rules-engine Operator objects for our custom operators (the built-ins ship with the engine). */
export const customEngineOperators = (): Operator[] =>
  Object.entries(OPERATORS).flatMap(([name, def]) => (def.evaluate ? [new Operator(name, def.evaluate)] : []));
