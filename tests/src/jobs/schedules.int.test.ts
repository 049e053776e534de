import { startCron } from '../../../src/jobs/cron.js';
import { silentLogger } from '../../../src/lib/logger.js';
import type { WorkQueue } from '../../../src/queue/index.js';
import { ScheduleRepo } from '../../../src/store/schedules.js';
import { openDb } from '../../../src/store/index.js';
import { waitFor } from '../../helpers/closeloop.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => {
  await t.close();
});

/** A queue that records what the schedules send. */
function recordingQueue(): WorkQueue & { sent: { name: string; data: any }[] } {
  const sent: { name: string; data: any }[] = [];
  return {
    sent,
    start: async () => undefined,
    send: async (name, data) => {
      sent.push({ name, data });
      return 'id';
    },
    sendMany: async (name, jobs) => {
      for (const j of jobs) sent.push({ name, data: j.data });
      return jobs.length;
    },
    sendInTx: async (_tx, name, data) => {
      sent.push({ name, data });
      return 'id';
    },
    work: async () => undefined,
    stats: async () => ({}),
    stop: async () => undefined,
  };
}

/** Waits while the database clock is within 3 s of second 30, where the rounded tick changes. */
async function awayFromTickBoundary(): Promise<void> {
  for (;;) {
    const r = await t.db.query<{ s: number }>('SELECT extract(second from now())::float8 AS s');
    const s = Number(r.rows[0]!.s);
    if (Math.abs(s - 30) > 3) return;
    await new Promise((done) => setTimeout(done, (33.5 - s) * 1000));
  }
}

test('a tick is claimed by exactly one of many concurrent claimants', async () => {
  const others = t.url ? await Promise.all([1, 2, 3].map(() => openDb({ databaseUrl: t.url!, poolSize: 2 }))) : [];
  try {
    // The tick is the database clock rounded to the minute, so it changes at second 30: claims made either side of
    // that instant name different ticks, by design. Claim away from it, so that all of them name the same tick.
    await awayFromTickBoundary();
    const repos = [t.db, ...others, t.db].map((db) => new ScheduleRepo(db));
    const wins = await Promise.all(repos.map((r, i) => r.claim('unit-tick', `p${i}`)));
    expect(wins.filter(Boolean)).toHaveLength(1);
    const rows = await t.store.schedules.recent('unit-tick');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tick.getUTCSeconds()).toBe(0);
    // The next claim of the same tick (a late process) loses too.
    expect(await repos[0]!.claim('unit-tick', 'late')).toBe(rows[0]!.claimed_by === 'late');
  } finally {
    await Promise.all(others.map((db) => db.close()));
  }
});

test('three processes running the same cron fire each tick once', async () => {
  await t.store.connections.upsert({
    id: 'conn-sched',
    tenantId: 'tenant-sched',
    provider: 'hubspot',
    accountId: 'acct-sched',
    apiBase: 'http://127.0.0.1:9',
    displayName: null,
    accessTokenEnc: 'x',
    refreshTokenEnc: null,
    tokenExpiresAt: null,
    tokenMetadata: {},
  });
  const conns = (await t.store.connections.list()).filter((c) => c.status === 'active' || c.status === 'paused');
  expect(conns.map((c) => c.id)).toEqual(['conn-sched']);
  const queues = [recordingQueue(), recordingQueue(), recordingQueue()];
  // Every second (node-cron's optional seconds field): each process fires several times within the tick.
  const stops = queues.map((queue, i) =>
    startCron({
      store: t.store,
      queue,
      logger: silentLogger(),
      now: Date.now,
      pollCron: '* * * * * *',
      scanCron: '0 0 1 1 *',
      owner: `proc-${i}`,
    }),
  );
  try {
    await new Promise((r) => setTimeout(r, 3500));
  } finally {
    for (const s of stops) s();
  }
  // A run that claimed its tick just before the stop sends its poll jobs a moment later (longer on a loaded machine):
  // wait until every claimed tick has sent them (a tick run twice would send more, and never match).
  const sentPolls = () => queues.flatMap((q) => q.sent.filter((s) => s.name === 'poll'));
  await waitFor(
    async () => sentPolls().length >= (await t.store.schedules.recent('poll')).length * conns.length,
    15_000,
    'the poll jobs of every claimed tick',
  ).catch(() => null);
  await new Promise((r) => setTimeout(r, 500));
  const ticks = await t.store.schedules.recent('poll');
  const polls = sentPolls();
  // One tick (two if the run straddled a tick boundary), each run by one process: one poll job per connection per tick.
  expect(ticks.length).toBeGreaterThanOrEqual(1);
  expect(ticks.length).toBeLessThanOrEqual(2);
  expect(polls).toHaveLength(ticks.length * conns.length);
});

test('a tick that comes due while the process is busy still runs once the process is free', async () => {
  // Once a minute, at a second 2 s from now; the process is then kept busy (synchronously) until 2.5 s after it
  // (node-cron measures lateness in whole seconds).
  const due = new Date(Math.ceil((Date.now() + 2000) / 1000) * 1000);
  const stop = startCron({
    store: t.store,
    queue: recordingQueue(),
    logger: silentLogger(),
    now: Date.now,
    pollCron: '0 0 1 1 *',
    scanCron: `${due.getUTCSeconds()} * * * * *`,
    owner: 'busy-proc',
  });
  try {
    await new Promise((r) => setTimeout(r, Math.max(0, due.getTime() - Date.now() - 500)));
    const until = due.getTime() + 2500;
    while (Date.now() < until) {
      /* busy: a retrain or a parse holding the event loop */
    }
    // node-cron's default tolerance (1 s) dropped this tick as missed; it now runs late.
    await waitFor(
      async () => (await t.store.schedules.recent('scan')).some((r) => r.claimed_by === 'busy-proc'),
      15_000,
      'the late tick',
    );
  } finally {
    stop();
  }
});
