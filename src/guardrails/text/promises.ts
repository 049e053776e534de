/**
 * Promises a rep must never make in writing on the model's behalf. Each pattern is matched
 * case-insensitively on word boundaries; "we cannot guarantee" is a hedge, not a promise, so a
 * negation right before the phrase cancels it.
 */
const PATTERNS: { re: RegExp; negatable: boolean }[] = [
  { re: /\bguarantee(?:s|d)?\b/gi, negatable: true },
  { re: /\bwe (?:promise|commit to)\b|\bi promise\b|\bpromise you\b/gi, negatable: true },
  { re: /\b(?:free forever|forever free|free for life|lifetime free|free of charge forever)\b/gi, negatable: false },
  {
    re: /\b(?:we|i)(?:'ll| will| can| shall) refund\b|\bfull refund\b|\bmoney[- ]back\b|\brefund(?:ed)? in full\b/gi,
    negatable: true,
  },
  { re: /\brisk[- ]free\b|\bno risk\b/gi, negatable: false },
  { re: /\b100\s?% (?:uptime|secure|safe|accurate|guaranteed)\b/gi, negatable: false },
  {
    re: /\b(?:will|would) never (?:go down|fail|break|increase)\b|\bprice(?:s)? (?:is |are )?locked (?:in )?forever\b/gi,
    negatable: false,
  },
];
const NEGATION_BEFORE = /\b(?:not|cannot|can't|can ?not|don't|do not|won't|will not|never|no)\s+(?:\w+\s+){0,2}$/i;

export function findForbiddenPromises(text: string): string[] {
  const out = new Set<string>();
  for (const { re, negatable } of PATTERNS) {
    for (const m of text.matchAll(re)) {
      if (negatable && NEGATION_BEFORE.test(text.slice(Math.max(0, m.index - 40), m.index))) continue;
      out.add(m[0].toLowerCase());
    }
  }
  return [...out];
}
