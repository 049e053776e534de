import type { Activity, Company, Contact, Deal } from '../core/canonical.js';
import { repTimeZone, type Suggestion } from '../core/suggestion.js';
import type { GuardrailContext } from '../guardrails/context.js';
import { signalText, extractSignals } from '../inference/signals/index.js';
import { interactionDayLine, startOfLocalDay } from '../core/time-zone.js';
import { awayOf } from '../inference/deal-suggestions.js';
import type { AnalyzeDeps } from './analyze-deps.js';
import { signalOptions, tenantSignalModels } from './scorer.js';

export interface SuggestionFacts {
  deal: Deal | null;
  company: Company | null;
  /** Interactions the suggestion was built from (deal or account activities). */
  activities: Activity[];
  /** Names the CRM itself gave us for the text (stage and pipeline labels, the owner's and contacts' names). */
  grounding?: string[];
  /** Whether the CRM says the owner is an active user (false: deactivated); null or absent when not known. */
  ownerActive?: boolean | null;
  /** The owner's time zone (IANA) when the CRM says: the daily cap counts the rep's own day. */
  ownerTimeZone?: string | null;
}

/** What the rules know when they judge one suggestion, from the store. */
export async function buildContext(
  deps: AnalyzeDeps,
  connectionId: string,
  s: Suggestion,
  f: SuggestionFacts,
  now: number,
): Promise<{ ctx: GuardrailContext; contacts: Contact[] }> {
  const ids = [...new Set([...s.contactIds, ...(s.draft?.toContactIds ?? [])])];
  const contacts = await deps.store.records.getMany<Contact>(connectionId, 'contact', ids);
  const sourceIds = new Set(s.evidence.map((e) => e.externalId));
  const sources = f.activities.filter((a) => sourceIds.has(a.externalId));
  // The same models as the analysis that proposed the suggestion: the tenant's corrections when it has them.
  const read = signalOptions(await tenantSignalModels(deps.store, s.tenantId), deps.signalVectors);
  const signals = [...new Set(sources.flatMap((a) => extractSignals(signalText(a), read).map((x) => x.type)))];
  const { deal, company } = f;
  const zone = repTimeZone(s, f.ownerTimeZone);
  const ctx: GuardrailContext = {
    now: new Date(now).toISOString(),
    deal,
    contacts,
    companyDomain: company?.domain ?? null,
    // Owners are not synced as records: an owner is known when the CRM assigned it on the deal or company itself, and
    // active unless the CRM's users API says it was deactivated (then nobody would see the task).
    owner: s.ownerId
      ? {
          id: s.ownerId,
          exists: (deal?.ownerId === s.ownerId || company?.ownerId === s.ownerId) && f.ownerActive !== false,
        }
      : null,
    repSuggestionsToday: await deps.store.suggestions.countForOwnerOnDay(
      connectionId,
      s.ownerId,
      startOfLocalDay(now, f.ownerTimeZone),
    ),
    // What the suggestion may cite: the deal's and company's own fields and the interactions (with their dates) it was
    // built from.
    retrievedText: [
      deal
        ? [
            deal.name,
            deal.providerStage,
            deal.stage,
            deal.amount?.toString(),
            deal.closeDate?.slice(0, 10),
            // Its UTC day and the rep's (a deal created at 00:30 UTC was created the day before in New York, and a
            // quiet deal's task names the rep's day).
            deal.createdAt ? interactionDayLine('deal_created', deal.createdAt, zone) : null,
          ]
            .filter(Boolean)
            .join('\n')
        : '',
      company ? [company.name, company.domain].filter(Boolean).join('\n') : '',
      // Each interaction's UTC day, and its day where the rep lives (a task names that one when the CRM tells the zone).
      ...f.activities
        .slice(0, 30)
        .map((a) => [interactionDayLine(a.kind, a.occurredAt, zone), a.subject, a.body].filter(Boolean).join('\n')),
      contacts
        .map((c) => [c.firstName, c.lastName].filter(Boolean).join(' '))
        .filter(Boolean)
        .join('\n'),
      ...(f.grounding ?? []),
      // The day the customer's auto-reply names for their return (read from that reply, which may write it as
      // "29.12.2026" or "29 décembre"), which a follow-up waiting for it names: a day of the interactions.
      ...[awayOf(s)?.day]
        .filter((d) => d !== undefined)
        .map((d) => interactionDayLine('away_return', `${d}T12:00:00Z`, null)),
    ].filter((t) => t !== ''),
    allowList: [],
    signals,
    recordLinks: [deal?.url, company?.url, ...f.activities.map((a) => a.url), ...s.evidence.map((e) => e.url)].filter(
      (u): u is string => Boolean(u),
    ),
  };
  return { ctx, contacts };
}
