import { applyUsage, newBudget, rollBudget, type BudgetState } from '../inference/router/budget.js';
import type { CostLine } from '../llm/cost.js';
import type { Repos } from '../store/index.js';
import type { AnalyzeDeps } from './analyze-deps.js';

const isBudget = (v: unknown): v is BudgetState =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as BudgetState).period === 'string' &&
  typeof (v as BudgetState).usdUsed === 'number';

/** The tenant's budget this month, as stored (rolled into the current month), with the configured limits. */
export async function loadBudget(
  deps: Pick<AnalyzeDeps, 'store' | 'budgetLimits'>,
  tenantId: string,
  now: number,
): Promise<BudgetState> {
  const stored = await deps.store.models.budget(tenantId);
  const limits = { usdLimit: deps.budgetLimits?.usdLimit ?? null, tokenLimit: deps.budgetLimits?.tokenLimit ?? null };
  return isBudget(stored) ? { ...rollBudget(stored, now), ...limits } : newBudget(now, limits);
}

/**
 * Fold the calls behind one suggestion into the tenant's budget (row-locked read-modify-write, inside the caller's
 * transaction).
 */
export async function chargeBudget(
  r: Repos,
  tenantId: string,
  costs: readonly CostLine[],
  now: number,
  limits: AnalyzeDeps['budgetLimits'],
): Promise<BudgetState | null> {
  if (!costs.some((c) => c.tier === 'large')) return null;
  const stored = await r.models.budgetForUpdate(tenantId);
  let state = isBudget(stored)
    ? rollBudget(stored, now)
    : newBudget(now, { usdLimit: limits?.usdLimit ?? null, tokenLimit: limits?.tokenLimit ?? null });
  for (const c of costs) state = applyUsage(state, c, now);
  await r.models.saveBudget(tenantId, state);
  return state;
}
