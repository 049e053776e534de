import type { Activity, Company, Contact, Deal } from '../core/canonical.js';
import type { Evidence, Explanation, Suggestion } from '../core/suggestion.js';
import { workingDue } from '../lib/dates.js';
import { stableId } from '../lib/ids.js';
import { activityLabel } from './deal-suggestions.js';
import { coldStartFeatures, dealFeatures, featureRecord, isCustomerTouch } from './deal-features.js';
import { coldStartScore } from './models/cold-start.js';
import { isSellersOwn } from './conversation.js';
import { sigmoid } from './models/logreg.js';
import type { Factor, ScoringModel } from './models/scoring-model.js';
import { extractSignals, LEXICON_MODEL, type ExtractOptions } from './signals/index.js';
import { signalText } from './signals/email-text.js';
import { quoteWindow } from './quote-window.js';

/**
 * Churn risk per company (account), from its deals and interactions: the tenant's deal-scoring model when
 * one is trained (the chance that the account's current deal is won, turned into a risk), else the
 * transparent cold-start rules; then the account signals the deal score does not see, each a fixed,
 * documented log-odds shift shown as a factor: complaints and negative sentiment from the customer, lost
 * deals, and declining activity. Pure: records in, one suggestion (or none) out.
 */
export const CHURN_RULES_MODEL = 'rules:churn-heuristics@1';
/** A churn suggestion needs at least this risk AND at least one account signal. */
export const CHURN_THRESHOLD = 0.6;
export const CHURN_SHIFT = {
  complaint: 0.8,
  moreComplaints: 0.3,
  alternatives: 1.5,
  lostDeal: 0.7,
  declining: 0.5,
} as const;

/** What a customer writes when they are about to leave: looking elsewhere, not renewing, cancelling. */
const LEAVING =
  /\b(?:(?:considering|evaluating|looking (?:at|for)|exploring|reviewing)\s+(?:other\s+|some\s+)?(?:alternatives?|other (?:vendors?|providers?|options|solutions|tools))|(?:not|won['’]?t|will not|do not|don['’]?t)\s+(?:be\s+)?renew(?:ing)?|cancel(?:l?ing)?\s+(?:our|the)\s+(?:contract|subscription|account|licen[cs]es?)|terminat(?:e|ing)\s+(?:our|the)\s+(?:contract|agreement)|switch(?:ing)?\s+(?:to|vendors?|providers?))\b/i;

/** The sentence of `text` that carries `re`'s match, trimmed to a quote. */
function sentenceWith(text: string, re: RegExp): string | null {
  const m = re.exec(text);
  if (!m) return null;
  const start = Math.max(text.lastIndexOf('.', m.index) + 1, text.lastIndexOf('\n', m.index) + 1, 0);
  const endDot = text.indexOf('.', m.index + m[0].length);
  const end = endDot < 0 ? text.length : endDot + 1;
  return text.slice(start, end).trim();
}

const DAY = 86_400_000;
const MAX_QUOTE = 280;
const logit = (p: number) =>
  Math.log(Math.min(1 - 1e-6, Math.max(1e-6, p)) / (1 - Math.min(1 - 1e-6, Math.max(1e-6, p))));

export type ChurnScorer = { kind: 'trained'; model: ScoringModel } | { kind: 'cold_start' };

export interface ChurnInput {
  tenantId: string;
  connectionId: string;
  provider: string;
  company: Company;
  deals: Deal[];
  /** Contacts of the account (of the company or its deals). */
  contacts: Contact[];
  /** Activities of the account in the last 180 days or more (closeloop's own write-backs left out). */
  activities: Activity[];
  now: number;
  /** The account owner's time zone (IANA, from the CRM), when known: the task falls due in their working day. */
  timeZone?: string | null;
  scorer: ChurnScorer;
  /** The tenant's fine-tuned signal models (src/suggest/scorer.ts tenantSignalModels); shipped models otherwise. */
  signals?: Pick<ExtractOptions, 'classifiers' | 'fusedClassifiers' | 'classifiersVersion' | 'vectors'>;
}

export interface ChurnScore {
  risk: number;
  model: string;
  tier: Explanation['tier'];
  factors: Factor[];
  evidence: Evidence[];
  /**
   * At least one signal from the customer (complaint, looking at alternatives) or declining activity, on an existing
   * customer.
   */
  hasSignal: boolean;
  /** The account has a won deal: churn is only about customers. */
  isCustomer: boolean;
  /** The customer wrote they may leave (looking at alternatives, not renewing, cancelling): urgent whatever the score. */
  saysLeaving: boolean;
  openDeal: Deal | null;
}

export function scoreChurn(i: ChurnInput): ChurnScore {
  const open =
    i.deals
      .filter((d) => !d.isClosed && !d.archived)
      .sort((a, b) => (a.closeDate ?? '9').localeCompare(b.closeDate ?? '9'))[0] ?? null;
  const lost = i.deals.filter(
    (d) => d.isClosed && !d.isWon && !d.archived && i.now - Date.parse(d.closeDate ?? d.updatedAt) <= 180 * DAY,
  );
  const touches = i.activities.filter((a) => isCustomerTouch(a) && !a.archived && Date.parse(a.occurredAt) <= i.now);
  const evidence: Evidence[] = [];
  const factors: Factor[] = [];

  // Base: how healthy the account's current deal looks (a customer with no open deal is scored as in negotiation).
  const baseDeal: Deal = open ?? syntheticDeal(i);
  const f = dealFeatures(baseDeal, touches, i.now);
  let healthy: number;
  let model: string;
  let tier: Explanation['tier'];
  if (i.scorer.kind === 'trained') {
    const s = i.scorer.model.score(featureRecord(f));
    healthy = s.probability;
    model = s.model;
    tier = 'small';
    for (const x of s.factors)
      factors.push({ name: `deal score: ${x.name}`, direction: x.direction === '+' ? '-' : '+', weight: x.weight });
  } else {
    const s = coldStartScore(coldStartFeatures(baseDeal, f, i.now));
    healthy = s.probability;
    model = s.model;
    tier = 'rules';
    for (const x of s.factors)
      factors.push({
        name: `deal score: ${x.name}`,
        direction: x.direction === '+' ? '-' : '+',
        weight: Math.round(x.weight * 1000) / 1000,
      });
  }
  let z = -logit(healthy);
  const shift = (name: string, w: number) => {
    z += w;
    factors.unshift({ name, direction: '+', weight: w });
  };

  const complaints: { a: Activity; quote: string }[] = [];
  const leaving: { a: Activity; quote: string }[] = [];
  for (const a of touches) {
    // Only what the customer said counts: their emails, and notes of calls and meetings with them.
    if (isSellersOwn(a, i.now) || i.now - Date.parse(a.occurredAt) > 60 * DAY) continue;
    const text = signalText(a);
    const out = sentenceWith(text, LEAVING);
    if (out) {
      leaving.push({ a, quote: out });
      continue;
    }
    // On the subject line a complaint counts only where the lexicon names it too ("Unacceptable service", "Formal
    // complaint"): a headline fragment is not the sentence the models were trained on, and read alone it can score as
    // anything (a happy customer's "Signed contract" read as a complaint, and the customer got an apology).
    const subjectEnd = a.subject ? a.subject.length : 0;
    const hit = extractSignals(text, i.signals).find(
      (x) =>
        (x.type === 'negative_sentiment' || (x.type === 'competitor' && a.direction === 'inbound')) &&
        (x.evidence.start >= subjectEnd || x.cue !== undefined || x.model === LEXICON_MODEL),
    );
    if (hit) complaints.push({ a, quote: hit.evidence.quote });
  }
  const evidenceOf = (x: { a: Activity; quote: string }): Evidence => ({
    recordKind: x.a.kind,
    externalId: x.a.externalId,
    quote: quoteWindow(x.quote, null, MAX_QUOTE),
    url: x.a.url ?? i.company.url,
    field: 'body',
    label: activityLabel(x.a, i.contacts, i.timeZone ?? null),
    occurredAt: x.a.occurredAt,
  });
  if (leaving.length > 0) {
    shift('says they are looking at alternatives or may not renew', CHURN_SHIFT.alternatives);
    for (const c of leaving.slice(0, 2)) evidence.push(evidenceOf(c));
  }
  if (complaints.length > 0) {
    shift(
      complaints.length > 1 ? `complained ${complaints.length} times in the last 60 days` : 'complained recently',
      complaints.length > 1 ? CHURN_SHIFT.complaint + CHURN_SHIFT.moreComplaints : CHURN_SHIFT.complaint,
    );
    for (const c of complaints.slice(0, 3)) evidence.push(evidenceOf(c));
  }
  if (lost.length > 0) {
    shift(
      `lost ${lost.length === 1 ? 'a deal' : `${lost.length} deals`} with us in the last 180 days`,
      CHURN_SHIFT.lostDeal * Math.min(2, lost.length),
    );
    for (const d of lost.slice(0, 2))
      evidence.push({
        recordKind: 'deal',
        externalId: d.externalId,
        quote: `${d.name ?? 'A deal'} was lost`,
        url: d.url,
        field: 'stage',
        label: 'the lost deal',
        occurredAt: d.closeDate ?? d.updatedAt,
      });
  }
  const recent = touches.filter((a) => i.now - Date.parse(a.occurredAt) <= 30 * DAY).length;
  const prior =
    touches.filter((a) => {
      const age = i.now - Date.parse(a.occurredAt);
      return age > 30 * DAY && age <= 90 * DAY;
    }).length / 2;
  const declining = prior >= 2 && recent <= prior / 2;
  if (declining) {
    shift('talks to us much less than usual this month', CHURN_SHIFT.declining);
    evidence.push({
      recordKind: 'company',
      externalId: i.company.externalId,
      quote: `${recent} interactions in the last 30 days, against ${prior} a month before`,
      url: i.company.url,
      field: null,
      label: 'the activity on this account',
      occurredAt: new Date(i.now).toISOString(),
    });
  }
  const risk = Math.round(sigmoid(z) * 1000) / 1000;
  const isCustomer = i.deals.some((d) => d.isWon && !d.archived);
  return {
    risk,
    model,
    tier,
    factors: factors.slice(0, 8),
    evidence,
    hasSignal: isCustomer && (leaving.length > 0 || complaints.length > 0 || declining),
    isCustomer,
    saysLeaving: leaving.length > 0,
    openDeal: open,
  };
}

function syntheticDeal(i: ChurnInput): Deal {
  return {
    kind: 'deal',
    provider: i.provider,
    externalId: `account:${i.company.externalId}`,
    createdAt: i.company.createdAt,
    updatedAt: i.company.updatedAt,
    archived: false,
    ownerId: i.company.ownerId,
    associations: { contacts: i.contacts.map((c) => c.externalId), companies: [i.company.externalId], deals: [] },
    url: null,
    name: i.company.name,
    amount: null,
    currency: null,
    stage: 'negotiation',
    providerStage: null,
    closeDate: null,
    isClosed: false,
    isWon: false,
  };
}

/** The churn-risk suggestion for an account, or null when the risk is low or no account signal backs it. */
export function suggestChurnRisk(i: ChurnInput, score: ChurnScore = scoreChurn(i)): Suggestion | null {
  if (!score.isCustomer || !score.hasSignal || score.risk < CHURN_THRESHOLD || score.evidence.length === 0) return null;
  const name = i.company.name ?? `company ${i.company.externalId}`;
  const dedupeKey = `churn_risk:${i.company.externalId}`;
  const owner = i.company.ownerId ?? score.openDeal?.ownerId ?? null;
  const withEmail = i.contacts.filter((c) => !c.archived && c.email).map((c) => c.externalId);
  // No figures in the text: the rules check every number a rep reads against the CRM (the score is in the explanation).
  const reason = `${name}, an existing customer, shows ${score.risk >= 0.8 ? 'a high' : 'an elevated'} risk of leaving (${score.factors
    .filter((f) => f.direction === '+' && !f.name.startsWith('deal score'))
    .map((f) => f.name)
    .join('; ')}).`;
  return {
    id: stableId('sug', i.connectionId, dedupeKey),
    tenantId: i.tenantId,
    connectionId: i.connectionId,
    provider: i.provider,
    type: 'churn_risk',
    dedupeKey,
    dealId: score.openDeal?.externalId ?? null,
    contactIds: [...new Set([...withEmail, ...i.contacts.map((c) => c.externalId)])].slice(0, 5),
    companyId: i.company.externalId,
    ownerId: owner,
    task: {
      subject: `Check in with ${name}`.slice(0, 255),
      body: reason,
      dueAt: workingDue(i.now, DAY, i.timeZone),
      timeZone: i.timeZone ?? null,
      // A customer who writes they may leave is the rep's most urgent call, even when the rest of the account looks
      // healthy and the score stays below 0.8.
      priority: score.risk >= 0.8 || score.saysLeaving ? 'HIGH' : 'MEDIUM',
      ownerId: owner,
      taskType: 'TODO',
    },
    draft: null,
    reason,
    evidence: score.evidence,
    explanation: { model: score.model, tier: score.tier, confidence: score.risk, costUsd: 0, factors: score.factors },
    createdAt: new Date(i.now).toISOString(),
  };
}
