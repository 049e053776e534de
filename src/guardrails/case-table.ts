import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { Suggestion } from '../core/index.js';
import { GuardrailContextSchema } from './context.js';
import type { GuardrailResult, Guardrails } from './guardrails.js';
import { parseJsonWithPositions } from './json-positions.js';

/**
 * Case tables: `{ "base"?: { "suggestion", "context" }, "cases": [{ "name", "suggestion", "context"?, "expect" }] }`.
 * Each case's suggestion and context are deep-merged over the base (objects merge, lists and
 * plain values replace), so a case only spells out what it changes.
 */
const Obj = z.record(z.string(), z.unknown());
const Expect = z.strictObject({
  allowed: z.boolean(),
  outcome: z.enum(['pass', 'review', 'block']).optional(),
  /** Rule name → expected `passed`. */
  verdicts: z.record(z.string(), z.boolean()).optional(),
});
const Case = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  suggestion: Obj,
  context: Obj.optional(),
  expect: Expect,
});
export const CaseFileSchema = z.strictObject({
  description: z.string().optional(),
  base: z.strictObject({ suggestion: Obj.optional(), context: Obj.optional() }).optional(),
  cases: z.array(Case).min(1),
});
export type CaseFile = z.infer<typeof CaseFileSchema>;

export interface CaseResult {
  name: string;
  passed: boolean;
  problems: string[];
  result: GuardrailResult | null;
}
export interface CaseFileResult {
  file: string;
  error: string | null;
  cases: CaseResult[];
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

export function deepMerge(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const out: Record<string, unknown> = { ...base };
  // Own properties whatever the key ("__proto__" included), so a case's facts are what its table says.
  for (const [k, v] of Object.entries(override))
    Object.defineProperty(out, k, {
      value: deepMerge(Object.hasOwn(base, k) ? base[k] : undefined, v),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return out;
}

const zodProblems = (what: string, e: z.ZodError): string[] =>
  e.issues.map((i) => `${what}${i.path.length ? `.${i.path.join('.')}` : ''}: ${i.message}`);

/** Compare a result with a case's expectations; returns what differs (empty = pass). */
export function compareExpectation(
  result: GuardrailResult,
  expect: CaseFile['cases'][number]['expect'],
  ruleNames: Set<string>,
): string[] {
  const problems: string[] = [];
  if (result.allowed !== expect.allowed) {
    const failed = result.verdicts.filter((v) => !v.passed).map((v) => v.rule);
    problems.push(
      `expected allowed=${expect.allowed}, got ${result.allowed} (outcome ${result.outcome}${failed.length ? `; fired: ${failed.join(', ')}` : ''})`,
    );
  }
  if (expect.outcome && result.outcome !== expect.outcome)
    problems.push(`expected outcome ${expect.outcome}, got ${result.outcome}`);
  for (const [rule, passed] of Object.entries(expect.verdicts ?? {})) {
    if (!ruleNames.has(rule)) {
      problems.push(`no active rule named "${rule}"`);
      continue;
    }
    const v = result.verdicts.find((x) => x.rule === rule)!;
    if (v.passed !== passed)
      problems.push(
        `rule ${rule}: expected ${passed ? 'pass' : 'fail'}, got ${v.passed ? 'pass' : `fail (${v.message})`}`,
      );
  }
  return problems;
}

export function parseCaseFile(text: string): { ok: true; file: CaseFile } | { ok: false; error: string } {
  const parsed = parseJsonWithPositions(text);
  if (!parsed.ok)
    return {
      ok: false,
      error: `${parsed.problem.line}:${parsed.problem.column}: invalid JSON: ${parsed.problem.message}`,
    };
  const r = CaseFileSchema.safeParse(parsed.value);
  if (!r.success) return { ok: false, error: zodProblems('case file', r.error).join('; ') };
  return { ok: true, file: r.data };
}

export async function runCaseFile(guardrails: Guardrails, path: string): Promise<CaseFileResult> {
  const parsed = parseCaseFile(await readFile(path, 'utf8'));
  if (!parsed.ok) return { file: path, error: parsed.error, cases: [] };
  const { base, cases } = parsed.file;
  const ruleNames = new Set(guardrails.rules().map((r) => r.name));
  const out: CaseResult[] = [];
  for (const c of cases) {
    const s = Suggestion.safeParse(deepMerge(base?.suggestion ?? {}, c.suggestion));
    const ctx = GuardrailContextSchema.safeParse(deepMerge(base?.context ?? {}, c.context ?? {}));
    const inputProblems = [
      ...(s.success ? [] : zodProblems('suggestion', s.error)),
      ...(ctx.success ? [] : zodProblems('context', ctx.error)),
    ];
    if (!s.success || !ctx.success) {
      out.push({ name: c.name, passed: false, problems: inputProblems, result: null });
      continue;
    }
    const result = await guardrails.evaluate(s.data, ctx.data);
    const problems = compareExpectation(result, c.expect, ruleNames);
    out.push({ name: c.name, passed: problems.length === 0, problems, result });
  }
  return { file: path, error: null, cases: out };
}
