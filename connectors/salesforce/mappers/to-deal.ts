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

/** Extra rows read next to the Opportunity: contact roles give its contact associations. */
export interface OpportunityRelations {
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
