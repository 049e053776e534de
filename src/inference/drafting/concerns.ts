import { extractSignals, type SignalType } from '../signals/index.js';

/**
 * What the customer's message is about, in closeloop's own fixed words: the template drafter acknowledges the
 * concern the customer raised without copying their sentences (which may carry figures, offers, links or
 * instructions) into an email the rep sends. Every phrase here is a constant; the customer's text only chooses
 * among them.
 */
export interface Concerns {
  /** What the complaint is about ("our support", "the outages"), in the order the customer raised them. */
  topics: string[];
  /** The budget problem in their terms ("the budget freeze"), when they named one. */
  budget: string | null;
  /** They wrote they may leave: considering alternatives, or not renewing. */
  leaving: 'alternatives' | 'not_renewing' | null;
  /** They tied it to the renewal ("at renewal", "before we renew"). */
  atRenewal: boolean;
  /** What they asked for ("the contract", "customer references"), when it is one of the common asks. */
  asked: string | null;
  /**
   * The message the draft answers asks a question or makes a request of its own, beside the concern (what it is
   * about need not be one of the common asks): the draft says it will be answered rather than pass over it.
   */
  question: boolean;
  /** How many questions or requests the message the draft answers makes (`question`'s, counted). */
  questions: number;
  /** The message the draft answers names a competitor or other vendors they are looking at (not taken back). */
  competitor: boolean;
  /** Indexes of the texts these came from (the draft cites their records). */
  from: number[];
}

/** Complaint topics: the customer's word chooses the phrase; the phrase is ours. */
const TOPICS: [RegExp, string][] = [
  [/\b(?:support|help ?desk|tickets?|customer service|service desk)\b/i, 'our support'],
  [/\b(?:outages?|downtime|went down|is down|was down)\b/i, 'the outages'],
  [
    /\b(?:bugs?|errors?|crash(?:es|ed|ing)?|broken|not working|stopped working|glitch(?:es)?)\b/i,
    'the problems with the product',
  ],
  [/\b(?:slow(?:ness)?|performance|lag(?:gy|s)?|latency)\b/i, 'the performance problems'],
  [/\b(?:onboarding|implementation|rollout|roll-out|set-?up|migration)\b/i, 'the onboarding'],
  [/\b(?:training|documentation|docs)\b/i, 'the training and documentation'],
  [/\b(?:invoices?|invoicing|billing|billed|charged)\b/i, 'billing'],
  [
    /\b(?:no one|nobody|never) (?:gets? back|responds?|replie[sd]|answers?)\b|\b(?:no|slow) (?:response|reply|answer)s?\b/i,
    'how slowly we have been getting back to you',
  ],
  [/\b(?:missing features?|feature requests?|roadmap|lacks?|lacking)\b/i, 'the gaps in the product'],
  [/\b(?:price|pricing|too expensive|costs? too much|overpriced)\b/i, 'the price'],
];

const BUDGET: [RegExp, string][] = [
  [/\bfreez(?:e|es|ing)\b|\bfrozen\b/i, 'the budget freeze'],
  [
    /\b(?:tight|limited|stretched|small(?:er)?) budget\b|\bbudget is (?:tight|limited|stretched)\b/i,
    'how tight the budget is',
  ],
  [
    /\b(?:budget(?:s)? (?:(?:was|were|has been|have been|got|is being) )?(?:cut|reduced|slashed)|cut (?:our|the|my) budget|budget cuts?|reduced budget)\b/i,
    'the cut to your budget',
  ],
  [
    /\b(?:too expensive|current price|the price|pricing|costs? too much|over (?:our|the) budget|above (?:our|the|what) (?:budget|we have))\b/i,
    'the price',
  ],
  [
    /\b(?:no budget|don['’]?t have (?:the )?budget|do not have (?:the )?budget|out of budget|budget (?:has )?run out)\b/i,
    'the budget',
  ],
];

const ALTERNATIVES =
  /\b(?:considering|evaluating|looking (?:at|for)|exploring|reviewing|talking to)\s+(?:other\s+|some\s+)?(?:alternatives?|other (?:vendors?|providers?|options|solutions|tools)|competitors?)\b|\bswitch(?:ing)?\s+(?:to|vendors?|providers?)\b|\b(?:move|moving) (?:away|to another)\b/i;
const NOT_RENEWING =
  /\b(?:not|won['’]?t|will not|do not|don['’]?t)\s+(?:be\s+)?renew(?:ing)?\b|\bcancel(?:l?ing)?\s+(?:our|the)\s+(?:contract|subscription|account|licen[cs]es?)\b|\bterminat(?:e|ing)\s+(?:our|the)\s+(?:contract|agreement)\b/i;
/** "we are not considering alternatives", "no plans to switch": said, then taken back. */
const NEGATED_BEFORE = /\b(?:not|never|no longer|no plans? to|aren['’]?t|isn['’]?t)\s+(?:\w+\s+){0,1}$/i;
const RENEWAL = /\b(?:at|before|for|by|come|until|up for) (?:the |our )?renewal\b|\brenew(?:al)?\b/i;

/** Common asks: what they asked for, in our words. */
const ASKS: [RegExp, string][] = [
  [/\breferences?\b/i, 'customer references'],
  [/\b(?:security|soc ?2|iso ?27001|questionnaire|dpa|data processing)\b/i, 'the security documents'],
  [/\b(?:contract|order form|msa|agreement|paperwork)\b/i, 'the contract'],
  [/\b(?:proposal|quote|quotation|pricing|price list)\b/i, 'the proposal'],
  [/\b(?:demo|demonstration|walk-?through)\b/i, 'a demo'],
  [/\b(?:trial|pilot|sandbox)\b/i, 'the pilot'],
  [/\b(?:case stud(?:y|ies)|roi|business case)\b/i, 'the business case'],
];
const ASK =
  /\b(?:can|could|would) you\b|\bplease (?:send|share|provide)\b|\b(?:asked|ask) for\b|\bwe(?:['’]d| would) (?:need|like)\b|\bsend (?:us|me|over)\b/i;

/** A question (any script's question mark) or the usual request forms of the languages the lexicon reads. */
const QUESTION_FORM =
  /[?？]|\b(?:please|kindly|let (?:me|us) know)\b|ください|下さい|いただけ|頂け|でしょうか|请|請|能否|可否|麻[烦煩]|주세요|주시겠|주실/i;
/** About the price or the budget: a budget reply answers it already ("why is this so expensive?"). */
export const ABOUT_PRICE =
  /\b(?:price[sd]?|pricing|costs?|expensive|cheaper|budget|discount|afford|quote)\b|予算|価格|値段|費用|高い|预算|預算|价格|價格|费用|費用|贵|貴|예산|가격|비용|비싸/i;
/** The competitor signal's confidence from which a draft may say they are looking at other options. */
export const FIRM_COMPETITOR = 0.8;
/** "we are not looking at other vendors": a competitor named to say there is none. */
const NEGATED_COMPETITOR =
  /\b(?:not|never|no longer|aren['’]?t|no plans? to)\s+(?:\w+\s+){0,2}(?:looking|considering|evaluating|talking|switching|moving)\b/i;

/** Asking to talk: a call, a meeting, a time to speak (answered by the call a budget reply proposes). */
export const MEETING_ASK =
  /\b(?:call|meet|meeting|talk|chat|speak|catch up|get together|hop on)\b|電話|打ち合わせ|お打ち合わせ|会議|面談|ミーティング|通话|通話|开会|開會|会议|會議|면담|미팅|통화|회의/i;
/**
 * Something they asked to be sent or shown ("could you send us your SOC 2 report?", "can we see a demo?"): one of the
 * common asks named after a verb of handing it over. "How does your pricing compare?" asks for an answer, not for
 * the proposal.
 */
const HAND_OVER =
  /\b(?:send|sent|share|provide|forward|email|attach|get|see|have|receive|show|schedule|set up|arrange|book|run|prepare|put together|ask(?:ed|ing)? for|request(?:ed|ing)?|need|want|like)\b/i;
function deliverableIn(sentence: string): string | null {
  const verb = HAND_OVER.exec(sentence);
  return verb ? matchIn(ASKS, sentence.slice(verb.index)) : null;
}

const matchIn = (table: [RegExp, string][], text: string): string | null =>
  table.find(([re]) => re.test(text))?.[1] ?? null;

function said(re: RegExp, sentence: string): boolean {
  const m = re.exec(sentence);
  return Boolean(m && !NEGATED_BEFORE.test(sentence.slice(0, m.index)));
}

const CONCERN_TYPES: ReadonlySet<SignalType> = new Set(['negative_sentiment', 'competitor', 'objection']);

/**
 * The concerns in the customer's texts, newest (the message the draft answers) first: only sentences the signal
 * detectors read as a complaint, a budget problem, a move away or an ask count, so "support has been great" is no
 * complaint about support and "no budget concerns" no budget problem.
 */
export function concernsIn(texts: readonly string[]): Concerns {
  const out: Concerns = {
    topics: [],
    budget: null,
    leaving: null,
    atRenewal: false,
    asked: null,
    question: false,
    questions: 0,
    competitor: false,
    from: [],
  };
  for (const [i, text] of texts.entries()) {
    const before = JSON.stringify(out);
    const signals = extractSignals(text);
    const sentences = (types: ReadonlySet<SignalType>) =>
      signals.filter((s) => types.has(s.type)).map((s) => s.evidence.quote);
    for (const s of sentences(CONCERN_TYPES)) {
      for (const [re, phrase] of TOPICS) if (re.test(s) && !out.topics.includes(phrase)) out.topics.push(phrase);
    }
    for (const s of sentences(new Set(['budget_constraint']))) out.budget ??= matchIn(BUDGET, s);
    for (const s of text.split(/(?<=[.!?])\s+|\n+/)) {
      const leaving = said(NOT_RENEWING, s) ? 'not_renewing' : said(ALTERNATIVES, s) ? 'alternatives' : null;
      if (leaving && !out.leaving) {
        out.leaving = leaving;
        out.atRenewal = leaving === 'alternatives' && RENEWAL.test(s);
      }
    }
    for (const s of sentences(new Set(['explicit_ask']))) if (ASK.test(s)) out.asked ??= deliverableIn(s);
    if (i === 0) {
      // Only the message answered: an older question was answered (or not) in its own thread.
      const budgetSentences = new Set(sentences(new Set(['budget_constraint'])));
      // A request for a call or a meeting is answered by the call the draft proposes: it is no other question.
      out.questions = sentences(new Set(['explicit_ask'])).filter(
        (s) =>
          (QUESTION_FORM.test(s) || ASK.test(s)) &&
          !budgetSentences.has(s) &&
          !MEETING_ASK.test(s) &&
          !(budgetSentences.size > 0 && ABOUT_PRICE.test(s)),
      ).length;
      out.question = out.questions > 0;
      // The draft tells them it heard this: only a firm reading counts (the competitor model is loose below it).
      out.competitor = signals.some(
        (x) =>
          x.type === 'competitor' &&
          x.confidence >= FIRM_COMPETITOR &&
          !NEGATED_COMPETITOR.test(x.evidence.quote) &&
          !sentences(new Set(['explicit_ask'])).includes(x.evidence.quote),
      );
    }
    if (JSON.stringify(out) !== before) out.from.push(i);
    // The message the draft answers decides; older ones only fill what it left open.
    if (out.topics.length || out.budget || out.leaving) break;
  }
  out.topics = out.topics.slice(0, 2);
  return out;
}

/** "our support", "our support and the outages". */
export const joinTopics = (topics: readonly string[]): string =>
  topics.length <= 1 ? (topics[0] ?? '') : `${topics.slice(0, -1).join(', ')} and ${topics[topics.length - 1]}`;
