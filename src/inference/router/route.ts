import type { Logger } from '../../lib/logger.js';
import { BudgetExceededError, checkBudget, nextPeriodStart, type BudgetState } from './budget.js';
import { costUsd, DEFAULT_PRICES, type PriceTable } from '../../llm/cost.js';
import { TASK_POLICIES, type TaskKind, type TaskPolicy, type Tier } from './tasks.js';

export interface RouteRequest {
  task: TaskKind;
  /** Estimated prompt tokens of a large-model call (see estimateMessageTokens). Default DEFAULT_INPUT_TOKENS. */
  inputTokens?: number;
  /** Re-routing after a cheaper tier answered: which tier answered and how sure it was. */
  firstAnswer?: { tier: 'rules' | 'small'; model: string; confidence: number };
}

/** Everything about the tenant and deployment the decision depends on; the caller assembles it. */
export interface RouterState {
  budget: BudgetState;
  /** The configured OpenAI-compatible model, null when none is configured. */
  largeModel: string | null;
  /** False while the large model is known to be down (e.g. after repeated PROVIDER_UNAVAILABLE). Default true. */
  largeAvailable?: boolean;
  /** The tenant's trained small model per task; a missing entry means "not trained yet". */
  smallModels: Partial<Record<TaskKind, string>>;
  /** Tenant or deployment forbids sending CRM data to a remote model. */
  localOnly: boolean;
  prices?: PriceTable;
  /** Override of the policy table (configuration, tests). */
  policies?: Readonly<Record<TaskKind, TaskPolicy>>;
}

export interface RouteDecision {
  task: TaskKind;
  /** null: the task does not run (see `blockedBy`). */
  tier: Tier | null;
  model: string | null;
  /** One line for the log and the audit trail: what was chosen and why the cheaper/preferred options were not. */
  reason: string;
  escalateBelow: number | null;
  /** 0 unless the large tier was chosen. */
  estimatedCostUsd: number;
  /** Completion cap for a large-model call. */
  maxOutputTokens: number;
  /** True when this decision sends the task to the large model after a cheaper tier answered unsure. */
  escalated: boolean;
  blockedBy: 'budget' | 'unavailable' | null;
  /** Tiers considered and rejected, in order. */
  rejected: { tier: Tier; why: string }[];
}

export const DEFAULT_INPUT_TOKENS = 1500;

interface Block {
  why: string;
  budget: boolean;
}

/**
 * Which tier and model serve a task, and why. Pure: the same request and state always give the same
 * decision, so it can be logged, replayed and tested like a retry decision.
 */
export function route(request: RouteRequest, state: RouterState): RouteDecision {
  const policies = state.policies ?? TASK_POLICIES;
  const policy = policies[request.task];
  const prices = state.prices ?? DEFAULT_PRICES;
  const inputTokens = request.inputTokens ?? DEFAULT_INPUT_TOKENS;
  const largeEstimate =
    state.largeModel === null ? 0 : costUsd('large', state.largeModel, inputTokens, policy.maxOutputTokens, prices);
  const base = { task: request.task, escalateBelow: policy.escalateBelow, maxOutputTokens: policy.maxOutputTokens };

  const largeBlock = (): Block | null => {
    if (state.localOnly) return { why: 'local-only mode', budget: false };
    if (state.largeModel === null) return { why: 'no large model configured', budget: false };
    if (state.largeAvailable === false) return { why: `${state.largeModel} marked unavailable`, budget: false };
    const b = checkBudget(state.budget, { usd: largeEstimate, tokens: inputTokens + policy.maxOutputTokens });
    return b.allowed ? null : { why: b.reason, budget: true };
  };
  const modelFor = (tier: Tier): string | Block => {
    if (tier === 'large') return largeBlock() ?? state.largeModel!;
    if (tier === 'small')
      return state.smallModels[request.task] ?? { why: `no small model trained for ${request.task}`, budget: false };
    return policy.rulesModel ?? { why: `no rules generator for ${request.task}`, budget: false };
  };
  const cost = (tier: Tier) => (tier === 'large' ? largeEstimate : 0);

  if (request.firstAnswer) {
    const { tier, model, confidence } = request.firstAnswer;
    const keep = (why: string): RouteDecision => ({
      ...base,
      tier,
      model,
      reason: `${request.task}: keep ${tier} answer from ${model} (${why})`,
      estimatedCostUsd: 0,
      escalated: false,
      blockedBy: null,
      rejected: [],
    });
    if (policy.escalateBelow === null) return keep('task never escalates');
    if (confidence >= policy.escalateBelow) return keep(`confidence ${confidence} ≥ ${policy.escalateBelow}`);
    const block = largeBlock();
    if (block)
      return {
        ...keep(`confidence ${confidence} < ${policy.escalateBelow} but large tier unavailable: ${block.why}`),
        rejected: [{ tier: 'large', why: block.why }],
      };
    return {
      ...base,
      tier: 'large',
      model: state.largeModel!,
      escalated: true,
      blockedBy: null,
      rejected: [],
      reason: `${request.task}: escalate to large ${state.largeModel} (${tier} confidence ${confidence} < ${policy.escalateBelow})`,
      estimatedCostUsd: largeEstimate,
    };
  }

  const exhausted = checkBudget(state.budget);
  if (exhausted.exhausted && policy.whenBudgetExhausted === 'skip') {
    return {
      ...base,
      tier: null,
      model: null,
      estimatedCostUsd: 0,
      escalated: false,
      blockedBy: 'budget',
      rejected: [],
      reason: `${request.task}: not run (${exhausted.reason}; policy skips this task when the budget is exhausted)`,
    };
  }

  const rejected: { tier: Tier; why: string }[] = [];
  let budgetBlocked = false;
  for (const tier of [...new Set([policy.tier, ...policy.fallback])]) {
    const m = modelFor(tier);
    if (typeof m !== 'string') {
      rejected.push({ tier, why: m.why });
      budgetBlocked ||= m.budget;
      continue;
    }
    const via = tier === policy.tier ? `preferred tier ${tier}` : `fallback ${tier}`;
    const after = rejected.length ? ` after ${describe(rejected)}` : '';
    return {
      ...base,
      tier,
      model: m,
      estimatedCostUsd: cost(tier),
      escalated: false,
      blockedBy: null,
      rejected,
      reason: `${request.task}: ${via} ${m}${after}`,
    };
  }
  return {
    ...base,
    tier: null,
    model: null,
    estimatedCostUsd: 0,
    escalated: false,
    rejected,
    blockedBy: budgetBlocked ? 'budget' : 'unavailable',
    reason: `${request.task}: not run, no tier can serve it (${describe(rejected)})`,
  };
}

const describe = (rejected: { tier: Tier; why: string }[]) => rejected.map((r) => `${r.tier}: ${r.why}`).join('; ');

/** Log a decision the way retry decisions are logged: one structured line with the reason. */
export function logRoute(logger: Logger, decision: RouteDecision, context: Record<string, unknown> = {}): void {
  const { task, tier, model, reason, estimatedCostUsd, escalated, blockedBy } = decision;
  logger.info({ ...context, task, tier, model, estimatedCostUsd, escalated, blockedBy, reason }, 'inference route');
}

/** For callers that must fail when a task was refused for budget reasons. */
export function budgetExceeded(decision: RouteDecision, budget: BudgetState): BudgetExceededError {
  return new BudgetExceededError(decision.reason, {
    retryAt: nextPeriodStart(budget.period),
    where: `route ${decision.task}`,
  });
}
