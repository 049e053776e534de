import type { Activity } from '../core/canonical.js';

/**
 * Call and meeting outcomes that are not a conversation: HubSpot's `hs_call_status` (NO_ANSWER, BUSY, FAILED,
 * CANCELED, QUEUED, RINGING, CONNECTING, CALLING_CRM_USER) and `hs_meeting_outcome` (NO_SHOW, CANCELED,
 * RESCHEDULED), and the words Salesforce `CallDisposition` values are usually written with.
 */
const NOT_SPOKEN =
  /^(?:NO_ANSWER|BUSY|FAILED|CANCEL+ED|QUEUED|RINGING|CONNECTING|CALLING_CRM_USER|MISSED|NO_SHOW|RESCHEDULED|WRONG_NUMBER|LEFT_VOICEMAIL|VOICEMAIL)$/i;
const NO_CONVERSATION =
  /\b(?:voice ?mail|no answer|did(?:n't| not) (?:pick up|answer)|left (?:a )?(?:live )?message|couldn't reach|could not reach|wrong number)\b/i;

/**
 * The seller and the customer actually spoke: a call that connected or a meeting that took place (not archived, not
 * in the future, no outcome or note saying nobody answered). A voicemail answers nobody's question and makes no
 * email about "a short call" moot.
 */
export function isConversation(a: Activity, now: number): boolean {
  return (
    !a.archived &&
    (a.kind === 'call' || a.kind === 'meeting') &&
    Date.parse(a.occurredAt) <= now &&
    !NOT_SPOKEN.test((a.status ?? '').trim().replace(/\s+/g, '_')) &&
    !NO_CONVERSATION.test(`${a.subject ?? ''}\n${a.body ?? ''}`)
  );
}

/**
 * Words of the seller's alone, where no customer's words are to be read: an email or note the seller sent, or a call
 * the rep placed that never connected (their own note of a voicemail). A call the rep placed that connected is a
 * conversation like a meeting: its notes hold what the customer said there (the direction of a call says who dialled,
 * not who spoke), with a transcript's seller turns removed before the analysis (`signals/transcript.ts`).
 */
export function isSellersOwn(a: Activity, now: number): boolean {
  return a.direction === 'outbound' && !isConversation(a, now);
}

/**
 * A note in which the rep reports having answered or spoken with the customer ("Called Hank back and answered his SSO
 * question", "Sent her the SOC 2 report", "Discussed pricing with Anna"): the past tense of answering, calling, meeting
 * or sending, in the languages the lexicon covers. A plan ("will answer tomorrow", "need to reply") or an attempt
 * ("called, no answer") is not.
 */
export function reportsAnswer(a: Activity, now: number): boolean {
  if (a.archived || a.kind !== 'note' || Date.parse(a.occurredAt) > now) return false;
  const text = `${a.subject ?? ''}\n${a.body ?? ''}`;
  return ANSWER_REPORT.test(text) && !NO_CONVERSATION.test(text) && !PLAN.test(text);
}
const ANSWER_REPORT =
  /\b(?:answered|replied|responded|called (?:\p{L}+ )?back|spoke|talked|discussed|walked (?:\p{L}+ )?through|explained|clarified|sent (?:him|her|them|over|the|a|an)\b|met with|beantwortet|geantwortet|besprochen|telefoniert|geschickt|répondu|appelé|envoyé|discuté|respondí|respondido|llamé|hablé|enviado|enviei|respondi|liguei|risposto|chiamato|inviato|beantwoord|gebeld|besproken|gestuurd)/iu;
const PLAN =
  /\b(?:will|to|need to|must|should|going to|tomorrow|later|todo|to-do)\s+(?:\p{L}+\s+)?(?:answer|reply|respond|call|send|discuss)/iu;
