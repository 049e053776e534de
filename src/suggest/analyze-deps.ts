import type { Suggestion } from '../core/suggestion.js';
import type { SentenceVectorLookup } from '../inference/signals/index.js';
import type { GuardrailContext } from '../guardrails/context.js';
import type { TrustedFacts } from '../guardrails/trusted-facts.js';
import type { LlmClient } from '../llm/client.js';
import type { PriceTable } from '../llm/cost.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import type { WorkQueue } from '../queue/index.js';
import type { Store } from '../store/index.js';
import type { CrmFacts } from './crm-facts.js';

export interface Guard {
  /**
   * The company's trusted facts (rules/trusted-facts.json); absent: none, so nothing actionable is grounded by policy.
   */
  trusted?(): TrustedFacts;
  evaluate(
    s: Suggestion,
    ctx: GuardrailContext,
    /** probe: a what-if check whose verdicts are not reported as rules firing (src/guardrails/guardrails.ts). */
    opts?: { probe?: boolean },
  ): Promise<{
    allowed: boolean;
    outcome: 'pass' | 'review' | 'block';
    verdicts: { rule: string; passed: boolean; message: string | null }[];
  }>;
}

export interface AnalyzeDeps {
  store: Store;
  queue: WorkQueue;
  metrics: Metrics;
  logger: Logger;
  guardrails: Guard;
  now: () => number;
  staleDealDays: number;
  /** The large model for drafts (config `openai`); null or absent: the deterministic template drafter. */
  llm?: LlmClient | null;
  /** No CRM data leaves the deployment: drafts come from templates. */
  localOnly?: boolean;
  /** Monthly paid-model limits per tenant (null: unlimited). */
  budgetLimits?: { usdLimit: number | null; tokenLimit: number | null };
  prices?: PriceTable;
  /** Owner names and stage labels from the CRM; absent: the text uses the record as stored. */
  crm?: CrmFacts;
  /**
   * Sentence vectors for the fused signal models (src/inference/signals/sentence-vectors.ts), prepared per analysis;
   * absent: signals come from the n-gram models.
   */
  signalVectors?: SentenceVectorLookup & { prepare(texts: readonly string[]): Promise<void> };
}
