import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Rule } from 'json-rules-engine';
import type { z } from 'zod';
import { RuleFileError } from '../core/index.js';
import { parseJsonWithPositions, toPointer, type JsonParseSuccess, type Position } from './json-positions.js';
import {
  CONDITION_KEYS,
  EVENT_KEYS,
  EVENT_PARAMS_KEYS,
  FILE_KEYS,
  RULE_KEYS,
  RuleFileSchema,
  type ConditionJson,
  type EventType,
} from './rule-schema.js';
import { suggest } from './did-you-mean.js';
import { mergeTrusted, TRUSTED_KEYS, type TrustedFacts } from './trusted-facts.js';

export interface RuleProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

/** A rule that passed the schema, with where it came from. */
export interface LoadedRule {
  /** File name inside the rules directory, e.g. "records.json". */
  file: string;
  /** Path as read (directory + file), used in problem reports. */
  path: string;
  name: string;
  description: string;
  priority: number;
  eventType: EventType;
  message: string;
  conditions: ConditionJson;
  position: Position;
}

export interface RuleSource {
  path: string;
  text: string;
}

const allowedKeysAt = (path: readonly PropertyKey[]): readonly string[] => {
  const last = path.at(-1);
  if (path.length === 0) return FILE_KEYS;
  if (path.length === 2 && path[0] === 'rules') return RULE_KEYS;
  if (path[0] === 'trusted') return path.length === 1 ? TRUSTED_KEYS : ['item', 'amount', 'currency', 'maxPercent'];
  if (last === 'event') return EVENT_KEYS;
  if (last === 'params' && path.at(-2) === 'event') return EVENT_PARAMS_KEYS;
  return CONDITION_KEYS;
};

const describeInput = (v: unknown): string =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'a list'
      : typeof v === 'object'
        ? 'an object'
        : typeof v === 'string'
          ? `text "${v}"`
          : `${typeof v} ${String(v)}`;
const fieldName = (path: readonly PropertyKey[]): string => {
  const last = path.at(-1);
  return typeof last === 'number' ? `item ${last + 1}` : `"${String(last ?? 'file')}"`;
};

/** Turn one zod issue into located problems (several for a multi-key "unrecognized_keys"). */
function locate(file: string, parsed: JsonParseSuccess, issue: z.core.$ZodIssue): RuleProblem[] {
  const path = issue.path as PropertyKey[];
  const at = (p: readonly PropertyKey[], useKey = false): Position => {
    for (let n = p.length; n >= 0; n--) {
      const ptr = toPointer(p.slice(0, n));
      const pos = (useKey && n === p.length ? parsed.keys.get(ptr) : undefined) ?? parsed.values.get(ptr);
      if (pos) return pos;
    }
    return { line: 1, column: 1 };
  };
  const problem = (pos: Position, message: string): RuleProblem => ({ file, ...pos, message });
  const exists = parsed.values.has(toPointer(path));

  if (!exists && issue.code !== 'unrecognized_keys' && issue.code !== 'custom') {
    return [problem(at(path.slice(0, -1)), `missing required field ${fieldName(path)}`)];
  }
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = allowedKeysAt(path);
      return issue.keys.map((k) =>
        problem(
          at([...path, k], true),
          `unknown field "${k}"${suggest(k, allowed)}; allowed here: ${allowed.join(', ')}`,
        ),
      );
    }
    case 'invalid_type':
      return [
        problem(
          at(path),
          `${fieldName(path)} must be ${issue.expected === 'object' ? 'an object' : issue.expected === 'array' ? 'a list' : `a ${issue.expected}`}, found ${describeInput(issue.input)}`,
        ),
      ];
    case 'invalid_value':
      return [
        problem(
          at(path),
          `${fieldName(path)} must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, found ${describeInput(issue.input)}`,
        ),
      ];
    case 'too_small':
      if (issue.origin === 'number')
        return [problem(at(path), `${fieldName(path)} must be at least ${String(issue.minimum)}`)];
      if (issue.message.startsWith('Too small')) return [problem(at(path), `${fieldName(path)} must not be empty`)];
      return [problem(at(path), issue.message)];
    case 'custom':
      return [problem(at(path, path.at(-1) === 'params'), issue.message)];
    default:
      return [problem(at(path), `${fieldName(path)}: ${issue.message}`)];
  }
}

/**
 * Check rule files (already read) and collect every problem across all of them: syntax errors
 * (one per file, since parsing cannot go on after one), schema problems and duplicate names.
 */
export function checkRuleSources(sources: RuleSource[]): {
  rules: LoadedRule[];
  problems: RuleProblem[];
  trusted: TrustedFacts;
} {
  const rules: LoadedRule[] = [];
  const trustedParts: TrustedFacts[] = [];
  const problems: RuleProblem[] = [];
  const firstSeen = new Map<string, { path: string; pos: Position }>();

  for (const { path, text } of sources) {
    const before = problems.length;
    checkOne(path, text);
    // Report each file's problems top to bottom.
    problems.splice(before, Infinity, ...problems.slice(before).sort((a, b) => a.line - b.line || a.column - b.column));
  }
  return { rules, problems, trusted: mergeTrusted(trustedParts) };

  function checkOne(path: string, text: string): void {
    const parsed = parseJsonWithPositions(text);
    if (!parsed.ok) {
      problems.push({ file: path, ...parsed.problem, message: `invalid JSON: ${parsed.problem.message}` });
      return;
    }
    if (parsed.value === null || typeof parsed.value !== 'object' || Array.isArray(parsed.value)) {
      problems.push({ file: path, line: 1, column: 1, message: 'a rule file must be an object: { "rules": [ ... ] }' });
      return;
    }
    const result = RuleFileSchema.safeParse(parsed.value, { reportInput: true });
    if (!result.success) for (const issue of result.error.issues) problems.push(...locate(path, parsed, issue));

    // Duplicate names are checked on every rule that has a usable name, even in a file with other problems.
    const rawRules = (parsed.value as { rules?: unknown }).rules;
    (Array.isArray(rawRules) ? rawRules : []).forEach((r, i) => {
      const name = (r as { name?: unknown } | null)?.name;
      if (typeof name !== 'string') return;
      const pos = parsed.values.get(`/rules/${i}/name`)!;
      const first = firstSeen.get(name);
      if (first)
        problems.push({
          file: path,
          ...pos,
          message: `duplicate rule name "${name}" (first defined at ${first.path}:${first.pos.line}:${first.pos.column})`,
        });
      else firstSeen.set(name, { path, pos });
    });
    if (!result.success) return;
    if (result.data.trusted) trustedParts.push(result.data.trusted);

    (result.data.rules ?? []).forEach((r, i) => {
      const position = parsed.values.get(`/rules/${i}`)!;
      try {
        // Belt and braces: the engine must accept what the schema accepted.
        new Rule({
          name: r.name,
          conditions: r.conditions as never,
          event: { type: r.event.type },
          priority: r.priority ?? 1,
        });
      } catch (e) {
        problems.push({
          file: path,
          ...position,
          message: `rule "${r.name}" rejected by the engine: ${(e as Error).message}`,
        });
        return;
      }
      if (r.enabled === false) return;
      rules.push({
        file: basename(path),
        path,
        name: r.name,
        description: r.description,
        priority: r.priority ?? 1,
        eventType: r.event.type,
        message: r.event.params.message,
        conditions: r.conditions,
        position,
      });
    });
  }
}

/** Read every `*.json` file of a rules directory, sorted by name. */
export async function readRuleDir(dir: string): Promise<{ sources: RuleSource[]; problems: RuleProblem[] }> {
  const problem = (file: string, e: unknown, what: string): RuleProblem => ({
    file,
    line: 1,
    column: 1,
    message: `${what}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
  });
  let names: string[];
  try {
    // A Kubernetes ConfigMap volume holds each file as a symlink into a hidden `..data` folder: follow links to files.
    const entries = (await readdir(dir, { withFileTypes: true })).filter(
      (d) => d.name.endsWith('.json') && !d.name.startsWith('.'),
    );
    const isFile = async (d: (typeof entries)[number]) =>
      d.isFile() ||
      (d.isSymbolicLink() &&
        (await stat(join(dir, d.name)).then(
          (s) => s.isFile(),
          () => false,
        )));
    names = (await Promise.all(entries.map(async (d) => ((await isFile(d)) ? d.name : null))))
      .filter((n): n is string => n !== null)
      .sort();
  } catch (e) {
    return { sources: [], problems: [problem(dir, e, 'cannot read the rules directory')] };
  }
  if (names.length === 0)
    return {
      sources: [],
      problems: [{ file: dir, line: 1, column: 1, message: 'no rule files (*.json) in the rules directory' }],
    };
  const sources: RuleSource[] = [];
  const problems: RuleProblem[] = [];
  for (const n of names) {
    const path = join(dir, n);
    try {
      sources.push({ path, text: await readFile(path, 'utf8') });
    } catch (e) {
      problems.push(problem(path, e, 'cannot read the rule file'));
    }
  }
  return { sources, problems };
}

/** Read and check a rules directory; any problem refuses the whole set. */
export async function loadRuleDir(
  dir: string,
): Promise<
  { ok: true; rules: LoadedRule[]; trusted: TrustedFacts; files: string[] } | { ok: false; error: RuleFileError }
> {
  const read = await readRuleDir(dir);
  const { rules, problems, trusted } = checkRuleSources(read.sources);
  const all = [...read.problems, ...problems];
  if (all.length > 0) return { ok: false, error: new RuleFileError(all) };
  return { ok: true, rules, trusted, files: read.sources.map((s) => basename(s.path)) };
}
