import type { Activity } from '../core/canonical.js';
import { isAutomatedMessage } from './automated-mail.js';
import { splitSentences } from './signals/sentences.js';
import { signalText } from './signals/email-text.js';

/**
 * The sender saying they have left or are leaving the company, in their own mail ("Friday is my last day at Northwind",
 * "I am moving on to a new role"), in the languages the lexicon reads. A plan ("if I leave") or an absence ("I am out of
 * the office") is not one.
 */
const I_LEFT = new RegExp(
  [
    String.raw`\bI(?:'m|\s+am)\s+no\s+longer\s+(?:with|at|employed|working|part\s+of)\b`,
    String.raw`\bI(?:'ve|\s+have)\s+left\s+(?:the\s+(?:company|organi[sz]ation|business|firm)|\p{Lu})`,
    String.raw`\b(?:is|will\s+be)\s+my\s+last\s+day\b`,
    String.raw`\bmy\s+last\s+day\s+(?:at|with|here|in\s+the\s+office)\b`,
    String.raw`\bI(?:'m|\s+am)\s+(?:leaving|moving\s+on\s+from)\s+(?:the\s+company|\p{Lu})`,
    String.raw`\bI(?:'m|\s+am)\s+moving\s+on\s+to\s+a\s+new\s+(?:role|position|job|opportunity|challenge)\b`,
    String.raw`\bmein\s+letzter\s+(?:Arbeits)?tag\b`,
    String.raw`\bich\s+bin\s+nicht\s+mehr\s+(?:bei|für|im\s+Unternehmen)\b`,
    String.raw`\bmon\s+dernier\s+jour\b`,
    String.raw`\bj(?:'|’)ai\s+quitté\b`,
  ].join('|'),
  'iu',
);
/**
 * A mailbox's automatic reply saying its owner has left ("Sarah Lee is no longer with Northwind Traders"). Said of a
 * third person, it is read only in mail no person wrote: in a person's own mail "our CFO has left" is someone else.
 */
const HAS_LEFT = new RegExp(
  [
    String.raw`\b(?:is|are)\s+no\s+longer\s+(?:with|at|employed|working|part\s+of)\b`,
    String.raw`\bno\s+longer\s+works?\s+(?:at|for|with|here)\b`,
    String.raw`\bhas\s+left\s+(?:the\s+(?:company|organi[sz]ation|business|firm)|\p{Lu})`,
    String.raw`\bnicht\s+mehr\s+(?:bei|für|im\s+Unternehmen)\b`,
    String.raw`\bhat\s+das\s+Unternehmen\s+verlassen\b`,
    String.raw`\bne\s+fait\s+plus\s+partie\b`,
    String.raw`\ba\s+quitté\s+(?:la\s+société|l(?:'|’)entreprise|\p{Lu})`,
    String.raw`\bya\s+no\s+(?:trabaja|forma\s+parte)\b`,
    String.raw`\bnon\s+(?:lavora|fa\s+parte)\s+più\b`,
    String.raw`\bjá\s+não\s+(?:trabalha|faz\s+parte)\b`,
    String.raw`\bniet\s+meer\s+(?:werkzaam|in\s+dienst)\b`,
  ].join('|'),
  'iu',
);

/** The sentence of a message saying its sender has left or is leaving the company, or null. */
export function departureIn(
  a: Pick<Activity, 'kind' | 'subject' | 'body' | 'direction'> & { from?: string | null },
): string | null {
  const said = isAutomatedMessage(a) ? [I_LEFT, HAS_LEFT] : [I_LEFT];
  const text = signalText({ ...a, subject: null });
  return splitSentences(text).find((s) => said.some((re) => re.test(s.quote)))?.quote ?? null;
}

/**
 * The newest message from the sender of `from` (the same address, or the same contacts when neither has one), at or
 * after it, that says the sender has left the company: their own mail or their old mailbox's automatic reply (which
 * is no customer touch, but says this plainly). Null when none does.
 */
export function departureNotice(
  activities: readonly Activity[],
  from: Activity,
): { a: Activity; quote: string } | null {
  const sameSender = (x: Activity) =>
    from.from
      ? x.from === from.from
      : !x.from && x.associations.contacts.some((c) => from.associations.contacts.includes(c));
  for (const x of [...activities].sort((p, q) => q.occurredAt.localeCompare(p.occurredAt))) {
    if (x.archived || x.kind !== 'email' || x.direction !== 'inbound' || x.occurredAt < from.occurredAt) continue;
    if (x.externalId !== from.externalId && !sameSender(x)) continue;
    const quote = departureIn(x);
    if (quote) return { a: x, quote };
  }
  return null;
}
