import type { Config } from '../config/index.js';
import { ConfigError } from '../core/errors.js';

/**
 * LOCAL_ONLY: no CRM data leaves the deployment. The config schema already refuses the environment
 * variables that contradict it; this checks a built Config (tests, programmatic starts) the same way, and
 * says what the composition root must switch off.
 */
export function localOnlyProblems(cfg: Pick<Config, 'localOnly' | 'embeddings' | 'vectorStore'>): string[] {
  if (!cfg.localOnly) return [];
  const out: string[] = [];
  if (cfg.vectorStore.kind === 'pinecone')
    out.push('VECTOR_STORE: pinecone sends CRM text to Pinecone; LOCAL_ONLY=true allows only pgvector');
  if (cfg.embeddings === 'openai')
    out.push('EMBEDDINGS: openai sends CRM text to a remote embeddings API; LOCAL_ONLY=true allows only local');
  return out;
}

/** Refuse, at start-up, a configuration that would send data out while LOCAL_ONLY=true. */
export function assertLocalOnly(cfg: Pick<Config, 'localOnly' | 'embeddings' | 'vectorStore'>): void {
  const problems = localOnlyProblems(cfg);
  if (problems.length) throw new ConfigError(problems);
}

/** The large model to use: none in local-only mode (the router then serves every task from the local tiers). */
export const remoteModelAllowed = (cfg: Pick<Config, 'localOnly'>): boolean => !cfg.localOnly;
