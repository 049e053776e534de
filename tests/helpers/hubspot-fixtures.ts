import type { HubspotSandbox } from '../../connectors/hubspot/sandbox/index.js';

const DAY = 86_400_000;

/** A HubSpot task body (HTML) as the rep reads it. */
export const taskText = (html: string | null | undefined): string =>
  (html ?? '')
    .replace(/<br\s*\/?>|<\/p>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/**
 * Records written straight into a sandbox portal (the CRM side of a scenario): contacts, deals owned by `ownerId`
 * created `createdAgo` before `now`, emails on a deal and its contact `ago` before `now`, and the tasks on a deal.
 */
export function hubspotFixtures(hs: HubspotSandbox, portalId: number, ownerId: string, now: () => number) {
  return {
    contact: (first: string, last: string, email: string) =>
      hs.store.create(portalId, 'contacts', { firstname: first, lastname: last, email }).id,
    deal: (name: string, stage: string, contacts: string[], createdAgo = 5 * DAY) =>
      hs.store.create(
        portalId,
        'deals',
        { dealname: name, dealstage: stage, pipeline: 'default', amount: '24000', hubspot_owner_id: ownerId },
        { associations: contacts.map((c) => ({ toType: 'contacts' as const, toId: c })), at: now() - createdAgo },
      ).id,
    email: (
      dealId: string,
      contactId: string,
      ago: number,
      dir: 'INCOMING_EMAIL' | 'EMAIL',
      subject: string,
      body: string,
      extra: Record<string, string> = {},
    ) =>
      hs.store.create(
        portalId,
        'emails',
        {
          hs_timestamp: String(now() - ago),
          hs_email_direction: dir,
          hs_email_subject: subject,
          hs_email_text: body,
          ...extra,
        },
        {
          associations: [
            { toType: 'deals', toId: dealId },
            { toType: 'contacts', toId: contactId },
          ],
        },
      ),
    tasksOn: (dealId: string) =>
      hs.store
        .list(portalId, 'tasks')
        .filter((t) =>
          hs.store.associations(portalId, { type: 'tasks', id: t.id }, 'deals').some((a) => a.toId === dealId),
        ),
  };
}
