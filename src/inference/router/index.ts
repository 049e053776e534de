export { TASK_KINDS, TIERS, TASK_POLICIES, isTaskKind, type TaskKind, type Tier, type TaskPolicy } from './tasks.js';
// Token and cost helpers live with the LLM client (src/llm/cost.ts); re-exported for the router's callers.
export {
  DEFAULT_PRICES,
  UNKNOWN_MODEL_PRICE,
  MESSAGE_OVERHEAD_TOKENS,
  priceOf,
  estimateTokens,
  estimateMessageTokens,
  costUsd,
  recordCost,
  sumCosts,
  type ModelPrice,
  type PriceTable,
  type PriceLookup,
  type CostLine,
  type Usage,
} from '../../llm/cost.js';
export { TaskOutputSchemas, taskSchema, type TaskOutput } from './task-schemas.js';
export {
  newBudget,
  rollBudget,
  applyUsage,
  checkBudget,
  periodOf,
  nextPeriodStart,
  BudgetExceededError,
  type BudgetState,
  type BudgetCheck,
} from './budget.js';
export {
  route,
  logRoute,
  budgetExceeded,
  DEFAULT_INPUT_TOKENS,
  type RouteRequest,
  type RouterState,
  type RouteDecision,
} from './route.js';
export { routeLine, withRouteStep, elapsedMs } from './steps.js';
