import { newBudget } from '../src/inference/router/budget.js';
import { route } from '../src/inference/router/route.js';
import { TASK_KINDS } from '../src/inference/router/tasks.js';

/**
 * The router's overhead per decision (a pure function), beside the cheapest possible decision: a table
 * lookup of the task's tier. Both run the same number of times over the same task mix.
 */
export function benchRouter(o: { decisions: number }) {
  const state = {
    budget: newBudget(Date.now(), { usdLimit: 100 }),
    largeModel: 'gpt-4o-mini',
    smallModels: { score_deal: 'logreg@1' },
    localOnly: false,
  } as any;
  const kinds = [...TASK_KINDS];
  const table = Object.fromEntries(kinds.map((k, i) => [k, i % 3]));
  let sink = 0;
  const t0 = performance.now();
  for (let i = 0; i < o.decisions; i++)
    sink += route({ task: kinds[i % kinds.length]!, inputTokens: 800 }, state).estimatedCostUsd;
  const routerNs = ((performance.now() - t0) * 1e6) / o.decisions;
  const t1 = performance.now();
  for (let i = 0; i < o.decisions; i++) sink += table[kinds[i % kinds.length]!]!;
  const lookupNs = ((performance.now() - t1) * 1e6) / o.decisions;
  return {
    decisions: o.decisions,
    routerNsPerDecision: routerNs,
    lookupNsPerDecision: lookupNs,
    ratio: routerNs / lookupNs,
    sink,
  };
}
