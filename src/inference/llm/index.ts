export { createLlmClient, readCompletion, type LlmClient, type LlmClientOptions, type ChatMessage, type CompletionRequest, type Completion } from './client.js';
export { LlmOutputError, mapChatError, retryAtFromHeaders, parseResetDuration, CHAT_WHERE } from './errors.js';
export { toStrictJsonSchema, type JsonSchema } from './strict-json-schema.js';
export { TaskOutputSchemas, taskSchema, structuredSchema, type TaskOutput, type StructuredSchema } from './task-schemas.js';
