/**
 * The request path's statement alone (issue 15, docs/benchmarks.md): CPU per call of the request's statement (the
 * batch row of a 100-event delivery, through InboxRepo.insertDelivery) against the reference's one-row jsonb insert of
 * the same 100-event body, and, for scale, the 100 event ids the worker now writes when it processes the batch (the
 * dedupe keys, no longer on the request path). PGlite: this process's CPU; PostgreSQL (`pg` argument): the server
 * backend's CPU from /proc.
 * Run: node_modules/node/bin/node --import tsx bench/ingest-statement.ts [pg]
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WebhookEvent } from '../src/core/connector.js';
import { createStore, migrate, openDb } from '../src/store/index.js';
import { withFreshDatabase } from './fresh-db.js';
import { batch } from './ingest-load.js';

if (process.argv.includes('--help')) {
  process.stdout.write(
    'Usage: node --import tsx bench/ingest-statement.ts [pg]\n' +
      'CPU per call of the webhook request statement against the reference insert (PGlite, or PostgreSQL with pg:\n' +
      'BENCH_DATABASE_URL or postgres://postgres@127.0.0.1:5432/test).\n',
  );
  process.exit(0);
}
const pgUrl =
  process.argv[2] === 'pg' ? (process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test') : null;
await withFreshDatabase(pgUrl, async (url) => {
  const db = url
    ? await openDb({ databaseUrl: url })
    : await openDb({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'cl-stmt-')) });
  await migrate(db, path.join(import.meta.dirname, '..', 'migrations'));
  const store = createStore(db);
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
    const events = ids.map((eventId, i): WebhookEvent => ({
      eventId,
      accountId: '424242',
      kind: 'deal',
      objectId: String(1000 + (i % 50)),
      change: 'updated',
      occurredAt: Date.now(),
      raw: null,
    }));
    return { ids: JSON.stringify(ids), events };
  };
  const cases: [string, () => Promise<unknown>][] = [
    [
      'reference insert',
      () =>
        db.query('INSERT INTO bench_baseline (body) VALUES ($1::jsonb)', [JSON.stringify(JSON.parse(batch(100, seq)))]),
    ],
    [
      'the 100 event ids (now in the worker)',
      () =>
        db.query(
          'INSERT INTO webhook_event_ids (key, batch_id) SELECT $1 || k, 0 FROM json_array_elements_text($2::json) k ON CONFLICT DO NOTHING',
          ['hubspot:6:424242:', params().ids],
        ),
    ],
    [
      'the request statement (InboxRepo.insertDelivery)',
      () => {
        const { events } = params();
        return store.inbox.insertDelivery('hubspot', [{ accountId: '424242', connectionId: 'c', events }]);
      },
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
