import { routeLine, withRouteStep } from '../../../../src/inference/router/steps.js';
import { tierLines } from '../../../../src/demo/summary.js';
import type { Explanation } from '../../../../src/core/suggestion.js';

const base: Explanation = {
  model: 'rules:no-next-step@1',
  tier: 'rules',
  confidence: 1,
  costUsd: 0,
  factors: [{ name: 'days_since_last_activity=20', direction: '+', weight: 1 }],
};

describe('route steps in explanations', () => {
  it('adds the step to route and as a zero-weight factor line; a step of the same task replaces the earlier one', () => {
    const a = withRouteStep(base, {
      task: 'draft_email',
      tier: 'rules',
      model: 'template:draft-email@1',
      reason: 'no large model configured',
      costUsd: 0,
      latencyMs: 2.4,
    });
    expect(a.route).toHaveLength(1);
    expect(a.factors.map((f) => f.name)).toContain(
      'route: draft_email → rules (template:draft-email@1) · $0 · 2 ms · no large model configured',
    );
    const b = withRouteStep(a, {
      task: 'draft_email',
      tier: 'large',
      model: 'gpt-4o-mini',
      reason: 'served by the large model',
      costUsd: 0.00042,
      latencyMs: 812,
    });
    expect(b.route).toEqual([expect.objectContaining({ task: 'draft_email', tier: 'large', costUsd: 0.00042 })]);
    expect(b.factors.filter((f) => f.name.startsWith('route: draft_email'))).toHaveLength(1);
    expect(routeLine(b.route![0]!)).toContain('$0.00042 · 812 ms');
    expect(base.route).toBeUndefined();
  });

  it('the demo report names each tier used, with an example, and the tier an endpoint would add', () => {
    const steps = [
      {
        task: 'score_deal',
        tier: 'rules' as const,
        model: 'cold-start-v1',
        reason: 'cold-start rules: 3 closed deals < 200',
        costUsd: 0,
        latencyMs: 1,
        suggestionType: 'stale_deal_follow_up',
      },
      {
        task: 'extract_signals',
        tier: 'small' as const,
        model: 'signals-tfidf-logreg-v2:signals-v2@2026-12-05',
        reason: 'shipped sentence model',
        costUsd: 0,
        latencyMs: 3,
        suggestionType: 'budget_risk',
      },
    ];
    const lines = tierLines(steps, false);
    expect(lines[0]).toMatch(
      /^rules: 1 step \(score_deal\); e\.g\. score_deal for a stale deal follow up suggestion by cold-start-v1, \$0, 1 ms/,
    );
    expect(lines[1]).toMatch(/^small: 1 step \(extract_signals\)/);
    expect(lines[2]).toMatch(/^large: not used \(no model endpoint configured\); with OPENAI_API_KEY/);
    expect(tierLines([], true)[2]).toBe('large: configured, not used yet');
  });
});
