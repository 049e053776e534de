import { defineCommand, runCommand, UsageError } from './command.js';
import { readTableFile } from './read-table.js';
import { columnIndex } from '../inference/models/table.js';
import { calibrateSignals, falseRiskFlags, scoreSignals } from '../inference/signals/evaluate.js';
import { SHIPPED_SIGNAL_MODELS_VERSION } from '../inference/signals/shipped.js';
import { SIGNAL_TYPES, type SignalType } from '../inference/signals/types.js';

const round = (x: number): number => Math.round(x * 1e4) / 1e4;

/**
 * `closeloop eval signals`: the production signal detector (shipped learned models, lexicon as explanation and
 * fallback) against sentences labelled with signal types, per type, next to the lexicon alone.
 */
export const command = defineCommand({
  name: 'eval signals',
  summary:
    'per-signal precision and recall of the production signal detector on labelled sentences, as one JSON object',
  description:
    'The CSV has a text column and a column listing the signal types of each sentence, space-separated (empty = none). ' +
    `Types: ${SIGNAL_TYPES.join(', ')}. no_signal_sentences: of the sentences labelled with no signal, how many the ` +
    'detector flags with a risk type (any but explicit_ask): false signals, quoted in a task or shifting a deal score. ' +
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
  },
  examples: ['npx closeloop eval signals --sentences tests/fixtures/signals/sales-sentences.csv'],
  async handler({ values }, io) {
    const t = await readTableFile(values.sentences);
    const ti = columnIndex(t, values.text, values.sentences);
    const li = columnIndex(t, values.labels, values.sentences);
    const rows = t.rows
      .filter((r) => (r[ti] ?? '').trim() !== '')
      .map((r, n) => {
        const labels = (r[li] ?? '').split(/[\s;,]+/).filter(Boolean);
        const unknown = labels.find((l) => !(SIGNAL_TYPES as readonly string[]).includes(l));
        if (unknown) throw new UsageError(`${values.sentences}: row ${n + 2}: unknown signal type "${unknown}"`);
        return { text: r[ti]!, labels: labels as SignalType[] };
      });
    if (rows.length === 0) throw new UsageError(`${values.sentences}: no sentences`);
    const shape = (s: ReturnType<typeof scoreSignals>) =>
      Object.fromEntries(
        s.map((x) => [
          x.type,
          { support: x.support, precision: round(x.precision), recall: round(x.recall), f1: round(x.f1) },
        ]),
      );
    const learned = scoreSignals(rows, 'learned');
    const lexicon = scoreSignals(rows, 'lexicon');
    const macro = (s: ReturnType<typeof scoreSignals>) => round(s.reduce((a, x) => a + x.f1, 0) / s.length);
    const calibration = Object.fromEntries(
      calibrateSignals(rows).map((c) => [
        c.type,
        { brier: c.brier, prevalence_brier: c.prevalenceBrier, ece: c.ece, bins: c.bins },
      ]),
    );
    const quietLearned = falseRiskFlags(rows, 'learned');
    const noSignal = {
      rows: quietLearned.rows,
      flagged_with_a_risk_type: { learned: quietLearned.flagged, lexicon: falseRiskFlags(rows, 'lexicon').flagged },
    };
    io.out(
      `${JSON.stringify({ sentences: rows.length, models: SHIPPED_SIGNAL_MODELS_VERSION, learned: shape(learned), lexicon: shape(lexicon), macro_f1: { learned: macro(learned), lexicon: macro(lexicon) }, no_signal_sentences: noSignal, calibration })}\n`,
    );
    return 0;
  },
});

export const run = (argv: string[]): Promise<number> => runCommand(command, argv);
