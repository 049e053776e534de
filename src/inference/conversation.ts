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
