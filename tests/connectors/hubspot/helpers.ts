import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ConnectionContext } from '../../../src/core/index.js';

export const FIXTURES = resolve(process.cwd(), 'tests/fixtures/hubspot');
export const API = 'https://api.hubapi.com';
export const PORTAL = '62515';
/** Fixed clock: 2024-06-03T16:00:00.000Z. */
export const NOW = Date.UTC(2024, 5, 3, 16, 0, 0);

/** Loads a fixture, dropping `_`-prefixed documentation keys at any depth. */
export function fixture<T = any>(rel: string): T {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v)
          .filter(([k]) => !k.startsWith('_'))
          .map(([k, x]) => [k, strip(x)]),
      );
    }
    return v;
  };
  return strip(JSON.parse(readFileSync(resolve(FIXTURES, rel), 'utf8'))) as T;
}

export function aContext(overrides: Partial<ConnectionContext> = {}): ConnectionContext {
  return {
    connectionId: 'conn-1',
    accountId: PORTAL,
    apiBase: API,
    getAccessToken: async () => 'access-token-1',
    forceRefresh: async () => 'access-token-2',
    ...overrides,
  };
}

/** A v3 record in the wire shape, with overridable properties. */
export function aRecord(id: string, properties: Record<string, string | null>, updatedAt = '2024-06-03T16:00:00.000Z') {
  return {
    id,
    properties: { hs_object_id: id, ...properties },
    createdAt: '2024-05-01T00:00:00.000Z',
    updatedAt,
    archived: false,
  };
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
