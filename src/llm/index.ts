export {
  createLlmClient,
  readCompletion,
  type LlmClient,
  type LlmClientOptions,
  type ChatMessage,
  type CompletionRequest,
  type Completion,
} from './client.js';
export { LlmOutputError, retryAtFromHeaders, parseResetDuration, CHAT_WHERE } from './errors.js';
export { mapChatError, mapOpenAIError } from './openai-errors.js';
export { toStrictJsonSchema, structuredSchema, type JsonSchema, type StructuredSchema } from './strict-json-schema.js';
export {
  TIERS,
  DEFAULT_PRICES,
  UNKNOWN_MODEL_PRICE,
  MESSAGE_OVERHEAD_TOKENS,
  priceOf,
  estimateTokens,
  estimateMessageTokens,
  costUsd,
  recordCost,
  sumCosts,
  type Tier,
  type ModelPrice,
  type PriceTable,
  type PriceLookup,
  type CostLine,
  type Usage,
} from './cost.js';
