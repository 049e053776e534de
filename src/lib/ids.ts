import { createHash, randomBytes } from 'node:crypto';

export const randomId = (prefix: string): string => `${prefix}_${randomBytes(12).toString('base64url')}`;
/** Deterministic id from parts: the same inputs always give the same id (idempotency keys, suggestion ids). */
export const stableId = (prefix: string, ...parts: string[]): string =>
  `${prefix}_${createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 24)}`;
