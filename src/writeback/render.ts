import type { RuleVerdict, Suggestion } from '../core/suggestion.js';

/** Notes the loop adds to what the rep reads: why the suggestion was thinned, how it was repaired. */
export interface RenderNotes {
  /** Per-rep suppression that applied (it was shown anyway). */
  suppression?: string | null;
  /** The first draft broke these rules and was regenerated once. */
  repairedFrom?: string[] | null;
}

/** The line that opens the closeloop note under a draft; feedback strips it before comparing with the sent email. */
export const DRAFT_NOTE_MARKER = '-- closeloop note';

export function explanationLines(s: Suggestion, verdicts: RuleVerdict[], notes: RenderNotes): string[] {
  const x = s.explanation;
  const lines = [`Why: ${x.factors.map((f) => `${f.name} (${f.direction}${f.weight})`).join('; ') || 'n/a'}`];
  lines.push(`Model: ${x.model} (${x.tier} tier), confidence ${x.confidence.toFixed(2)}, cost $${x.costUsd.toFixed(4)}.`);
  const passed = verdicts.filter((v) => v.passed).map((v) => v.rule);
  if (passed.length) lines.push(`Checks passed: ${passed.join(', ')}.`);
  if (notes.repairedFrom?.length) lines.push(`The first draft broke ${notes.repairedFrom.join(', ')} and was rewritten once.`);
  if (notes.suppression) lines.push(`Shown less often: ${notes.suppression}.`);
  return lines;
}

/**
 * The text a rep reads in the CRM task: why, the quoted evidence and where it came from, which model
 * produced it, what it cost and which checks it passed. Plain text; connectors convert to their markup.
 */
export function renderTaskBody(s: Suggestion, verdicts: RuleVerdict[], notes: RenderNotes = {}): string {
  const lines = [s.reason, '', 'Evidence:'];
  for (const e of s.evidence) {
    lines.push(`- "${e.quote}" (${e.recordKind} ${e.externalId}${e.url ? `, ${e.url}` : ''})`);
  }
  if (s.draft) lines.push('', `A draft email for you to review is attached separately: "${s.draft.subject}". It is not sent.`);
  lines.push('', ...explanationLines(s, verdicts, notes));
  lines.push('Suggested by closeloop — review before acting.');
  return lines.join('\n');
}

/**
 * The draft as written to the CRM: the email text, then a clearly marked note (delete before sending) with
 * the explanation and the checks it passed, so the rep sees why the draft exists where they edit it.
 */
export function renderDraftBody(s: Suggestion, verdicts: RuleVerdict[], notes: RenderNotes = {}): string {
  if (!s.draft) throw new Error('renderDraftBody: suggestion has no draft');
  return [s.draft.body, '', `${DRAFT_NOTE_MARKER} (for you, delete before sending) --`, s.reason, ...explanationLines(s, verdicts, notes)].join('\n');
}
