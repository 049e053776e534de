/**
 * The request path's statement alone (issue 15, docs/benchmarks.md): CPU per call of the inbox statement written
 * inline (the multi-CTE text of migrations/0400, parsed and planned on every call) against the same statement called
 * through webhook_record_delivery (planned once per session), and the reference's one-row jsonb insert of the same
 * 100-event body; and, for scale, the insert of the 100 event ids alone (the dedupe keys) and of the batch row alone
 * (what the request would write if the dedupe keys moved to the worker). PGlite: this process's CPU; PostgreSQL (`pg` argument): the server backend's CPU from /proc.
 * Run: node_modules/node/bin/node --import tsx bench/ingest-statement.ts [pg]
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate, openDb } from '../src/store/index.js';
import { withFreshDatabase } from './fresh-db.js';
import { batch } from './ingest-load.js';

const pgUrl =
  process.argv[2] === 'pg' ? (process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test') : null;
const migration = readFileSync(
  path.join(import.meta.dirname, '..', 'migrations', '0400_webhook_record_delivery.sql'),
  'utf8',
);
const inline = migration.slice(
  migration.indexOf('RETURN QUERY') + 'RETURN QUERY'.length,
  migration.lastIndexOf(';\nEND'),
);

await withFreshDatabase(pgUrl, async (url) => {
  const db = url
    ? await openDb({ databaseUrl: url })
    : await openDb({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'cl-stmt-')) });
  await migrate(db, path.join(import.meta.dirname, '..', 'migrations'));
  await db.query('CREATE TABLE IF NOT EXISTS bench_baseline (id bigserial PRIMARY KEY, body jsonb NOT NULL)');
  const pid = url ? (await db.query<{ p: number }>('SELECT pg_backend_pid() AS p')).rows[0]!.p : 0;
  const cpu = () => {
    if (!url) {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    }
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10; // clock ticks of 10 ms
  };
  let seq = 0;
  const params = () => {
    const ids = Array.from({ length: 100 }, (_, i) => `2001-${seq * 1000 + i}`);
    const events = ids.map((eventId, i) => ({
      eventId,
      accountId: '424242',
      kind: 'deal',
      objectId: String(1000 + (i % 50)),
      change: 'updated',
      occurredAt: Date.now(),
    }));
    return [
      'hubspot',
      JSON.stringify(['424242']),
      JSON.stringify(['c']),
      JSON.stringify([100]),
      JSON.stringify(ids),
      JSON.stringify(ids.map(() => 1)),
      JSON.stringify(events),
      null,
    ];
  };
  const cases: [string, () => Promise<unknown>][] = [
    [
      'reference insert',
      () =>
        db.query('INSERT INTO bench_baseline (body) VALUES ($1::jsonb)', [JSON.stringify(JSON.parse(batch(100, seq)))]),
    ],
    [
      'the 100 event ids alone',
      () =>
        db.query(
          'INSERT INTO webhook_event_ids (key, batch_id) SELECT $1 || k, 0 FROM json_array_elements_text($2::json) k ON CONFLICT DO NOTHING',
          ['hubspot:6:424242:', params()[4]],
        ),
    ],
    [
      'the batch row alone',
      () => {
        const p = params();
        return db.query(
          'INSERT INTO webhook_batches (provider, account_id, connection_id, events, event_count, trace_context) VALUES ($1, $2, $3, $4::json, 100, $5) RETURNING id',
          [p[0], '424242', 'c', p[6], null],
        );
      },
    ],
    ['inbox statement inline', () => db.query(inline, params())],
    [
      'inbox statement via webhook_record_delivery',
      () =>
        db.query(
          'SELECT o_batch_id AS id, o_accepted AS accepted FROM webhook_record_delivery($1, $2, $3, $4, $5, $6, $7, $8)',
          params(),
        ),
    ],
  ];
  const n = 200;
  for (let round = 0; round < 4; round++) {
    const out: string[] = [];
    for (const [name, fn] of cases) {
      const c0 = cpu();
      for (let k = 0; k < n; k++) {
        seq++;
        await fn();
      }
      out.push(`${name} ${((cpu() - c0) / n).toFixed(2)} ms`);
    }
    if (round > 0) process.stdout.write(`${url ? 'postgres' : 'pglite'} CPU per call: ${out.join(' · ')}\n`);
  }
  await db.close();
});
