/**
 * `closeloop eval dedupe --records R.csv --pairs P.csv [--close-truth] [--ignore col,col] [--out merges.json]
 *   [--link-constraint one-to-one|best|auto|one-to-many|many-to-one|none]`
 *
 * Runs entity resolution on a records file and scores it against true pairs. Prints ONE JSON
 * object on stdout. Bad input → message on stderr, exit code 2.
 */
import { writeFile } from 'node:fs/promises';
import { resolveRecords } from '../resolve/er/resolve.js';
import { DEFAULT_IGNORED_COLUMNS, EvalInputError, readPairs, readRecords } from '../resolve/eval/read-csv.js';
import { defineCommand, runCommand, UsageError } from './command.js';
import { closePairs, pairKey, pairMetrics, predictedPairsFromClusters } from '../resolve/eval/metrics.js';

const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

const CONSTRAINTS = ['one-to-one', 'best', 'auto', 'one-to-many', 'many-to-one', 'none'] as const;

export const command = defineCommand({
  name: 'eval dedupe',
  summary: 'run entity resolution on a records CSV and score it against true pairs (one JSON object)',
  description:
    'records: a CSV whose header starts with record_id (a "source" column makes it a two-source link). ' +
    'pairs: a CSV with record_id_a,record_id_b, the true matches (a third column label, 1 or 0, keeps the rows ' +
    'labelled 1). Ids and header names are trimmed; an empty or repeated id is refused. Prints precision, recall, F1, throughput and blocking recall. ' +
    'Exit 0 with the JSON on stdout, 2 on bad input.',
  options: {
    records: {
      type: 'string',
      value: 'R.csv',
      required: true,
      description: 'the records (CSV, header starts with record_id)',
    },
    pairs: {
      type: 'string',
      value: 'P.csv',
      required: true,
      description: 'the true duplicate pairs (record_id_a,record_id_b)',
    },
    'close-truth': { type: 'boolean', description: 'close the true pairs transitively before scoring' },
    ignore: {
      type: 'string',
      value: 'col,col',
      description: `columns not to compare (default: ${DEFAULT_IGNORED_COLUMNS.join(',')})`,
    },
    out: { type: 'string', value: 'merges.json', description: 'also write the clusters to this file' },
    'link-constraint': {
      type: 'string',
      value: 'NAME',
      choices: CONSTRAINTS,
      description: 'how many matches one record may have across sources',
    },
  },
  examples: [
    'npx closeloop eval dedupe --records tests/fixtures/resolve/people.csv --pairs tests/fixtures/resolve/people_pairs.csv',
  ],
  async handler({ values: args }, io) {
    const linkConstraint = CONSTRAINTS.find((c) => c === args['link-constraint']);
    try {
      const ignore =
        args.ignore === undefined
          ? DEFAULT_IGNORED_COLUMNS
          : args.ignore
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean);
      const [records, truthRaw] = await Promise.all([
        readRecords(args.records, ignore, { checkIgnore: args.ignore !== undefined }),
        readPairs(args.pairs),
      ]);
      const ids = new Set(records.map((r) => r.id));
      const unknown = truthRaw.find(([a, b]) => !ids.has(a) || !ids.has(b));
      if (unknown)
        throw new EvalInputError(
          `${args.pairs}: pair (${unknown[0]}, ${unknown[1]}) names a record_id not in ${args.records}`,
        );
      const truth = args['close-truth'] ? closePairs(truthRaw) : truthRaw;
      if (truth.length === 0)
        io.err(
          `eval dedupe: ${args.pairs} lists no true pairs: recall is 1 by convention and every predicted pair counts as false\n`,
        );

      const t0 = process.hrtime.bigint();
      const result = resolveRecords(records, linkConstraint ? { linkConstraint } : {});
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;

      const sourceOf = new Map(records.map((r) => [r.id, r.source]));
      const predicted = predictedPairsFromClusters(
        result.clusters.map((c) => c.recordIds),
        (id) => sourceOf.get(id) ?? null,
        result.mode === 'link',
      );
      const m = pairMetrics(predicted, truth);
      const truthKeys = new Set(truth.map(([a, b]) => pairKey(a, b)));
      let candidateHits = 0;
      for (let x = 0; x < result.candidates.length; x += 2) {
        if (truthKeys.has(pairKey(records[result.candidates[x]!]!.id, records[result.candidates[x + 1]!]!.id)))
          candidateHits++;
      }
      if (args.out) {
        try {
          await writeFile(args.out, JSON.stringify(result.clusters, null, 1));
        } catch (e) {
          throw new EvalInputError(
            `cannot write --out ${args.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
          );
        }
      }
      const out = {
        precision: round(m.precision),
        recall: round(m.recall),
        f1: round(m.f1),
        records: records.length,
        records_per_second: Math.round(records.length / seconds),
        seconds: round(seconds, 3),
        candidate_pairs: result.candidatePairs,
        blocking_recall: round(truthKeys.size === 0 ? 1 : candidateHits / truthKeys.size),
        predicted_pairs: m.predictedPairs,
        true_pairs: m.truePairs,
        true_positives: m.truePositives,
        truth: args['close-truth'] ? 'pairs file, transitively closed' : 'pairs file as given',
        mode: result.mode,
        clusters: result.clusters.length,
        fields: result.fields.map((f) => `${f.name}:${f.kind}`),
        match_prior: round(result.model.lambda),
        em_iterations: result.model.iterations,
        linkage: result.linkage,
      };
      io.out(`${JSON.stringify(out)}\n`);
      return 0;
    } catch (e) {
      if (e instanceof EvalInputError) throw new UsageError(e.message);
      throw e;
    }
  },
});

export const run = (argv: string[]): Promise<number> => runCommand(command, argv);
