import type { Deal, DealStage } from '../../../src/core/canonical.js';
import type { SalesforceOpportunityRecord } from '../schemas.js';
import { baseFields, associationsFrom, isoDate, text, type SalesforceMapContext } from './common.js';
import { plainLabel } from '../../kit/plain-label.js';

/**
 * The default Salesforce sales process (https://help.salesforce.com/s/articleView?id=sf.opportunity_stage.htm)
 * folded into our six canonical stages:
 * - Needs Analysis is still discovery → qualification.
 * - Value Proposition, Id. Decision Makers and Perception Analysis are the rep pitching a solution to the buyer
 *   (default probabilities 50-70 %) → proposal, together with Proposal/Price Quote.
 * Closed stages are decided by IsClosed/IsWon, never by label, so renamed closed stages still map.
 */
const STAGE_BY_LABEL: Record<string, DealStage> = {
  prospecting: 'prospecting',
  qualification: 'qualification',
  'needs analysis': 'qualification',
  'value proposition': 'proposal',
  'id. decision makers': 'proposal',
  'perception analysis': 'proposal',
  'proposal/price quote': 'proposal',
  'negotiation/review': 'negotiation',
};

/**
 * Canonical stage. Custom open stages (not in the default process) fall back to the stage's Probability:
 * >= 90 negotiation, >= 50 proposal, >= 20 qualification, else prospecting; null when there is no probability either.
 */
export function toDealStage(
  r: Pick<SalesforceOpportunityRecord, 'StageName' | 'IsClosed' | 'IsWon' | 'Probability'>,
): DealStage | null {
  if (r.IsClosed) return r.IsWon ? 'closed_won' : 'closed_lost';
  const label = text(r.StageName)?.toLowerCase();
  const known = label !== undefined && Object.hasOwn(STAGE_BY_LABEL, label) ? STAGE_BY_LABEL[label] : undefined;
  if (known) return known;
  const p = r.Probability;
  if (p === null || p === undefined) return null;
  if (p >= 90) return 'negotiation';
  if (p >= 50) return 'proposal';
  if (p >= 20) return 'qualification';
  return 'prospecting';
}

/**
 * Contact roles that speak for the buyer, most important first (API values of the standard `Role` picklist, compared
 * without case or surrounding spaces). Any other role comes after these, a role left blank last.
 */
const ROLE_RANK: readonly string[] = [
  'decision maker',
  'economic buyer',
  'executive sponsor',
  'economic decision maker',
];

function roleRank(role: string | null | undefined): number {
  const r = role?.trim().toLowerCase();
  if (!r) return ROLE_RANK.length + 1;
  const i = ROLE_RANK.indexOf(r);
  return i === -1 ? ROLE_RANK.length : i;
}

/**
 * An Opportunity's contact ids from its OpportunityContactRole rows: the primary contact role first, then by role
 * (Decision Maker, Economic Buyer, Executive Sponsor, Economic Decision Maker, any other role, none), ties in the
 * order given (the query's `CreatedDate, Id`). A contact with several roles keeps its best place.
 */
export function contactIdsByRole(
  rows: readonly { ContactId?: string | null; Role?: string | null; IsPrimary?: boolean | null }[],
): string[] {
  const ranked = rows
    .map((row, index) => ({
      id: row.ContactId,
      primary: row.IsPrimary === true ? 0 : 1,
      rank: roleRank(row.Role),
      index,
    }))
    .filter((r): r is typeof r & { id: string } => Boolean(r.id))
    .sort((a, b) => a.primary - b.primary || a.rank - b.rank || a.index - b.index);
  return [...new Set(ranked.map((r) => r.id))];
}

/** Extra rows read next to the Opportunity: contact roles give its contact associations. */
export interface OpportunityRelations {
  /** In the order of `contactIdsByRole` (primary, then by role): the deal's first contact is the one to address. */
  contactIds: readonly string[];
}

/** Salesforce Opportunity → canonical Deal. */
export function toDeal(
  r: SalesforceOpportunityRecord,
  ctx: SalesforceMapContext,
  rel: OpportunityRelations = { contactIds: [] },
): Deal {
  const isClosed = r.IsClosed ?? false;
  return {
    kind: 'deal',
    ...baseFields(r, ctx, 'Opportunity', associationsFrom([r.AccountId, ...rel.contactIds])),
    name: plainLabel(text(r.Name)),
    amount: r.Amount ?? null,
    // CurrencyIsoCode exists only in multi-currency orgs; single-currency orgs give null (see BEHAVIOR.md).
    currency: text(r.CurrencyIsoCode),
    stage: toDealStage(r),
    providerStage: text(r.StageName),
    closeDate: isoDate(r.CloseDate),
    isClosed,
    isWon: isClosed && (r.IsWon ?? false),
  };
}
