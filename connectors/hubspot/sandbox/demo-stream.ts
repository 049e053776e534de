/**
 * A scripted stream of user activity for demos: inbound emails on open deals, stage changes, notes, a call,
 * a task completed, and a fresh budget-constraint email on a deal in contract negotiation (`contractsent`).
 * Every change goes through the user store (changeSource CRM_UI), so each one produces webhooks.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { AssociationTypeId as A } from './association-types.js';
import { DEFAULT_PIPELINE_STAGES, type DealStage, type ObjectTypeName } from './object-types.js';
import type { SandboxRecord, SandboxStore } from './user-store.js';

export interface DemoAction {
  kind: 'inboundEmail' | 'stageChange' | 'note' | 'budgetEmail' | 'call' | 'taskCompleted';
  objectType: ObjectTypeName;
  objectId: string;
  dealId?: string;
  description: string;
}

export interface PlayOptions {
  count: number;
  /** Pause between actions (none after the last). */
  intervalMs: number;
}

const OPEN = new Set<string>([
  'appointmentscheduled',
  'qualifiedtobuy',
  'presentationscheduled',
  'decisionmakerboughtin',
  'contractsent',
]);
const SCRIPT: DemoAction['kind'][] = ['inboundEmail', 'stageChange', 'note', 'budgetEmail', 'call', 'taskCompleted'];

const BENIGN_EMAILS = [
  {
    subject: 'Quick question on implementation timeline',
    text: 'Hi,\n\nHow long does a typical implementation take for a team our size? We would like to plan resourcing.\n\nThanks',
  },
  {
    subject: 'Meeting recap',
    text: 'Thanks for the session today. Recap attached; we will circle back with the list of data sources by Friday.',
  },
  {
    subject: 'Security review',
    text: 'Hello,\n\nOur security team asked for your SOC 2 report and the pen-test summary. Could you share them?\n\nBest',
  },
  {
    subject: 'Intro to our CFO',
    text: 'Hi,\n\nLooping in our CFO, who will join the next call to go through commercials.\n\nRegards',
  },
];
const NOTES = [
  'Champion confirmed internal demo went well; asked for references in their industry.',
  'Procurement wants pricing split by module. Follow up with a revised quote.',
  'Next step agreed: technical deep dive with their data team next Tuesday.',
];
const BUDGET_EMAIL = {
  subject: 'Re: Order form – budget',
  text: 'Hi,\n\nI have to flag something before we sign: our budget was frozen for the rest of the quarter after the latest forecast, and finance has asked us to cut software spend by 25%. We still want to go ahead, but we need to revisit the budget. Could we reduce the scope or move the start date into next quarter?\n\nThanks',
};

/** Plays `count` user actions against a portal, pausing `intervalMs` between them. */
export async function playDemoActivity(
  sandbox: { store: SandboxStore; now?: () => number },
  portalId: number,
  opts: PlayOptions,
): Promise<DemoAction[]> {
  const actions: DemoAction[] = [];
  for (let i = 0; i < opts.count; i++) {
    if (i > 0 && opts.intervalMs > 0) await sleep(opts.intervalMs);
    const action = step(sandbox.store, portalId, i, sandbox.now?.() ?? Date.now());
    if (action !== undefined) actions.push(action);
  }
  return actions;
}

function step(store: SandboxStore, portalId: number, i: number, now: number): DemoAction | undefined {
  const deals = store.list(portalId, 'deals').sort((a, b) => Number(a.id) - Number(b.id));
  const open = deals.filter((d) => OPEN.has(d.properties.dealstage ?? ''));
  const pick = <T>(list: T[]): T | undefined => list[Math.floor(i / SCRIPT.length) % Math.max(list.length, 1)];
  const kind = SCRIPT[i % SCRIPT.length] as DemoAction['kind'];
  switch (kind) {
    case 'inboundEmail': {
      const deal = pick(open);
      const content = BENIGN_EMAILS[i % BENIGN_EMAILS.length] as { subject: string; text: string };
      return deal === undefined ? undefined : inboundEmail(store, portalId, deal, content, now, 'inboundEmail');
    }
    case 'budgetEmail': {
      const negotiating = deals.filter((d) => d.properties.dealstage === 'contractsent');
      const deal = pick(negotiating);
      return deal === undefined ? undefined : inboundEmail(store, portalId, deal, BUDGET_EMAIL, now, 'budgetEmail');
    }
    case 'stageChange': {
      const deal = pick(open.filter((d) => d.properties.dealstage !== 'contractsent'));
      if (deal === undefined) return undefined;
      const current = deal.properties.dealstage as DealStage;
      const next = DEFAULT_PIPELINE_STAGES[DEFAULT_PIPELINE_STAGES.indexOf(current) + 1] as DealStage;
      store.update(portalId, 'deals', deal.id, { dealstage: next }, { userId: ownerUserId(store, portalId, deal) });
      return {
        kind,
        objectType: 'deals',
        objectId: deal.id,
        dealId: deal.id,
        description: `${deal.properties.dealname}: ${current} -> ${next}`,
      };
    }
    case 'note': {
      const deal = pick(open);
      if (deal === undefined) return undefined;
      const note = store.create(
        portalId,
        'notes',
        {
          hs_timestamp: new Date(now).toISOString(),
          hs_note_body: NOTES[i % NOTES.length] as string,
          hubspot_owner_id: deal.properties.hubspot_owner_id ?? '',
        },
        {
          userId: ownerUserId(store, portalId, deal),
          associations: [{ toType: 'deals', toId: deal.id, typeIds: [A.noteToDeal] }],
        },
      );
      return {
        kind,
        objectType: 'notes',
        objectId: note.id,
        dealId: deal.id,
        description: `note on ${deal.properties.dealname}`,
      };
    }
    case 'call': {
      const deal = pick(open);
      if (deal === undefined) return undefined;
      const contact = store.associations(portalId, { type: 'deals', id: deal.id }, 'contacts')[0];
      const call = store.create(
        portalId,
        'calls',
        {
          hs_timestamp: new Date(now).toISOString(),
          hs_call_title: 'Check-in call',
          hs_call_body: 'Discussed rollout timing and open questions from their team.',
          hs_call_direction: 'OUTBOUND',
          hs_call_duration: '900000',
          hs_call_status: 'COMPLETED',
          hubspot_owner_id: deal.properties.hubspot_owner_id ?? '',
        },
        {
          userId: ownerUserId(store, portalId, deal),
          associations: [
            { toType: 'deals', toId: deal.id, typeIds: [A.callToDeal] },
            ...(contact === undefined
              ? []
              : [{ toType: 'contacts' as const, toId: contact.toId, typeIds: [A.callToContact] }]),
          ],
        },
      );
      return {
        kind,
        objectType: 'calls',
        objectId: call.id,
        dealId: deal.id,
        description: `call logged on ${deal.properties.dealname}`,
      };
    }
    case 'taskCompleted': {
      const task = pick(store.list(portalId, 'tasks').filter((t) => t.properties.hs_task_status !== 'COMPLETED'));
      if (task === undefined) return undefined;
      store.update(portalId, 'tasks', task.id, {
        hs_task_status: 'COMPLETED',
        hs_task_completion_date: new Date(now).toISOString(),
      });
      return {
        kind,
        objectType: 'tasks',
        objectId: task.id,
        description: `task completed: ${task.properties.hs_task_subject ?? task.id}`,
      };
    }
  }
}

function ownerUserId(store: SandboxStore, portalId: number, deal: SandboxRecord): number | undefined {
  return store.owners(portalId).find((o) => o.id === deal.properties.hubspot_owner_id)?.userId;
}

function inboundEmail(
  store: SandboxStore,
  portalId: number,
  deal: SandboxRecord,
  content: { subject: string; text: string },
  now: number,
  kind: DemoAction['kind'],
): DemoAction {
  const contactLink = store.associations(portalId, { type: 'deals', id: deal.id }, 'contacts')[0];
  const companyLink = store.associations(portalId, { type: 'deals', id: deal.id }, 'companies')[0];
  const contact = contactLink === undefined ? undefined : store.get(portalId, 'contacts', contactLink.toId);
  const owner = store.owners(portalId).find((o) => o.id === deal.properties.hubspot_owner_id);
  const from = {
    email: contact?.properties.email ?? 'unknown@example.com',
    firstName: contact?.properties.firstname ?? '',
    lastName: contact?.properties.lastname ?? '',
  };
  const to = owner === undefined ? [] : [{ email: owner.email, firstName: owner.firstName, lastName: owner.lastName }];
  const text = `${content.text}\n\n${from.firstName}`.trim();
  const email = store.create(
    portalId,
    'emails',
    {
      hs_timestamp: new Date(now).toISOString(),
      hs_email_direction: 'INCOMING_EMAIL',
      hs_email_status: 'SENT',
      hs_email_subject: content.subject,
      hs_email_text: text,
      hs_email_html: `<p>${text.replace(/\n/g, '<br>')}</p>`,
      hs_email_headers: JSON.stringify({ from, to, cc: [], bcc: [] }),
      hubspot_owner_id: deal.properties.hubspot_owner_id ?? '',
    },
    {
      actor: { changeSource: 'INTEGRATION', sourceId: 'email-sync' },
      associations: [
        { toType: 'deals', toId: deal.id, typeIds: [A.emailToDeal] },
        ...(contactLink === undefined
          ? []
          : [{ toType: 'contacts' as const, toId: contactLink.toId, typeIds: [A.emailToContact] }]),
        ...(companyLink === undefined
          ? []
          : [{ toType: 'companies' as const, toId: companyLink.toId, typeIds: [A.emailToCompany] }]),
      ],
    },
  );
  return {
    kind,
    objectType: 'emails',
    objectId: email.id,
    dealId: deal.id,
    description: `${content.subject} (${deal.properties.dealname})`,
  };
}
