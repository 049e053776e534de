// lint-as: src/inference/lint-fixture.ts
// expect: nothing
import type { Deal } from '../core/canonical.js';
import { stableId } from '../lib/ids.js';
import type { LlmClient } from '../llm/client.js';
import type { RetrievedChunk } from '../context/index.js';
import { extractSignals } from './signals/index.js';

export const pure = (d: Deal, llm: LlmClient, chunks: RetrievedChunk[]) => [stableId, extractSignals, d, llm, chunks];
