import { createHash, timingSafeEqual } from 'node:crypto';

const toBuffer = (v: string | Buffer): Buffer => (typeof v === 'string' ? Buffer.from(v, 'utf8') : v);

/**
 * Constant-time equality for signatures and tokens of possibly different lengths.
 * `crypto.timingSafeEqual` throws on a length mismatch (and an early length check would leak the length),
 * so both sides are first hashed to fixed-size digests; the length check is folded in afterwards.
 */
export function constantTimeEqual(a: string | Buffer, b: string | Buffer): boolean {
  const left = toBuffer(a);
  const right = toBuffer(b);
  const sameDigest = timingSafeEqual(
    createHash('sha256').update(left).digest(),
    createHash('sha256').update(right).digest(),
  );
  return sameDigest && left.length === right.length;
}
