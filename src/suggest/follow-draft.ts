import type { DraftText } from '../core/connector.js';
import type { Contact, Deal } from '../core/canonical.js';
import type { DraftEmailPayload } from '../core/suggestion.js';
import { escapeRegExp } from '../lib/text.js';
import { contactName, salutationName } from '../inference/drafting/salutation.js';

/** A draft's text as closeloop wrote it, as the connectors compare it with the CRM's draft (`previous`). */
export const draftTextOf = (d: DraftEmailPayload): DraftText => ({
  subject: d.subject,
  body: d.body,
  to: d.to ?? null,
  reply: Boolean(d.inReplyTo),
});

/** What changed in the CRM since the draft was written, of what the draft names. */
export interface DraftChanges {
  /** The recipient's address (the draft was addressed to another one). */
  address: boolean;
  /** The recipient's name (the To line, the greeting). */
  name: boolean;
  /** The deal's name, where the draft names the deal. */
  dealName: string | null;
}

/** The draft as it reads with the CRM's names now, and what changed; null when nothing it shows changed. */
export interface FollowedDraft {
  draft: DraftEmailPayload;
  changes: DraftChanges;
}

const same = (a: string | null | undefined, b: string | null | undefined) =>
  (a ?? '').trim().toLowerCase() === (b ?? '').trim().toLowerCase();

/** `from` as a whole word or name (no letter or digit either side) replaced by `to`, everywhere in `text`. */
const replaceName = (text: string, from: string, to: string) =>
  text.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(from)}(?![\\p{L}\\p{N}])`, 'gu'), () => to);

/** The greeting line ("Hi Ben," / "Hello there,"): the first line of the body that has any text. */
function regreet(body: string, from: string | null, to: string | null): string {
  const lines = body.split('\n');
  const i = lines.findIndex((l) => l.trim() !== '');
  if (i < 0 || from === to) return body;
  const line = lines[i]!;
  const greeting = /^(\s*(?:hi|hello|hey|dear|good (?:morning|afternoon|evening))\s+)/i.exec(line);
  if (!greeting) return body;
  const rest = line.slice(greeting[1]!.length);
  const old = from ?? 'there';
  if (!rest.toLowerCase().startsWith(old.toLowerCase()) || /[\p{L}\p{N}]/u.test(rest[old.length] ?? '')) return body;
  lines[i] = `${greeting[1]}${to ?? 'there'}${rest.slice(old.length)}`;
  return lines.join('\n');
}

/**
 * The draft as a rep would have it after the CRM changed what it names: addressed to the recipient's address now, the
 * To line with their name now, greeting them by the name they go by now, and naming the deal by its name now wherever it
 * named it by the old one. Only the names change: every other word stays as written (and passes the output gate again).
 * Null when nothing the draft shows changed (a draft written before closeloop kept the names it used follows only the
 * recipient's address and To line).
 */
export function followDraft(
  d: DraftEmailPayload,
  recipient: Contact | undefined,
  deal: Deal | null,
): FollowedDraft | null {
  if (!recipient?.email || !d.to) return null;
  const address = !same(d.to.email, recipient.email);
  const toName = contactName(recipient.firstName, recipient.lastName);
  const name = (d.to.name ?? null) !== (toName ?? null);
  const was = d.writtenFor ?? null;
  const greeting = salutationName(recipient.firstName, recipient.lastName);
  const dealNow = deal?.name?.trim() || null;
  const renamed = Boolean(was?.dealName && dealNow && was.dealName !== dealNow);
  let { subject, body } = d;
  if (renamed) {
    subject = replaceName(subject, was!.dealName!, dealNow!);
    body = replaceName(body, was!.dealName!, dealNow!);
  }
  if (was) body = regreet(body, was.greeting, greeting);
  if (!address && !name && subject === d.subject && body === d.body) return null;
  return {
    draft: {
      ...d,
      subject,
      body,
      to: { name: toName, email: recipient.email },
      ...(was ? { writtenFor: { dealName: renamed ? dealNow : was.dealName, greeting } } : {}),
    },
    changes: { address, name: name || (was ? was.greeting !== greeting : false), dealName: renamed ? dealNow : null },
  };
}
