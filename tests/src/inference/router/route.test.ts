import { Writable } from 'node:stream';
import { createLogger } from '../../../../src/lib/logger.js';
import { ErrorCode } from '../../../../src/core/errors.js';
import {
  budgetExceeded,
  logRoute,
  newBudget,
  route,
  TASK_KINDS,
  TASK_POLICIES,
  type RouterState,
  type TaskKind,
} from '../../../../src/inference/router/index.js';
import { COLD_START_MODEL } from '../../../../src/inference/models/cold-start.js';
import { LEXICON_MODEL } from '../../../../src/inference/signals/index.js';

const NOW = Date.UTC(2025, 5, 15);
const trained = Object.fromEntries(TASK_KINDS.map((k) => [k, `small:${k}@3`])) as Record<TaskKind, string>;
const aState = (o: Partial<RouterState> = {}): RouterState => ({
  budget: newBudget(NOW, { usdLimit: 50, tokenLimit: 10_000_000 }),
  largeModel: 'gpt-4o-mini',
  smallModels: trained,
  localOnly: false,
  ...o,
});
const spent = (o: Partial<RouterState> = {}) =>
  aState({ budget: { ...newBudget(NOW, { usdLimit: 50 }), usdUsed: 50 }, ...o });

describe('route: the policy table, one row per task kind', () => {
  test('every task kind has a policy whose preferred tier serves it when everything is available', () => {
    expect(Object.keys(TASK_POLICIES).sort()).toEqual([...TASK_KINDS].sort());
    for (const task of TASK_KINDS) {
      const d = route({ task }, aState());
      const p = TASK_POLICIES[task];
      expect(d.tier).toBe(p.tier);
      expect(d.escalateBelow).toBe(p.escalateBelow);
      expect(d.model).toBe(p.tier === 'large' ? 'gpt-4o-mini' : trained[task]);
      expect(d.reason).toContain(task);
      expect(d.reason).toContain('preferred');
      expect(d.estimatedCostUsd > 0).toBe(p.tier === 'large');
    }
  });

  test.each<[TaskKind, string, number | null]>([
    ['categorize_lead', 'small', 0.6],
    ['update_field', 'small', 0.7],
    ['score_lead', 'small', null],
    ['score_deal', 'small', null],
    ['extract_signals', 'small', 0.5],
    ['churn_risk', 'small', 0.55],
    ['summarize', 'large', null],
    ['draft_email', 'large', null],
    ['next_step', 'large', null],
  ])('%s: preferred %s, escalate below %s', (task, tier, below) => {
    expect(TASK_POLICIES[task].tier).toBe(tier);
    expect(TASK_POLICIES[task].escalateBelow).toBe(below);
  });
});

describe('route: escalation on small-model confidence', () => {
  test('below the threshold goes to the large model, with cost and reason', () => {
    const d = route(
      {
        task: 'categorize_lead',
        inputTokens: 800,
        firstAnswer: { tier: 'small', model: 'small:categorize_lead@3', confidence: 0.41 },
      },
      aState(),
    );
    expect(d).toMatchObject({ tier: 'large', model: 'gpt-4o-mini', escalated: true });
    expect(d.reason).toBe('categorize_lead: escalate to large gpt-4o-mini (small confidence 0.41 < 0.6)');
    // 800 in + 200 out at gpt-4o-mini prices
    expect(d.estimatedCostUsd).toBeCloseTo(0.8 * 0.00015 + 0.2 * 0.0006, 10);
  });

  test('at or above the threshold keeps the small answer at no cost', () => {
    const d = route({ task: 'categorize_lead', firstAnswer: { tier: 'small', model: 'm', confidence: 0.6 } }, aState());
    expect(d).toMatchObject({ tier: 'small', model: 'm', escalated: false, estimatedCostUsd: 0 });
    expect(d.reason).toContain('confidence 0.6 ≥ 0.6');
  });

  test('a rules-tier first answer escalates the same way (small model not trained yet)', () => {
    const d = route(
      { task: 'churn_risk', firstAnswer: { tier: 'rules', model: 'rules:churn-heuristics@1', confidence: 0.3 } },
      aState({ smallModels: {} }),
    );
    expect(d).toMatchObject({ tier: 'large', escalated: true });
  });

  test('tasks that never escalate keep the small answer however unsure', () => {
    const d = route(
      { task: 'score_deal', firstAnswer: { tier: 'small', model: 'gbdt@2', confidence: 0.05 } },
      aState(),
    );
    expect(d).toMatchObject({ tier: 'small', escalated: false });
    expect(d.reason).toContain('never escalates');
  });

  test.each<[string, Partial<RouterState>, string]>([
    ['local-only', { localOnly: true }, 'local-only mode'],
    ['budget exhausted', { budget: { ...newBudget(NOW, { usdLimit: 5 }), usdUsed: 5 } }, 'monthly budget exhausted'],
    ['no LLM configured', { largeModel: null }, 'no large model configured'],
    ['LLM down', { largeAvailable: false }, 'marked unavailable'],
  ])('an unsure answer is kept when the large tier is blocked (%s)', (_, o, why) => {
    const d = route({ task: 'update_field', firstAnswer: { tier: 'small', model: 'm', confidence: 0.1 } }, aState(o));
    expect(d).toMatchObject({ tier: 'small', model: 'm', escalated: false, estimatedCostUsd: 0 });
    expect(d.reason).toContain(why);
    expect(d.rejected).toEqual([{ tier: 'large', why: expect.stringContaining(why) }]);
  });
});

describe('route: budget exhausted → only small and rules tiers run', () => {
  test('no task is routed to the large tier', () => {
    for (const task of TASK_KINDS) expect(route({ task }, spent()).tier).not.toBe('large');
  });

  test('draft_email falls back to the template drafter, next_step to the small model', () => {
    const d = route({ task: 'draft_email' }, spent());
    expect(d).toMatchObject({ tier: 'rules', model: 'template:draft-email@1', estimatedCostUsd: 0 });
    expect(d.reason).toMatch(
      /^draft_email: fallback rules template:draft-email@1 after large: monthly budget exhausted \(\$50 of \$50 used in 2025-06\)$/,
    );
    expect(route({ task: 'next_step' }, spent())).toMatchObject({ tier: 'small', model: trained.next_step });
  });

  test('summarize does not run at all, and the caller can turn that into BUDGET_EXCEEDED', () => {
    const state = spent();
    const d = route({ task: 'summarize' }, state);
    expect(d).toMatchObject({ tier: null, model: null, blockedBy: 'budget' });
    expect(d.reason).toContain('policy skips this task');
    const err = budgetExceeded(d, state.budget);
    expect(err.code).toBe(ErrorCode.BUDGET_EXCEEDED);
    expect(err.retryAt).toBe(Date.UTC(2025, 6, 1));
  });

  test('the token limit counts too', () => {
    const d = route(
      { task: 'draft_email' },
      aState({ budget: { ...newBudget(NOW, { tokenLimit: 1000 }), tokensUsed: 1000 } }),
    );
    expect(d.tier).toBe('rules');
    expect(d.reason).toContain('monthly token budget exhausted');
  });

  test('a call whose estimate would cross the limit is refused before spending', () => {
    const budget = { ...newBudget(NOW, { usdLimit: 1 }), usdUsed: 0.9999 };
    const d = route({ task: 'draft_email', inputTokens: 5000 }, aState({ budget }));
    expect(d.tier).toBe('rules');
    expect(d.reason).toMatch(/estimated \$[\d.]+ exceeds the \$0\.0001 left this month/);
  });
});

describe('route: local-only mode never picks large', () => {
  test.each(TASK_KINDS)('%s', (task) => {
    const d = route({ task, firstAnswer: undefined }, aState({ localOnly: true }));
    expect(d.tier).not.toBe('large');
    const esc = route({ task, firstAnswer: { tier: 'small', model: 'm', confidence: 0 } }, aState({ localOnly: true }));
    expect(esc.tier).not.toBe('large');
  });

  test('summarize has no local tier, so it does not run (unavailable, not budget)', () => {
    const d = route({ task: 'summarize' }, aState({ localOnly: true }));
    expect(d).toMatchObject({ tier: null, blockedBy: 'unavailable' });
    expect(d.reason).toBe('summarize: not run, no tier can serve it (large: local-only mode)');
  });
});

describe('route: tier unavailable → declared fallback', () => {
  test('large unavailable → deterministic template drafter', () => {
    const d = route({ task: 'draft_email' }, aState({ largeModel: null }));
    expect(d).toMatchObject({ tier: 'rules', model: 'template:draft-email@1' });
    expect(d.rejected).toEqual([{ tier: 'large', why: 'no large model configured' }]);
  });

  test('small model not trained yet → cold start rules for scores, lexicon for signals', () => {
    expect(route({ task: 'score_deal' }, aState({ smallModels: {} }))).toMatchObject({
      tier: 'rules',
      model: COLD_START_MODEL,
    });
    expect(route({ task: 'score_lead' }, aState({ smallModels: {} }))).toMatchObject({
      tier: 'rules',
      model: COLD_START_MODEL,
    });
    const sig = route({ task: 'extract_signals' }, aState({ smallModels: {} }));
    expect(sig).toMatchObject({ tier: 'rules', model: LEXICON_MODEL });
    expect(sig.reason).toBe(
      `extract_signals: fallback rules ${LEXICON_MODEL} after small: no small model trained for extract_signals`,
    );
  });

  test('next_step walks large → small → rules', () => {
    expect(route({ task: 'next_step' }, aState({ largeAvailable: false }))).toMatchObject({ tier: 'small' });
    const d = route({ task: 'next_step' }, aState({ largeAvailable: false, smallModels: {} }));
    expect(d).toMatchObject({ tier: 'rules', model: 'rules:next-step@1' });
    expect(d.rejected.map((r) => r.tier)).toEqual(['large', 'small']);
  });

  test('the policy table can be overridden as data', () => {
    const policies = {
      ...TASK_POLICIES,
      summarize: { ...TASK_POLICIES.summarize, fallback: ['rules'] as const, rulesModel: 'rules:extractive@1' },
    };
    expect(route({ task: 'summarize' }, aState({ localOnly: true, policies }))).toMatchObject({
      tier: 'rules',
      model: 'rules:extractive@1',
    });
  });
});

describe('route is pure and logged with its reason', () => {
  test('same input, same decision', () => {
    const s = aState();
    expect(route({ task: 'churn_risk', inputTokens: 10 }, s)).toEqual(
      route({ task: 'churn_risk', inputTokens: 10 }, s),
    );
  });

  test('logRoute writes one structured line with task, tier, model and reason', () => {
    const lines: string[] = [];
    const dest = new Writable({
      write(c, _e, cb) {
        lines.push(String(c));
        cb();
      },
    });
    const logger = createLogger({ destination: dest });
    const d = route({ task: 'draft_email' }, aState({ localOnly: true }));
    logRoute(logger, d, { tenantId: 't1' });
    const rec = JSON.parse(lines[0]!);
    expect(rec).toMatchObject({
      msg: 'inference route',
      task: 'draft_email',
      tier: 'rules',
      model: 'template:draft-email@1',
      tenantId: 't1',
    });
    expect(rec.reason).toContain('local-only mode');
  });
});
