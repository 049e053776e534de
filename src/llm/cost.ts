/**
 * rules: deterministic code (cold-start rules, lexicon, templates), free and always available.
 * small: a tenant-trained local model (logreg / GBDT / n-gram classifier), free but must be trained first.
 * large: an OpenAI-compatible LLM, paid per token, may be missing, disabled or over budget.
 */
export const TIERS = ['rules', 'small', 'large'] as const;
export type Tier = (typeof TIERS)[number];

/** USD per 1,000 tokens. */
export interface ModelPrice {
  inputPer1k: number;
  outputPer1k: number;
}
export type PriceTable = Readonly<Record<string, ModelPrice>>;

/**
 * List prices of a few common OpenAI models (USD per 1K tokens, standard tier, as published on
 * https://openai.com/api/pricing/ when this table was written). Configurable: deployments pass their own
 * table (Azure contract prices, or 0 for a self-hosted vLLM / Ollama model).
 */
export const DEFAULT_PRICES: PriceTable = {
  'gpt-4o-mini': { inputPer1k: 0.00015, outputPer1k: 0.0006 },
  'gpt-4o': { inputPer1k: 0.0025, outputPer1k: 0.01 },
  'gpt-4.1': { inputPer1k: 0.002, outputPer1k: 0.008 },
  'gpt-4.1-mini': { inputPer1k: 0.0004, outputPer1k: 0.0016 },
  'gpt-4.1-nano': { inputPer1k: 0.0001, outputPer1k: 0.0004 },
};

/**
 * Price used for a large model missing from the table. Deliberately not zero: an unpriced model must not
 * make the budget check pass silently. Set the model's price (0 for self-hosted) to get exact numbers.
 */
export const UNKNOWN_MODEL_PRICE: ModelPrice = { inputPer1k: 0.0025, outputPer1k: 0.01 };

export interface PriceLookup {
  price: ModelPrice;
  known: boolean;
}

/**
 * Exact name first, then the longest table key that prefixes the name, so a dated snapshot
 * (`gpt-4o-mini-2024-07-18`, what the API reports back) is priced as its family.
 */
export function priceOf(model: string, prices: PriceTable = DEFAULT_PRICES): PriceLookup {
  const exact = prices[model];
  if (exact) return { price: exact, known: true };
  const key = Object.keys(prices)
    .filter((k) => model.startsWith(`${k}-`))
    .sort((a, b) => b.length - a.length)[0];
  return key ? { price: prices[key]!, known: true } : { price: UNKNOWN_MODEL_PRICE, known: false };
}

/**
 * Token estimate without a tokenizer: about four characters per token for English (OpenAI's rule of
 * thumb), never less than one token per word-ish run. Only for budgeting before a call; the bill uses
 * the usage the API reports.
 */
export function estimateTokens(text: string): number {
  if (text.length === 0) return 0;
  const words = text.match(/\S+/g)?.length ?? 0;
  return Math.max(Math.ceil(text.length / 4), words);
}

/** Chat framing costs a few tokens per message on top of the content. */
export const MESSAGE_OVERHEAD_TOKENS = 4;
export const estimateMessageTokens = (messages: readonly { content: string }[]): number =>
  messages.reduce((n, m) => n + MESSAGE_OVERHEAD_TOKENS + estimateTokens(m.content), 3);

const roundUsd = (x: number) => Math.round(x * 1e8) / 1e8;

export function costUsd(
  tier: Tier,
  model: string,
  inputTokens: number,
  outputTokens: number,
  prices: PriceTable = DEFAULT_PRICES,
): number {
  if (tier !== 'large') return 0;
  const { price } = priceOf(model, prices);
  return roundUsd((inputTokens / 1000) * price.inputPer1k + (outputTokens / 1000) * price.outputPer1k);
}

/** What one model call cost; stored with the suggestion it produced (and summed into the tenant's budget). */
export interface CostLine {
  model: string;
  tier: Tier;
  inputTokens: number;
  outputTokens: number;
  usd: number;
  /** False when the model was not in the price table and UNKNOWN_MODEL_PRICE was used. */
  priceKnown: boolean;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

/** The cost line for one call. Rules and small tiers cost nothing (they run in-process). */
export function recordCost(call: { model: string; tier: Tier } & Usage, prices: PriceTable = DEFAULT_PRICES): CostLine {
  const inputTokens = Math.max(0, Math.round(call.inputTokens));
  const outputTokens = Math.max(0, Math.round(call.outputTokens));
  return {
    model: call.model,
    tier: call.tier,
    inputTokens,
    outputTokens,
    usd: costUsd(call.tier, call.model, inputTokens, outputTokens, prices),
    priceKnown: call.tier !== 'large' || priceOf(call.model, prices).known,
  };
}

/** Several calls behind one suggestion (a failed attempt, then a fallback) add up. */
export function sumCosts(lines: readonly CostLine[]): { inputTokens: number; outputTokens: number; usd: number } {
  return lines.reduce(
    (t, l) => ({
      inputTokens: t.inputTokens + l.inputTokens,
      outputTokens: t.outputTokens + l.outputTokens,
      usd: roundUsd(t.usd + l.usd),
    }),
    { inputTokens: 0, outputTokens: 0, usd: 0 },
  );
}
