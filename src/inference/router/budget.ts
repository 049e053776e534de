import { CloseloopError, ErrorCode, type ErrorDetails } from '../../core/errors.js';
import type { CostLine } from '../../llm/cost.js';

/**
 * A tenant's paid-model spend for one calendar month (UTC). Limits are null when not set. Only the large
 * tier is metered: the rules and small tiers run in-process and cost nothing.
 */
export interface BudgetState {
  /** `YYYY-MM`, UTC. */
  period: string;
  tokensUsed: number;
  usdUsed: number;
  tokenLimit: number | null;
  usdLimit: number | null;
}

export const periodOf = (now: number): string => new Date(now).toISOString().slice(0, 7);

/** First instant of the month after `period`: when an exhausted budget opens again. */
export function nextPeriodStart(period: string): number {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return Date.UTC(y, m, 1); // month index m is the next month (Date.UTC months are 0-based)
}

export function newBudget(
  now: number,
  limits: { tokenLimit?: number | null; usdLimit?: number | null } = {},
): BudgetState {
  return {
    period: periodOf(now),
    tokensUsed: 0,
    usdUsed: 0,
    tokenLimit: limits.tokenLimit ?? null,
    usdLimit: limits.usdLimit ?? null,
  };
}

/** A new month starts from zero with the same limits. */
export function rollBudget(state: BudgetState, now: number): BudgetState {
  const period = periodOf(now);
  return period === state.period ? state : { ...state, period, tokensUsed: 0, usdUsed: 0 };
}

/** The state after one call; pure. Pass `now` to roll into a new month first. */
export function applyUsage(
  state: BudgetState,
  line: Pick<CostLine, 'tier' | 'inputTokens' | 'outputTokens' | 'usd'>,
  now?: number,
): BudgetState {
  const s = now === undefined ? state : rollBudget(state, now);
  if (line.tier !== 'large') return s;
  return {
    ...s,
    tokensUsed: s.tokensUsed + line.inputTokens + line.outputTokens,
    usdUsed: Math.round((s.usdUsed + line.usd) * 1e8) / 1e8,
  };
}

export interface BudgetCheck {
  /** The large tier may run this call. */
  allowed: boolean;
  /** Spend has reached a limit (as opposed to "this one call would cross it"). */
  exhausted: boolean;
  reason: string;
}

/** Whether a large-model call estimated at `estimate` fits in what is left this month. */
export function checkBudget(
  state: BudgetState,
  estimate: { usd: number; tokens: number } = { usd: 0, tokens: 0 },
): BudgetCheck {
  const { usdLimit, tokenLimit, usdUsed, tokensUsed } = state;
  if (usdLimit !== null && usdUsed >= usdLimit) {
    return {
      allowed: false,
      exhausted: true,
      reason: `monthly budget exhausted ($${fmt(usdUsed)} of $${fmt(usdLimit)} used in ${state.period})`,
    };
  }
  if (tokenLimit !== null && tokensUsed >= tokenLimit) {
    return {
      allowed: false,
      exhausted: true,
      reason: `monthly token budget exhausted (${tokensUsed} of ${tokenLimit} tokens used in ${state.period})`,
    };
  }
  if (usdLimit !== null && usdUsed + estimate.usd > usdLimit) {
    return {
      allowed: false,
      exhausted: false,
      reason: `estimated $${fmt(estimate.usd)} exceeds the $${fmt(usdLimit - usdUsed)} left this month`,
    };
  }
  if (tokenLimit !== null && tokensUsed + estimate.tokens > tokenLimit) {
    return {
      allowed: false,
      exhausted: false,
      reason: `estimated ${estimate.tokens} tokens exceed the ${tokenLimit - tokensUsed} left this month`,
    };
  }
  return { allowed: true, exhausted: false, reason: 'within budget' };
}

const fmt = (x: number) => (Math.round(x * 1e6) / 1e6).toString();

/** BUDGET_EXCEEDED: the task cannot run on any tier the budget still allows. `retryAt` is the next month. */
export class BudgetExceededError extends CloseloopError {
  constructor(message: string, d: ErrorDetails = {}) {
    super(ErrorCode.BUDGET_EXCEEDED, message, { status: 402, ...d });
  }
}
