import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { RuleFileError, Suggestion } from '../core/index.js';
import { GuardrailContextSchema, type GuardrailContext } from '../guardrails/context.js';
import { createGuardrails } from '../guardrails/guardrails.js';
import { createLogger, silentLogger } from '../lib/logger.js';
import { defineCommand, runCommand, UsageError } from './command.js';
import { DEFAULT_RULES_DIR, requireRulesDir } from './rules-lint.js';

/**
 * With no --context, the suggestion is judged against an empty world: no deal, contacts or owner, nothing retrieved.
 */
const emptyContext = (now: Date): GuardrailContext => ({
  now: now.toISOString(),
  deal: null,
  contacts: [],
  owner: null,
  repSuggestionsToday: 0,
  retrievedText: [],
  allowList: [],
  signals: [],
});

async function readJson<T>(
  path: string,
  schema: z.ZodType<T>,
  what: string,
): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    // A file that cannot be read or is not JSON is bad usage: one line, the usage, exit 2.
    throw new UsageError(`${path}: cannot read ${what}: ${(e as Error).message.split('\n')[0]}`);
  }
  const r = schema.safeParse(raw);
  if (!r.success)
    return {
      ok: false,
      error: r.error.issues
        .map((i) => `${path}: ${what}${i.path.length ? `.${i.path.join('.')}` : ''}: ${i.message}`)
        .join('\n'),
    };
  return { ok: true, value: r.data };
}

/**
 * `closeloop rules check`: judge one suggestion and print `{ allowed, outcome, verdicts }` as one JSON object.
 * Exit 0 when allowed, 1 when held for review or blocked, 2 on bad input or invalid rules.
 */
export const command = defineCommand({
  name: 'rules check',
  summary: 'judge one suggestion against the rules and print the verdicts as JSON',
  description:
    'Without --context the suggestion is judged against an empty world (no deal, contacts or owner). ' +
    'Exit 0 when allowed, 1 when held for review or blocked, 2 on bad input or invalid rules.',
  positionals: [{ name: 'DIR', description: 'the rules folder (same as --rules)', default: DEFAULT_RULES_DIR }],
  options: {
    suggestion: {
      type: 'string',
      value: 'S.json',
      required: true,
      description: 'the suggestion (JSON, the Suggestion schema of src/core)',
    },
    context: {
      type: 'string',
      value: 'C.json',
      description: 'the deal, contacts, owner and retrieved text it is judged against',
    },
    rules: { type: 'string', value: 'DIR', description: `the rules folder (default: ${DEFAULT_RULES_DIR})` },
    verbose: { type: 'boolean', description: 'log rule evaluation on stderr' },
  },
  examples: [
    'npx closeloop rules check --suggestion tests/fixtures/guardrails/follow-up-suggestion.json --context tests/fixtures/guardrails/follow-up-context.json',
  ],
  async handler({ values, positionals }, io) {
    const suggestionPath = values.suggestion;
    const contextPath = values.context;
    const dir = values.rules ?? positionals[0] ?? DEFAULT_RULES_DIR;
    const s = await readJson(suggestionPath, Suggestion, 'suggestion');
    if (!s.ok) {
      io.err(`${s.error}\n`);
      return 2;
    }
    let ctx: GuardrailContext = emptyContext(new Date());
    if (contextPath) {
      const c = await readJson(contextPath, GuardrailContextSchema, 'context');
      if (!c.ok) {
        io.err(`${c.error}\n`);
        return 2;
      }
      ctx = c.value;
    }
    const logger = values.verbose ? createLogger({ level: 'debug', destination: process.stderr }) : silentLogger();
    await requireRulesDir(dir, 'rules check');
    let guardrails;
    try {
      guardrails = await createGuardrails({ dir, logger });
    } catch (e) {
      if (e instanceof RuleFileError) {
        io.err(`${e.message}\n`);
        return 2;
      }
      throw e;
    }
    const { allowed, outcome, verdicts } = await guardrails.evaluate(s.value, ctx);
    io.out(`${JSON.stringify({ allowed, outcome, verdicts }, null, 2)}\n`);
    return allowed ? 0 : 1;
  },
});

export const run = (argv: string[]): Promise<number> => runCommand(command, argv);
