import type { ActivityKind } from '../../core/canonical.js';
import { formatDay } from '../../lib/dates.js';
import { extractSignals } from '../signals/index.js';
import { chunkDate, labelChunks, toCitation, type LabelledChunk } from './crm-data.js';
import type { DraftCitation, DraftInput, DraftInteraction, DraftKind } from './types.js';

export const TEMPLATE_VERSION = 1;
export const templateModel = (kind: DraftKind) => `template:${kind}@${TEMPLATE_VERSION}`;

export interface TemplateDraft {
  subject: string;
  body: string;
  citations: DraftCitation[];
  model: string;
}

/** `3 March 2025`, UTC; the date is the interaction's own, never computed. */
export const formatDate = formatDay;

const INTERACTION_PHRASE: Record<ActivityKind, string> = {
  email: 'our email exchange',
  call: 'our call',
  meeting: 'our meeting',
  note: 'our last conversation',
  task: 'our last conversation',
};
const cleanSubject = (s: string | null): string | null => {
  const t = (s ?? '')
    .replace(/^\s*((re|fw|fwd|aw|wg)\s*:\s*)+/i, '')
    .replace(/\s+/g, ' ')
    .trim();
  return t.length > 0 && t.length <= 80 ? t : null;
};

/** The explicit last interaction, or the newest dated chunk of a customer-facing kind. */
function lastInteractionOf(input: DraftInput, chunks: LabelledChunk[]): DraftInteraction | null {
  if (input.lastInteraction) return input.lastInteraction;
  const dated = chunks
    .filter(
      ({ chunk }) => chunkDate(chunk) !== null && ['email', 'call', 'meeting', 'note'].includes(chunk.source.kind),
    )
    .sort((a, b) => b.chunk.source.occurredAt! - a.chunk.source.occurredAt!)[0];
  if (!dated) return null;
  return {
    kind: dated.chunk.source.kind as ActivityKind,
    externalId: dated.chunk.source.recordId,
    occurredAt: chunkDate(dated.chunk)!,
    subject: null,
  };
}

/**
 * A draft from templates and the input's own facts, for when no model may or can run. It uses the
 * contact's first name, the deal name, the date (and subject) of the last interaction, nothing else:
 * no amounts, discounts or dates of its own. It cites the chunks of the records it refers to.
 */
export function templateDraft(input: DraftInput): TemplateDraft {
  const labelled = labelChunks(input.chunks);
  const last = lastInteractionOf(input, labelled);
  const dealName = input.deal?.name?.trim() || null;
  const cited = new Map<string, LabelledChunk>();
  if (last) for (const lc of labelled) if (lc.chunk.source.recordId === last.externalId) cited.set(lc.label, lc);

  const lines: string[] = [];
  if (last) {
    // Only an email's subject is something the two sides wrote to each other; a logged call's or note's is the rep's
    // own label ("Call: pricing"), not a topic to quote back.
    const subject = last.kind === 'email' ? cleanSubject(last.subject) : null;
    lines.push(
      `I'm following up on ${INTERACTION_PHRASE[last.kind]} on ${formatDate(last.occurredAt)}${subject ? ` about "${subject}"` : ''}.`,
    );
  }
  let subjectLine: string;
  switch (input.kind) {
    case 'retention':
      subjectLine = dealName ? `Checking in on ${dealName}` : 'Checking in';
      lines.push(
        `I wanted to check in on how things are going${dealName ? ` with ${dealName}` : ''} and make sure you are getting what you need.`,
      );
      lines.push(
        'Would you be open to a short call to hear your feedback and agree on next steps? Let me know a time that works for you.',
      );
      break;
    case 'budget_reply': {
      const concern = labelled.find(({ chunk }) =>
        extractSignals(chunk.text).some((s) => s.type === 'budget_constraint'),
      );
      if (concern) cited.set(concern.label, concern);
      const replyTo = last?.kind === 'email' ? cleanSubject(last.subject) : null;
      subjectLine = replyTo ? `Re: ${replyTo}` : dealName ? `${dealName}: budget options` : 'Budget options';
      lines.push(
        `Thank you for being open about the budget. I'd like to understand your constraints better so we can look at the options together${dealName ? ` for ${dealName}` : ''}.`,
      );
      lines.push('Could we set up a short call to go through this? Let me know a time that works for you.');
      break;
    }
    case 'stale_follow_up':
      subjectLine = dealName ? `Next steps for ${dealName}` : 'Following up';
      lines.push(`I wanted to see where things stand${dealName ? ` with ${dealName}` : ''} on your side.`);
      lines.push(
        'What would be the best next step for you? I am happy to set up a short call; just let me know a time that works.',
      );
      break;
  }
  const first = input.contact.firstName?.trim();
  const name = input.sender?.name?.trim();
  const body = [
    `Hi ${first || 'there'},`,
    '',
    lines.join(' '),
    '',
    name ? 'Best regards,' : 'Best regards',
    ...(name ? [name] : []),
  ].join('\n');
  const citations = [...cited.values()].sort((a, b) => labelled.indexOf(a) - labelled.indexOf(b)).map(toCitation);
  return { subject: subjectLine, body, citations, model: templateModel(input.kind) };
}
