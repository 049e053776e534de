import { splitSentences } from './sentences.js';
import type { EvidenceSpan, Signal, SignalType } from './types.js';

/**
 * Day-one signal detector: transparent patterns, no training. Each rule is a list of cues (regular
 * expressions with a confidence) plus "cleared" phrases that explicitly deny the signal ("budget is not an
 * issue", "no budget concerns"). A cue is dropped when it overlaps a cleared phrase, or when it is
 * `negatable` and a negator ("not", "no", "never", "without", "n't") appears in the three words before it
 * within the same clause. Evidence is the sentence the cue was found in.
 */
export const LEXICON_MODEL = 'signals-lexicon-v1';

interface Cue {
  re: RegExp;
  confidence: number;
  negatable: boolean;
}
interface Rule {
  type: SignalType;
  cues: Cue[];
  cleared: RegExp[];
}

const A = `['’]`; // straight or curly apostrophe
const NEG_AUX = `(?:don${A}?t|do not|doesn${A}?t|does not|didn${A}?t|did not)`;
const cue = (source: string, confidence: number, negatable = true): Cue => ({
  re: new RegExp(source, 'gi'),
  confidence,
  negatable,
});
const cueCased = (source: string, confidence: number, negatable = true): Cue => ({
  re: new RegExp(source, 'g'),
  confidence,
  negatable,
});
const NOT_A_PROBLEM = `(?:not|n${A}t|never|no longer|hardly)\\s+(?:really\\s+|going to be\\s+|be\\s+)?(?:an?\\s+|any\\s+)?(?:big\\s+|major\\s+|real\\s+)?(?:issue|problem|concern|constraint|obstacle|blocker|factor)s?`;
const MONEY = `(?:budget|price|pricing|cost|costs|money|funding|spend)`;
/** Nothing contrastive follows in the sentence (a "cleared" pattern then speaks for the whole sentence). */
const NO_CONTRAST = `(?![^.!?]*\\b(?:but|however|although|though|unfortunately|except|yet|unless|only if)\\b)`;
const MONTH =
  '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const WEEKDAY = '(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)';

const RULES: Rule[] = [
  {
    type: 'budget_constraint',
    cleared: [
      new RegExp(
        `\\b${MONEY}\\b[^.!?;]{0,30}?\\b(?:is|are|was|${A}s|will be|won${A}t be|shouldn${A}t be)\\s+${NOT_A_PROBLEM}`,
        'gi',
      ),
      new RegExp(`\\b${MONEY}\\s+(?:is|isn${A}t|is not)\\s+${NOT_A_PROBLEM}`, 'gi'),
      new RegExp(
        `\\b(?:no|without(?:\\s+any)?|zero|not any)\\s+(?:real\\s+|major\\s+)?${MONEY}\\s+(?:concerns?|issues?|problems?|constraints?|limits?|limitations?|restrictions?|worries)`,
        'gi',
      ),
      new RegExp(
        `\\b${MONEY}\\s+(?:is|has been|was|got)\\s+(?:already\\s+)?(?:approved|allocated|secured|signed off|set aside|available|in place|confirmed|fine|ok|okay|not a constraint)`,
        'gi',
      ),
      // The price judged acceptable ("the cost per seat is very reasonable", "we're fine with the increase"), with
      // nothing contrastive after it in the sentence ("…, but finance won't approve it" keeps its chance).
      new RegExp(
        `\\b(?:price|prices|pricing|cost|costs|fee|fees|rate|rates|quote|increase|uplift)\\b[^.!?;]{0,40}?\\b(?:is|are|was|were|looks?|seems?|feels?|${A}s)\\s+(?:very\\s+|really\\s+|quite\\s+|pretty\\s+|totally\\s+|perfectly\\s+|more than\\s+)?(?:reasonable|fair|competitive|acceptable|affordable|(?:good|great|excellent) value|within (?:our |the )?budget|in line with (?:our |the )?budget)\\b${NO_CONTRAST}`,
        'gi',
      ),
      new RegExp(
        `\\b(?:we${A}re|we are|I${A}m|I am|finance is|everyone is)\\s+(?:(?:really|very|quite|totally|perfectly|all)\\s+)?(?:fine|happy|comfortable|ok|okay)\\s+with\\s+(?:the|your|this|that)\\s+(?:\\w+\\s+)?(?:price|pricing|cost|costs|fee|fees|rate|quote|increase|uplift|terms)\\b${NO_CONTRAST}`,
        'gi',
      ),
      // The budget given back ("finance approved the budget after all", "the freeze was lifted", "funding came
      // through"): a customer taking the concern back. Nothing contrastive may follow ("…, but only half of it").
      new RegExp(
        `\\b(?:finance|procurement|the board|our board|management|leadership|the cfo|our cfo|the business|they|we)\\s+(?:has\\s+|have\\s+|had\\s+)?(?:now\\s+|just\\s+|finally\\s+|officially\\s+)?(?:approved|signed off on|released|unfroze|restored|reinstated|green-?lit)\\s+(?:the\\s+|our\\s+|this\\s+|your\\s+)?(?:full\\s+)?(?:budget|funding|spend|purchase|deal|order|contract)\\b(?!\\s+(?:cuts?|reductions?|freeze|decrease|hold|cap)\\b)${NO_CONTRAST}`,
        'gi',
      ),
      new RegExp(
        `\\b(?:budget|funding|spend(?:ing)?)\\s+(?:freeze|cut|hold)?\\s*(?:has\\s+been|have\\s+been|was|were|is|got|has)\\s+(?:now\\s+|just\\s+|finally\\s+|officially\\s+)?(?:lifted|unfrozen|restored|reinstated|released|reversed|cancelled|canceled|approved after all|back)\\b${NO_CONTRAST}`,
        'gi',
      ),
      new RegExp(`\\b(?:funding|the budget|our budget|budget approval)\\s+came\\s+through\\b${NO_CONTRAST}`, 'gi'),
      new RegExp(
        `\\bmoney\\s+is\\s+no\\s+object|\\b(?:plenty of|enough|sufficient)\\s+budget\\s+(?:for|to|available)|\\bwe\\s+(?:have|${A}ve got|got)\\s+(?:the\\s+)?budget\\b`,
        'gi',
      ),
    ],
    cues: [
      cue(
        `\\b(?:tight|limited|small|smaller|reduced|frozen|shrinking|constrained|slashed|no|zero)\\s+budgets?\\b`,
        0.85,
      ),
      cue(
        `\\bbudgets?\\s+(?:is|are|was|has been|${A}s|got)\\s+(?:very\\s+|really\\s+|pretty\\s+|quite\\s+|extremely\\s+|a bit\\s+)?(?:tight|limited|constrained|frozen|cut|slashed|exhausted|spent|gone|maxed out|an issue|a problem|a concern|a constraint|a blocker)\\b`,
        0.9,
        false,
      ),
      cue(
        `\\bbudget(?:ary)?\\s+(?:freeze|cuts?|constraints?|restrictions?|limitations?|limits|issues?|concerns?|problems?|pressures?)\\b`,
        0.85,
      ),
      cue(
        `\\b(?:over|out of|beyond|exceeds?|exceeding|outside(?: of)?|above)\\s+(?:our|the|my|their)?\\s*(?:budget|price range)\\b`,
        0.85,
      ),
      cue(
        `\\b(?:can${A}?t|cannot|can not|couldn${A}?t|could not|unable to|not able to)\\s+(?:really\\s+)?afford\\b`,
        0.9,
        false,
      ),
      cue(`\\b(?:too|very|quite|prohibitively|really|super|a bit|a little)\\s+(?:expensive|pricey|costly)\\b`, 0.8),
      cue(
        `\\b(?:price|pricing|cost|quote|proposal|fees?)\\s+(?:is|are|was|seems|looks|feels)\\s+(?:too|very|a bit|a little|way|quite|really)?\\s*(?:high|steep|much|expensive|out of reach)\\b`,
        0.8,
        false,
      ),
      cue(
        `\\b${NEG_AUX}\\s+have\\s+(?:the\\s+|any\\s+|enough\\s+|a\\s+)?(?:budget|funds|funding|money)\\b`,
        0.9,
        false,
      ),
      cue(`\\bno\\s+(?:funds|funding|money)\\s+(?:for|to|left|available)\\b`, 0.85, false),
      // "finance cut our budget", "they slashed the marketing budget", "budget got pulled"
      cue(
        `\\b(?:cut|cuts|cutting|slashed|slashing|reduced|reducing|froze|freezing|trimmed|trimming|pulled|halved|lowered)\\s+(?:our|the|their|my|its|this year${A}s|next year${A}s)?\\s*(?:[a-z]+\\s+)?budgets?\\b`,
        0.9,
      ),
      cue(
        `\\b(?:can${A}?t|cannot|can not|unable to|not able to|won${A}t be able to)\\s+(?:sign|commit|move forward|proceed)\\s+at\\s+(?:the|this|that)\\s+(?:current\\s+|proposed\\s+)?(?:price|pricing|rate|cost)\\b`,
        0.8,
        false,
      ),
      cue(
        `\\b(?:cost[- ]cutting|spending freeze|hiring freeze|cheaper option|lower price|bigger discount|better price)\\b`,
        0.6,
      ),
    ],
  },
  {
    type: 'timeline',
    cleared: [/\b(?:no|without any|not on a)\s+(?:real\s+)?(?:deadline|timeline|rush|time pressure)\b/gi],
    cues: [
      cue(
        `\\b(?:by|before|until|no later than|ahead of)\\s+(?:the\\s+)?(?:end of\\s+(?:the\\s+)?)?(?:this\\s+|next\\s+)?(?:week|month|quarter|year|q[1-4]|eo[qmy]|fiscal year|${WEEKDAY}|${MONTH}(?:\\s+\\d{1,2}(?:st|nd|rd|th)?)?|\\d{1,2}/\\d{1,2})\\b`,
        0.85,
      ),
      cue(
        `\\b(?:deadline|timeline|time ?frame|go[- ]live|launch date|kick[- ]?off|start date|roll[- ]?out|cut[- ]?over|renewal date)\\b`,
        0.75,
      ),
      cue(
        `\\b(?:within|in)\\s+(?:the\\s+next\\s+)?(?:\\d+|a|one|two|three|four|six|a few|a couple of)\\s+(?:days|weeks|months|quarters)\\b`,
        0.75,
      ),
      cue(`\\b(?:asap|as soon as possible|urgent(?:ly)?|right away|immediately|time[- ]sensitive)\\b`, 0.7),
      cue(`\\b(?:this|next|end of(?: the)?)\\s+(?:quarter|fiscal year|fiscal|month|year)\\b|\\bq[1-4]\\b`, 0.7),
    ],
  },
  {
    type: 'competitor',
    cleared: [
      /\b(?:no|not looking at any|not considering any)\s+(?:other\s+)?(?:competitors?|alternatives?|other vendors?)\b/gi,
    ],
    cues: [
      cue(
        `\\b(?:competitors?|competing (?:offer|product|vendor|solution|bid)s?|alternatives?|other vendors?|other providers?|other solutions?|other tools?|another vendor|another provider|incumbent)\\b`,
        0.8,
      ),
      cue(
        `\\b(?:evaluating|comparing|looking at|talking to|considering|trialing|trialling|piloting|demoing)\\s+(?:other|another|a few|several|some other|multiple)\\b`,
        0.85,
      ),
      cueCased(
        `\\b(?:[Ss]witch(?:ing)?|[Mm]ov(?:e|ing)|[Mm]igrat(?:e|ing)|[Gg]o(?:ing)?|[Ss]tick(?:ing)?)\\s+(?:to|with)\\s+[A-Z][\\w.&-]+`,
        0.6,
      ),
      cueCased(`\\b(?:already|currently)\\s+(?:use|using|have|work with|on)\\s+[A-Z][\\w.&-]+`, 0.6),
      cueCased(`\\b(?:vs\\.?|versus)\\s+[A-Z][\\w.&-]+`, 0.7),
      cue(`\\b(?:cheaper|better)\\s+(?:offer|quote|deal|price)\\s+(?:from|elsewhere)\\b`, 0.85),
    ],
  },
  {
    type: 'decision_maker',
    cleared: [],
    cues: [
      cueCased(`\\b(?:CEO|CFO|CTO|CIO|COO|CMO|CRO|CISO|VP|SVP|EVP)\\b`, 0.75, false),
      cue(
        `\\b(?:vice president|head of [a-z]+|director of [a-z]+|founder|co-founder|managing director|board of directors|the board|procurement|purchasing department|legal team|decision[- ]makers?|economic buyer|budget holder|my boss|my manager|leadership team|executive team)\\b`,
        0.7,
        false,
      ),
      cue(
        `\\b(?:sign[- ]?off|final say|final decision|final approval|approve[sd]?|approval|make the call|signs? the contract|signing authority|decide[sd]?|decision)\\b`,
        0.65,
      ),
      cue(
        `\\b(?:run it by|check with|get approval from|talk to|loop in|consult(?: with)?)\\s+(?:my|our|the)\\s+(?:boss|manager|team|ceo|cfo|director|vp|board|leadership)\\b`,
        0.8,
        false,
      ),
    ],
  },
  {
    type: 'objection',
    cleared: [
      /\b(?:no|without any|not any|don['’]?t have any)\s+(?:real\s+|major\s+|further\s+)?(?:concerns?|objections?|reservations?|questions)\b/gi,
    ],
    cues: [
      cue(
        `\\b(?:concerned|worried|hesitant|skeptical|sceptical|unconvinced|reservations?|concerns?|objections?|pushback|push back)\\b`,
        0.7,
      ),
      cue(`\\bnot\\s+(?:sure|convinced|certain)\\b`, 0.65, false),
      cue(
        `\\b(?:not (?:a |our )?(?:top )?priority|not interested|not the right time|bad timing|no need|${NEG_AUX} (?:really )?need|doesn${A}?t fit|does not fit|not a (?:good )?fit|too complicated|too complex|too much work|already (?:have|use|using)|happy with (?:our|the) current|stick with (?:our|the) current|put (?:this|it) on hold|on hold|not moving forward|pass for now)\\b`,
        0.8,
        false,
      ),
      cue(`\\b(?:security review|compliance|gdpr|data residency|lock[- ]in|contract terms|integration effort)\\b`, 0.5),
    ],
  },
  {
    type: 'negative_sentiment',
    cleared: [],
    cues: [
      cue(
        `\\b(?:disappointed|disappointing|frustrated|frustrating|unhappy|upset|angry|annoyed|unacceptable|terrible|awful|horrible|worst|ridiculous|useless|furious|fed up|waste of (?:time|money)|appalling|dissatisfied|poor (?:service|support|quality|experience))\\b`,
        0.8,
      ),
      cue(
        `\\bnot\\s+(?:at all\\s+|very\\s+|too\\s+)?(?:happy|satisfied|pleased|impressed|good enough|acceptable)\\b`,
        0.8,
        false,
      ),
      cue(
        `\\b(?:cancel(?:l?ing|l?ation)?|terminate|terminating|refund|complain(?:t|ts|ing)?|escalat(?:e|ing|ion))\\b`,
        0.65,
      ),
      cue(
        `\\b(?:${NEG_AUX}|isn${A}?t|is not|still not|stopped|keeps?|kept)\\s+(?:work(?:ing)?|crashing|failing|breaking|broken)\\b|\\bbroken\\b`,
        0.7,
        false,
      ),
    ],
  },
  {
    type: 'explicit_ask',
    // Courtesy offers close an email without asking for anything: "Let me know if you have any questions",
    // "Feel free to reach out if you need anything else", "If you have any questions, don't hesitate to call".
    // An open-ended condition (any questions / anything / any help) is what makes them offers; a concrete one
    // ("let me know if Tuesday works") stays an ask.
    cleared: [
      new RegExp(
        `\\b(?:let (?:me|us) know|feel free to \\w+(?: \\w+)?|(?:do not|don${A}?t) hesitate to \\w+(?: \\w+)?|reach out|get in touch|just (?:ask|say the word)|happy to (?:help|answer)|here to help)\\b[^.?!]{0,40}?\\b(?:if|should|in case|whenever)\\b[^.?!]{0,40}?\\b(?:any(?:thing|\\s+(?:other\\s+|further\\s+|more\\s+)?(?:questions?|help|assistance|concerns?|issues?|problems?|thoughts|feedback))|questions?|something else|further (?:questions?|help|assistance|information)|(?:more|further) info(?:rmation)?|help|assistance)\\b`,
        'gi',
      ),
      new RegExp(
        `^\\W*(?:if|should|in case|whenever)\\b[^.?!]{0,40}?\\b(?:any(?:thing|\\s+(?:other\\s+|further\\s+)?(?:questions?|help|assistance|concerns?|issues?|problems?))|questions?|help|assistance|anything (?:comes up|else))\\b[^.?!,;]*(?:[,;]\\s*(?:please\\s+|just\\s+)?(?:feel free|(?:do not|don${A}?t) hesitate|reach out|let (?:me|us) know|get in touch|(?:we|i)(?:${A}re|${A}m| am| are) (?:here|happy|glad))\\b[^.?!]*)?`,
        'gi',
      ),
      /\b(?:happy|glad|here) to (?:help|answer any)\b[^.?!,;]*/gi,
    ],
    cues: [
      cue(
        `^(?:please|pls|kindly)\\b|\\b(?:please|kindly)\\s+(?:send|let|confirm|review|sign|call|share|forward|provide|schedule|book|advise|find|see|reply|respond|contact|check|make sure|join|fill|complete|update|approve|do|give|get|remember|note)\\b`,
        0.85,
        false,
      ),
      cue(`\\bplease\\b`, 0.6, false),
      cue(`\\b(?:can|could|would|will)\\s+you\\b`, 0.75, false),
      cue(
        `\\b(?:let me know|let us know|get back to me|get back to us|reach out|give me a call|give us a call)\\b`,
        0.75,
      ),
      cue(
        `^(?:send|share|forward|schedule|book|set up|review|sign|confirm|call|email|reply|respond|provide|let|join|check|fill|complete|update|approve|make sure|remember|contact|give|bring|find|attend|register|click|read|see)\\b`,
        0.75,
        false,
      ),
      cue(
        `\\b(?:i|we)\\s+(?:need|would like|want|${A}d like|would appreciate)\\s+(?:you|your|to get|to have|to see|a|the)\\b`,
        0.65,
        false,
      ),
      cue(
        `\\b(?:are you available|do you have (?:time|a minute|availability)|when (?:can|could|would) (?:we|you)|what time works|let${A}s (?:schedule|meet|talk|set up|get|hop))\\b`,
        0.8,
        false,
      ),
    ],
  },
];

const NEGATORS = /^(?:no|not|never|without|none|nothing|hardly|cannot|nor|neither|\w+n['’]t)$/i;

function isNegated(sentence: string, matchStart: number): boolean {
  const before = sentence.slice(0, matchStart);
  const clauseStart = Math.max(
    before.lastIndexOf(','),
    before.lastIndexOf(';'),
    before.lastIndexOf(':'),
    before.toLowerCase().lastIndexOf(' but '),
  );
  const words = before
    .slice(clauseStart + 1)
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .slice(-3);
  return words.some((w) => NEGATORS.test(w.replace(/[^\w'’]/g, '')));
}

export interface LexiconOptions {
  /** Tenant-configured competitor names (matched as whole words, case-insensitive). */
  competitors?: string[];
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Run the lexicon over each sentence; at most one signal per type per sentence (the strongest cue). */
export function detectSignalsLexicon(text: string, opts: LexiconOptions = {}): Signal[] {
  const rules = [...RULES];
  if (opts.competitors && opts.competitors.length > 0) {
    const names = opts.competitors
      .map((n) => escapeRe(n.trim()))
      .filter(Boolean)
      .join('|');
    const base = rules.find((r) => r.type === 'competitor')!;
    rules[rules.indexOf(base)] = { ...base, cues: [...base.cues, cue(`\\b(?:${names})\\b`, 0.9)] };
  }
  const out: Signal[] = [];
  for (const s of splitSentences(text)) {
    for (const rule of rules) {
      const clearedSpans: [number, number][] = [];
      for (const re of rule.cleared) {
        for (const m of s.quote.matchAll(re)) {
          // "we don't have enough budget for..." is not a denial: a negated denial clears nothing.
          if (!isNegated(s.quote, m.index)) clearedSpans.push([m.index, m.index + m[0].length]);
        }
      }
      const hits: number[] = [];
      for (const c of rule.cues) {
        for (const m of s.quote.matchAll(c.re)) {
          const a = m.index;
          const b = a + m[0].length;
          if (clearedSpans.some(([x, y]) => a < y && b > x)) continue;
          if (c.negatable && isNegated(s.quote, a)) continue;
          hits.push(c.confidence);
          break;
        }
      }
      if (hits.length === 0) continue;
      // Independent cues agreeing raise confidence a little; never above 0.97 for a pattern match.
      const confidence = Math.min(0.97, Math.max(...hits) + 0.05 * (hits.length - 1));
      out.push({
        type: rule.type,
        confidence: Math.round(confidence * 100) / 100,
        evidence: { ...s } satisfies EvidenceSpan,
        model: LEXICON_MODEL,
      });
    }
  }
  return out;
}

/**
 * Signal types a sentence explicitly denies ("budget is not an issue", "let me know if you have any
 * questions") and does not assert elsewhere ("…, but the price is too high"): trained models must not fire on them.
 */
export function deniedTypes(sentence: string): Set<SignalType> {
  const out = new Set<SignalType>();
  for (const rule of RULES) {
    for (const re of rule.cleared) {
      for (const m of sentence.matchAll(re)) if (!isNegated(sentence, m.index)) out.add(rule.type);
    }
  }
  if (out.size > 0) for (const s of detectSignalsLexicon(sentence)) out.delete(s.type);
  return out;
}
