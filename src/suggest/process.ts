import type { Contact } from '../core/canonical.js';
import type { Suggestion } from '../core/suggestion.js';
import { BudgetExceededError } from '../inference/router/budget.js';
import { sumCosts, type CostLine } from '../llm/cost.js';
import { decideSuppression, SUPPRESSION_WINDOW_DAYS } from '../feedback/suppression.js';
import type { ConnectionRow, SuggestionStatus } from '../store/index.js';
import { DRAFT_NOTE_MARKER, explanationLines, renderDraftBody, renderTaskBody, type RenderNotes } from '../writeback/render.js';
import { gateFactsFor, gatePrecheck, type GateFacts } from './gate.js';
import { describeProblems, gateWrite, neutraliseQuote, steeringIn, type GateProblem } from '../guardrails/output-gate.js';
import { INSTRUCTION_LABEL } from '../guardrails/text/instructions.js';
import type { SealedWrite } from '../core/gated-write.js';
import type { GuardrailContext } from '../guardrails/context.js';
import { chargeBudget, loadBudget } from './budget.js';
import { buildContext, type SuggestionFacts } from './context.js';
import type { AnalyzeDeps } from './deps.js';
import { DRAFT_KIND_OF, draftInputFor, makeDraft, withoutOffendingElements, withRepairRequest, type Drafted } from './drafting.js';
import { usefulnessWeights } from './scorer.js';
import { withPrivacy, type PrivateLlmClient } from '../privacy/with-privacy.js';

const DAY = 86_400_000;

export interface Processed { suggestion: Suggestion; status: SuggestionStatus }

/** The suggestion with this draft attached, and the draft's origin in its explanation. */
function withDraft(s: Suggestion, d: Drafted): Suggestion {
  const how = d.result.generator === 'template'
    ? `draft by ${d.result.model} (template drafter${d.result.fallback ? `, model failed: ${d.result.fallback.code}` : ', no model configured or allowed'})`
    : `draft by ${d.result.model} (large tier, $${d.result.costUsd})`;
  const factors = [...s.explanation.factors.filter((f) => !f.name.startsWith('draft by ')), { name: how, direction: '+' as const, weight: 0 }];
  return { ...s, draft: d.payload, explanation: { ...s.explanation, factors } };
}

/**
 * One suggestion through the loop: the rep's feedback (suppression, before the daily cap), the tenant's
 * per-type re-weighting, its draft email, the rules — and, when only the draft broke them, one repair — then
 * the suggestion with every verdict, and (only if it passed) its outbox rows and jobs, in one transaction.
 * Nothing that failed the rules is written back: a draft still failing after its repair goes to review.
 */
export async function processSuggestion(deps: AnalyzeDeps, conn: ConnectionRow, proposed: Suggestion, facts: SuggestionFacts, receivedAt: number | null): Promise<Processed | null> {
  if (await deps.store.suggestions.exists(conn.id, proposed.dedupeKey)) return null;
  const now = deps.now();
  let s: Suggestion = structuredClone(proposed);
  const notes: RenderNotes = {};
  const costs: CostLine[] = [];
  const log = { connectionId: conn.id, suggestionId: s.id, type: s.type };

  // 1. Types this rep keeps ignoring are thinned out before the daily cap sees them.
  const history = await deps.store.feedback.repTypeHistory(conn.id, s.ownerId, s.type, new Date(now - SUPPRESSION_WINDOW_DAYS * DAY));
  const sup = decideSuppression(s.type, history);
  if (sup.note) s.explanation.factors.push({ name: `rep feedback: ${sup.note}`, direction: '-', weight: sup.factor });
  if (!sup.show) {
    const ok = await deps.store.suggestions.insert(s, 'suppressed', [], null, { suppressed: { factor: sup.factor, showEvery: sup.showEvery, history, note: sup.note } });
    if (ok) {
      deps.metrics.suggestions.inc({ status: 'suppressed', type: s.type });
      deps.logger.info({ ...log, factor: sup.factor, history }, 'suggestion suppressed by rep feedback');
    }
    return ok ? { suggestion: s, status: 'suppressed' } : null;
  }
  notes.suppression = sup.note;

  // 2. Tenant-wide usefulness of the type, learnt from outcomes (src/feedback/retrain.ts).
  const usefulness = (await usefulnessWeights(deps.store, s.tenantId))[s.type];
  if (usefulness && Math.abs(usefulness.weight - 1) > 1e-3) {
    s.explanation.confidence = Math.round(Math.min(1, Math.max(0, s.explanation.confidence * usefulness.weight)) * 1000) / 1000;
    s.explanation.factors.push({ name: `tenant usefulness of ${s.type}: ${usefulness.accepted} acted on, ${usefulness.ignored} ignored`, direction: usefulness.weight >= 1 ? '+' : '-', weight: usefulness.weight });
  }

  // Provenance: the customer's words appear only as labelled quotes, with instructions withheld.
  const gf: GateFacts = await gateFactsFor(deps, conn.id, s, facts, now);
  s.evidence = s.evidence.map((e) => ({ ...e, quote: neutraliseQuote(e.quote, gf) }));
  const evaluate = async (x: Suggestion, c: GuardrailContext) => gatePrecheck(await deps.guardrails.evaluate(x, c), x, gf);

  // 3. The draft email, when the type has one and a contact with an email address exists.
  let drafted: Drafted | null = null;
  const kind = DRAFT_KIND_OF[s.type];
  let budget = await loadBudget(deps, s.tenantId, now);
  let privateLlm: PrivateLlmClient | null = null;
  if (kind) {
    const contacts = await deps.store.records.getMany<Contact>(conn.id, 'contact', s.contactIds);
    const input = draftInputFor(s, kind, { deal: facts.deal, companyName: facts.company?.name ?? null, contacts, activities: facts.activities });
    if (input) {
      // Every call to an external model goes through the privacy wrapper: CRM people, emails, phones, cards
      // and IBANs become placeholders before the call and are restored after it; each call is audited, masked.
      // Provenance: a thread (or a name or title) that speaks to an assistant gets closeloop's own draft, not a model's.
      const steering = steeringIn(gf);
      if (steering.length && deps.llm) {
        s.explanation.factors.push({ name: `model not asked: the customer's text ${INSTRUCTION_LABEL[steering[0]!.kind]}`, direction: '-', weight: 0 });
        deps.logger.warn({ ...log, kinds: [...new Set(steering.map((f) => f.kind))] }, 'instructions in untrusted text; template draft instead of the model');
      }
      privateLlm = deps.llm && !steering.length ? withPrivacy(deps.llm, {
        knownPeople: contacts.map((c) => ({ firstName: c.firstName, lastName: c.lastName })),
        audit: { sink: deps.store.audit, tenantId: s.tenantId, connectionId: conn.id, suggestionId: s.id, records: input.chunks.map((c) => ({ kind: c.source.kind, externalId: c.source.recordId })) },
        prices: deps.prices, logger: deps.logger,
      }) : null;
      try {
        drafted = await makeDraft(deps, input, budget, privateLlm);
      } catch (e) {
        if (!(e instanceof BudgetExceededError)) throw e;
        deps.logger.warn({ ...log, code: e.code }, 'no draft: budget exhausted');
      }
    }
  }
  if (drafted) { s = withDraft(s, drafted); costs.push(...drafted.result.costs); }

  // 4. The rules; a draft that alone breaks them is repaired once.
  const { ctx } = await buildContext(deps, conn.id, s, facts, now);
  let result = await evaluate(s, ctx);
  let repair: Record<string, unknown> | null = null;
  if (!result.allowed && drafted && s.draft) {
    const bare = await evaluate({ ...s, draft: null }, ctx);
    if (bare.allowed) {
      const failed = result.verdicts.filter((v) => !v.passed);
      for (const c of drafted.result.costs) budget = { ...budget, usdUsed: budget.usdUsed + (c.tier === 'large' ? c.usd : 0) };
      const again = drafted.result.generator === 'llm' && privateLlm
        ? await makeDraft(deps, drafted.input, budget, withRepairRequest(privateLlm, drafted.payload, result.verdicts))
        : await makeDraft(deps, withoutOffendingElements(drafted.input, result.verdicts), budget, null);
      costs.push(...again.result.costs);
      const first = { subject: s.draft.subject, body: s.draft.body, model: drafted.result.model };
      s = withDraft(s, again);
      result = await evaluate(s, (await buildContext(deps, conn.id, s, facts, now)).ctx);
      repair = { repaired: result.allowed, firstFailed: failed, firstDraft: first, secondGenerator: again.result.generator };
      notes.repairedFrom = failed.map((v) => v.rule);
      drafted = again;
      deps.logger.info({ ...log, firstFailed: failed.map((v) => v.rule), repaired: result.allowed }, 'draft repaired once');
    }
  }
  // 5. The output gate sees every write exactly as it will be queued; what it refuses goes to review.
  const writes: { key: string; write: SealedWrite }[] = [];
  if (result.allowed) {
    const own = [...explanationLines(s, result.verdicts, notes), 'Evidence:', 'Suggested by closeloop — review before acting.', `${DRAFT_NOTE_MARKER} (for you, delete before sending) --`];
    const quotes = s.evidence.map((e) => e.quote);
    const refused: GateProblem[] = [];
    const pass = (key: string, action: SealedWrite['action'], payload: Record<string, unknown>) => {
      const g = gateWrite({ action, payload, own, quotes }, gf);
      if (g.ok) writes.push({ key, write: g.write });
      else refused.push(...g.problems);
    };
    if (s.task) pass(`wb-${s.id}`, 'create_task', { ...s.task, body: renderTaskBody(s, result.verdicts, notes), dealId: s.dealId, contactIds: s.contactIds, companyId: s.companyId });
    if (s.draft && drafted) {
      pass(`wb-${s.id}-draft`, 'create_draft_email', {
        ...s.draft, body: renderDraftBody(s, result.verdicts, notes), dealId: s.dealId, companyId: s.companyId,
        draftText: { subject: s.draft.subject, body: s.draft.body, model: drafted.result.model, generator: drafted.result.generator, fallback: drafted.result.fallback?.code ?? null },
      });
    }
    if (refused.length) {
      writes.length = 0;
      result = { allowed: false, outcome: 'review', verdicts: [...result.verdicts.filter((v) => v.rule !== 'output-gate'), { rule: 'output-gate', passed: false, message: describeProblems(refused).join('; ') }] };
      deps.logger.warn({ ...log, problems: describeProblems(refused) }, 'output gate refused the write-back; held for review');
    }
  }
  // A draft that still fails after its one repair is held for a person, with the reasons, never written.
  const status: SuggestionStatus = result.allowed ? 'allowed' : repair ? 'review' : result.outcome === 'review' ? 'review' : 'blocked';
  if (!result.allowed) repair = { ...(repair ?? {}), reasons: result.verdicts.filter((v) => !v.passed).map((v) => `${v.rule}: ${v.message ?? ''}`) };
  s.explanation.costUsd = sumCosts(costs).usd;
  // The audit copies of this suggestion's model calls get the rule verdicts they led to.
  if (privateLlm?.auditIds.length) await deps.store.audit.setOutcome(privateLlm.auditIds, { suggestionId: s.id, verdicts: result.verdicts });

  // 6. Store, and queue the writes only if it passed; charge the budget in the same transaction.
  const inserted = await deps.store.tx(async (r, tx) => {
    const ok = await r.suggestions.insert(s, status, result.verdicts, ctx, repair);
    if (!ok) return false;
    await chargeBudget(r, s.tenantId, costs, now, deps.budgetLimits);
    if (!result.allowed) return true;
    for (const w of writes) {
      const id = await r.outbox.enqueue({ suggestionId: s.id, connectionId: conn.id, idempotencyKey: w.key, write: w.write });
      if (id) await deps.queue.sendInTx(tx, 'writeback', { outboxId: id, receivedAt });
    }
    return true;
  });
  if (!inserted) return null;
  deps.metrics.suggestions.inc({ status, type: s.type });
  deps.logger.info({ ...log, status, model: s.explanation.model, costUsd: s.explanation.costUsd, failed: result.verdicts.filter((v) => !v.passed).map((v) => v.rule) }, 'suggestion checked');
  return { suggestion: s, status };
}
