import type { DealStage } from '../../core/index.js';
import type { SignalType } from '../signals/types.js';
import { sigmoid } from './logreg.js';
import type { Factor, Score } from './scoring-model.js';

/**
 * Cold start: transparent rules that score a deal or lead before a tenant has enough closed outcomes to
 * train on. Each rule moves the log-odds by a fixed, documented amount and shows up as a factor.
 */
export const COLD_START_MODEL = 'cold-start-rules-v1';

export interface ColdStartFeatures {
  /** Canonical deal stage; null/absent for a lead. */
  stage?: DealStage | null;
  daysSinceLastActivity?: number | null;
  /** Inbound emails/calls from the buyer in the last 30 days. */
  inboundRepliesLast30Days?: number | null;
  /** Days until the expected close date; negative when it has passed. */
  daysToCloseDate?: number | null;
  /** Contacts associated with the deal or lead's company. */
  contactCount?: number | null;
  /** Signal types extracted from recent email/call text (src/inference/signals). */
  signals?: readonly SignalType[];
}

/**
 * Stage priors, close to the default win probabilities CRMs ship with (HubSpot's default sales pipeline
 * goes 20 % → 40 % → 60 % → 80 % → 90 % by stage; Salesforce's default opportunity stages 10 % → 90 %).
 * A lead with no stage starts at 10 %, the usual order of lead-to-opportunity conversion.
 */
export const STAGE_PRIOR: Record<Exclude<DealStage, 'closed_won' | 'closed_lost'> | 'lead', number> = {
  lead: 0.1,
  prospecting: 0.1,
  qualification: 0.2,
  proposal: 0.4,
  negotiation: 0.6,
};

/** Log-odds shift per signal type found in the buyer's recent messages. */
export const SIGNAL_SHIFT: Record<SignalType, number> = {
  budget_constraint: -0.5,
  competitor: -0.3,
  objection: -0.3,
  negative_sentiment: -0.5,
  decision_maker: 0.3,
  timeline: 0.3,
  explicit_ask: 0.2,
};

const logit = (p: number): number => Math.log(p / (1 - p));

/** Score one deal or lead with the cold-start rules. */
export function coldStartScore(f: ColdStartFeatures): Score {
  if (f.stage === 'closed_won' || f.stage === 'closed_lost') {
    const won = f.stage === 'closed_won';
    return {
      probability: won ? 1 : 0,
      model: COLD_START_MODEL,
      factors: [{ name: `stage=${f.stage}`, direction: won ? '+' : '-', weight: 1 }],
    };
  }
  const prior = STAGE_PRIOR[f.stage ?? 'lead'];
  let z = logit(prior);
  const factors: Factor[] = [];
  const apply = (name: string, shift: number): void => {
    z += shift;
    factors.push({ name, direction: shift >= 0 ? '+' : '-', weight: Math.abs(shift) });
  };
  const idle = f.daysSinceLastActivity;
  if (idle !== null && idle !== undefined) {
    if (idle > 30) apply(`no activity for ${idle} days (> 30)`, -0.8);
    else if (idle > 14) apply(`no activity for ${idle} days (> 14)`, -0.4);
    else if (idle <= 7) apply(`activity in the last ${idle} days (≤ 7)`, 0.2);
  }
  const replies = f.inboundRepliesLast30Days;
  if (replies !== null && replies !== undefined) {
    if (replies >= 1) apply(`${replies} buyer replies in 30 days`, Math.min(0.6, 0.3 + 0.1 * (replies - 1)));
    else apply('no buyer reply in 30 days', -0.3);
  }
  if (f.daysToCloseDate !== null && f.daysToCloseDate !== undefined && f.daysToCloseDate < 0) {
    apply(`close date passed ${-f.daysToCloseDate} days ago`, -0.6);
  }
  if (f.contactCount === 0) apply('no contact associated', -0.3);
  else if (f.contactCount !== null && f.contactCount !== undefined && f.contactCount >= 3)
    apply(`${f.contactCount} contacts engaged (multi-threaded)`, 0.3);
  for (const s of new Set(f.signals ?? [])) apply(`signal: ${s}`, SIGNAL_SHIFT[s]);
  factors.sort((a, b) => b.weight - a.weight);
  return {
    probability: sigmoid(z),
    model: COLD_START_MODEL,
    factors: [
      { name: `stage prior ${f.stage ?? 'lead'} = ${prior}`, direction: '+' as const, weight: Math.abs(logit(prior)) },
      ...factors,
    ].slice(0, 6),
  };
}

/**
 * When a tenant's history is enough to train on. Salesforce Einstein Lead Scoring builds an org-specific
 * model only from 1,000 leads with 120 conversions in the last 6 months and otherwise falls back to a global
 * model pooled across customers. We pool nothing across tenants, and our fallback is the transparent rules
 * above, so the bar is "enough outcomes to measure that a trained model beats the rules":
 *  - ≥ 40 of each outcome: the held-out slice (latest 20 %) then has ≥ 8 positives, and on the whole
 *    history the standard error of an AUC near 0.75 with 40 positives / 160 negatives is ≈ 0.05
 *    (Hanley & McNeil 1982) — wide, but enough to tell a useful model (≥ 0.70) from the rules;
 *  - ≥ 200 closed outcomes: about 10 events per encoded feature group for a typical CRM table of
 *    10–20 columns, the usual rule of thumb for a stable regularised logistic regression.
 *  - and, when a trained model is available, its held-out AUC must reach MIN_TRAINED_AUC.
 */
export const MIN_CLOSED_OUTCOMES = 200;
export const MIN_PER_OUTCOME = 40;
export const MIN_TRAINED_AUC = 0.6;

export interface History {
  won: number;
  lost: number;
}
export interface ScorerChoice {
  scorer: 'trained' | 'cold_start';
  model: string;
  reason: string;
}

/** Which scorer serves a tenant, and why. `trained` describes the tenant's trained model, if there is one. */
export function chooseScorer(
  history: History,
  trained?: { model: string; validationAuc: number | null },
): ScorerChoice {
  const total = history.won + history.lost;
  const cold = (reason: string): ScorerChoice => ({ scorer: 'cold_start', model: COLD_START_MODEL, reason });
  if (total < MIN_CLOSED_OUTCOMES) return cold(`${total} closed outcomes < ${MIN_CLOSED_OUTCOMES}`);
  const minority = Math.min(history.won, history.lost);
  if (minority < MIN_PER_OUTCOME)
    return cold(`only ${minority} ${history.won < history.lost ? 'won' : 'lost'} outcomes < ${MIN_PER_OUTCOME}`);
  if (!trained)
    return cold(`history is sufficient (${history.won} won / ${history.lost} lost) but no model is trained yet`);
  if (trained.validationAuc !== null && trained.validationAuc < MIN_TRAINED_AUC) {
    return cold(
      `trained ${trained.model} reached held-out AUC ${trained.validationAuc.toFixed(3)} < ${MIN_TRAINED_AUC}`,
    );
  }
  return {
    scorer: 'trained',
    model: trained.model,
    reason: `${history.won} won / ${history.lost} lost ≥ ${MIN_PER_OUTCOME} each and ≥ ${MIN_CLOSED_OUTCOMES} total`,
  };
}
