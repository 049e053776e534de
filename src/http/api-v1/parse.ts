import type { z } from 'zod';
import { InvalidPayloadError } from '../../core/errors.js';

/** Parse one part of a request with its schema; a failure is a 400 naming the first bad field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const first = r.error.issues[0];
  throw new InvalidPayloadError(
    `${where}: ${first ? `${first.path.join('.') || '(body)'}: ${first.message}` : 'invalid'}`,
    { where },
  );
}

/** A JSON body captured as raw bytes (signatures need the bytes): parsed only after verification. */
export function jsonOf(raw: Buffer, where: string): unknown {
  if (raw.length === 0) return {};
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new InvalidPayloadError(`${where}: body is not JSON`, { where });
  }
}

/**
 * Query values as single strings: a repeated parameter is refused rather than silently picking one. A null-prototype
 * object, so every name is an own key the strict schema sees: `?__proto__=x` would otherwise set the prototype (and
 * vanish) instead of being refused as an unknown parameter.
 */
export function singleQuery(query: Record<string, unknown>, where: string): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(query)) {
    if (typeof v !== 'string') throw new InvalidPayloadError(`${where}: ${k}: give it once`, { where });
    out[k] = v;
  }
  return out;
}
