import type { Deal, DealStage } from '../../../src/core/index.js';
import type { HubspotObject } from '../schemas.js';
import { baseFields, boolProp, isoProp, numberProp, prop, type MapContext } from './fields.js';
import { plainLabel } from '../../kit/plain-label.js';

/**
 * Stage ids of HubSpot's default sales pipeline → canonical stages.
 * https://knowledge.hubspot.com/object-settings/set-up-and-customize-pipelines
 * presentationscheduled sits with qualification: the buyer has seen a demo but no proposal yet;
 * decisionmakerboughtin is the proposal stage and contractsent the negotiation stage.
 * Custom pipelines use numeric stage ids, which stay unmapped (stage null) unless HubSpot says the deal closed.
 */
export const HUBSPOT_DEFAULT_STAGES: Readonly<Record<string, DealStage>> = {
  appointmentscheduled: 'prospecting',
  qualifiedtobuy: 'qualification',
  presentationscheduled: 'qualification',
  decisionmakerboughtin: 'proposal',
  contractsent: 'negotiation',
  closedwon: 'closed_won',
  closedlost: 'closed_lost',
};

export function toDealStage(
  providerStage: string | null,
  isClosed: boolean | null,
  isWon: boolean | null,
): DealStage | null {
  if (providerStage !== null && Object.hasOwn(HUBSPOT_DEFAULT_STAGES, providerStage)) {
    return HUBSPOT_DEFAULT_STAGES[providerStage] ?? null;
  }
  if (isWon === true) return 'closed_won';
  if (isClosed === true) return 'closed_lost';
  return null;
}

/** A HubSpot deal record as the canonical Deal. */
export function toDeal(record: HubspotObject, ctx: MapContext): Deal {
  const providerStage = prop(record, 'dealstage');
  const closedFlag = boolProp(record, 'hs_is_closed');
  const wonFlag = boolProp(record, 'hs_is_closed_won');
  const stage = toDealStage(providerStage, closedFlag, wonFlag);
  const isWon = wonFlag ?? stage === 'closed_won';
  const isClosed = closedFlag ?? (stage === 'closed_won' || stage === 'closed_lost');
  return {
    kind: 'deal',
    ...baseFields('deal', record, ctx, { url: true }),
    name: plainLabel(prop(record, 'dealname')),
    amount: numberProp(record, 'amount'),
    currency: prop(record, 'deal_currency_code'),
    stage,
    providerStage,
    closeDate: isoProp(record, 'closedate'),
    isClosed: isClosed || isWon,
    isWon,
  };
}
