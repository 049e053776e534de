import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import express from 'express';
import type { Company, Contact, Deal } from '../../../src/core/canonical.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { createMetrics } from '../../../src/lib/metrics.js';
import type { QueueName, QueuedJob, SendOpts, WorkQueue } from '../../../src/queue/index.js';
import { createSourcesRouter } from '../../../src/http/sources.js';
import type { Store } from '../../../src/store/index.js';
import { ROOT } from '../../helpers/db.js';

/** 2026-01-01T10:00:00Z, the clock of every sources test (Slack fixtures are stamped around it). */
export const T0 = Date.parse('2026-01-01T10:00:00Z');

export const fixture = <T = any>(name: string): T =>
  JSON.parse(readFileSync(path.join(ROOT, 'tests/fixtures/sources', name), 'utf8')) as T;

export interface SentJob {
  name: QueueName;
  data: any;
  opts?: SendOpts;
  inTx: boolean;
}
/** A WorkQueue that only records what was enqueued (the real one is exercised in queue-and-index.int.test.ts). */
export function recordingQueue(): WorkQueue & { sent: SentJob[]; take(name: QueueName): SentJob[] } {
  const sent: SentJob[] = [];
  return {
    sent,
    take(name) {
      const out = sent.filter((j) => j.name === name);
      sent.splice(0, sent.length, ...sent.filter((j) => j.name !== name));
      return out;
    },
    start: async () => undefined,
    send: async (name, data, opts) => {
      sent.push({ name, data, opts, inTx: false });
      return String(sent.length);
    },
    sendMany: async (name, jobs) => {
      for (const j of jobs) sent.push({ name, data: j.data, opts: { singletonKey: j.singletonKey }, inTx: false });
      return jobs.length;
    },
    sendInTx: async (_tx, name, data, opts) => {
      sent.push({ name, data, opts, inTx: true });
      return String(sent.length);
    },
    work: async <T extends object>(_n: QueueName, _o: unknown, _h: (jobs: QueuedJob<T>[]) => Promise<void>) =>
      undefined,
    stats: async () => ({}),
    stop: async () => undefined,
  };
}

/** An installed connection; `backfilled` (the default): its first backfill has finished, so changes are analysed. */
export async function seedConnection(
  store: Store,
  id: string,
  tenantId: string,
  accountId = id,
  backfilled = true,
): Promise<void> {
  await store.connections.upsert({
    id,
    tenantId,
    provider: 'hubspot',
    accountId,
    apiBase: 'http://127.0.0.1:1',
    displayName: id,
    accessTokenEnc: 'x',
    refreshTokenEnc: null,
    tokenExpiresAt: null,
    tokenMetadata: {},
  });
  if (backfilled) await store.connections.markSynced(id, { backfillDone: true });
}

const base = (externalId: string) => ({
  provider: 'hubspot',
  externalId,
  createdAt: '2025-12-01T00:00:00.000Z',
  updatedAt: '2025-12-01T00:00:00.000Z',
  archived: false,
  ownerId: 'o1',
  url: null,
  associations: { contacts: [] as string[], companies: [] as string[], deals: [] as string[] },
});
export const aContact = (id: string, over: Partial<Contact> = {}): Contact => ({
  kind: 'contact',
  ...base(id),
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: null,
  phone: null,
  title: null,
  ...over,
});
export const aCompany = (id: string, over: Partial<Company> = {}): Company => ({
  kind: 'company',
  ...base(id),
  name: null,
  domain: null,
  website: null,
  industry: null,
  phone: null,
  ...over,
});
export const aDeal = (id: string, over: Partial<Deal> = {}): Deal => ({
  kind: 'deal',
  ...base(id),
  name: `Deal ${id}`,
  amount: 1000,
  currency: 'USD',
  stage: 'proposal',
  providerStage: 'proposal',
  closeDate: null,
  isClosed: false,
  isWon: false,
  ...over,
});

export function sourcesApp(
  store: Store,
  queue: WorkQueue,
  o: { now?: () => number; slackSigningSecret?: string | null } = {},
) {
  const metrics = createMetrics();
  const app = express();
  app.use(
    createSourcesRouter({
      store,
      queue,
      metrics,
      logger: silentLogger(),
      now: o.now ?? (() => T0),
      slackSigningSecret: o.slackSigningSecret ?? null,
      subscribers: [],
    }),
  );
  return { app, metrics };
}

/** Slack's v0 signature, computed here independently of src/sources. */
export const slackSignature = (secret: string, timestamp: string | number, body: string | Buffer) =>
  `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(body).digest('hex')}`;
