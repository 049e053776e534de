import type { Explanation, RouteStep } from '../../core/suggestion.js';

/** "route: draft_email → rules (template:draft-email@1) · $0 · 3 ms · no large model configured" */
export function routeLine(step: RouteStep): string {
  const cost = step.costUsd === 0 ? '$0' : `$${step.costUsd.toFixed(5)}`;
  return `route: ${step.task} → ${step.tier} (${step.model}) · ${cost} · ${Math.round(step.latencyMs)} ms · ${step.reason}`;
}

/**
 * The explanation with one more routed step: kept in `route` (API, console) and shown as a zero-weight factor
 * line, so the rep and the console read the route, cost and latency wherever factors are shown. A step of the
 * same task replaces the earlier one (a repaired draft, a re-score).
 */
export function withRouteStep(e: Explanation, step: RouteStep): Explanation {
  const route = [...(e.route ?? []).filter((r) => r.task !== step.task), step];
  const factors = [
    ...e.factors.filter((f) => !f.name.startsWith(`route: ${step.task} `)),
    { name: routeLine(step), direction: '+' as const, weight: 0 },
  ];
  return { ...e, route, factors };
}

export const elapsedMs = (startedAt: number, now: number): number =>
  Math.max(0, Math.round((now - startedAt) * 100) / 100);
