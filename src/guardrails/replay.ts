import type { Suggestion } from '../core/index.js';
import { parseGuardrailContext } from './context.js';
import type { GuardrailOutcome, Guardrails } from './guardrails.js';

/**
 * Past suggestions with the context they were judged in; implemented over the database by src/store, which
 * returns the stored context as it was saved (JSON): it is parsed here, against today's schema.
 */
export interface SuggestionSource {
  listSince(sinceIso: string): AsyncIterable<{ suggestion: Suggestion; context: unknown; previousOutcome: string }>;
}

export interface ReplaySummary {
  since: string;
  total: number;
  /** Outcome counts under the current rules. */
  wouldPass: number;
  wouldReview: number;
  wouldBlock: number;
  /** Suggestions whose outcome differs from the one recorded at the time. */
  changed: number;
  /** e.g. { "pass->block": 3 } */
  transitions: Record<string, number>;
  /** How often each rule fired. */
  firedByRule: Record<string, number>;
  /** The first changed suggestions, for a closer look. */
  changedExamples: { suggestionId: string; previous: string; now: GuardrailOutcome; fired: string[] }[];
}

/** Re-run the current rules over stored suggestions and say what would change. */
export async function replaySuggestions(
  guardrails: Guardrails,
  source: SuggestionSource,
  sinceIso: string,
  maxExamples = 20,
): Promise<ReplaySummary> {
  const summary: ReplaySummary = {
    since: sinceIso,
    total: 0,
    wouldPass: 0,
    wouldReview: 0,
    wouldBlock: 0,
    changed: 0,
    // Keyed by rule names a rule file chooses: "constructor", "toString" or "__proto__" must count like any other.
    transitions: Object.create(null) as Record<string, number>,
    firedByRule: Object.create(null) as Record<string, number>,
    changedExamples: [],
  };
  for await (const { suggestion, context, previousOutcome } of source.listSince(sinceIso)) {
    const r = await guardrails.evaluate(suggestion, parseGuardrailContext(context));
    summary.total++;
    if (r.outcome === 'pass') summary.wouldPass++;
    else if (r.outcome === 'review') summary.wouldReview++;
    else summary.wouldBlock++;
    const fired = r.verdicts.filter((v) => !v.passed).map((v) => v.rule);
    for (const f of fired) summary.firedByRule[f] = (summary.firedByRule[f] ?? 0) + 1;
    if (previousOutcome !== r.outcome) {
      summary.changed++;
      const key = `${previousOutcome}->${r.outcome}`;
      summary.transitions[key] = (summary.transitions[key] ?? 0) + 1;
      if (summary.changedExamples.length < maxExamples)
        summary.changedExamples.push({ suggestionId: suggestion.id, previous: previousOutcome, now: r.outcome, fired });
    }
  }
  return summary;
}

/** The oldest and newest `since` a store can hold: PostgreSQL refuses year 0 and anything before 4713 BC. */
const SINCE_MIN = Date.UTC(1970, 0, 1);
const SINCE_MAX = Date.UTC(9999, 11, 31);

/**
 * "7d", "24h", "90m" or an ISO timestamp → ISO timestamp; null for anything else: a span or date no Date can hold
 * (`99999999999d`, `+275760-…`: toISOString would throw a RangeError), one the database cannot hold (`0000-01-01`,
 * `9999999d`: before 1970 or after 9999 is refused), and a day no calendar has (`2026-02-30`, which Date.parse
 * would silently turn into 2 March).
 */
export function parseSince(input: string, now: Date): string | null {
  const m = /^(\d+)\s*([dhm])$/.exec(input.trim());
  const day = /^(\d{4})-(\d{2})-(\d{2})/.exec(input);
  if (day) {
    const [y, mo, d] = [+day[1]!, +day[2]!, +day[3]!];
    const check = new Date(Date.UTC(y, mo - 1, d));
    if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  }
  const t = m
    ? now.getTime() - +m[1]! * { d: 86_400_000, h: 3_600_000, m: 60_000 }[m[2] as 'd' | 'h' | 'm']
    : day
      ? Date.parse(input)
      : NaN;
  return Number.isFinite(t) && t >= SINCE_MIN && t <= SINCE_MAX ? new Date(t).toISOString() : null;
}
