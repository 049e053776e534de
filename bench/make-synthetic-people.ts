/**
 * Synthetic person records for the 100k scaling run (not committed data).
 *
 *   npx tsx bench/make-synthetic-people.ts [--records 100000] [--dup-rate 0.3] [--seed 7] [--out DIR]
 *
 * Writes DIR/records.csv (record_id, given_name, surname, email, phone, street, city, postcode,
 * date_of_birth) and DIR/pairs.csv (record_id_a, record_id_b). DIR defaults to a fresh temp dir.
 * Duplicates get Febrl-like corruptions: typos, swapped names, nicknames, missing values,
 * reformatted phones, changed email.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { rng } from '../src/resolve/er/resolve.js';

const SYL = [
  'an',
  'be',
  'ca',
  'da',
  'el',
  'fa',
  'ga',
  'ha',
  'in',
  'jo',
  'ka',
  'li',
  'ma',
  'ne',
  'or',
  'pa',
  'ri',
  'sa',
  'ta',
  'ul',
  'va',
  'wi',
  'ya',
  'zo',
  'mar',
  'ton',
  'sen',
  'ber',
  'lin',
  'son',
  'ric',
  'ley',
  'den',
  'ford',
];
const STREET_TYPES = ['street', 'road', 'avenue', 'place', 'crescent', 'lane', 'drive'];

export interface SyntheticOptions {
  records: number;
  dupRate: number;
  seed: number;
}

export function makeSynthetic(opts: SyntheticOptions): {
  header: string[];
  rows: string[][];
  pairs: [string, string][];
} {
  const rand = rng(opts.seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const word = (min: number, max: number) => {
    const k = min + Math.floor(rand() * (max - min + 1));
    let w = '';
    for (let i = 0; i < k; i++) w += pick(SYL);
    return w;
  };
  // Zipf-ish name pools so common names repeat, as in real data
  const givenPool = Array.from({ length: 3000 }, () => word(2, 3));
  const surnamePool = Array.from({ length: 20000 }, () => word(2, 4));
  const cityPool = Array.from({ length: 2000 }, () => word(2, 3));
  const zipf = <T>(pool: T[]) => pool[Math.min(pool.length - 1, Math.floor(Math.pow(rand(), 2.2) * pool.length))]!;
  const typo = (s: string) => {
    if (s.length < 2) return s;
    const i = Math.floor(rand() * s.length);
    const r = rand();
    if (r < 0.3) return s.slice(0, i) + s.slice(i + 1);
    if (r < 0.6) return s.slice(0, i) + pick(['a', 'e', 'i', 'o', 'n', 'r', 's', 't']) + s.slice(i + 1);
    if (r < 0.8 && i < s.length - 1) return s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
    return s.slice(0, i) + pick(['a', 'e', 'l']) + s.slice(i);
  };
  const header = [
    'record_id',
    'given_name',
    'surname',
    'email',
    'phone',
    'street',
    'city',
    'postcode',
    'date_of_birth',
  ];
  const rows: string[][] = [];
  const pairs: [string, string][] = [];
  const originals = Math.round(opts.records / (1 + opts.dupRate));
  const entities: string[][] = [];
  for (let e = 0; e < originals; e++) {
    const g = zipf(givenPool);
    const s = zipf(surnamePool);
    const y = 1940 + Math.floor(rand() * 65);
    const dob = `${y}${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`;
    const phone = `+1${200 + Math.floor(rand() * 700)}${String(Math.floor(rand() * 1e7)).padStart(7, '0')}`;
    entities.push([
      g,
      s,
      `${g}.${s}${Math.floor(rand() * 100)}@${word(2, 3)}.com`,
      phone,
      `${1 + Math.floor(rand() * 300)} ${word(2, 3)} ${pick(STREET_TYPES)}`,
      zipf(cityPool),
      String(1000 + Math.floor(rand() * 9000)),
      dob,
    ]);
  }
  let id = 0;
  const nextId = () => `syn-${String(id++).padStart(7, '0')}`;
  const order: number[] = [];
  for (let e = 0; e < originals; e++) order.push(e);
  while (order.length < opts.records) order.push(Math.floor(rand() * originals));
  const firstId = new Map<number, string[]>();
  for (const e of order) {
    const base = entities[e]!;
    const seen = firstId.get(e) ?? [];
    const r = [...base];
    if (seen.length > 0) {
      // corrupt 1-3 fields of a duplicate
      const k = 1 + Math.floor(rand() * 3);
      for (let c = 0; c < k; c++) {
        const f = Math.floor(rand() * 8);
        if (f === 0 && rand() < 0.3) {
          [r[0], r[1]] = [r[1]!, r[0]!];
          continue;
        }
        if (f === 3) {
          r[3] = rand() < 0.5 ? `(${r[3]!.slice(2, 5)}) ${r[3]!.slice(5, 8)}-${r[3]!.slice(8)}` : '';
          continue;
        }
        if (f === 2 && rand() < 0.5) {
          r[2] = '';
          continue;
        }
        r[f] = rand() < 0.15 ? '' : typo(r[f]!);
      }
    }
    const rid = nextId();
    for (const other of seen) pairs.push([other, rid]);
    seen.push(rid);
    firstId.set(e, seen);
    rows.push([rid, ...r]);
  }
  return { header, rows, pairs };
}

const csvCell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      records: { type: 'string' },
      'dup-rate': { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout
      .write(`usage: npx tsx bench/make-synthetic-people.ts [--records 100000] [--dup-rate 0.3] [--seed 7] [--out DIR]

Writes a synthetic people table with known duplicates (records.csv, pairs.csv) for the entity-resolution
benchmark, and prints {dir, records, pairs}.
`);
    return;
  }
  const opts = {
    records: Number(values.records ?? 100000),
    dupRate: Number(values['dup-rate'] ?? 0.3),
    seed: Number(values.seed ?? 7),
  };
  const dir = values.out ?? (await mkdtemp(join(tmpdir(), 'closeloop-synthetic-')));
  const { header, rows, pairs } = makeSynthetic(opts);
  await writeFile(join(dir, 'records.csv'), [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n');
  await writeFile(
    join(dir, 'pairs.csv'),
    ['record_id_a,record_id_b', ...pairs.map((p) => p.join(','))].join('\n') + '\n',
  );
  process.stdout.write(`${JSON.stringify({ dir, records: rows.length, pairs: pairs.length })}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
