import { deniedTypes, detectSignalsLexicon, type LexiconOptions } from './lexicon.js';
import { splitSentences } from './sentences.js';
import type { TextClassifier } from './text-classifier.js';
import type { Signal, SignalType } from './types.js';

export { SIGNAL_TYPES, type Signal, type SignalType, type EvidenceSpan } from './types.js';
export { detectSignalsLexicon, deniedTypes, LEXICON_MODEL, type LexiconOptions } from './lexicon.js';
export { TextClassifier, trainTextClassifier, textFeatures, TEXT_MODEL, type TextPrediction, type SerializedTextModel } from './text-classifier.js';
export { splitSentences } from './sentences.js';

export interface ExtractOptions extends LexiconOptions {
  /** Tenant-trained sentence classifiers by signal type; they run next to the lexicon. */
  classifiers?: Partial<Record<SignalType, TextClassifier>>;
}

/**
 * Signals in an email or call note, one per (type, sentence), strongest first within each sentence.
 * Day one this is the lexicon alone; once a tenant has labelled sentences, their classifiers add
 * detections. A sentence that explicitly denies a signal ("no budget concerns") never yields it.
 */
export function extractSignals(text: string, opts: ExtractOptions = {}): Signal[] {
  const found = detectSignalsLexicon(text, opts);
  const classifiers = Object.entries(opts.classifiers ?? {}) as [SignalType, TextClassifier][];
  if (classifiers.length > 0) {
    for (const s of splitSentences(text)) {
      const denied = deniedTypes(s.quote);
      for (const [type, clf] of classifiers) {
        if (denied.has(type)) continue;
        const p = clf.probability(s.quote);
        if (p < clf.threshold) continue;
        const same = found.findIndex((f) => f.type === type && f.evidence.start === s.start);
        const signal: Signal = { type, confidence: Math.round(p * 100) / 100, evidence: { ...s }, model: clf.toJSON().model };
        if (same < 0) found.push(signal);
        else if (found[same]!.confidence < signal.confidence) found[same] = signal;
      }
    }
  }
  return found.sort((a, b) => a.evidence.start - b.evidence.start || b.confidence - a.confidence);
}
