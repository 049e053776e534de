import type { Activity, Contact } from '../../core/canonical.js';

/**
 * A speaker-labelled line of a call or meeting transcript, as recorders and reps write them: "Riley: …", "Riley Rep
 * (Seller): …", "[00:01:02] Carl Gauss: …", "00:12 - Rep: …", "**Carl:** …". Group 1 is the speaker, group 2 what they
 * said.
 */
const SPEAKER_LINE =
  /^[ \t>*_-]*(?:[[(]?\d{1,2}:\d{2}(?::\d{2})?[\])]?[ \t]*[-–—|]?[ \t]*)?\**([\p{L}][\p{L}\p{M}'’.-]*(?:[ \t]+[\p{L}\p{M}'’.-]+){0,3})\**[ \t]*(?:\([^)\n]{0,40}\)|[[(]?\d{1,2}:\d{2}(?::\d{2})?[\])]?)?[ \t]*\**:\**[ \t]*(.*)$/u;
/** The seller's side of a call, whatever the rep's name: "Rep", "Sales", "AE", "Me"… */
const SELLER_LABELS = new Set([
  'rep',
  'sales rep',
  'sales',
  'salesperson',
  'seller',
  'vendor',
  'ae',
  'sdr',
  'bdr',
  'account executive',
  'account manager',
  'me',
  'myself',
]);
const norm = (s: string) => s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * The names a transcript gives the seller's side of a call: the generic labels, the rep's full name, and their first
 * name unless a contact on the deal shares it (two Carls: only the full name says which one spoke).
 */
export function sellerSpeakers(ownerName: string | null | undefined, contacts: readonly Contact[] = []): Set<string> {
  const names = new Set(SELLER_LABELS);
  const full = norm(ownerName ?? '');
  if (full) {
    names.add(full);
    const first = full.split(' ')[0]!;
    const taken = contacts.some(
      (c) => norm(c.firstName ?? '') === first || norm(c.firstName ?? '').startsWith(`${first} `),
    );
    if (first && first !== full && !taken) names.add(first);
  }
  return names;
}

/**
 * The customer's side of a speaker-labelled transcript (a logged call, meeting or note): the turns the seller spoke,
 * and the unlabelled lines that continue them, removed. A rep's "I understand budget is tight" or "Are you looking at
 * other vendors?" is the rep's voice, not a concern the customer raised. Lines with any other label ("Carl:", "Next
 * steps:", "Speaker 2:") are kept: only a speaker known to be the seller is taken out. Text without a seller's turn
 * comes back as it was.
 */
export function withoutSellerTurns(text: string, sellers: ReadonlySet<string>): string {
  const lines = text.split('\n');
  let seller = false;
  let removed = false;
  const kept: string[] = [];
  for (const line of lines) {
    const m = line.length <= 2000 ? SPEAKER_LINE.exec(line) : null;
    if (m) seller = sellers.has(norm(m[1]!));
    else if (line.trim() === '') seller = false;
    if (seller) removed = true;
    else kept.push(line);
  }
  return removed ? kept.join('\n') : text;
}

/** The activity as the customer's words: a call, meeting or note without the seller's turns (`withoutSellerTurns`). */
export function customerSide(a: Activity, sellers: ReadonlySet<string>): Activity {
  if (a.kind === 'email' || a.kind === 'task' || !a.body) return a;
  const body = withoutSellerTurns(a.body, sellers);
  return body === a.body ? a : { ...a, body };
}
