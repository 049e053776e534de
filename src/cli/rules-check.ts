import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { RuleFileError, Suggestion } from '../core/index.js';
import { GuardrailContextSchema, type GuardrailContext } from '../guardrails/context.js';
import { createGuardrails } from '../guardrails/guardrails.js';
import { createLogger, silentLogger } from '../lib/logger.js';
import { DEFAULT_RULES_DIR, flagString, parseArgs } from './rules-args.js';

const USAGE = 'usage: closeloop rules check --suggestion S.json [--context C.json] [--rules DIR] [--verbose]\n';

/** With no --context, the suggestion is judged against an empty world: no deal, contacts or owner, nothing retrieved. */
const emptyContext = (now: Date): GuardrailContext => ({
  now: now.toISOString(), deal: null, contacts: [], owner: null, repSuggestionsToday: 0, retrievedText: [], allowList: [], signals: [],
});

async function readJson<T>(path: string, schema: z.ZodType<T>, what: string): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    return { ok: false, error: `${path}: cannot read ${what}: ${(e as Error).message}` };
  }
  const r = schema.safeParse(raw);
  if (!r.success) return { ok: false, error: r.error.issues.map((i) => `${path}: ${what}${i.path.length ? `.${i.path.join('.')}` : ''}: ${i.message}`).join('\n') };
  return { ok: true, value: r.data };
}

/**
 * `closeloop rules check`: judge one suggestion and print `{ allowed, outcome, verdicts }` as one JSON object.
 * Exit 0 when allowed, 1 when held for review or blocked, 2 on bad input or invalid rules.
 */
export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['verbose']);
  const suggestionPath = flagString(args, 'suggestion');
  if (!suggestionPath) { process.stderr.write(USAGE); return 2; }
  const contextPath = flagString(args, 'context');
  const dir = flagString(args, 'rules') ?? args.positionals[0] ?? DEFAULT_RULES_DIR;

  const s = await readJson(suggestionPath, Suggestion, 'suggestion');
  if (!s.ok) { process.stderr.write(`${s.error}\n`); return 2; }
  let ctx: GuardrailContext = emptyContext(new Date());
  if (contextPath) {
    const c = await readJson(contextPath, GuardrailContextSchema, 'context');
    if (!c.ok) { process.stderr.write(`${c.error}\n`); return 2; }
    ctx = c.value;
  }
  const logger = args.flags.has('verbose') ? createLogger({ level: 'debug', destination: process.stderr }) : silentLogger();
  let guardrails;
  try {
    guardrails = await createGuardrails({ dir, logger });
  } catch (e) {
    if (e instanceof RuleFileError) { process.stderr.write(`${e.message}\n`); return 2; }
    throw e;
  }
  const { allowed, outcome, verdicts } = await guardrails.evaluate(s.value, ctx);
  process.stdout.write(`${JSON.stringify({ allowed, outcome, verdicts }, null, 2)}\n`);
  return allowed ? 0 : 1;
}
