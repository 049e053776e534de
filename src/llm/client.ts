import OpenAI from 'openai';
import { estimateMessageTokens, estimateTokens, type Usage } from './cost.js';
import { CHAT_WHERE, LlmOutputError } from './errors.js';
import { mapChatError } from './openai-errors.js';
import type { StructuredSchema } from './strict-json-schema.js';

/**
 * The large model, through the official `openai` client. Any OpenAI-compatible server works by
 * `baseURL` (vLLM, Ollama `/v1`, LiteLLM); Azure OpenAI by passing an `AzureOpenAI` instance as `client`
 * (or baseURL + `defaultQuery: {'api-version': ...}` + `defaultHeaders: {'api-key': ...}`).
 */
export interface LlmClientOptions {
  apiKey: string;
  model: string;
  baseURL?: string;
  /** The SDK's own retries of 408/409/429/5xx, honouring retry-after(-ms). Default 2. */
  maxRetries?: number;
  /** Per attempt. Default 60 s (the SDK's default of 10 minutes is far too long for a suggestion). */
  timeoutMs?: number;
  /** Default 0.2: drafts should vary little between runs. */
  temperature?: number;
  defaultHeaders?: Record<string, string>;
  defaultQuery?: Record<string, string>;
  /** Older OpenAI-compatible servers know only the deprecated `max_tokens`. Default `max_completion_tokens`. */
  maxTokensParam?: 'max_completion_tokens' | 'max_tokens';
  /** A pre-built client (AzureOpenAI, tests). */
  client?: OpenAI;
  now?: () => number;
}

export interface ChatMessage {
  role: 'system' | 'developer' | 'user' | 'assistant';
  content: string;
}

export interface CompletionRequest<T> {
  schema: StructuredSchema<T>;
  messages: ChatMessage[];
  maxOutputTokens?: number;
  temperature?: number;
  seed?: number;
  signal?: AbortSignal;
}

export interface Completion<T> {
  value: T;
  /** The JSON text as the model wrote it (for the audit trail). */
  raw: string;
  /** The model that answered, as the server reports it (a dated snapshot, a deployment name). */
  model: string;
  usage: Usage;
  /** False when the server sent no `usage` and the tokens were estimated. */
  usageReported: boolean;
  requestId: string | null;
}

export interface LlmClient {
  /** The configured model name (what the router prices and logs). */
  readonly model: string;
  /** One structured completion, parsed and schema-checked, or a typed error. */
  complete<T>(req: CompletionRequest<T>): Promise<Completion<T>>;
}

/** Builds the large-model client. Errors are our catalog's: see mapChatError and LlmOutputError. */
export function createLlmClient(o: LlmClientOptions): LlmClient {
  const now = o.now ?? Date.now;
  const sdk =
    o.client ??
    new OpenAI({
      apiKey: o.apiKey,
      baseURL: o.baseURL,
      maxRetries: o.maxRetries ?? 2,
      timeout: o.timeoutMs ?? 60_000,
      defaultHeaders: o.defaultHeaders,
      defaultQuery: o.defaultQuery,
    });
  const tokensParam = o.maxTokensParam ?? 'max_completion_tokens';

  return {
    model: o.model,
    async complete<T>(req: CompletionRequest<T>): Promise<Completion<T>> {
      const body: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming = {
        model: o.model,
        messages: req.messages,
        temperature: req.temperature ?? o.temperature ?? 0.2,
        // https://platform.openai.com/docs/guides/structured-outputs
        response_format: {
          type: 'json_schema',
          json_schema: { name: req.schema.name, schema: req.schema.jsonSchema, strict: true },
        },
        ...(req.maxOutputTokens !== undefined ? { [tokensParam]: req.maxOutputTokens } : {}),
        ...(req.seed !== undefined ? { seed: req.seed } : {}),
      };
      let data: OpenAI.Chat.ChatCompletion;
      let requestId: string | null;
      try {
        const r = await sdk.chat.completions.create(body, { signal: req.signal }).withResponse();
        data = r.data;
        requestId = r.request_id;
      } catch (e) {
        throw mapChatError(e, now());
      }
      return readCompletion(data, req, o.model, requestId);
    },
  };
}

/** Response -> value, or the typed error for truncated, refused, filtered, unparsable or off-schema output. */
export function readCompletion<T>(
  data: OpenAI.Chat.ChatCompletion,
  req: Pick<CompletionRequest<T>, 'schema' | 'messages'>,
  model: string,
  requestId: string | null,
): Completion<T> {
  const choice = data?.choices?.[0];
  const content = choice?.message?.content ?? null;
  const usageReported =
    typeof data?.usage?.prompt_tokens === 'number' && typeof data?.usage?.completion_tokens === 'number';
  const usage: Usage = usageReported
    ? { inputTokens: data.usage!.prompt_tokens, outputTokens: data.usage!.completion_tokens }
    : { inputTokens: estimateMessageTokens(req.messages), outputTokens: estimateTokens(content ?? '') };
  const answered = typeof data?.model === 'string' && data.model ? data.model : model;
  const d = { providerRequestId: requestId ?? undefined };
  const fail = (code: 'MODEL_OUTPUT_INVALID' | 'MODEL_OUTPUT_TRUNCATED' | 'MODEL_REFUSED', why: string) =>
    new LlmOutputError(
      code,
      `${CHAT_WHERE} (${req.schema.name}): ${why}`,
      content ?? choice?.message?.refusal ?? null,
      usage,
      answered,
      d,
    );

  if (!choice) throw fail('MODEL_OUTPUT_INVALID', 'no choices in the response');
  const refusal = choice.message?.refusal;
  if (typeof refusal === 'string' && refusal.length > 0)
    throw fail('MODEL_REFUSED', `model refused: ${refusal.slice(0, 200)}`);
  if (choice.finish_reason === 'length')
    throw fail('MODEL_OUTPUT_TRUNCATED', 'output hit the token limit (finish_reason "length"); the JSON is incomplete');
  if (choice.finish_reason === 'content_filter')
    throw fail('MODEL_REFUSED', 'output withheld by the content filter (finish_reason "content_filter")');
  if (content === null || content.trim() === '') throw fail('MODEL_OUTPUT_INVALID', 'empty content');

  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch (e) {
    throw fail('MODEL_OUTPUT_INVALID', `content is not JSON: ${(e as Error).message}`);
  }
  const parsed = req.schema.zod.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '$'}: ${i.message}`)
      .join('; ');
    throw fail('MODEL_OUTPUT_INVALID', `content does not match ${req.schema.name}: ${issues}`);
  }
  return { value: parsed.data, raw: content, model: answered, usage, usageReported, requestId };
}
