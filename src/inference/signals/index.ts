import { deniedTypes, detectSignalsLexicon, type LexiconOptions } from './lexicon.js';
import { splitSentences } from './sentences.js';
import { languageOf, sentenceIsForeign } from '../drafting/language.js';
import { FUSED_TEXT_MODEL } from './sentence-text-classifier.js';
import type { SentenceVectorLookup } from './sentence-vectors.js';
import {
  SHIPPED_FUSED_SIGNAL_MODELS_VERSION,
  SHIPPED_SIGNAL_MODELS_VERSION,
  shippedFusedSignalModels,
  shippedSignalModels,
} from './shipped.js';
import { TEXT_MODEL, textFeatures } from './text-classifier.js';
import type { SentenceModel } from './tenant-model.js';
import type { Signal, SignalType } from './types.js';

export { SIGNAL_TYPES, type Signal, type SignalType, type EvidenceSpan } from './types.js';
export { detectSignalsLexicon, deniedTypes, LEXICON_MODEL, type LexiconOptions } from './lexicon.js';
export {
  TextClassifier,
  trainTextClassifier,
  textFeatures,
  TEXT_MODEL,
  type TextPrediction,
  type SerializedTextModel,
} from './text-classifier.js';
export { splitSentences } from './sentences.js';
export {
  shippedSignalModels,
  shippedFusedSignalModels,
  SHIPPED_SIGNAL_MODELS_VERSION,
  SHIPPED_FUSED_SIGNAL_MODELS_VERSION,
  SHIPPED_FUSED_SIGNAL_ENCODER,
} from './shipped.js';
export { SignalSentenceVectors, type SentenceVectorLookup } from './sentence-vectors.js';
export { FusedTextClassifier, trainFusedTextClassifier, FUSED_TEXT_MODEL } from './sentence-text-classifier.js';
export { visibleEmailText, signalText } from './email-text.js';
export {
  TenantSignalModel,
  fineTuneSignalModel,
  trainTenantSignalModels,
  tenantSignalModelsFromJSON,
  tenantFusedSignalModelsFromJSON,
  labelledSentences,
  SIGNAL_OF_SUGGESTION,
  TENANT_SIGNAL_MODEL,
  TENANT_SIGNAL_MIN_LABELS,
  TENANT_SIGNAL_MIN_PER_CLASS,
  type SentenceModel,
  type SignalBaseModel,
  type SignalLabel,
  type FineTuneReport,
  type SerializedTenantSignalModels,
} from './tenant-model.js';

/**
 * Lexicon cues at or above this confidence count even when the learned model is below its threshold: the firmest
 * patterns ("our budget was cut", a tenant's own competitor names, two agreeing cues), which a long multi-clause
 * sentence can hide from the model ("our budget was cut; call me on …"). Below it the model decides: cues of 0.7–0.85
 * ("Our CFO loved the demo.", "out of office until Monday", "the rollout went smoothly") had become most of the
 * false signals once the models learnt from 1,400 sentences (docs/benchmarks.md, session 9).
 */
export const STRONG_CUE = 0.9;
/**
 * A signal the model alone finds (no lexicon cue in the sentence) needs at least this probability, whatever the
 * model's own threshold: its quote becomes evidence in a task a rep reads, so it must be more likely than not. The
 * models' thresholds maximise F1 in cross-validation, which for types with a low base rate lands near a third
 * ("Everything is running smoothly and the team loves the weekly digest." read as a competitor mention at 0.30 and
 * became a churn warning); with the lexicon agreeing, the model's threshold is enough.
 */
export const MODEL_ONLY_MIN = 0.5;
/**
 * The same for a sentence plainly in another language than English (`sentenceIsForeign`): the models learnt their
 * words in English, so what they find there without a lexicon cue mostly comes from stray n-grams ("Je reviens vers
 * vous d'ici jeudi avec la réponse du service juridique." read as churn at 0.69, Italian thank-yous and courtesy
 * offers as a budget problem at 0.74); what they still read well is language-free (a question mark, "budget"). The
 * other languages' own cues are in the lexicon.
 */
export const FOREIGN_MODEL_ONLY_MIN = 0.8;

export interface ExtractOptions extends LexiconOptions {
  /**
   * Tenant sentence models by signal type (a TextClassifier trained on the tenant's labels, or a TenantSignalModel:
   * the shipped model fine-tuned on them); they replace the shipped model of that type.
   */
  classifiers?: Partial<Record<SignalType, SentenceModel>>;
  /** Names the tenant models in `Signal.model` (`…:tenant@<version>`), e.g. when they were trained. */
  classifiersVersion?: string;
  /**
   * `learned` (default): the shipped calibrated models (or the tenant's) decide, the lexicon explains and covers
   * any type without a model. `lexicon`: the hand-written patterns alone (the day-one detector).
   */
  detector?: 'learned' | 'lexicon';
  /**
   * Sentence vectors prepared by the analysis (sentence-vectors.ts): a sentence that has one is read by the shipped
   * fused model of each type (n-grams + the sentence vector), one without by the n-gram model; a tenant's own models
   * take their place as `classifiers` and `fusedClassifiers` say.
   */
  vectors?: SentenceVectorLookup | null;
  /**
   * The tenant's models on the fused base (tenant-model.ts `tenantFusedSignalModelsFromJSON`), for sentences with a
   * vector. Given (even empty), the tenant was judged on the fused models: a sentence with a vector is read by the
   * tenant's fused model of the type, else the shipped fused one, and `classifiers` serve only sentences without a
   * vector. Absent: `classifiers` win over the fused models (corrections trained without the sentence encoder).
   */
  fusedClassifiers?: Partial<Record<SignalType, SentenceModel>> | null;
}

/** A sentence the language guesser places in a language other than English (unsure: not foreign). */
function isForeign(sentence: string): boolean {
  const l = languageOf(sentence);
  return l !== null && l.code !== 'en';
}

/**
 * Signals in an email or call note, at most one per (type, sentence), in text order.
 * Each sentence is scored by the calibrated classifier of every type (confidence = its probability): with a prepared
 * vector (`opts.vectors`), the tenant's fused correction of the type or else the shipped fused model (a tenant whose
 * corrections were learnt without the encoder keeps its n-gram correction); without one, the tenant's n-gram
 * correction or else the shipped n-gram model. The
 * lexicon's verdict is kept as the explanation (`cue`) when it agrees, and is the detector for types with no
 * model, and its firmest cues (`STRONG_CUE`, tenant-configured competitor names) count on their own. A sentence
 * that explicitly denies a signal ("no budget concerns", "let me know if you have any questions") never yields it.
 */
export function extractSignals(text: string, opts: ExtractOptions = {}): Signal[] {
  const lexicon = detectSignalsLexicon(text, opts);
  if (opts.detector === 'lexicon') return lexicon;
  const models: Partial<Record<SignalType, SentenceModel>> = { ...shippedSignalModels(), ...(opts.classifiers ?? {}) };
  const fused = opts.vectors ? shippedFusedSignalModels() : {};
  const found: Signal[] = [];
  for (const s of splitSentences(text)) {
    const denied = deniedTypes(s.quote);
    const lexHere = lexicon.filter((l) => l.evidence.start === s.start);
    const feats = textFeatures(s.quote);
    const vector = opts.vectors?.get(s.quote);
    // The sentence encoder was trained on English: a sentence plainly in another language gets a vector that says
    // little, and the fused model let it drown what the words say (a French "Pouvez-vous nous envoyer une proposition
    // révisée ?" read as no request). The n-gram model, which learnt the lexicon's languages, reads such a sentence.
    const foreign = opts.vectors ? isForeign(s.quote) : false;
    // The models learnt their words in English: in a sentence plainly in another language, what they find without a
    // lexicon cue needs FOREIGN_MODEL_ONLY_MIN.
    const unreadByModels = sentenceIsForeign(s.quote);
    for (const type of Object.keys(models) as SignalType[]) {
      if (denied.has(type)) continue;
      const f = fused[type];
      const canFuse = f !== undefined && f.reads(opts.vectors!.encoderId, vector) && !foreign;
      const tenantFused = canFuse ? opts.fusedClassifiers?.[type] : undefined;
      // Corrections learnt without the encoder keep winning over the shipped fused model (see `fusedClassifiers`).
      const useFused = canFuse && (opts.fusedClassifiers != null || opts.classifiers?.[type] === undefined);
      const tenant = useFused ? tenantFused !== undefined : opts.classifiers?.[type] !== undefined;
      const clf: SentenceModel = useFused ? (tenantFused ?? f!) : models[type]!;
      const p = useFused ? clf.probabilityOf(feats, vector) : clf.probabilityOf(feats);
      const cue = lexHere.find((l) => l.type === type);
      const modelOnlyMin = unreadByModels && !tenant ? FOREIGN_MODEL_ONLY_MIN : MODEL_ONLY_MIN;
      if (p < (cue ? clf.threshold : Math.max(clf.threshold, modelOnlyMin))) {
        // The lexicon's firmest patterns (STRONG_CUE) keep their signal when the model is unsure; the model adds
        // what the lexicon misses and overrules its weaker cues.
        if (cue && cue.confidence >= STRONG_CUE) found.push(cue);
        continue;
      }
      found.push({
        type,
        confidence: Math.round(p * 100) / 100,
        evidence: { ...s },
        model: `${useFused ? FUSED_TEXT_MODEL : TEXT_MODEL}:${
          tenant
            ? `tenant${opts.classifiersVersion ? `@${opts.classifiersVersion}` : ''}`
            : useFused
              ? SHIPPED_FUSED_SIGNAL_MODELS_VERSION
              : SHIPPED_SIGNAL_MODELS_VERSION
        }`,
        ...(cue ? { cue: cue.model } : {}),
      });
    }
    for (const l of lexHere) if (!models[l.type]) found.push(l);
  }
  return found.sort((a, b) => a.evidence.start - b.evidence.start || b.confidence - a.confidence);
}
