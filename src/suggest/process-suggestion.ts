import { workingDue } from '../lib/dates.js';
import type { Activity, Contact } from '../core/canonical.js';
import type { RuleVerdict, Suggestion } from '../core/suggestion.js';
import { BudgetExceededError } from '../inference/router/budget.js';
import { sumCosts, type CostLine } from '../llm/cost.js';
import { decideSuppression, SUPPRESSION_WINDOW_DAYS } from '../feedback/suppression.js';
import type { ConnectionRow, SuggestionStatus } from '../store/index.js';
import {
  ownLines,
  renderDraftBody,
  renderTaskBody,
  renderTaskSubject,
  renderTaskRetimeBlock,
  renderTaskUpdateBlock,
  type RenderFacts,
  type RenderNotes,
} from './render.js';
import { gateFactsFor, gatePrecheck, modelReads, type GateFacts } from './gate.js';
import {
  describeProblems,
  gateWrite,
  neutraliseQuote,
  steeringIn,
  unreadIn,
  type GateProblem,
} from '../guardrails/output-gate.js';
import { INSTRUCTION_LABEL } from '../guardrails/text/instructions.js';
import type { SealedWrite, WriteAction } from '../core/gated-write.js';
import type { GuardrailContext } from '../guardrails/context.js';
import { stableId } from '../lib/ids.js';
import { draftTextOf } from './follow-draft.js';
import type { Queryable, Repos, SuggestionRow } from '../store/index.js';
import { editedEvidence, evidenceKey, mergeInto, newEvidence, situationKeyOf } from './situation.js';
import { chargeBudget, loadBudget } from './budget.js';
import { buildContext, type SuggestionFacts } from './context.js';
import type { AnalyzeDeps } from './analyze-deps.js';
import {
  addressDraft,
  colleagueOf,
  fromStranger,
  DRAFT_KIND_OF,
  draftInputFor,
  makeDraft,
  withoutOffendingElements,
  withRepairRequest,
  type Drafted,
} from './drafting.js';
import { usefulnessWeights } from './scorer.js';
import { withRouteStep } from '../inference/router/steps.js';
import { withPrivacy, type PrivateLlmClient } from '../privacy/with-privacy.js';
import { inSpan } from '../lib/tracing.js';
import { awayOf, sendersAmong } from '../inference/deal-suggestions.js';
import { replyLanguageOf } from '../inference/drafting/language.js';
import { signalText } from '../inference/signals/email-text.js';
import { contactName } from '../inference/drafting/salutation.js';

const DAY = 86_400_000;

export interface Processed {
  suggestion: Suggestion;
  status: SuggestionStatus;
}

/** The suggestion with this draft attached, and the draft's origin, route, cost and latency in its explanation. */
function withDraft(s: Suggestion, d: Drafted): Suggestion {
  const how =
    d.result.generator === 'template'
      ? `draft by ${d.result.model} (template drafter${d.result.fallback ? `, model failed: ${d.result.fallback.code}` : ', no model configured or allowed'})`
      : `draft by ${d.result.model} (large tier, $${d.result.costUsd})`;
  const factors = [
    ...s.explanation.factors.filter((f) => !f.name.startsWith('draft by ')),
    { name: how, direction: '+' as const, weight: 0 },
  ];
  const reason =
    d.result.generator === 'template'
      ? d.result.fallback
        ? `large model failed (${d.result.fallback.code}); template`
        : d.result.route.reason
      : d.result.route.reason;
  const step = {
    task: 'draft_email',
    tier: d.result.tier,
    model: d.result.model,
    reason,
    costUsd: d.result.costUsd,
    latencyMs: d.latencyMs ?? 0,
  };
  return { ...s, draft: d.payload, explanation: withRouteStep({ ...s.explanation, factors }, step) };
}

/**
 * One suggestion through the loop: the rep's feedback (suppression, before the daily cap), the tenant's
 * per-type re-weighting, its draft email, the rules — and, when only the draft broke them, one repair — then
 * the suggestion with every verdict, and (only if it passed) its outbox rows and jobs, in one transaction.
 * Nothing that failed the rules is written back: a draft still failing after its repair goes to review.
 */
export function processSuggestion(
  deps: AnalyzeDeps,
  conn: ConnectionRow,
  proposed: Suggestion,
  facts: SuggestionFacts,
  receivedAt: number | null,
): Promise<Processed | null> {
  // One span per suggestion (src/lib/tracing.ts): its write-back jobs, queued inside, continue this trace.
  return inSpan(
    'suggestion',
    {
      'closeloop.connection_id': conn.id,
      'closeloop.suggestion.type': proposed.type,
      'closeloop.suggestion.id': proposed.id,
    },
    async (span) => {
      const done = await processSuggestionNow(deps, conn, proposed, facts, receivedAt);
      span.setAttribute('closeloop.suggestion.status', done?.status ?? 'unchanged');
      return done;
    },
  );
}

async function processSuggestionNow(
  deps: AnalyzeDeps,
  conn: ConnectionRow,
  proposed: Suggestion,
  facts: SuggestionFacts,
  receivedAt: number | null,
  /** Made again once because another deal's draft answered the same email meanwhile. */
  redone = false,
): Promise<Processed | null> {
  const situation = situationKeyOf(proposed);
  // 0. One live suggestion per situation: a new signal updates it (evidence appended), never a second task.
  const live = await deps.store.suggestions.live(proposed.tenantId, situation);
  if (live) return updateLive(deps, conn, live, proposed, facts, receivedAt);
  // A deal the rep marked followed up (the nudge completed) but that stayed quiet a whole period since is stale again:
  // nothing logged says the follow-up happened, so the rep is nudged once more rather than never.
  if (proposed.type === 'stale_deal_follow_up')
    await deps.store.suggestions.reopenCompletedBefore(
      proposed.tenantId,
      situation,
      new Date(deps.now() - deps.staleDealDays * DAY),
    );
  // Signals already dealt with (resolved, done by the rep, dismissed) do not reopen the situation; a new one does,
  // and so does the same one once a withdrawal's cause is undone (the deal reopened, the contact restored).
  const closed = await deps.store.suggestions.closedEvidence(proposed.tenantId, situation);
  if (proposed.evidence.length > 0 && proposed.evidence.every((e) => closed.has(evidenceKey(e)))) return null;
  const dedupeKey = await deps.store.suggestions.freeDedupeKey(
    conn.id,
    `${situation}#${proposed.evidence.map(evidenceKey).sort().join(',')}`,
  );
  if (!dedupeKey) return null;
  const now = deps.now();
  let s: Suggestion = { ...structuredClone(proposed), dedupeKey, id: stableId('sug', conn.id, dedupeKey) };
  const notes: RenderNotes = {};
  const costs: CostLine[] = [];
  const log = { connectionId: conn.id, suggestionId: s.id, type: s.type };
  const rf = await renderFactsFor(deps, conn, s, facts, now);
  facts = {
    ...withGrounding(facts, rf),
    ownerActive: rf.owner ? rf.owner.active : null,
    ownerTimeZone: rf.owner?.timeZone ?? null,
  };
  if (s.task) s.task = { ...s.task, ownerId: rf.owner?.active ? rf.owner.id : rf.owner ? null : s.task.ownerId };
  // The analysis could not learn the owner's time zone (its lookup failed or timed out) and this one did: the due time
  // moves into the owner's working day here, so a slow CRM answer does not leave a task due at 03:00 their time.
  const zone = rf.owner?.timeZone;
  if (s.task && !s.task.timeZone && zone)
    s.task = { ...s.task, dueAt: workingDue(Date.parse(s.task.dueAt), 0, zone), timeZone: zone };

  // 1. Types this rep keeps ignoring are thinned out before the daily cap sees them.
  const history = await deps.store.feedback.repTypeHistory(
    conn.id,
    s.ownerId,
    s.type,
    new Date(now - SUPPRESSION_WINDOW_DAYS * DAY),
  );
  const sup = decideSuppression(s.type, history);
  if (sup.note) s.explanation.factors.push({ name: `rep feedback: ${sup.note}`, direction: '-', weight: sup.factor });
  if (!sup.show) {
    const ok = await deps.store.suggestions.insert(
      s,
      'suppressed',
      [],
      null,
      { suppressed: { factor: sup.factor, showEvery: sup.showEvery, history, note: sup.note } },
      situation,
    );
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
    s.explanation.confidence =
      Math.round(Math.min(1, Math.max(0, s.explanation.confidence * usefulness.weight)) * 1000) / 1000;
    s.explanation.factors.push({
      name: `tenant usefulness of ${s.type}: ${usefulness.accepted} acted on, ${usefulness.ignored} ignored`,
      direction: usefulness.weight >= 1 ? '+' : '-',
      weight: usefulness.weight,
    });
  }

  // Provenance: the customer's words appear only as labelled quotes, with instructions withheld.
  const gf: GateFacts = await gateFactsFor(deps, conn.id, s, facts, now);
  s.evidence = s.evidence.map((e) => ({ ...e, quote: neutraliseQuote(e.quote, gf) }));
  // The rules judge the text as rendered before any verdict exists; closeloop's own lines in it (the model's versioned
  // name, the structure) are its wording, not claims.
  const evaluate = async (x: Suggestion, c: GuardrailContext, opts?: { probe?: boolean }) => {
    const own = ownLines(x, [], notes);
    return gatePrecheck(await deps.guardrails.evaluate(x, { ...c, ownLines: own }, opts), x, gf, own);
  };

  // 3. The draft email, when the type has one and a contact with an email address exists.
  let drafted: Drafted | null = null;
  const kind = DRAFT_KIND_OF[s.type];
  let budget = await loadBudget(deps, s.tenantId, now);
  let privateLlm: PrivateLlmClient | null = null;
  if (kind) {
    // The deal's contacts and those on the quoted messages: whoever wrote the message answered may be only there (a
    // Salesforce Lead or a Contact outside the opportunity's contact roles).
    const onQuoted = s.evidence.flatMap(
      (e) => facts.activities.find((a) => a.externalId === e.externalId)?.associations.contacts ?? [],
    );
    const contacts = await deps.store.records.getMany<Contact>(conn.id, 'contact', [
      ...new Set([...s.contactIds, ...onQuoted]),
    ]);
    const draftFacts = {
      deal: facts.deal,
      companyName: facts.company?.name ?? null,
      contacts,
      activities: facts.activities,
      sender: rf.owner?.active ? { name: rf.owner.name, email: rf.ownerEmail } : null,
    };
    let input = draftInputFor(s, kind, draftFacts);
    // One reply per message: an email logged on two deals gets its draft once (the first deal's), never two emails to
    // the same person about the same words.
    const answering = input?.lastInteraction?.kind === 'email' ? input.lastInteraction.externalId : null;
    const onDeals = facts.activities.find((a) => a.externalId === answering)?.associations.deals ?? [];
    if (input && answering && (await deps.store.suggestions.liveDraftReplyingTo(conn.id, answering, s.id, onDeals))) {
      deps.logger.info({ ...log, inReplyTo: answering }, 'no draft: a live draft already answers this email');
      input = null;
    }
    if (input) {
      // Every call to an external model goes through the privacy wrapper: CRM people, emails, phones, cards
      // and IBANs become placeholders before the call and are restored after it; each call is audited, masked.
      // Provenance: a thread (or a name or title) that speaks to an assistant gets closeloop's own draft, not a
      // model's.
      // The checks read what the model would: the thread, and every context item of the prompt (the latest customer
      // emails, which a run of newer activities that are no customer touch, such as auto-replies, can push out of the
      // thread's window).
      const read = modelReads(gf, input);
      const steering = steeringIn(read);
      // A thread in a language (or script) the instruction checks do not read cannot be vetted for instructions either.
      const unread = !steering.length && unreadIn(read);
      if (steering.length && deps.llm) {
        s.explanation.factors.push({
          name: `model not asked: the customer's text ${INSTRUCTION_LABEL[steering[0]!.kind]}`,
          direction: '-',
          weight: 0,
        });
        deps.logger.warn(
          { ...log, kinds: [...new Set(steering.map((f) => f.kind))] },
          'instructions in untrusted text; template draft instead of the model',
        );
      } else if (unread && deps.llm) {
        s.explanation.factors.push({
          name: "model not asked: the customer's text is in a language closeloop cannot check for instructions",
          direction: '-',
          weight: 0,
        });
        deps.logger.info(
          { ...log },
          'untrusted text in a language the instruction checks do not read; template draft instead of the model',
        );
      }
      privateLlm =
        deps.llm && !steering.length && !unread
          ? withPrivacy(deps.llm, {
              knownPeople: contacts.map((c) => ({ firstName: c.firstName, lastName: c.lastName })),
              audit: {
                sink: deps.store.audit,
                tenantId: s.tenantId,
                connectionId: conn.id,
                suggestionId: s.id,
                records: input.chunks.map((c) => ({ kind: c.source.kind, externalId: c.source.recordId })),
              },
              prices: deps.prices,
              logger: deps.logger,
            })
          : null;
      try {
        drafted = await makeDraft(deps, input, budget, privateLlm);
        drafted = {
          ...drafted,
          payload: {
            ...addressDraft(drafted.payload, s, draftFacts),
            ownerId: s.task ? s.task.ownerId : drafted.payload.ownerId,
          },
        };
      } catch (e) {
        if (!(e instanceof BudgetExceededError)) throw e;
        deps.logger.warn({ ...log, code: e.code }, 'no draft: budget exhausted');
      }
    }
  }
  if (drafted) {
    s = withDraft(s, drafted);
    costs.push(...drafted.result.costs);
  }

  // 4. The rules judge what the rep will read; a draft that alone breaks them is repaired once.
  notes.draftLanguage = templateLanguage(drafted, facts.activities);
  s = rendered(s, rf, [], notes);
  const { ctx } = await buildContext(deps, conn.id, s, facts, now);
  let result = await evaluate(s, ctx);
  let repair: Record<string, unknown> | null = null;
  if (!result.allowed && drafted && s.draft) {
    const bare = await evaluate({ ...s, draft: null }, ctx, { probe: true });
    if (bare.allowed) {
      const failed = result.verdicts.filter((v) => !v.passed);
      for (const c of drafted.result.costs)
        budget = { ...budget, usdUsed: budget.usdUsed + (c.tier === 'large' ? c.usd : 0) };
      const again =
        drafted.result.generator === 'llm' && privateLlm
          ? await makeDraft(
              deps,
              drafted.input,
              budget,
              withRepairRequest(privateLlm, drafted.payload, result.verdicts),
            )
          : await makeDraft(deps, withoutOffendingElements(drafted.input, result.verdicts), budget, null);
      costs.push(...again.result.costs);
      const first = { subject: s.draft.subject, body: s.draft.body, model: drafted.result.model };
      notes.draftLanguage = templateLanguage(again, facts.activities);
      s = rendered(
        withDraft(s, {
          ...again,
          payload: {
            ...again.payload,
            ownerId: drafted.payload.ownerId,
            inReplyTo: drafted.payload.inReplyTo,
            to: drafted.payload.to,
            from: drafted.payload.from,
          },
        }),
        rf,
        [],
        notes,
      );
      result = await evaluate(s, (await buildContext(deps, conn.id, s, facts, now)).ctx);
      repair = {
        repaired: result.allowed,
        firstFailed: failed,
        firstDraft: first,
        secondGenerator: again.result.generator,
      };
      notes.repairedFrom = failed.map((v) => v.rule);
      drafted = again;
      deps.logger.info(
        { ...log, firstFailed: failed.map((v) => v.rule), repaired: result.allowed },
        'draft repaired once',
      );
    }
  }
  // 5. The output gate sees every write exactly as it will be queued (the text the rep reads, rendered with the final
  // verdicts); what it refuses goes to review.
  let writes: GatedWrite[] = [];
  if (result.allowed) {
    s = rendered(s, rf, result.verdicts, notes);
    const g = gateAll(
      createWrites(
        s,
        drafted
          ? {
              model: drafted.result.model,
              generator: drafted.result.generator,
              fallback: drafted.result.fallback?.code ?? null,
            }
          : null,
      ),
      s,
      result.verdicts,
      notes,
      gf,
    );
    writes = g.writes;
    if (g.refused.length) {
      result = {
        allowed: false,
        outcome: 'review',
        verdicts: [
          ...result.verdicts.filter((v) => v.rule !== 'output-gate'),
          { rule: 'output-gate', passed: false, message: describeProblems(g.refused).join('; ') },
        ],
      };
      deps.logger.warn(
        { ...log, problems: describeProblems(g.refused) },
        'output gate refused the write-back; held for review',
      );
    }
  }
  // A newer draft replaces an older one of the same situation that is still unsent (its task was done, the concern
  // came back): the older one is withdrawn, so the rep never has two emails for one situation.
  if (result.allowed && s.draft) {
    for (const old of await deps.store.suggestions.closedWithOpenDraft(s.tenantId, situation, s.id)) {
      const planned = [
        {
          key: `wb-${old.id}-withdraw`,
          action: 'withdraw_draft' as const,
          payload: {
            reason: 'a newer draft for the same situation replaces it',
            // What closeloop last wrote: a draft the rep edited is left as they wrote it.
            ...(old.payload.draft ? { previous: draftTextOf(old.payload.draft) } : {}),
          },
        },
      ];
      const g = gateAll(planned, old.payload, old.verdicts, {}, gf);
      writes = [...writes, ...g.writes.map((w) => ({ ...w, suggestionId: old.id }))];
    }
  }
  // A draft that still fails after its one repair is held for a person, with the reasons, never written.
  const status: SuggestionStatus = result.allowed
    ? 'allowed'
    : repair
      ? 'review'
      : result.outcome === 'review'
        ? 'review'
        : 'blocked';
  // Held back only by how many suggestions the rep already has today (it passes with none): not stored, so it is not
  // "dealt with"; the next analysis of the deal (at the latest the daily scan, biggest deals first) proposes it again.
  if (status === 'blocked' && (await evaluate(s, { ...ctx, repSuggestionsToday: 0 }, { probe: true })).allowed) {
    if (costs.length) await deps.store.tx((r) => chargeBudget(r, s.tenantId, costs, now, deps.budgetLimits));
    deps.metrics.suggestions.inc({ status: 'deferred', type: s.type });
    deps.logger.info(
      { ...log, failed: result.verdicts.filter((v) => !v.passed).map((v) => v.rule) },
      "deferred: the rep's daily cap is reached; proposed again on the next analysis",
    );
    return null;
  }
  if (!result.allowed)
    repair = {
      ...(repair ?? {}),
      reasons: result.verdicts.filter((v) => !v.passed).map((v) => `${v.rule}: ${v.message ?? ''}`),
    };
  s.explanation.costUsd = sumCosts(costs).usd;
  // The audit copies of this suggestion's model calls get the rule verdicts they led to.
  if (privateLlm?.auditIds.length)
    await deps.store.audit.setOutcome(privateLlm.auditIds, { suggestionId: s.id, verdicts: result.verdicts });

  // 6. Store, and queue the writes only if it passed; charge the budget in the same transaction.
  s = rendered(s, rf, result.verdicts, notes);
  const replyTo = result.allowed && s.draft?.inReplyTo?.kind === 'email' ? s.draft.inReplyTo.externalId : null;
  const inserted = await deps.store.tx(async (r, tx) => {
    if (replyTo) {
      // Two deals analysed side by side must not both answer one email: one insert at a time per email, and the
      // second finds the first (its draft is then made again without the reply, below).
      const onDeals = facts.activities.find((a) => a.externalId === replyTo)?.associations.deals ?? [];
      if (await r.suggestions.lockedLiveDraftReplyingTo(conn.id, replyTo, s.id, onDeals)) return 'answered' as const;
    }
    const ok = await r.suggestions.insert(
      s,
      status,
      result.verdicts,
      { ...ctx, ownLines: ownLines(s, result.verdicts, notes) },
      repair,
      situation,
    );
    if (!ok) return false;
    await chargeBudget(r, s.tenantId, costs, now, deps.budgetLimits);
    if (!result.allowed) return true;
    for (const w of writes) {
      const id = await r.outbox.enqueue({
        suggestionId: w.suggestionId ?? s.id,
        connectionId: conn.id,
        idempotencyKey: w.key,
        write: w.write,
        receivedAt,
      });
      if (id) await deps.queue.sendInTx(tx, 'writeback', { outboxId: id, receivedAt });
    }
    return true;
  });
  if (inserted === 'answered') {
    deps.logger.info(
      { ...log, inReplyTo: replyTo },
      'another deal answered this email a moment ago; again without a draft',
    );
    return redone ? null : processSuggestionNow(deps, conn, proposed, facts, receivedAt, true);
  }
  if (!inserted) {
    // Another worker opened this situation a moment ago: fold this signal into it instead.
    const now2 = await deps.store.suggestions.live(s.tenantId, situation);
    return now2 ? updateLive(deps, conn, now2, proposed, facts, receivedAt) : null;
  }
  deps.metrics.suggestions.inc({ status, type: s.type });
  deps.logger.info(
    {
      ...log,
      status,
      model: s.explanation.model,
      costUsd: s.explanation.costUsd,
      failed: result.verdicts.filter((v) => !v.passed).map((v) => v.rule),
    },
    'suggestion checked',
  );
  return { suggestion: s, status };
}

/** The task subject and body as the rep reads them (rendered from the suggestion and the CRM's own names). */
function rendered(
  s: Suggestion,
  f: RenderFacts,
  verdicts: RuleVerdict[],
  notes: RenderNotes,
  update: { at: number } | null = null,
): Suggestion {
  if (!s.task) return s;
  const facts = { ...f, draftSubject: s.draft?.subject ?? null };
  return {
    ...s,
    task: { ...s.task, subject: renderTaskSubject(s, facts), body: renderTaskBody(s, verdicts, notes, facts, update) },
  };
}

export interface PlannedWrite {
  key: string;
  action: WriteAction;
  payload: Record<string, unknown>;
}
export interface GatedWrite {
  key: string;
  write: SealedWrite;
  /**
   * Another suggestion this write belongs to (an older draft withdrawn by a newer one); this suggestion when absent.
   */
  suggestionId?: string;
}

/** The create writes of a suggestion (task, then draft), exactly as they will be queued. */
export function createWrites(s: Suggestion, draftMeta: Record<string, unknown> | null): PlannedWrite[] {
  const out: PlannedWrite[] = [];
  if (s.task)
    out.push({
      key: `wb-${s.id}`,
      action: 'create_task',
      payload: { ...s.task, dealId: s.dealId, contactIds: s.contactIds, companyId: s.companyId },
    });
  if (s.draft) {
    out.push({
      key: `wb-${s.id}-draft`,
      action: 'create_draft_email',
      payload: {
        ...s.draft,
        body: renderDraftBody(s),
        // The draft answers the same situation as the task: as urgent as it and due with it, in the rep's working day
        // (a HubSpot draft is a task too).
        ...(s.task ? { priority: s.task.priority, dueAt: s.task.dueAt } : {}),
        dealId: s.dealId,
        companyId: s.companyId,
        draftText: {
          subject: s.draft.subject,
          body: s.draft.body,
          model: s.explanation.model,
          generator: 'unknown',
          ...(draftMeta ?? {}),
        },
      },
    });
  }
  return out;
}

/**
 * Every write to the CRM passes the output gate (src/guardrails/output-gate.ts) — creates, updates with new
 * evidence, withdrawals. All or nothing: one refused write holds them all back.
 */
export function gateAll(
  planned: PlannedWrite[],
  s: Suggestion,
  verdicts: RuleVerdict[],
  notes: RenderNotes,
  gf: GateFacts,
): { writes: GatedWrite[]; refused: GateProblem[] } {
  const own = ownLines(s, verdicts, notes);
  const quotes = s.evidence.map((e) => e.quote);
  const writes: GatedWrite[] = [];
  const refused: GateProblem[] = [];
  for (const p of planned) {
    const g = gateWrite({ action: p.action, payload: p.payload, own, quotes }, gf);
    if (g.ok) writes.push({ key: p.key, write: g.write });
    else refused.push(...g.problems);
  }
  return refused.length ? { writes: [], refused } : { writes, refused };
}

/** Gated writes into the outbox with their jobs, in the caller's transaction. */
export async function enqueueGated(
  deps: Pick<AnalyzeDeps, 'queue'>,
  r: Repos,
  tx: Queryable,
  connectionId: string,
  suggestionId: string,
  writes: GatedWrite[],
  receivedAt: number | null,
): Promise<void> {
  for (const w of writes) {
    const id = await r.outbox.enqueue({
      suggestionId,
      connectionId,
      idempotencyKey: w.key,
      write: w.write,
      receivedAt,
    });
    if (id) await deps.queue.sendInTx(tx, 'writeback', { outboxId: id, receivedAt });
  }
}

/** The names the text took from the CRM are grounded facts for the rules. */
const withGrounding = (
  f: SuggestionFacts,
  rf: RenderFacts,
  also: (string | null | undefined)[] = [],
): SuggestionFacts => ({
  ...f,
  grounding: [
    rf.stage?.label,
    rf.stage?.pipeline,
    rf.owner?.name,
    rf.contactName,
    rf.companyName,
    rf.dealName,
    ...also,
  ].filter((x): x is string => Boolean(x)),
});

/** Names, labels and the owner for the text, from the stored records and the CRM (CrmFacts, when wired). */
async function renderFactsFor(
  deps: AnalyzeDeps,
  conn: ConnectionRow,
  s: Suggestion,
  f: SuggestionFacts,
  now: number,
): Promise<RenderFacts & { ownerEmail: string | null }> {
  const ids = [
    ...new Set([
      ...s.evidence.flatMap(
        (e) => f.activities.find((a) => a.externalId === e.externalId)?.associations.contacts ?? [],
      ),
      ...s.contactIds,
    ]),
  ];
  const contacts = await deps.store.records.getMany<Contact>(conn.id, 'contact', ids);
  const owner = deps.crm
    ? await deps.crm.owner(conn, s.ownerId)
    : s.ownerId
      ? { id: s.ownerId, name: '', email: null, active: true }
      : null;
  // The customer the text names: never a colleague of the rep copied on the thread.
  const colleague = colleagueOf(owner?.email ?? null);
  // Whoever wrote the quoted messages first (their sender address is the contact's), then the others on them.
  const quoted = s.evidence.flatMap((e) => f.activities.filter((a) => a.externalId === e.externalId));
  const senders = sendersAmong(quoted, contacts);
  // A customer's email from an address no contact here has: its writer is not one of them, and naming another
  // contact would say they wrote it.
  const unknownWriter = senders.length === 0 && quoted.some((a) => fromStranger(a, contacts, colleague));
  const named = unknownWriter
    ? undefined
    : [...senders.map((c) => c.externalId), ...ids]
        .map((id) => contacts.find((c) => c.externalId === id))
        .find((c) => c && !c.archived && (c.firstName || c.lastName) && !(c.email && colleague(c.email)));
  const stage = deps.crm && f.deal ? await deps.crm.stage(conn, f.deal.providerStage) : null;
  return {
    now,
    dealName: f.deal?.name ?? null,
    dealUrl: f.deal?.url ?? null,
    stage: stage ? { label: stage.label, pipeline: stage.pipelineLabel } : null,
    companyName: f.company?.name ?? null,
    companyUrl: f.company?.url ?? null,
    contactName: named ? contactName(named.firstName, named.lastName) : null,
    owner: owner ? { id: owner.id, name: owner.name, active: owner.active, timeZone: owner.timeZone ?? null } : null,
    ownerEmail: owner?.email ?? null,
    ownerId: s.ownerId,
    draftSubject: null,
  };
}

/**
 * A new signal for a situation that already has a live suggestion: the evidence is appended (priority raised when it
 * repeats), the text re-rendered and checked by the rules again, and the open CRM task updated (one update_task
 * write). Nothing new (a redelivered event, a rescan, a restart): nothing happens.
 */
async function updateLive(
  deps: AnalyzeDeps,
  conn: ConnectionRow,
  live: SuggestionRow,
  proposed: Suggestion,
  facts: SuggestionFacts,
  receivedAt: number | null,
): Promise<Processed | null> {
  // The deal changed hands: the open task goes to the rep who owns the deal now (and new evidence is judged for them).
  const ownerNow = proposed.ownerId ?? live.payload.ownerId;
  const reassigned = ownerNow !== live.payload.ownerId;
  // Nothing new (a redelivered event, a rescan): no store read. A live quote was stored neutralised (a card number
  // masked), so its raw words differ from the proposal's: compared again once the proposal is neutralised too.
  if (
    !reassigned &&
    newEvidence(live.payload.evidence, proposed.evidence).length === 0 &&
    editedEvidence(live.payload.evidence, proposed.evidence).length === 0 &&
    !retimedForAbsence(live.payload, proposed)
  )
    return null;
  // The new quotes as on a first write: card numbers, bank accounts and national ids masked, instructions withheld,
  // ungrounded ways to pay, write or call removed. The rules, the gate and the CRM see only these.
  const now = deps.now();
  const raw = proposed;
  const proposedGf = await gateFactsFor(deps, conn.id, raw, facts, now);
  proposed = {
    ...raw,
    evidence: raw.evidence.map((e) => ({ ...e, quote: neutraliseQuote(e.quote, proposedGf) })),
  };
  const added = newEvidence(live.payload.evidence, proposed.evidence);
  // A quoted message edited in the CRM: its new words replace the old in the task.
  const edited = editedEvidence(live.payload.evidence, proposed.evidence);
  // The customer's auto-reply came after the task was written: it moves to their return, and says why.
  const retimed = retimedForAbsence(live.payload, proposed);
  if (added.length === 0 && !reassigned && edited.length === 0 && !retimed) return null;
  // Held for review and the deal moved on meanwhile: the held text is stale, and a reviewer would approve words that no
  // longer fit. It is closed (a change that can be undone) and the situation goes through the whole loop again as the
  // deal is now: held again with the current text, or written if the rules pass now (the new owner is active).
  if (live.status === 'review') {
    const what = [
      ...(reassigned ? ['the deal was assigned to another rep'] : []),
      ...(added.length > 0 ? ['the customer wrote again on it'] : []),
      ...(edited.length > 0 ? ['the quoted message was edited'] : []),
      ...(retimed ? ["the customer's automatic reply said they are away"] : []),
    ].join(' and ');
    const reason = `While this was held for review, ${what}: it was checked again as the deal is now.`;
    if (await deps.store.suggestions.close(live.id, 'withdrawn', reason, true)) {
      deps.logger.info({ connectionId: conn.id, suggestionId: live.id, type: live.type }, 'held suggestion re-checked');
      return processSuggestionNow(deps, conn, raw, facts, receivedAt);
    }
    return null;
  }
  const base = reassigned ? { ...live.payload, ownerId: ownerNow } : live.payload;
  const rf = await renderFactsFor(deps, conn, base, facts, now);
  // The draft already written stays signed by the rep it was written for (the deal may have changed hands since):
  // that name is the CRM's too.
  const signedBy =
    live.payload.draft?.from?.name ??
    (reassigned ? (await renderFactsFor(deps, conn, live.payload, facts, now)).owner?.name : null);
  facts = {
    ...withGrounding(facts, rf, [signedBy]),
    ownerActive: rf.owner ? rf.owner.active : null,
    ownerTimeZone: rf.owner?.timeZone ?? null,
  };
  // "Updated on …: new evidence below" only when there is new evidence (a handover alone changes the owner).
  const update = added.length > 0 ? { at: now } : undefined;
  // The draft already written stays, and so does what the task says of it (a template in English answering a message
  // in another language).
  const notes: RenderNotes = { draftLanguage: liveDraftLanguage(live.payload, facts.activities) };
  const mergedRaw = mergeInto(base, proposed);
  if (retimed && mergedRaw.task) mergedRaw.task = { ...mergedRaw.task, ...retimed };
  const merged = rendered(mergedRaw, rf, live.verdicts, notes, update);
  if (merged.task)
    merged.task = { ...merged.task, ownerId: rf.owner?.active ? rf.owner.id : rf.owner ? null : merged.task.ownerId };
  const { ctx } = await buildContext(deps, conn.id, merged, facts, now);
  const result = await deps.guardrails.evaluate(merged, {
    ...ctx,
    ownLines: ownLines(merged, live.verdicts, notes, update ? { at: update.at, facts: rf } : null),
  });
  const log = { connectionId: conn.id, suggestionId: live.id, type: live.type, added: added.map(evidenceKey) };
  if (!result.allowed) {
    deps.logger.info(
      { ...log, failed: result.verdicts.filter((v) => !v.passed).map((v) => v.rule) },
      'new evidence held back by the rules; the live suggestion keeps its text',
    );
    return null;
  }
  const final = rendered(merged, rf, result.verdicts, notes, update);
  const newOwner =
    final.task?.ownerId && final.task.ownerId !== live.payload.task?.ownerId ? final.task.ownerId : undefined;
  // The rep may have edited the task since closeloop wrote it: the connector compares the task with what closeloop
  // last wrote (`previous`) and keeps the rep's fields, appending the update (`append`) below a rep-edited body.
  const prev = live.payload.task;
  const changedKeys = new Set((added.length > 0 ? added : edited).map(evidenceKey));
  const changedEvidence = final.evidence.filter((e) => changedKeys.has(evidenceKey(e)));
  const append =
    changedEvidence.length > 0
      ? renderTaskUpdateBlock(final, rf, changedEvidence, now, added.length === 0)
      : retimed
        ? renderTaskRetimeBlock(final, rf, now)
        : undefined;
  const writes =
    (live.status === 'written' || live.status === 'allowed') &&
    final.task &&
    (added.length > 0 || edited.length > 0 || newOwner || retimed)
      ? [
          {
            // An owner-only change or an edit is keyed by the time too: the payload moves with it in the same
            // transaction, so the next analysis sees nothing to change, and a deal handed back later (an email edited
            // back to earlier words) is a new write, not a key already used.
            key:
              added.length > 0
                ? `wb-${live.id}-u-${stableId('e', ...added.map(evidenceKey).sort())}`
                : edited.length > 0
                  ? `wb-${live.id}-x-${stableId('x', String(now), ...edited.map((e) => `${evidenceKey(e)}=${e.quote}`).sort())}`
                  : retimed
                    ? `wb-${live.id}-d-${stableId('d', retimed.dueAt)}`
                    : `wb-${live.id}-o-${stableId('o', String(newOwner), String(now))}`,
            action: 'update_task' as const,
            payload: {
              subject: final.task.subject,
              body: final.task.body,
              priority: final.task.priority,
              ...(newOwner ? { ownerId: newOwner } : {}),
              ...(retimed ? { dueAt: retimed.dueAt, timeZone: retimed.timeZone } : {}),
              ...(prev
                ? {
                    previous: {
                      subject: prev.subject,
                      body: prev.body,
                      priority: prev.priority,
                      ...(retimed ? { dueAt: prev.dueAt } : {}),
                    },
                  }
                : {}),
              ...(append ? { append } : {}),
            },
          },
        ]
      : [];
  const gated = gateAll(writes, final, result.verdicts, {}, await gateFactsFor(deps, conn.id, final, facts, now));
  if (gated.refused.length) {
    deps.logger.warn(
      { ...log, problems: describeProblems(gated.refused) },
      'output gate refused the task update; the live suggestion keeps its text',
    );
    return null;
  }
  await deps.store.tx(async (r, tx) => {
    await r.suggestions.updatePayload(live.id, final, result.verdicts);
    await enqueueGated(deps, r, tx, conn.id, live.id, gated.writes, receivedAt);
  });
  deps.metrics.suggestions.inc({ status: 'updated', type: live.type });
  deps.logger.info(
    { ...log, ...(newOwner ? { ownerId: newOwner } : {}) },
    added.length > 0
      ? 'live suggestion updated with new evidence'
      : edited.length > 0
        ? 'live suggestion re-quoted after an edit in the CRM'
        : retimed
          ? "live suggestion moved to the customer's return"
          : 'live suggestion handed to the deal owner',
  );
  return { suggestion: final, status: live.status };
}

/**
 * A follow-up written before the customer's auto-reply arrived, now waiting for their return: the new due time (the
 * first working day after the day the reply names, in the rep's zone) when it is later than the task's, and the reply
 * names a day the live task does not know yet. Null otherwise (a due date is never brought forward by this).
 */
export function retimedForAbsence(
  live: Suggestion,
  proposed: Suggestion,
): { dueAt: string; timeZone: string | null } | null {
  const away = awayOf(proposed);
  if (!away || !live.task || !proposed.task) return null;
  const known = awayOf(live);
  if (known && known.day === away.day && known.said === away.said) return null;
  if (!(Date.parse(proposed.task.dueAt) > Date.parse(live.task.dueAt))) return null;
  return { dueAt: proposed.task.dueAt, timeZone: proposed.task.timeZone ?? live.task.timeZone ?? null };
}

/** What the writer of `a` sent before it on the deal (their visible words, newest first): a short message's language. */
function earlierFromSender(a: Activity, activities: readonly Activity[]): string[] {
  const same = (x: Activity) =>
    a.from ? x.from === a.from : x.associations.contacts.some((c) => a.associations.contacts.includes(c));
  return activities
    .filter(
      (x) =>
        x.kind === 'email' &&
        x.direction === 'inbound' &&
        !x.archived &&
        x.externalId !== a.externalId &&
        x.occurredAt < a.occurredAt &&
        same(x),
    )
    .sort((x, y) => y.occurredAt.localeCompare(x.occurredAt))
    .slice(0, 5)
    .map((x) => signalText({ ...x, subject: null }));
}

/** `templateLanguage` for a draft already written: the message it replies to, when a template wrote it. */
function liveDraftLanguage(s: Suggestion, activities: readonly Activity[]): string | null {
  const step = s.explanation.route?.find((r) => r.task === 'draft_email');
  const replyTo = s.draft?.inReplyTo?.externalId;
  const a = step?.tier === 'rules' && replyTo ? activities.find((x) => x.externalId === replyTo) : undefined;
  if (!a || a.kind !== 'email') return null;
  const lang = replyLanguageOf(signalText({ ...a, subject: null }), earlierFromSender(a, activities));
  return lang && lang.code !== 'en' ? lang.name : null;
}

/**
 * The language of the message a template draft answers, when it is not the template's English ("German"): the rep is
 * told to write the draft in it. Null for a model's draft (it is asked to write in the customer's language), an English
 * or unrecognised message, or no draft.
 */
function templateLanguage(d: Drafted | null, activities: readonly Activity[]): string | null {
  const last = d?.result.generator === 'template' ? d.input.lastInteraction : null;
  const a = last && activities.find((x) => x.externalId === last.externalId);
  if (!a || a.kind !== 'email') return null;
  const lang = replyLanguageOf(signalText({ ...a, subject: null }), earlierFromSender(a, activities));
  return lang && lang.code !== 'en' ? lang.name : null;
}
