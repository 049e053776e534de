import type { DraftEmailPayload } from '../../core/suggestion.js';
import { isCloseloopError } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../lib/logger.js';
import type { LlmClient } from '../../llm/client.js';
import { LlmOutputError } from '../../llm/errors.js';
import { taskSchema, type TaskOutput } from '../router/task-schemas.js';
import type { BudgetState } from '../router/budget.js';
import { estimateMessageTokens, recordCost, sumCosts, type CostLine, type PriceTable } from '../../llm/cost.js';
import { budgetExceeded, logRoute, route, type RouteDecision } from '../router/route.js';
import { toCitation, type LabelledChunk } from './crm-data.js';
import { buildDraftPrompt, SIGNATURE_PLACEHOLDER, type PromptOptions } from './prompt.js';
import { templateDraft } from './template.js';
import type { DraftInput, DraftResult } from './types.js';

export interface DraftDeps {
  /** The large model; null when none is configured. */
  llm: LlmClient | null;
  budget: BudgetState;
  localOnly?: boolean;
  /** False while the LLM is known to be down. */
  largeAvailable?: boolean;
  prices?: PriceTable;
  logger?: Logger;
  prompt?: PromptOptions;
}

/**
 * A draft email for a rep to review: from the large model when the router allows it, otherwise (or when
 * the model's answer is unusable or the provider fails) from the deterministic template drafter. A
 * fallback is never silent: it is logged with its error code and returned in `fallback`.
 */
export async function draftEmail(input: DraftInput, deps: DraftDeps): Promise<DraftResult> {
  const logger = deps.logger ?? silentLogger();
  const prompt = buildDraftPrompt(input, deps.prompt);
  const decision = route(
    { task: 'draft_email', inputTokens: estimateMessageTokens(prompt.messages) },
    {
      budget: deps.budget,
      largeModel: deps.llm?.model ?? null,
      largeAvailable: deps.largeAvailable,
      smallModels: {},
      localOnly: deps.localOnly ?? false,
      prices: deps.prices,
    },
  );
  logRoute(logger, decision, { tenantId: input.tenantId, draftKind: input.kind });
  if (decision.tier === null) throw budgetExceeded(decision, deps.budget);

  const costs: CostLine[] = [];
  if (decision.tier === 'large' && deps.llm) {
    try {
      const c = await deps.llm.complete({
        schema: taskSchema('draft_email'),
        messages: prompt.messages,
        maxOutputTokens: decision.maxOutputTokens,
      });
      costs.push(recordCost({ model: c.model, tier: 'large', ...c.usage }, deps.prices));
      const checked = checkDraft(c.value, prompt.chunks, c.raw, c.model, input.sender?.name ?? null);
      return {
        kind: input.kind,
        ...checked,
        model: c.model,
        tier: 'large',
        generator: 'llm',
        ...totals(costs),
        costs,
        route: decision,
        fallback: null,
      };
    } catch (e) {
      if (!isCloseloopError(e)) throw e;
      const raw = e instanceof LlmOutputError ? e.raw : null;
      if (e instanceof LlmOutputError && e.usage && costs.length === 0)
        costs.push(recordCost({ model: e.model, tier: 'large', ...e.usage }, deps.prices));
      logger.warn(
        { tenantId: input.tenantId, task: 'draft_email', code: e.code, providerRequestId: e.providerRequestId },
        'model draft failed; using the template drafter',
      );
      return fromTemplate(input, decision, costs, { code: e.code, message: e.message, raw });
    }
  }
  return fromTemplate(input, decision, costs, null);
}

function fromTemplate(
  input: DraftInput,
  decision: RouteDecision,
  costs: CostLine[],
  fallback: DraftResult['fallback'],
): DraftResult {
  const t = templateDraft(input);
  const all = [...costs, recordCost({ model: t.model, tier: 'rules', inputTokens: 0, outputTokens: 0 })];
  return {
    kind: input.kind,
    subject: t.subject,
    body: t.body,
    citations: t.citations,
    model: t.model,
    tier: 'rules',
    generator: 'template',
    ...totals(all),
    costs: all,
    route: decision,
    fallback,
  };
}

const totals = (costs: CostLine[]) => {
  const s = sumCosts(costs);
  return { usage: { inputTokens: s.inputTokens, outputTokens: s.outputTokens }, costUsd: s.usd };
};

/**
 * The model's draft against the prompt it was given: every claim cites at least one chunk, every cited
 * id is one the prompt carried (an invented id is an ungrounded claim), and no ids leak into the email.
 */
function checkDraft(
  v: TaskOutput<'draft_email'>,
  chunks: LabelledChunk[],
  raw: string,
  model: string,
  sender: string | null,
) {
  const byLabel = new Map(chunks.map((c) => [c.label, c]));
  const invalid = (why: string) => new LlmOutputError('MODEL_OUTPUT_INVALID', `draft_email: ${why}`, raw, null, model);
  const uncited = v.claims.find((c) => c.citations.length === 0);
  if (uncited) throw invalid(`claim without citation: "${uncited.text.slice(0, 80)}"`);
  const labels = [...new Set([...v.citations, ...v.claims.flatMap((c) => c.citations)])];
  const unknown = labels.filter((l) => !byLabel.has(l));
  if (unknown.length) throw invalid(`cites ids the prompt did not carry: ${unknown.join(', ')}`);
  const strip = (s: string) => s.replace(/\s*\[(c\d+)(\s*,\s*c\d+)*\]/g, '');
  const body = signDraft(strip(v.body).trim(), sender);
  const citations = labels
    .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)))
    .map((l) => toCitation(byLabel.get(l)!));
  return { subject: strip(v.subject).trim(), body, citations };
}

/**
 * The model ends its draft with the signature placeholder: it becomes the sender's name (or goes, with no sender).
 * No other `{{...}}` may reach a rep's outbox: any left over is an unusable draft.
 */
export function signDraft(body: string, sender: string | null): string {
  const signed = body.includes(SIGNATURE_PLACEHOLDER)
    ? body
        .split(SIGNATURE_PLACEHOLDER)
        .join(sender ?? '')
        .replace(/[ \t]+$/gm, '')
        .replace(/\n{3,}/g, '\n\n')
        .trim()
    : sender && !body.includes(sender)
      ? `${body}\n\n${sender}`
      : body;
  if (/\{\{[^}]*\}\}/.test(signed))
    throw new LlmOutputError(
      'MODEL_OUTPUT_INVALID',
      'draft_email: template placeholder left in the body',
      signed,
      null,
      'draft',
    );
  return signed;
}

/** The write-back payload for a draft (addressed to the input's contact, owned by the deal owner). */
export function toDraftEmailPayload(result: DraftResult, input: DraftInput): DraftEmailPayload {
  return {
    subject: result.subject,
    body: result.body,
    toContactIds: [input.contact.externalId],
    ownerId: input.ownerId,
  };
}
