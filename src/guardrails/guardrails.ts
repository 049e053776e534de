import { watch as fsWatch, type FSWatcher } from 'node:fs';
import { Engine, Fact, type Almanac } from 'json-rules-engine';
import { RuleFileError, type RuleVerdict, type Suggestion } from '../core/index.js';
import type { Logger } from '../lib/logger.js';
import type { GuardrailContext } from './context.js';
import { createFactInput } from './fact-input.js';
import { FACTS, type FactDefinition } from './facts.js';
import { loadRuleDir, type LoadedRule } from './load-rules.js';
import { customEngineOperators } from './operators.js';
import { MESSAGE_PLACEHOLDER, type ConditionJson } from './rule-schema.js';
import type { TrustedFacts } from './trusted-facts.js';

export type GuardrailOutcome = 'pass' | 'review' | 'block';

export interface GuardrailResult {
  /** True only when the outcome is "pass": "review" holds the suggestion for a human, "block" drops it. */
  allowed: boolean;
  outcome: GuardrailOutcome;
  /** One per active rule, in file order; `passed: false` means the rule fired. */
  verdicts: RuleVerdict[];
}

export type ReloadResult = { ok: true } | { ok: false; error: RuleFileError };

export interface Guardrails {
  /**
   * Run every active rule over one suggestion. `probe`: a what-if check (the same suggestion without its draft, to see
   * whether the draft alone breaks the rules) whose verdicts log at debug, so a rule that fires once is not reported
   * twice.
   */
  evaluate(s: Suggestion, ctx: GuardrailContext, opts?: { probe?: boolean }): Promise<GuardrailResult>;
  /** Re-read the rules directory; on any problem the previous rules stay active. */
  reload(): Promise<ReloadResult>;
  /** Reload (debounced) whenever a file in the directory changes. Returns a function that stops watching. */
  watch(): () => void;
  /** The active rules, in evaluation-report order. */
  rules(): { file: string; name: string }[];
  /** The company's trusted facts (allow-lists) from the rule files' `trusted` sections, as last loaded. */
  trusted(): TrustedFacts;
}

export interface GuardrailsOptions {
  dir: string;
  logger: Logger;
  /** Clock for load timestamps in logs (tests pass a fixed one). */
  now?: () => Date;
  /** Quiet period after the last file event before reloading. */
  debounceMs?: number;
}

interface RuleSet {
  rules: LoadedRule[];
  trusted: TrustedFacts;
  engine: Engine;
  messageParams: Map<string, Map<string, Record<string, unknown> | undefined>>;
}

/**
 * The params each fact is used with in a rule's conditions (first use wins), so a message shows what the rule tested.
 */
function paramsByFact(
  c: ConditionJson,
  out = new Map<string, Record<string, unknown> | undefined>(),
): Map<string, Record<string, unknown> | undefined> {
  if ('all' in c) c.all.forEach((x) => paramsByFact(x, out));
  else if ('any' in c) c.any.forEach((x) => paramsByFact(x, out));
  else if ('not' in c) paramsByFact(c.not, out);
  else if (!out.has(c.fact)) out.set(c.fact, c.params);
  return out;
}

function buildRuleSet(rules: LoadedRule[], trusted: TrustedFacts): RuleSet {
  // allowUndefinedFacts stays off: a fact the catalog does not know must fail loudly, never read as undefined.
  const engine = new Engine([], { allowUndefinedFacts: false, allowUndefinedConditions: false });
  for (const op of customEngineOperators()) engine.addOperator(op);
  for (const r of rules) {
    engine.addRule({
      name: r.name,
      priority: r.priority,
      conditions: r.conditions as never,
      event: { type: r.eventType, params: { message: r.message } },
    });
  }
  return { rules, trusted, engine, messageParams: new Map(rules.map((r) => [r.name, paramsByFact(r.conditions)])) };
}

const renderValue = (v: unknown): string =>
  Array.isArray(v) ? (v.length ? v.join('; ') : 'none') : v === null || v === undefined ? 'none' : String(v);

async function renderMessage(
  template: string,
  almanac: Almanac,
  params: Map<string, Record<string, unknown> | undefined>,
): Promise<string> {
  const names = [...template.matchAll(MESSAGE_PLACEHOLDER)].map((m) => m[1]!);
  const values = new Map<string, string>();
  for (const n of names) values.set(n, renderValue(await almanac.factValue(n, params.get(n))));
  return template.replace(MESSAGE_PLACEHOLDER, (_, n: string) => values.get(n) ?? '');
}

/** Load the rules in `dir` (throws RuleFileError when they are invalid) and return a guardrails instance. */
export async function createGuardrails(opts: GuardrailsOptions): Promise<Guardrails> {
  const { dir, logger } = opts;
  const now = opts.now ?? (() => new Date());
  const debounceMs = opts.debounceMs ?? 200;
  const log = logger.child({ module: 'guardrails' });

  const first = await loadRuleDir(dir);
  if (!first.ok) {
    log.error({ dir, problems: first.error.problems }, 'rule files invalid');
    throw first.error;
  }
  let current = buildRuleSet(first.rules, first.trusted);
  log.info({ dir, rules: first.rules.map((r) => r.name), loadedAt: now().toISOString() }, 'rules loaded');

  let reloading: Promise<ReloadResult> = Promise.resolve({ ok: true });
  const reload = (): Promise<ReloadResult> => {
    // Serialised: two overlapping reloads must not finish out of order.
    reloading = reloading.then(async () => {
      // A rule file that trips something the linter did not foresee is refused like any invalid change: it must not
      // take the process down, nor stop every later reload.
      let next:
        { ok: true; set: ReturnType<typeof buildRuleSet>; names: string[] } | { ok: false; error: RuleFileError };
      try {
        const loaded = await loadRuleDir(dir);
        next = loaded.ok
          ? { ok: true, set: buildRuleSet(loaded.rules, loaded.trusted), names: loaded.rules.map((r) => r.name) }
          : loaded;
      } catch (err) {
        next = {
          ok: false,
          error:
            err instanceof RuleFileError
              ? err
              : new RuleFileError([
                  { file: dir, line: 1, column: 1, message: `could not load the rules: ${(err as Error).message}` },
                ]),
        };
      }
      if (!next.ok) {
        log.error(
          { dir, problems: next.error.problems, active: current.rules.map((r) => r.name) },
          'rule change refused; previous rules stay active',
        );
        return { ok: false, error: next.error };
      }
      current = next.set;
      log.info({ dir, rules: next.names, loadedAt: now().toISOString() }, 'rules reloaded');
      return { ok: true };
    });
    return reloading;
  };

  const evaluate = async (
    s: Suggestion,
    ctx: GuardrailContext,
    opts: { probe?: boolean } = {},
  ): Promise<GuardrailResult> => {
    const set = current;
    const input = createFactInput(s, ctx, set.trusted);
    const facts: Record<string, Fact> = {};
    for (const [name, def] of Object.entries(FACTS) as [string, FactDefinition][]) {
      facts[name] = new Fact(name, (params: Record<string, unknown>) => def.compute(input, params ?? {}));
    }
    const { results, almanac } = await set.engine.run(facts);
    const fired = new Set(results.map((r) => r.name));

    let outcome: GuardrailOutcome = 'pass';
    const verdicts: RuleVerdict[] = [];
    for (const rule of set.rules) {
      const passed = !fired.has(rule.name);
      const message = passed ? null : await renderMessage(rule.message, almanac, set.messageParams.get(rule.name)!);
      verdicts.push({ rule: rule.name, passed, message });
      if (passed) continue;
      if (rule.eventType === 'block' || (rule.eventType === 'review' && outcome === 'pass')) outcome = rule.eventType;
      log[opts.probe ? 'debug' : rule.eventType === 'warn' ? 'info' : 'warn'](
        { rule: rule.name, file: rule.file, action: rule.eventType, suggestionId: s.id, suggestionType: s.type },
        `rule ${rule.name} fired (${rule.eventType})`,
      );
    }
    log[opts.probe ? 'debug' : 'info'](
      {
        suggestionId: s.id,
        suggestionType: s.type,
        ...(opts.probe ? { probe: true } : {}),
        outcome,
        failed: verdicts.filter((v) => !v.passed).map((v) => v.rule),
      },
      `guardrails: ${outcome}`,
    );
    return { allowed: outcome === 'pass', outcome, verdicts };
  };

  const watch = (): (() => void) => {
    let timer: NodeJS.Timeout | null = null;
    let watcher: FSWatcher | null = fsWatch(dir, (_event, filename) => {
      // Kubernetes updates a mounted ConfigMap by swapping the `..data` symlink; the *.json links themselves do not
      // change.
      if (filename !== null && !String(filename).endsWith('.json') && !String(filename).startsWith('..data')) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = null;
        void reload();
      }, debounceMs);
    });
    watcher.on('error', (e) => log.error({ dir, err: e }, 'watching the rules directory failed; hot reload is off'));
    log.info({ dir, debounceMs }, 'watching rules');
    return () => {
      if (timer) clearTimeout(timer);
      timer = null;
      watcher?.close();
      watcher = null;
    };
  };

  return {
    evaluate,
    reload,
    watch,
    rules: () => current.rules.map((r) => ({ file: r.file, name: r.name })),
    trusted: () => current.trusted,
  };
}
