import type { RuleVerdict, Suggestion } from '../core/suggestion.js';

/**
 * The text a rep reads in the CRM task: why, the quoted evidence and where it came from, which model
 * produced it and which checks it passed. Plain text; connectors convert to their markup.
 */
export function renderTaskBody(s: Suggestion, verdicts: RuleVerdict[]): string {
  const lines = [s.reason, '', 'Evidence:'];
  for (const e of s.evidence) {
    lines.push(`- "${e.quote}" (${e.recordKind} ${e.externalId}${e.url ? `, ${e.url}` : ''})`);
  }
  const x = s.explanation;
  lines.push('', `Why: ${x.factors.map((f) => `${f.name} (${f.direction}${f.weight})`).join('; ') || 'n/a'}`);
  lines.push(`Model: ${x.model} (${x.tier} tier), confidence ${x.confidence.toFixed(2)}.`);
  const passed = verdicts.filter((v) => v.passed).map((v) => v.rule);
  if (passed.length) lines.push(`Checks passed: ${passed.join(', ')}.`);
  lines.push('Suggested by closeloop — review before acting.');
  return lines.join('\n');
}
