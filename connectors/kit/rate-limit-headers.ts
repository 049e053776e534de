/** Readers for the rate-limit and retry headers providers send. Header names come from each connector's manifest. */

export type HeaderBag = Record<string, string | string[] | undefined> | Headers | undefined | null;

/** Case-insensitive single header lookup over a plain object or a fetch `Headers`. */
export function headerValue(headers: HeaderBag, name: string): string | null {
  if (!headers) return null;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name);
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (k.toLowerCase() !== wanted || v === undefined) continue;
    return Array.isArray(v) ? (v[0] ?? null) : v;
  }
  return null;
}

const toInt = (v: string | null): number | null => {
  if (v === null || v.trim() === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};

export interface RateLimitState {
  remaining: number | null;
  max: number | null;
  intervalMs: number | null;
}

/** Reads the quota headers named in a manifest (`rateLimitHeaders`). Missing or non-numeric values are null. */
export function readRateLimit(
  headers: HeaderBag,
  names: { remaining: string | null; max: string | null; intervalMs: string | null },
): RateLimitState {
  return {
    remaining: names.remaining ? toInt(headerValue(headers, names.remaining)) : null,
    max: names.max ? toInt(headerValue(headers, names.max)) : null,
    intervalMs: names.intervalMs ? toInt(headerValue(headers, names.intervalMs)) : null,
  };
}

/**
 * `Retry-After` as an absolute time (ms since epoch): either delta-seconds or an HTTP date
 * (RFC 9110 §10.2.3). Null when absent or unreadable.
 */
export function retryAfterAt(headers: HeaderBag, now: number): number | null {
  const raw = headerValue(headers, 'retry-after');
  if (raw === null || raw.trim() === '') return null;
  const trimmed = raw.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return now + Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(now, at);
}
