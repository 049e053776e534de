export {
  createGuardrails,
  type Guardrails,
  type GuardrailsOptions,
  type GuardrailResult,
  type GuardrailOutcome,
  type ReloadResult,
} from './guardrails.js';
export { GuardrailContextSchema, parseGuardrailContext, type GuardrailContext } from './context.js';
export { FACTS, FACT_NAMES, type FactName, type FactDefinition } from './facts.js';
export { OPERATORS } from './operators.js';
export { loadRuleDir, checkRuleSources, type LoadedRule, type RuleProblem } from './load-rules.js';
export { replaySuggestions, parseSince, type SuggestionSource, type ReplaySummary } from './replay.js';
export { runCaseFile, type CaseFileResult, type CaseResult } from './case-table.js';
