import { z } from 'zod';
import { FACTS, FACT_NAMES, isFactName, type FactDefinition } from './facts.js';
import { OPERATORS, parseOperatorName } from './operators.js';
import { suggest } from './did-you-mean.js';
import { TrustedFactsSchema } from './trusted-facts.js';

/**
 * The schema of a rule file (`rules/*.json`). It is json-rules-engine's rule format, narrowed:
 * one file holds `{ "description"?, "rules": [...] }`; each rule has a stable `name`, a
 * `description` saying what it protects, `conditions` that describe the *violation*, and an
 * `event` whose `type` says what happens when it fires (block, review or warn). Facts, operators
 * and values are checked against the catalogs in facts.ts and operators.ts.
 */
export const EVENT_TYPES = ['block', 'review', 'warn'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export type ConditionJson =
  | { all: ConditionJson[] }
  | { any: ConditionJson[] }
  | { not: ConditionJson }
  | { fact: string; operator: string; value: unknown; params?: Record<string, unknown> };

const BOOLEAN_KEYS = ['all', 'any', 'not'] as const;
const LEAF_KEYS = ['fact', 'operator', 'value', 'params'] as const;
export const CONDITION_KEYS: readonly string[] = [...BOOLEAN_KEYS, ...LEAF_KEYS];
export const RULE_KEYS: readonly string[] = ['name', 'description', 'enabled', 'priority', 'conditions', 'event'];
export const EVENT_KEYS: readonly string[] = ['type', 'params'];
export const EVENT_PARAMS_KEYS: readonly string[] = ['message'];
export const FILE_KEYS: readonly string[] = ['description', 'rules', 'trusted'];

type RawCondition = Partial<Record<(typeof BOOLEAN_KEYS)[number] | (typeof LEAF_KEYS)[number], unknown>>;

function checkLeaf(c: RawCondition, ctx: z.RefinementCtx): void {
  for (const k of ['fact', 'operator', 'value'] as const) {
    if (!(k in c)) ctx.addIssue({ code: 'custom', message: `condition is missing "${k}"`, path: [] });
  }
  if (typeof c.fact !== 'string' || typeof c.operator !== 'string') return;
  if (!isFactName(c.fact)) {
    ctx.addIssue({
      code: 'custom',
      path: ['fact'],
      message: `unknown fact "${c.fact}"${suggest(c.fact, FACT_NAMES)} (see rules/README.md for the list)`,
    });
  }
  const { name: opName } = parseOperatorName(c.operator);
  // Own keys only: "toString" or "constructor" from a rule file is an unknown operator, not Object.prototype's.
  const op = Object.hasOwn(OPERATORS, opName) ? OPERATORS[opName] : undefined;
  if (!op) {
    const hint = c.operator.includes(':')
      ? ' (only the "not:" prefix is supported)'
      : suggest(opName, Object.keys(OPERATORS));
    ctx.addIssue({ code: 'custom', path: ['operator'], message: `unknown operator "${c.operator}"${hint}` });
  }
  if (!isFactName(c.fact)) return;
  const fact: FactDefinition = FACTS[c.fact];
  if ('params' in c) {
    if (!fact.params) ctx.addIssue({ code: 'custom', path: ['params'], message: `fact "${c.fact}" takes no params` });
    else {
      const p = fact.params.safeParse(c.params);
      if (!p.success) {
        for (const issue of p.error.issues) {
          ctx.addIssue({
            code: 'custom',
            path: ['params', ...(issue.path as (string | number)[])],
            message: `params of "${c.fact}": ${issue.message}`,
          });
        }
      }
    }
  } else if (fact.paramsRequired) {
    ctx.addIssue({ code: 'custom', path: [], message: `fact "${c.fact}" needs "params" (${fact.description})` });
  }
  if (!op) return;
  if (!op.factTypes.includes(fact.type)) {
    ctx.addIssue({
      code: 'custom',
      path: ['operator'],
      message: `operator "${opName}" does not work with fact "${c.fact}" (${fact.type}); it needs ${op.factTypes.join(' or ')}`,
    });
    return;
  }
  if (!('value' in c)) return;
  const v = c.value;
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && 'fact' in v) {
    const ref = (v as { fact: unknown }).fact;
    if (typeof ref !== 'string' || !isFactName(ref)) {
      ctx.addIssue({
        code: 'custom',
        path: ['value', 'fact'],
        message: `unknown fact "${String(ref)}" in value${typeof ref === 'string' ? suggest(ref, FACT_NAMES) : ''}`,
      });
    }
    return;
  }
  const problem = op.checkValue(v, fact.type, fact.nullable);
  if (problem) ctx.addIssue({ code: 'custom', path: ['value'], message: problem });
}

export const ConditionSchema: z.ZodType<ConditionJson> = z.lazy(
  () =>
    z
      .strictObject({
        all: z.array(ConditionSchema).min(1, '"all" needs at least one condition').optional(),
        any: z.array(ConditionSchema).min(1, '"any" needs at least one condition').optional(),
        not: ConditionSchema.optional(),
        fact: z.string().min(1).optional(),
        operator: z.string().min(1).optional(),
        value: z.unknown().optional(),
        params: z.record(z.string(), z.unknown()).optional(),
      })
      .superRefine((c, ctx) => {
        const raw = c as RawCondition;
        const bool = BOOLEAN_KEYS.filter((k) => k in raw);
        const leaf = LEAF_KEYS.filter((k) => k in raw);
        if (bool.length === 0 && leaf.length === 0) {
          ctx.addIssue({
            code: 'custom',
            path: [],
            message: 'empty condition: use "all", "any", "not", or "fact" + "operator" + "value"',
          });
        } else if (bool.length > 0 && leaf.length > 0) {
          ctx.addIssue({
            code: 'custom',
            path: [],
            message: `a condition is either a group (${bool.join(', ')}) or a test (${leaf.join(', ')}), not both: nest the test inside the group`,
          });
        } else if (bool.length > 1) {
          ctx.addIssue({
            code: 'custom',
            path: [],
            message: `use only one of "all", "any", "not" per condition (found ${bool.join(', ')}): nest them`,
          });
        } else if (leaf.length > 0) {
          checkLeaf(raw, ctx);
        }
      }) as unknown as z.ZodType<ConditionJson>,
);

/** Placeholders like {{maxDiscountPercent}} in a message are filled in with the fact's value. */
export const MESSAGE_PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

export const RuleSchema = z.strictObject({
  name: z
    .string()
    .regex(
      /^[a-z0-9]+(?:[-_][a-z0-9]+)*$/,
      'rule names are lower-case words joined by "-" (e.g. "due-date-not-in-past"); they appear in logs and reports',
    ),
  description: z.string().trim().min(1, 'say in "description" what this rule protects'),
  enabled: z.boolean().optional(),
  priority: z.number().int().min(1).optional(),
  conditions: ConditionSchema.superRefine((c, ctx) => {
    if (!('all' in c || 'any' in c || 'not' in c)) {
      ctx.addIssue({ code: 'custom', path: [], message: '"conditions" must start with "all", "any" or "not"' });
    }
  }),
  event: z.strictObject({
    type: z.enum(EVENT_TYPES),
    params: z.strictObject({
      message: z
        .string()
        .trim()
        .min(1, 'the message shown when the rule fires must not be empty')
        .superRefine((m, ctx) => {
          for (const [, name] of m.matchAll(MESSAGE_PLACEHOLDER)) {
            if (!isFactName(name!))
              ctx.addIssue({
                code: 'custom',
                message: `unknown fact "{{${name}}}" in message${suggest(name!, FACT_NAMES)}`,
              });
            else if ((FACTS[name as keyof typeof FACTS] as FactDefinition).paramsRequired)
              ctx.addIssue({
                code: 'custom',
                message: `fact "{{${name}}}" needs params and cannot be used in a message`,
              });
          }
        }),
    }),
  }),
});
export type RuleJson = z.infer<typeof RuleSchema>;

export const RuleFileSchema = z
  .strictObject({
    description: z.string().optional(),
    /** Optional when the file only holds the company's trusted facts. */
    rules: z.array(RuleSchema).optional(),
    trusted: TrustedFactsSchema.optional(),
  })
  .superRefine((f, ctx) => {
    if (f.trusted === undefined && (f.rules === undefined || f.rules.length === 0)) {
      ctx.addIssue({
        code: 'custom',
        path: ['rules'],
        message: 'a rule file needs at least one rule (or a "trusted" section)',
      });
    }
  });
export type RuleFileJson = z.infer<typeof RuleFileSchema>;
