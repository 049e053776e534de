import type { DraftInput } from '../inference/drafting/types.js';
import type { Contact } from '../core/canonical.js';
import type { RuleVerdict, Suggestion } from '../core/suggestion.js';
import { EMPTY_TRUSTED } from '../guardrails/trusted-facts.js';
import { checkOutput, describeProblems, type GateFacts } from '../guardrails/output-gate.js';
import type { AnalyzeDeps } from './analyze-deps.js';
import type { SuggestionFacts } from './context.js';
import { awayOf } from '../inference/deal-suggestions.js';

export type { GateFacts } from '../guardrails/output-gate.js';

/**
 * The days a suggestion's text may name: those of the interactions, the task's due day, and the day the customer's
 * auto-reply says they are back (`awayOf`, read from that reply), which a follow-up waiting for it names.
 */
export function suggestionDates(s: Suggestion, f: Pick<SuggestionFacts, 'activities'>): string[] {
  const away = awayOf(s)?.day;
  return [
    ...f.activities.map((a) => a.occurredAt),
    ...(s.task ? [s.task.dueAt] : []),
    ...(away && /^\d{4}-\d{2}-\d{2}$/.test(away) ? [`${away}T12:00:00Z`] : []),
  ];
}

/**
 * What the output gate may take as grounds for one suggestion: trusted facts, the deal's structured data, the thread.
 */
export async function gateFactsFor(
  deps: Pick<AnalyzeDeps, 'store' | 'guardrails'>,
  connectionId: string,
  s: Suggestion,
  f: SuggestionFacts,
  now: number,
): Promise<GateFacts> {
  const contacts = await deps.store.records.getMany<Contact>(connectionId, 'contact', [
    ...new Set([...s.contactIds, ...(s.draft?.toContactIds ?? [])]),
  ]);
  const thread = [...f.activities]
    .sort((a, b) => a.occurredAt.localeCompare(b.occurredAt))
    .map((a) => [a.subject, a.body].filter(Boolean).join('\n'));
  return {
    trusted: deps.guardrails.trusted?.() ?? EMPTY_TRUSTED,
    now: new Date(now).toISOString(),
    deal: f.deal
      ? { amount: f.deal.amount, currency: f.deal.currency, closeDate: f.deal.closeDate, createdAt: f.deal.createdAt }
      : null,
    company: f.company ? { domain: f.company.domain } : null,
    contacts: contacts.map((c) => ({ email: c.email, phone: c.phone })),
    dates: suggestionDates(s, f),
    timeZone: s.task?.timeZone ?? null,
    thread: thread.slice(-20),
    names: [f.deal?.name, f.company?.name, ...contacts.flatMap((c) => [c.firstName, c.lastName, c.title])].filter(
      (x): x is string => Boolean(x),
    ),
    recordLinks: [
      f.deal?.url,
      f.company?.url,
      ...f.activities.map((a) => a.url),
      ...s.evidence.map((e) => e.url),
    ].filter((u): u is string => Boolean(u)),
  };
}

type Judged = { allowed: boolean; outcome: 'pass' | 'review' | 'block'; verdicts: RuleVerdict[] };

/**
 * The rules' result with the output gate's verdict on the suggestion's parts (task subject and body, reason,
 * quoted evidence, draft subject and body), so that a draft the gate refuses gets its one repair like any
 * other rule failure. The authoritative check is still the one on the final payloads at the outbox.
 */
export function gatePrecheck(r: Judged, s: Suggestion, gf: GateFacts, own: readonly string[] = []): Judged {
  const quotes = s.evidence.map((e) => e.quote);
  const v = checkOutput(
    {
      action: s.draft ? 'create_draft_email' : 'create_task',
      payload: { task: s.task, reason: s.reason, evidence: quotes, draft: s.draft },
      quotes,
      own,
    },
    gf,
  );
  const verdict: RuleVerdict = {
    rule: 'output-gate',
    passed: v.ok,
    message: v.ok
      ? null
      : `content not grounded in the deal's data or the company's policy, or instructions taken from someone else's text: ${describeProblems(v.problems).join('; ')}`,
  };
  const verdicts = [...r.verdicts, verdict];
  if (v.ok) return { ...r, verdicts };
  return { allowed: false, outcome: r.outcome === 'block' ? 'block' : 'review', verdicts };
}

/**
 * What the model would read, as gate facts: the thread, and besides it every text of the draft's input (the context
 * items, which are the latest customer emails, and the names of the contact, deal and company it writes to). The
 * instruction checks that decide whether a model may draft read this, not a window of their own: a run of newer
 * activities that are no customer touch (auto-replies, internal notes) can push an email out of the thread's last 20
 * while it is still among the prompt's latest customer emails.
 */
export function modelReads(
  gf: GateFacts,
  input: Pick<DraftInput, 'chunks' | 'contact' | 'deal' | 'companyName' | 'lastInteraction'>,
): GateFacts {
  const known = new Set(gf.thread);
  const extra = input.chunks.map((c) => c.text).filter((t) => t.trim() && !known.has(t));
  const subject = input.lastInteraction?.subject;
  if (subject && !gf.thread.some((t) => t.includes(subject))) extra.push(subject);
  const names = [
    input.contact.firstName,
    input.contact.lastName,
    input.contact.title,
    input.deal?.name,
    input.companyName,
  ].filter((x): x is string => Boolean(x));
  return { ...gf, thread: [...gf.thread, ...extra], names: [...new Set([...(gf.names ?? []), ...names])] };
}
