import type { Config } from '../config/index.js';
import type { LlmClient } from './client.js';

/**
 * The large model for drafts: config `openai` (OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL); null = the template
 * drafter. The client (and the OpenAI SDK under it) is loaded only when an endpoint is configured.
 */
export async function createConfiguredLlm(cfg: Pick<Readonly<Config>, 'openai'>): Promise<LlmClient | null> {
  if (!cfg.openai) return null;
  const { createLlmClient } = await import('./client.js');
  return createLlmClient({
    apiKey: cfg.openai.apiKey,
    baseURL: cfg.openai.baseURL ?? undefined,
    model: cfg.openai.model,
  });
}
