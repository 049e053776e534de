/**
 * What a rep would see from labelled sentences: each sentence becomes one inbound email, three days old and
 * unanswered, and `unansweredAsk` (src/inference/deal-suggestions.ts, what the "answer the customer's question" task
 * comes from) says whether it is an open request. Counts per language (an optional `lang` column) and overall
 * precision, recall and F1 against the `explicit_ask` label. Without sentence vectors (the n-gram models): a sentence
 * in another language than English takes that path in production too.
 *
 *   node_modules/node/bin/node --import tsx bench/signals/unanswered-asks.ts tests/fixtures/signals/requests-multilingual.csv
 */
import { readFileSync } from 'node:fs';
import { parseCsv } from '../../src/lib/csv.js';
import type { Activity } from '../../src/core/canonical.js';
import { unansweredAsk } from '../../src/inference/deal-suggestions.js';

const args = process.argv.slice(2);
if (args.includes('--help') || args.length === 0) {
  process.stdout
    .write(`usage: node_modules/node/bin/node --import tsx bench/signals/unanswered-asks.ts SENTENCES.csv [--errors]

SENTENCES.csv has the columns text, signals (space-separated types; explicit_ask is the one read) and optionally lang.
Prints one JSON object: per language and overall true/false positives and negatives, precision, recall and F1;
--errors adds the sentences read wrongly.
`);
  process.exit(args.length === 0 ? 1 : 0);
}
const [header, ...rows] = parseCsv(readFileSync(args[0]!, 'utf8'), args[0]);
const col = (name: string) => header!.indexOf(name);
const NOW = Date.parse('2026-06-01T12:00:00Z');
type Counts = { tp: number; fp: number; fn: number; tn: number };
const byLang: Record<string, Counts> = {};
const errors: { text: string; lang: string; labelled: boolean }[] = [];
for (const r of rows) {
  const text = r[col('text')]!;
  const lang = col('lang') >= 0 ? r[col('lang')]! : 'all';
  const labelled = (r[col('signals')] ?? '').split(/\s+/).includes('explicit_ask');
  const email = {
    externalId: 'q',
    kind: 'email',
    direction: 'inbound',
    occurredAt: new Date(NOW - 3 * 86_400_000).toISOString(),
    subject: null,
    body: text,
  } as unknown as Activity;
  const open = unansweredAsk({ now: NOW }, [email]) !== null;
  const c = (byLang[lang] ??= { tp: 0, fp: 0, fn: 0, tn: 0 });
  c[open ? (labelled ? 'tp' : 'fp') : labelled ? 'fn' : 'tn']++;
  if (open !== labelled) errors.push({ text, lang, labelled });
}
const scores = (c: Counts) => {
  const precision = c.tp / Math.max(1, c.tp + c.fp);
  const recall = c.tp / Math.max(1, c.tp + c.fn);
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { ...c, precision: +precision.toFixed(3), recall: +recall.toFixed(3), f1: +f1.toFixed(3) };
};
const all = Object.values(byLang).reduce(
  (a, c) => ({ tp: a.tp + c.tp, fp: a.fp + c.fp, fn: a.fn + c.fn, tn: a.tn + c.tn }),
  {
    tp: 0,
    fp: 0,
    fn: 0,
    tn: 0,
  },
);
const out = {
  sentences: rows.length,
  by_language: Object.fromEntries(Object.entries(byLang).map(([l, c]) => [l, scores(c)])),
  all: scores(all),
  ...(args.includes('--errors') ? { errors } : {}),
};
process.stdout.write(JSON.stringify(out, null, 1) + '\n');
