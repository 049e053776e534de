import type { Activity } from '../core/canonical.js';
import { isCalendarNotice } from './calendar-notice.js';

/**
 * Mail no person wrote: out-of-office and other auto-replies, delivery failures (bounces), calendar notifications,
 * read receipts and bulk mail (newsletters, notifications). Logged on a deal like any email, it is not the customer
 * speaking: it neither answers a concern nor makes a quiet deal active, is never quoted as the customer's words and is
 * never replied to. Told by the sender's address when the CRM gives it (HubSpot `hs_email_headers`, Salesforce
 * `FromAddress`), by the standard subject prefixes of mail servers and calendar clients (English and the main
 * European languages), and by the fixed sentences of those messages near the top of the body (a human email that
 * merely quotes one further down is not matched).
 */
export function isAutomatedMessage(
  a: Pick<Activity, 'kind' | 'subject' | 'body' | 'direction'> & { from?: string | null },
): boolean {
  if (a.kind !== 'email') return false;
  if (a.from && AUTOMATED_SENDER.test(a.from.trim())) return true;
  const subject = (a.subject ?? '').replace(REPLY_PREFIX, '').trim();
  if (AUTOMATED_SUBJECT.test(subject) || isCalendarNotice(subject, a.body)) return true;
  // The message's own opening (a quoted history below a human reply is not the message).
  const body = a.body ?? '';
  const head = body.slice(0, 1_500);
  if (AUTOMATED_BODY.some((re) => re.test(head))) return true;
  // An away notice (by its subject or its sentence) is an auto-reply when it says nothing else: a person writing "I am
  // out of office until Monday" beside their news ("our budget is tight this quarter") is still the customer.
  if ((AWAY_SUBJECT.test(subject) || AWAY.some((re) => re.test(body))) && onlyAwayNotice(body)) return true;
  // A bulk-mail footer sits at the end of a long message. Only inbound (a rep's own sequence emails carry one too, and
  // are the rep's), and not a short note (a person asking to "unsubscribe from this list" is asking, not bulk mail).
  return a.direction === 'inbound' && body.length > 400 && BULK_FOOTER.some((re) => re.test(body));
}

/**
 * An away notice: an auto-reply by its subject ("Automatic reply:", "Out of office"), or a message saying its writer is
 * away until some day. Such a message schedules nothing, whatever its subject quotes ("Automatic reply: Invitation: …").
 */
export function isAwayNotice(a: Pick<Activity, 'kind' | 'subject' | 'body'>): boolean {
  if (a.kind !== 'email') return false;
  const subject = (a.subject ?? '').replace(REPLY_PREFIX, '').trim();
  return AUTO_REPLY_SUBJECT.test(subject) || AWAY_SUBJECT.test(subject) || AWAY.some((re) => re.test(a.body ?? ''));
}
const AUTO_REPLY_SUBJECT =
  /^(?:automatic reply|auto(?:matic)?[- ]?(?:reply|response)|autoreply|automatische antwort|réponse automatique|respuesta automática|risposta automatica|resposta automática|automatisch antwoord)/i;

/**
 * A delivery failure (a bounce, RFC 3464): the mail server saying a message could not be delivered. With the
 * recipient's address in it, that address is dead until the person writes from it again (`src/suggest/drafting.ts`).
 */
export function isDeliveryFailure(a: Pick<Activity, 'kind' | 'subject' | 'body'> & { from?: string | null }): boolean {
  if (a.kind !== 'email') return false;
  if (a.from && /^(?:mailer-daemon|postmaster)@/i.test(a.from.trim())) return true;
  if (DELIVERY_FAILURE_SUBJECT.test((a.subject ?? '').replace(REPLY_PREFIX, '').trim())) return true;
  const head = (a.body ?? '').slice(0, 1_500);
  return DELIVERY_FAILURE_BODY.some((re) => re.test(head));
}

const DELIVERY_FAILURE_SUBJECT =
  /^(?:undeliverable|undelivered mail|delivery status notification \(failure\)|delivery (?:has )?failed|delivery failure|mail delivery (?:failed|failure|subsystem)|returned mail|failure notice|message not delivered|non[- ]?delivery|unzustellbar|non remis|no se puede entregar)/i;

const DELIVERY_FAILURE_BODY: readonly RegExp[] = [
  /\byour message (?:wasn't|was not|could not be|couldn't be) delivered\b/i,
  /\bdelivery has failed to these recipients\b/i,
  /\bthe following (?:message|recipients?)[^.\n]{0,40}(?:could not|couldn't) be delivered\b/i,
  /\b(?:address|recipient)[^.\n]{0,20}(?:couldn't|could not|cannot) be found\b/i,
  /\b550[ -]5\.1\.1\b/,
];

/**
 * Whether every sentence of the body is the furniture of an away notice (being away and until when, who to contact
 * meanwhile, thanks for the message, a greeting or a sign-off) or too short to say anything.
 */
function onlyAwayNotice(body: string): boolean {
  if (body.length > 1_200) return false;
  return body
    .split(/(?<=[^\d\s][.!?])\s+|\n+/)
    .map((x) => x.trim())
    .filter((x) => x.split(/\s+/).length >= 4)
    .every((x) => AWAY.some((re) => re.test(x)) || AWAY_FURNITURE.test(x));
}

/** Re:/Fwd: and their common translations, repeated. */
const REPLY_PREFIX = /^(?:\s*(?:re|fw|fwd|aw|wg|sv|vs|tr|rif|r)\s*(?:\[\d+\])?\s*:\s*)+/i;

/** Local parts that only machines send from (RFC 3834 auto-responders, RFC 3464 bounces, bulk senders). */
const AUTOMATED_SENDER =
  /^(?:mailer-daemon|postmaster|no[-_.]?reply|do[-_.]?not[-_.]?reply|donotreply|bounces?|notifications?|notify|newsletters?|news|marketing|mailer|auto[-_.]?(?:reply|responder|confirm))(?:[+.-][^@]*)?@/i;

const AUTOMATED_SUBJECT = new RegExp(
  '^(?:' +
    [
      // Auto-replies that say so (Outlook, Exchange and their translations).
      'automatic reply',
      'auto(?:matic)?[- ]?(?:reply|response)',
      'autoreply',
      'automatische antwort',
      'réponse automatique',
      'respuesta automática',
      'risposta automatica',
      'resposta automática',
      'automatisch antwoord',
      // Delivery failures.
      'undeliverable',
      'undelivered mail',
      'delivery status notification',
      'delivery (?:has )?failed',
      'delivery failure',
      'mail delivery (?:failed|failure|subsystem)',
      'returned mail',
      'failure notice',
      'message not delivered',
      'non[- ]?delivery',
      'unzustellbar',
      'non remis',
      'no se puede entregar',
      // Calendar notifications and receipts.
      '(?:updated )?invitation(?: updated)?:',
      'invitation from',
      'accepted:',
      'declined:',
      'tentative(?:ly accepted)?:',
      'cancel+ed(?: event)?:',
      'event cancel+ed:',
      'new event:',
      'updated event:',
      'read:',
      'not read:',
      'read receipt',
    ].join('|') +
    ')',
  'i',
);

/** A subject a person sets for their away notice (Gmail's vacation responder sends it as written). */
const AWAY_SUBJECT =
  /^(?:out of (?:the )?office|ooo\b|away from (?:the )?office|on (?:vacation|holiday|leave)\b|abwesenheitsnotiz|abwesend|absence du bureau|fuera de la oficina|fuori sede|afwezig)/i;

/** The other sentences of an away notice. */
const AWAY_FURNITURE =
  /\b(?:urgent|in the meantime|meanwhile|for assistance|for immediate|please (?:contact|reach|get in touch)|contact (?:my|our)|reach (?:my|our)|thank(?:s| you) for (?:your|the) (?:e-?mail|message|note|mail)|(?:will|'ll|shall) (?:respond|reply|get back|answer|read)|(?:be )?back (?:on|in|at)|return(?:ing)? (?:on|to)|limited access|no access|not be (?:checking|reading)|regards|best wishes|in dringenden fällen|en cas d'urgence|para asuntos urgentes)\b/i;

/** Away sentences. */
const AWAY: readonly RegExp[] = [
  /(?<!\b(?:before|while|when|after|since|as|because|once|if)\s)\b(?:i am|i'm|i will be|i'll be)\s+(?:currently\s+)?(?:out of (?:the )?office|away from (?:the |my )?(?:office|desk)|on (?:annual |parental |maternity |paternity |sick )?(?:leave|vacation|holiday))\b[^.\n]{0,80}\b(?:until|till|through|returning|back on|back in|return(?:ing)? on)\b/i,
  /\bwith limited (?:access to (?:my )?e-?mail|e-?mail access)\b/i,
  /\b(?:ich bin|je suis|estoy|sono)\b[^\n]{0,60}?\b(?:nicht im büro|abwesend|absente?|fuera de la oficina|ausente|fuori ufficio)\b/i,
];

const AUTOMATED_BODY: readonly RegExp[] = [
  /\bthis is an auto(?:matic(?:ally generated)?|mated)? (?:reply|response|message)\b/i,
  // Delivery failures.
  /\byour message (?:wasn't|was not|could not be|couldn't be) delivered\b/i,
  /\bdelivery has failed to these recipients\b/i,
  /\bthe following (?:message|recipients?)[^.\n]{0,40}(?:could not|couldn't) be delivered\b/i,
  /\b(?:address|recipient)[^.\n]{0,20}(?:couldn't|could not|cannot) be found\b/i,
  /\b550[ -]5\.1\.1\b/,
  // Calendar notifications.
  /\byou have been invited to (?:the following|an?) event\b/i,
  /\binvitation from google calendar\b/i,
];

const BULK_FOOTER: readonly RegExp[] = [
  /\bclick here to unsubscribe\b/i,
  /\bunsubscribe from (?:this|these|our) (?:list|mailing|e-?mails?|newsletters?)\b/i,
  /\byou(?:'re| are) receiving this (?:e-?mail|message|newsletter) because\b/i,
  /\bview (?:this (?:e-?mail|message) )?in (?:your|a) browser\b/i,
  /\bmanage your (?:e-?mail |subscription |communication )?preferences\b/i,
];
