import { COLD_START_MODEL } from '../models/cold-start.js';
import { LEXICON_MODEL } from '../signals/lexicon.js';

/** Every inference task closeloop runs. The router decides per task which tier serves it. */
export const TASK_KINDS = [
  'categorize_lead',
  'update_field',
  'score_lead',
  'score_deal',
  'extract_signals',
  'churn_risk',
  'summarize',
  'draft_email',
  'next_step',
] as const;
export type TaskKind = (typeof TASK_KINDS)[number];
export const isTaskKind = (s: string): s is TaskKind => (TASK_KINDS as readonly string[]).includes(s);

import type { Tier } from '../../llm/cost.js';
export { TIERS, type Tier } from '../../llm/cost.js';

export interface TaskPolicy {
  /** The tier that normally serves the task. */
  tier: Tier;
  /** Tried in order when `tier` cannot serve (not configured, not trained, local-only, over budget). */
  fallback: readonly Tier[];
  /** A small-model answer with confidence below this is re-asked to the large model; null = never escalate. */
  escalateBelow: number | null;
  /** Month budget spent: `degrade` still runs on the free tiers; `skip` does not run the task at all. */
  whenBudgetExhausted: 'degrade' | 'skip';
  /** What serves the task on the rules tier (a versioned generator id), when it has one. */
  rulesModel: string | null;
  /** Completion cap sent to the large model, and the output side of its cost estimate. */
  maxOutputTokens: number;
}

/**
 * The routing table: data, read by `route()`. Reasoning per row:
 * - scores are numeric and calibrated on the tenant's own outcomes; an LLM adds cost, not accuracy, so
 *   they never escalate; until a model is trained the cold-start rules serve them.
 * - categorisation, field updates, signals and churn start on the small model (the rules when it is not
 *   trained yet) and reach the large model only by escalation, when that first answer is unsure.
 * - free-text generation (summaries, drafts, next steps) needs the large model; drafts and next steps
 *   have deterministic templates to fall back to, a summary does not (an extractive "summary" of CRM
 *   text would just repeat it), so summarize is skipped when the LLM cannot run.
 */
export const TASK_POLICIES: Readonly<Record<TaskKind, TaskPolicy>> = {
  categorize_lead: {
    tier: 'small',
    fallback: ['rules'],
    escalateBelow: 0.6,
    whenBudgetExhausted: 'degrade',
    rulesModel: 'rules:lead-category@1',
    maxOutputTokens: 200,
  },
  update_field: {
    tier: 'small',
    fallback: ['rules'],
    escalateBelow: 0.7,
    whenBudgetExhausted: 'degrade',
    rulesModel: 'rules:field-extract@1',
    maxOutputTokens: 200,
  },
  score_lead: {
    tier: 'small',
    fallback: ['rules'],
    escalateBelow: null,
    whenBudgetExhausted: 'degrade',
    rulesModel: COLD_START_MODEL,
    maxOutputTokens: 0,
  },
  score_deal: {
    tier: 'small',
    fallback: ['rules'],
    escalateBelow: null,
    whenBudgetExhausted: 'degrade',
    rulesModel: COLD_START_MODEL,
    maxOutputTokens: 0,
  },
  extract_signals: {
    tier: 'small',
    fallback: ['rules'],
    escalateBelow: 0.5,
    whenBudgetExhausted: 'degrade',
    rulesModel: LEXICON_MODEL,
    maxOutputTokens: 600,
  },
  churn_risk: {
    tier: 'small',
    fallback: ['rules'],
    escalateBelow: 0.55,
    whenBudgetExhausted: 'degrade',
    rulesModel: 'rules:churn-heuristics@1',
    maxOutputTokens: 400,
  },
  summarize: {
    tier: 'large',
    fallback: [],
    escalateBelow: null,
    whenBudgetExhausted: 'skip',
    rulesModel: null,
    maxOutputTokens: 600,
  },
  draft_email: {
    tier: 'large',
    fallback: ['rules'],
    escalateBelow: null,
    whenBudgetExhausted: 'degrade',
    rulesModel: 'template:draft-email@1',
    maxOutputTokens: 900,
  },
  next_step: {
    tier: 'large',
    fallback: ['small', 'rules'],
    escalateBelow: null,
    whenBudgetExhausted: 'degrade',
    rulesModel: 'rules:next-step@1',
    maxOutputTokens: 400,
  },
};
