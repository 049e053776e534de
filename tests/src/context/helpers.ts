import path from 'node:path';
import { openDb, type Db } from '../../../src/store/db.js';
import { migrate } from '../../../src/store/migrate.js';
import type { Activity } from '../../../src/core/canonical.js';

export const MIGRATIONS = path.resolve('migrations');

/** In-memory PGlite with every migration applied (ours is 0100_context_chunks.sql). */
export async function memoryDb(): Promise<Db> {
  const db = await openDb({ dataDir: 'memory://' });
  await migrate(db, MIGRATIONS);
  return db;
}

export function activity(over: Partial<Activity> & { externalId: string }): Activity {
  return {
    kind: 'email',
    provider: 'hubspot',
    createdAt: '2026-01-10T09:00:00Z',
    updatedAt: '2026-01-10T09:00:00Z',
    archived: false,
    ownerId: null,
    associations: { contacts: ['51'], companies: ['c1'], deals: ['d1'] },
    url: `https://app.hubspot.com/x/${over.externalId}`,
    subject: 'Pricing follow-up',
    body: 'Ada asked for a revised quote with volume pricing.',
    occurredAt: '2026-01-10T09:00:00Z',
    direction: 'inbound',
    status: null,
    dueAt: null,
    ...over,
  };
}

/** Long prose body of roughly `words` words, deterministic. */
export function prose(words: number, seed = 1): string {
  const vocab = [
    'pipeline',
    'renewal',
    'contract',
    'pricing',
    'security',
    'review',
    'budget',
    'meeting',
    'quarter',
    'signature',
    'procurement',
    'legal',
    'onboarding',
    'champion',
    'discount',
    'integration',
  ];
  let s = seed;
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out.push(vocab[s % vocab.length]!);
  }
  return out.join(' ');
}
