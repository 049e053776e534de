import { createServer } from 'node:net';
import type { HubspotSandbox } from '../../connectors/hubspot/sandbox/index.js';

/** A free loopback port (the OS picks it; closed again before the caller listens on it). */
export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });

/**
 * The crash and scale tests' portal: `n` open deals in contract-sent, each with a contact and yesterday's
 * "Sent the contract." note, owned by reps of `dealsPerRep` deals each (the rep-daily-cap rule, rules/limits.json,
 * allows 20 suggestions per rep and day).
 */
export function seedContractDeals(
  hs: HubspotSandbox,
  n: number,
  dealsPerRep = n,
): { deals: string[]; contacts: string[] } {
  const pid = hs.defaultPortalId;
  const owners = [...Array(Math.ceil(n / dealsPerRep)).keys()].map((k) =>
    hs.store.portal(pid).addOwner({
      id: String(77 + k),
      userId: 770 + k,
      email: k === 0 ? 'rep@example.com' : `rep${k}@example.com`,
      firstName: 'Rae',
      lastName: k === 0 ? 'Rep' : `Rep${k}`,
    }),
  );
  const deals: string[] = [];
  const contacts: string[] = [];
  for (let i = 0; i < n; i++) {
    const owner = owners[Math.floor(i / dealsPerRep)]!;
    const c = hs.store.create(pid, 'contacts', {
      firstname: `Buyer${i}`,
      lastname: 'Test',
      // The buyers' company, not the reps' (example.com): a contact at the rep's own domain is a colleague, never
      // the recipient of a draft.
      email: `buyer${i}@buyers.example`,
    });
    const d = hs.store.create(
      pid,
      'deals',
      {
        dealname: `Deal ${i}`,
        dealstage: 'contractsent',
        pipeline: 'default',
        amount: '1000',
        hubspot_owner_id: owner.id,
      },
      { associations: [{ toType: 'contacts', toId: c.id }] },
    );
    hs.store.create(
      pid,
      'notes',
      { hs_timestamp: String(Date.now() - 86_400_000), hs_note_body: 'Sent the contract.' },
      { associations: [{ toType: 'deals', toId: d.id }] },
    );
    deals.push(d.id);
    contacts.push(c.id);
  }
  return { deals, contacts };
}

/** Deal i's buyer writes that the budget was cut (one task and one draft each), after `neutral` harmless notes. */
export function sendBudgetCuts(hs: HubspotSandbox, seeded: { deals: string[]; contacts: string[] }, neutral = 0): void {
  seeded.deals.forEach((dealId, i) => {
    const assoc = {
      associations: [
        { toType: 'deals' as const, toId: dealId },
        { toType: 'contacts' as const, toId: seeded.contacts[i]! },
      ],
    };
    for (let k = 0; k < neutral; k++) {
      hs.store.create(
        hs.defaultPortalId,
        'notes',
        { hs_timestamp: String(Date.now()), hs_note_body: `Call ${k}: walked through onboarding.` },
        assoc,
      );
    }
    hs.store.create(
      hs.defaultPortalId,
      'emails',
      {
        hs_timestamp: String(Date.now()),
        hs_email_direction: 'INCOMING_EMAIL',
        hs_email_subject: `Re: Deal ${i}`,
        hs_email_text: 'Our budget was cut last week, we need to pause.',
      },
      assoc,
    );
  });
}

/** What closeloop wrote on a deal in the sandbox: to-do tasks, and draft replies (EMAIL-type tasks in HubSpot). */
export function dealWrites(hs: HubspotSandbox) {
  const dealTasks = (dealId: string) =>
    hs.store
      .list(hs.defaultPortalId, 'tasks')
      .filter((t) =>
        hs.store.associations(hs.defaultPortalId, { type: 'tasks', id: t.id }, 'deals').some((a) => a.toId === dealId),
      );
  return {
    budgetTasks: (dealId: string) => dealTasks(dealId).filter((t) => t.properties.hs_task_type !== 'EMAIL'),
    drafts: (dealId: string) => dealTasks(dealId).filter((t) => t.properties.hs_task_type === 'EMAIL'),
  };
}
