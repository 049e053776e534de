import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Constant-time string comparison. `timingSafeEqual` needs equal lengths (and a length check first would
 * leak the length), so both sides are hashed to 32 bytes and the digests compared.
 */
export function constantTimeEqual(a: string | Buffer, b: string | Buffer): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}
