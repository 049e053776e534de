import type { ActivityKind } from '../../core/canonical.js';
import { formatDay } from '../../lib/dates.js';
import { threadTopic } from '../../lib/subject.js';
import { extractSignals } from '../signals/index.js';
import { concernsIn, joinTopics } from './concerns.js';
import { chunkDate, labelChunks, ownWords, toCitation, type LabelledChunk } from './crm-data.js';
import type { DraftCitation, DraftInput, DraftInteraction, DraftKind } from './types.js';
import { salutationName } from './salutation.js';

export const TEMPLATE_VERSION = 2;
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
  const t = threadTopic(s);
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

/** Thanks for the message the draft answers, by its kind (an email's subject is the customer's own topic). */
const thanksFor = (last: DraftInteraction | null): string => {
  if (!last) return 'Thank you for being frank with me';
  const subject = last.kind === 'email' ? cleanSubject(last.subject) : null;
  if (subject) return `Thank you for your email about "${subject}" and for being frank with me`;
  return last.kind === 'call' || last.kind === 'meeting'
    ? `Thank you for being frank with me on ${INTERACTION_PHRASE[last.kind]}`
    : 'Thank you for being frank with me';
};

/**
 * A draft from templates and the input's own facts, for when no model may or can run. It answers what the customer
 * raised: the concern, budget problem or request in the message it replies to (read by the signal detectors and
 * named in closeloop's own fixed words, never copied: see concerns.ts), the deal's name, the contact's first name,
 * and for a quiet deal the date and subject of the last interaction. No amounts, discounts, dates, links or
 * commitments of its own: it proposes a call and asks for a time. It cites the chunks of the records it refers to.
 */
export function templateDraft(input: DraftInput): TemplateDraft {
  const labelled = labelChunks(input.chunks);
  const last = lastInteractionOf(input, labelled);
  const dealName = input.deal?.name?.trim() || null;
  const cited = new Map<string, LabelledChunk>();
  if (last) for (const lc of labelled) if (lc.chunk.source.recordId === last.externalId) cited.set(lc.label, lc);
  // The message the draft answers first, then the rest newest first.
  const ordered = [
    ...labelled.filter((lc) => lc.chunk.source.recordId === last?.externalId),
    ...labelled.filter((lc) => lc.chunk.source.recordId !== last?.externalId),
  ];
  const c = concernsIn(ordered.map((lc) => ownWords(lc.chunk)));
  for (const i of c.from) cited.set(ordered[i]!.label, ordered[i]!);
  const onDeal = dealName ? ` on ${dealName}` : '';

  const paragraphs: string[][] = [];
  let subjectLine: string;
  switch (input.kind) {
    case 'retention': {
      subjectLine = dealName ? `Your feedback on ${dealName}` : 'Your feedback';
      const opening = c.topics.length
        ? [`Thank you for telling me plainly about ${joinTopics(c.topics)}.`, "I'm sorry we have let you down."]
        : [`${thanksFor(last)}.`, "I'm sorry things have not been going as they should."];
      if (c.leaving === 'alternatives')
        opening.push(
          `I understand you are considering alternatives${c.atRenewal ? ' at renewal' : ''}, and I take that seriously.`,
        );
      else if (c.leaving === 'not_renewing') opening.push('I understand you may not renew, and I take that seriously.');
      paragraphs.push(opening);
      paragraphs.push([
        `${c.leaving ? 'Before you decide anything, could' : 'Could'} we set up a short call so I can hear exactly what has gone wrong${dealName ? ` with ${dealName}` : ''} and agree with you on what needs to change?`,
        ...(c.asked ? [`We can go through your question about ${c.asked} on the same call.`] : []),
        'Let me know a time that suits you.',
      ]);
      break;
    }
    case 'budget_reply': {
      const concern = labelled.find((lc) =>
        extractSignals(ownWords(lc.chunk)).some((s) => s.type === 'budget_constraint'),
      );
      if (concern) cited.set(concern.label, concern);
      const replyTo = last?.kind === 'email' ? cleanSubject(last.subject) : null;
      subjectLine = replyTo ? `Re: ${replyTo}` : dealName ? `${dealName}: budget options` : 'Budget options';
      paragraphs.push([
        c.budget
          ? `Thank you for letting me know about ${c.budget}. I appreciate you raising it now rather than later.`
          : 'Thank you for being open about the budget. I appreciate you raising it now rather than later.',
      ]);
      paragraphs.push([
        `I'd like to find a way forward${onDeal} that fits what you can fund, for example by looking again at the scope, phasing it in or changing the timing.`,
        ...(c.competitor
          ? [
              'I understand you are also looking at other options, and I would welcome the chance to show you how we compare before you decide.',
            ]
          : []),
        ...(c.asked
          ? [`We can also go through your question about ${c.asked}.`]
          : c.question
            ? [
                'As for the other question in your email, we can go through it on the same call, or I can answer it by email first if you prefer.',
              ]
            : []),
        'Could we set up a short call to go through the options together? Let me know a time that suits you.',
      ]);
      break;
    }
    case 'answer_question': {
      const replyTo = last?.kind === 'email' ? cleanSubject(last.subject) : null;
      subjectLine = replyTo ? `Re: ${replyTo}` : dealName ? `Your question on ${dealName}` : 'Your question';
      paragraphs.push([
        `Thank you for your email${replyTo ? ` about "${replyTo}"` : ''}, and sorry to keep you waiting for an answer.`,
      ]);
      paragraphs.push([
        c.asked
          ? `You asked about ${c.asked}: I am getting that together for you and will send it over as soon as it is ready.`
          : c.questions > 1
            ? `I am looking into your questions${onDeal} and will come back to you with full answers as soon as I have them.`
            : `I am looking into your question${onDeal} and will come back to you with a full answer as soon as I have it.`,
        ...(c.asked && c.questions > 1
          ? ['I am also looking into your other question and will come back to you on it at the same time.']
          : []),
        ...(c.competitor
          ? [
              'I understand you are comparing us with other options, and I would be glad to walk you through how we compare.',
            ]
          : []),
      ]);
      paragraphs.push(['If it is easier, could we go through it on a short call? Let me know a time that suits you.']);
      break;
    }
    case 'stale_follow_up': {
      subjectLine = dealName ? `Next steps for ${dealName}` : 'Following up';
      // Only an email's subject is something the two sides wrote to each other; a logged call's or note's is the
      // rep's own label ("Call: pricing"), not a topic to quote back.
      const subject = last?.kind === 'email' ? cleanSubject(last.subject) : null;
      paragraphs.push([
        // Away (their automatic reply said so): the draft goes out on their return, and the quiet was their absence.
        ...(input.customerAway ? ['I hope all went well while you were away.'] : []),
        last && input.customerAway
          ? `I wanted to pick things up again${onDeal}, following ${INTERACTION_PHRASE[last.kind]} on ${formatDate(last.occurredAt, input.timeZone)}${subject ? ` about "${subject}"` : ''}.`
          : last
            ? `It has been a while since ${INTERACTION_PHRASE[last.kind]} on ${formatDate(last.occurredAt, input.timeZone)}${subject ? ` about "${subject}"` : ''}, so I wanted to pick things up again${onDeal}.`
            : // Nothing logged to pick up again: no pause is presumed (the rep may not have spoken to them yet).
              `I wanted to check in with you${onDeal}.`,
        ...(c.asked ? [`You had asked about ${c.asked}, and I would be glad to go through it with you.`] : []),
      ]);
      paragraphs.push([
        'Where do things stand on your side? If it helps, I can set up a short call to agree on the next step; just let me know a time that works for you.',
      ]);
      break;
    }
  }
  // The CRM's first-name field as an import left it ("HANK SCORPIO (PROCUREMENT)") is no way to greet anyone.
  const first = salutationName(input.contact.firstName, input.contact.lastName);
  const name = input.sender?.name?.trim();
  const body = [
    `Hi ${first || 'there'},`,
    '',
    ...paragraphs.flatMap((p, i) => (i ? ['', p.join(' ')] : [p.join(' ')])),
    '',
    name ? 'Best regards,' : 'Best regards',
    ...(name ? [name] : []),
  ].join('\n');
  const citations = [...cited.values()].sort((a, b) => labelled.indexOf(a) - labelled.indexOf(b)).map(toCitation);
  return { subject: subjectLine, body, citations, model: templateModel(input.kind) };
}
