import { makeSynthetic } from './make-synthetic-people.js';
import { resolveRecords } from '../src/resolve/er/resolve.js';
import { pairMetrics, predictedPairsFromClusters } from '../src/resolve/eval/metrics.js';
import { normalizeEmail } from '../src/resolve/normalize/index.js';

/**
 * Entity resolution throughput and quality on synthetic person records with typos and duplicates,
 * beside the obvious baseline: join records whose normalized email is identical.
 */
export async function benchDedupe(o: { records: number }) {
  const data = makeSynthetic({ records: o.records, dupRate: 0.3, seed: 7 });
  const [, ...cols] = data.header;
  const records = data.rows.map((r) => ({
    id: r[0]!,
    source: null,
    values: Object.fromEntries(cols.map((c, i) => [c, r[i + 1] || null])),
  }));
  const t0 = performance.now();
  const res = resolveRecords(records);
  const secs = (performance.now() - t0) / 1000;
  const predicted = predictedPairsFromClusters(
    res.clusters.map((c) => c.recordIds),
    () => null,
    false,
  );
  const m = pairMetrics(predicted, data.pairs);
  const byEmail = new Map<string, string[]>();
  const emailCol = cols.indexOf('email');
  for (const r of data.rows) {
    const e = normalizeEmail(r[emailCol + 1] ?? '').normalized;
    if (!e) continue;
    byEmail.set(e, [...(byEmail.get(e) ?? []), r[0]!]);
  }
  const base = pairMetrics(
    predictedPairsFromClusters([...byEmail.values()], () => null, false),
    data.pairs,
  );
  return {
    records: o.records,
    seconds: secs,
    recordsPerSecond: o.records / secs,
    precision: m.precision,
    recall: m.recall,
    f1: m.f1,
    baselineF1: base.f1,
  };
}
