export const SIGNAL_TYPES = [
  'budget_constraint',
  'timeline',
  'competitor',
  'decision_maker',
  'objection',
  'negative_sentiment',
  'explicit_ask',
] as const;
export type SignalType = (typeof SIGNAL_TYPES)[number];

export interface EvidenceSpan {
  /** UTF-16 offsets into the analysed text: text.slice(start, end) === quote. */
  start: number;
  end: number;
  quote: string;
}

/** One signal found in an email or call note. `model` says which detector produced it. */
export type Signal = {
  type: SignalType;
  confidence: number;
  evidence: EvidenceSpan;
  model: string;
  /** Set when the hand-written lexicon agrees with the learned model: that detector's name (the explanation). */
  cue?: string;
};
