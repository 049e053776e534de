import { z } from 'zod';
import { SIGNAL_TYPES } from '../signals/types.js';
import type { TaskKind } from './tasks.js';
import { structuredSchema, type StructuredSchema } from '../../llm/strict-json-schema.js';

/**
 * What the large model must answer for each task: one zod schema (checked after parsing) and the strict
 * JSON schema sent as `response_format` (derived from it, so the two cannot drift). Every answer carries
 * `citations`: the ids (`c1`, `c2`, ...) of the context chunks its claims rest on.
 */
const Citations = z.array(z.string()).describe('Ids of the context chunks (c1, c2, ...) the answer is based on.');
const Confidence = z.number().min(0).max(1);
const Factor = z.object({ name: z.string(), direction: z.enum(['+', '-']), weight: z.number() });

export const TaskOutputSchemas = {
  categorize_lead: z.object({
    category: z.enum(['hot', 'warm', 'cold', 'not_a_fit']),
    confidence: Confidence,
    rationale: z.string(),
    citations: Citations,
  }),
  update_field: z.object({
    field: z.string(),
    value: z.string().nullable().describe('New value, or null when the context does not state one.'),
    confidence: Confidence,
    citations: Citations,
  }),
  score_lead: z.object({ score: Confidence, confidence: Confidence, factors: z.array(Factor), citations: Citations }),
  score_deal: z.object({ score: Confidence, confidence: Confidence, factors: z.array(Factor), citations: Citations }),
  extract_signals: z.object({
    signals: z.array(
      z.object({
        type: z.enum(SIGNAL_TYPES),
        quote: z.string().describe('Verbatim sentence from the cited chunk.'),
        confidence: Confidence,
        citation: z.string(),
      }),
    ),
    citations: Citations,
  }),
  churn_risk: z.object({
    risk: z.enum(['low', 'medium', 'high']),
    confidence: Confidence,
    reasons: z.array(z.object({ reason: z.string(), citations: Citations })),
    citations: Citations,
  }),
  summarize: z.object({
    summary: z.string(),
    points: z.array(z.object({ text: z.string(), citations: Citations })),
    citations: Citations,
  }),
  draft_email: z.object({
    subject: z.string().min(1).max(200),
    body: z.string().min(1).describe('Plain-text email body, no chunk ids in it.'),
    claims: z.array(
      z.object({
        text: z.string().describe('One factual statement the body makes about the customer or deal.'),
        citations: Citations,
      }),
    ),
    citations: Citations,
  }),
  next_step: z.object({
    action: z.string(),
    dueInDays: z.number().int().min(0).max(90).nullable(),
    confidence: Confidence,
    rationale: z.string(),
    citations: Citations,
  }),
} as const satisfies Record<TaskKind, z.ZodType>;

export type TaskOutput<K extends TaskKind> = z.infer<(typeof TaskOutputSchemas)[K]>;

const cache = new Map<TaskKind, StructuredSchema<unknown>>();
/** The response schema for a task, named `closeloop_<task>`. */
export function taskSchema<K extends TaskKind>(task: K): StructuredSchema<TaskOutput<K>> {
  let s = cache.get(task);
  if (!s) cache.set(task, (s = structuredSchema(`closeloop_${task}`, TaskOutputSchemas[task] as z.ZodType)));
  return s as StructuredSchema<TaskOutput<K>>;
}
