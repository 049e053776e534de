import { defineCommand, runCommand, UsageError } from './command.js';
import { readTableFile } from './read-table.js';
import { columnIndex } from '../inference/models/table.js';
import { calibrateSignals, falseRiskFlags, scoreSignals, signalErrors } from '../inference/signals/evaluate.js';
import type { SentenceVectorLookup } from '../inference/signals/sentence-vectors.js';
import { splitSentences } from '../inference/signals/sentences.js';
import { SHIPPED_FUSED_SIGNAL_MODELS_VERSION, SHIPPED_SIGNAL_MODELS_VERSION } from '../inference/signals/shipped.js';
import { SIGNAL_TYPES, type SignalType } from '../inference/signals/types.js';
import { sentenceVectors } from './eval-text.js';

const round = (x: number): number => Math.round(x * 1e4) / 1e4;

/**
 * `closeloop eval signals`: the production signal detector (shipped learned models, lexicon as explanation and
 * fallback) against sentences labelled with signal types, per type, next to the n-gram models alone and the lexicon
 * alone. As in the product (SIGNAL_ENCODER=use-lite), every sentence is embedded with the shipped sentence encoder
 * and read by the fused models; when the encoder cannot load, `encoder.fallback` says why and the n-gram models read
 * them.
 */
export const command = defineCommand({
  name: 'eval signals',
  summary:
    'per-signal precision and recall of the production signal detector on labelled sentences, as one JSON object',
  description:
    'The CSV has a text column and a column listing the signal types of each sentence, space-separated (empty = none). ' +
    `Types: ${SIGNAL_TYPES.join(', ')}. no_signal_sentences: of the sentences labelled with no signal, how many the ` +
    'detector flags with a risk type (any but explicit_ask): false signals, quoted in a task or shifting a deal score. ' +
    'learned: the production detector (the fused models when the sentence encoder loads, as SIGNAL_ENCODER=use-lite); ' +
    'ngram: the n-gram models alone (SIGNAL_ENCODER=none); lexicon: the hand-written patterns alone. ' +
    'Exit 0 with the JSON on stdout, 2 on bad input.',
  options: {
    sentences: {
      type: 'string',
      value: 'FILE.csv',
      required: true,
      description: 'labelled sentences (CSV with a header)',
    },
    text: { type: 'string', value: 'COL', default: 'text', description: 'the text column' },
    labels: { type: 'string', value: 'COL', default: 'signals', description: 'the column listing signal types' },
    encoder: {
      type: 'string',
      value: 'use-lite|none',
      default: 'use-lite',
      description: 'the sentence encoder of the production detector (none: the n-gram models alone)',
    },
    errors: {
      type: 'boolean',
      description:
        "also print the production detector's errors: each false positive (sentence, type, confidence, model, " +
        'lexicon cue) and each missed label',
    },
  },
  examples: [
    'npx closeloop eval signals --sentences tests/fixtures/signals/sales-sentences.csv',
    'npx closeloop eval signals --sentences tests/fixtures/signals/sales-sentences-i.csv --errors',
  ],
  async handler({ values }, io) {
    const t = await readTableFile(values.sentences);
    const ti = columnIndex(t, values.text, values.sentences);
    const li = columnIndex(t, values.labels, values.sentences);
    // Labels as written by hand: any case, separated by spaces, commas or semicolons ("Explicit_Ask; timeline").
    const rows = t.rows
      .map((r, n) => {
        const labels = (r[li] ?? '')
          .toLowerCase()
          .split(/[\s;,]+/)
          .filter(Boolean);
        const unknown = labels.find((l) => !(SIGNAL_TYPES as readonly string[]).includes(l));
        if (unknown)
          throw new UsageError(
            `${values.sentences}: data row ${n + 1}: unknown signal type "${unknown}" (types: ${SIGNAL_TYPES.join(', ')})`,
          );
        return { text: r[ti] ?? '', labels: [...new Set(labels)] as SignalType[] };
      })
      .filter((r) => r.text.trim() !== '');
    if (rows.length === 0) throw new UsageError(`${values.sentences}: no sentences`);
    if (values.encoder !== 'use-lite' && values.encoder !== 'none')
      throw new UsageError(`--encoder: use-lite or none, not "${values.encoder}"`);
    // The rows' sentences (as extractSignals splits them) and whole texts (calibration), embedded once.
    const encoder: { id: string | null; fallback: string | null; embed_seconds: number | null } = {
      id: null,
      fallback: values.encoder === 'none' ? 'off (--encoder none)' : null,
      embed_seconds: null,
    };
    let vectors: SentenceVectorLookup | null = null;
    if (values.encoder === 'use-lite') {
      const texts = [...new Set(rows.flatMap((r) => [r.text.trim(), ...splitSentences(r.text).map((s) => s.quote)]))];
      const t0 = performance.now();
      const s = await sentenceVectors(texts, undefined);
      encoder.embed_seconds = Math.round((performance.now() - t0) / 10) / 100;
      if (s.vectors && s.id) {
        const byText = new Map(texts.map((t, i) => [t, s.vectors![i]!]));
        vectors = { encoderId: s.id, get: (t) => byText.get(t) };
        encoder.id = s.id;
      } else encoder.fallback = s.fallback;
    }
    const shape = (s: ReturnType<typeof scoreSignals>) =>
      Object.fromEntries(
        s.map((x) => [
          x.type,
          { support: x.support, precision: round(x.precision), recall: round(x.recall), f1: round(x.f1) },
        ]),
      );
    const learned = scoreSignals(rows, 'learned', vectors);
    const ngram = vectors ? scoreSignals(rows, 'learned') : learned;
    const lexicon = scoreSignals(rows, 'lexicon');
    const macro = (s: ReturnType<typeof scoreSignals>) => round(s.reduce((a, x) => a + x.f1, 0) / s.length);
    const calibration = Object.fromEntries(
      calibrateSignals(rows, vectors).map((c) => [
        c.type,
        { brier: c.brier, prevalence_brier: c.prevalenceBrier, ece: c.ece, bins: c.bins },
      ]),
    );
    const quietLearned = falseRiskFlags(rows, 'learned', vectors);
    const noSignal = {
      rows: quietLearned.rows,
      flagged_with_a_risk_type: {
        learned: quietLearned.flagged,
        ngram: vectors ? falseRiskFlags(rows, 'learned').flagged : quietLearned.flagged,
        lexicon: falseRiskFlags(rows, 'lexicon').flagged,
      },
    };
    const out = {
      sentences: rows.length,
      models: vectors ? SHIPPED_FUSED_SIGNAL_MODELS_VERSION : SHIPPED_SIGNAL_MODELS_VERSION,
      encoder,
      learned: shape(learned),
      ngram: shape(ngram),
      lexicon: shape(lexicon),
      macro_f1: { learned: macro(learned), ngram: macro(ngram), lexicon: macro(lexicon) },
      no_signal_sentences: noSignal,
      calibration,
      ...(values.errors
        ? (() => {
            const e = signalErrors(rows, 'learned', vectors);
            return { errors: { false_positives: e.falsePositives, false_negatives: e.falseNegatives } };
          })()
        : {}),
    };
    io.out(`${JSON.stringify(out)}\n`);
    return 0;
  },
});

export const run = (argv: string[]): Promise<number> => runCommand(command, argv);
