/**
 * Loads the demo content (seed-data.ts) into a portal, deterministically and relative to `now`.
 * Runs silently: data that predates the app's install produces no webhooks.
 */
import { AssociationTypeId as A } from './association-types.js';
import { DEFAULT_PIPELINE_STAGES, type DealStage } from './object-types.js';
import { ACTIVITIES, COMPANIES, CONTACTS, DEALS, OWNERS, type SeedActivity, type SeedDeal } from './seed-data.js';
import type { ChangeActor, Owner, Portal } from './store.js';

export const DAY_MS = 86_400_000;

export interface DemoPortalIndex {
  owners: Record<string, Owner>;
  companies: Record<string, string>;
  contacts: Record<string, string>;
  deals: Record<string, string>;
}

interface Person {
  email: string;
  firstName: string;
  lastName: string;
  contactId?: string;
  ownerId?: string;
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const toHtml = (text: string) =>
  text
    .split('\n\n')
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('');

/** The stages a deal walked through to reach `target` in the default pipeline. */
export function stagePath(target: DealStage): DealStage[] {
  if (target === 'closedlost') return ['appointmentscheduled', 'qualifiedtobuy', 'presentationscheduled', 'closedlost'];
  return DEFAULT_PIPELINE_STAGES.slice(0, DEFAULT_PIPELINE_STAGES.indexOf(target) + 1);
}

export function seedDemoPortal(portal: Portal, opts: { now: number }): DemoPortalIndex {
  return portal.silently(() => seed(portal, opts.now));
}

function seed(portal: Portal, now: number): DemoPortalIndex {
  const daysAgo = (d: number) => now - Math.round(d * DAY_MS);
  const index: DemoPortalIndex = { owners: {}, companies: {}, contacts: {}, deals: {} };
  const trusted = { trusted: true };
  const actorFor = (ownerKey: string): ChangeActor => ({
    changeSource: 'CRM_UI',
    sourceId: `userId:${index.owners[ownerKey]?.userId ?? portal.info.installingUser.userId}`,
  });
  const ownerIdOf = (key: string) => index.owners[key]?.id ?? '';

  for (const o of OWNERS) {
    index.owners[o.key] = portal.addOwner({
      id: o.id,
      userId: o.userId,
      email: o.email,
      firstName: o.firstName,
      lastName: o.lastName,
      createdAt: daysAgo(500),
    });
  }

  for (const c of COMPANIES) {
    const props: Record<string, string> = {
      name: c.name,
      industry: c.industry,
      city: c.city,
      country: c.country,
      numberofemployees: String(c.employees),
      hubspot_owner_id: ownerIdOf(c.owner),
      lifecyclestage: c.lifecycle,
    };
    if (c.domain !== undefined) props.domain = c.domain;
    if (c.phone !== undefined) props.phone = c.phone;
    index.companies[c.key] = portal.create('companies', props, actorFor(c.owner), {
      ...trusted,
      at: daysAgo(c.createdDaysAgo),
    }).id;
  }

  const companyOfContact = new Map<string, string>();
  for (const c of CONTACTS) {
    const props: Record<string, string> = {
      firstname: c.first,
      lastname: c.last,
      hubspot_owner_id: ownerIdOf(c.owner),
      lifecyclestage: c.lifecycle,
    };
    if (c.email !== undefined) props.email = c.email;
    if (c.phone !== undefined) props.phone = c.phone;
    if (c.title !== undefined) props.jobtitle = c.title;
    const companyId = c.company === undefined ? undefined : index.companies[c.company];
    if (companyId !== undefined) props.company = COMPANIES.find((x) => x.key === c.company)?.name ?? '';
    const at = daysAgo(c.createdDaysAgo);
    const id = portal.create('contacts', props, actorFor(c.owner), {
      ...trusted,
      at,
      associations: companyId === undefined ? [] : [{ toId: companyId, typeIds: [A.primaryContactToCompany] }],
    }).id;
    index.contacts[c.key] = id;
    if (companyId !== undefined) companyOfContact.set(id, companyId);
  }

  const dealByKey = new Map<string, SeedDeal>(DEALS.map((d) => [d.key, d]));
  for (const d of DEALS) {
    const created = daysAgo(d.createdDaysAgo);
    const path = stagePath(d.stage);
    const props: Record<string, string> = {
      dealname: d.name,
      amount: String(d.amount),
      closedate: new Date(daysAgo(-d.closeInDays)).toISOString(),
      pipeline: 'default',
      dealstage: path[0] as string,
      dealtype: d.type,
      hubspot_owner_id: ownerIdOf(d.owner),
    };
    if (d.nextStep !== undefined) props.hs_next_step = d.nextStep;
    const companyId = index.companies[d.company] as string;
    const id = portal.create('deals', props, actorFor(d.owner), {
      ...trusted,
      at: created,
      associations: [
        { toId: companyId, typeIds: [A.primaryDealToCompany] },
        ...d.contacts.map((k) => ({ toId: index.contacts[k] as string, typeIds: [A.dealToContact] })),
      ],
    }).id;
    index.deals[d.key] = id;
    // Walk the pipeline so stage history (propertiesWithHistory=dealstage) looks lived-in.
    const last = daysAgo(d.lastStageChangeDaysAgo);
    path.slice(1).forEach((stage, i, rest) => {
      const at = i === rest.length - 1 ? last : created + Math.round(((last - created) * (i + 1)) / rest.length);
      const change: Record<string, string> = { dealstage: stage };
      if (stage === 'closedlost' && d.lostReason !== undefined) change.closed_lost_reason = d.lostReason;
      portal.update('deals', id, change, actorFor(d.owner), { ...trusted, at });
    });
  }

  const people = new Map<string, Person>();
  for (const o of OWNERS)
    people.set(o.key, { email: o.email, firstName: o.firstName, lastName: o.lastName, ownerId: o.id });
  for (const c of CONTACTS)
    people.set(c.key, { email: c.email ?? '', firstName: c.first, lastName: c.last, contactId: index.contacts[c.key] });

  for (const activity of ACTIVITIES)
    seedActivity(portal, activity, { now, daysAgo, index, people, dealByKey, companyOfContact, actorFor });
  return index;
}

interface ActivityEnv {
  now: number;
  daysAgo: (d: number) => number;
  index: DemoPortalIndex;
  people: Map<string, Person>;
  dealByKey: Map<string, SeedDeal>;
  companyOfContact: Map<string, string>;
  actorFor: (ownerKey: string) => ChangeActor;
}

function seedActivity(portal: Portal, a: SeedActivity, env: ActivityEnv): void {
  const { index, people } = env;
  const at = env.daysAgo(a.daysAgo);
  // Scheduled items were booked a day before now at the latest.
  const createdAt = Math.min(at, env.now - DAY_MS);
  const deal = a.deal === undefined ? undefined : env.dealByKey.get(a.deal);
  const contactKeys =
    a.kind === 'email'
      ? [a.from, ...a.to, ...(a.cc ?? [])]
      : a.kind === 'note'
        ? (deal?.contacts.slice(0, 1) ?? [])
        : (a.contacts ?? []);
  const contactIds = [
    ...new Set(contactKeys.map((k) => people.get(k)?.contactId).filter((x): x is string => x !== undefined)),
  ];
  const companyId =
    deal !== undefined
      ? index.companies[deal.company]
      : a.kind === 'email' && a.company !== undefined
        ? index.companies[a.company]
        : contactIds.map((c) => env.companyOfContact.get(c)).find((x) => x !== undefined);
  const ownerKey =
    a.kind === 'email'
      ? ([a.from, ...a.to].find((k) => people.get(k)?.ownerId !== undefined) ?? deal?.owner ?? 'maya')
      : a.owner;
  const ownerId = index.owners[ownerKey]?.id ?? '';
  const dealId = a.deal === undefined ? undefined : index.deals[a.deal];

  const link = (type: 'emails' | 'calls' | 'meetings' | 'notes' | 'tasks') => {
    const ids = {
      emails: [A.emailToContact, A.emailToCompany, A.emailToDeal],
      calls: [A.callToContact, A.callToCompany, A.callToDeal],
      meetings: [A.meetingToContact, A.meetingToCompany, A.meetingToDeal],
      notes: [A.noteToContact, A.noteToCompany, A.noteToDeal],
      tasks: [A.taskToContact, A.taskToCompany, A.taskToDeal],
    }[type] as [number, number, number];
    return [
      ...contactIds.map((toId) => ({ toId, typeIds: [ids[0]] })),
      ...(companyId === undefined ? [] : [{ toId: companyId, typeIds: [ids[1]] }]),
      ...(dealId === undefined ? [] : [{ toId: dealId, typeIds: [ids[2]] }]),
    ];
  };
  const write = { trusted: true, at: createdAt };
  const actor = env.actorFor(ownerKey);

  switch (a.kind) {
    case 'email': {
      const party = (k: string) => {
        const p = people.get(k) as Person;
        return { email: p.email, firstName: p.firstName, lastName: p.lastName };
      };
      portal.create(
        'emails',
        {
          hs_timestamp: new Date(at).toISOString(),
          hubspot_owner_id: ownerId,
          hs_email_direction: a.direction,
          hs_email_status: 'SENT',
          hs_email_subject: a.subject,
          hs_email_text: a.text,
          hs_email_html: toHtml(a.text),
          hs_email_headers: JSON.stringify({
            from: party(a.from),
            to: a.to.map(party),
            cc: (a.cc ?? []).map(party),
            bcc: [],
          }),
        },
        actor,
        { ...write, associations: link('emails') },
      );
      break;
    }
    case 'call':
      portal.create(
        'calls',
        {
          hs_timestamp: new Date(at).toISOString(),
          hubspot_owner_id: ownerId,
          hs_call_title: a.title,
          hs_call_body: a.body,
          hs_call_direction: a.direction,
          hs_call_duration: String(a.minutes * 60_000),
          hs_call_status: 'COMPLETED',
        },
        actor,
        { ...write, associations: link('calls') },
      );
      break;
    case 'meeting':
      portal.create(
        'meetings',
        {
          hs_timestamp: new Date(at).toISOString(),
          hubspot_owner_id: ownerId,
          hs_meeting_title: a.title,
          hs_meeting_body: a.body,
          hs_meeting_start_time: new Date(at).toISOString(),
          hs_meeting_end_time: new Date(at + 45 * 60_000).toISOString(),
          hs_meeting_outcome: a.outcome,
          ...(a.location === undefined ? {} : { hs_meeting_location: a.location }),
        },
        actor,
        { ...write, associations: link('meetings') },
      );
      break;
    case 'note':
      portal.create(
        'notes',
        { hs_timestamp: new Date(at).toISOString(), hubspot_owner_id: ownerId, hs_note_body: a.body },
        actor,
        { ...write, associations: link('notes') },
      );
      break;
    case 'task':
      portal.create(
        'tasks',
        {
          hs_timestamp: new Date(env.daysAgo(-a.dueInDays)).toISOString(),
          hubspot_owner_id: ownerId,
          hs_task_subject: a.subject,
          hs_task_body: a.body,
          hs_task_status: a.status,
          hs_task_priority: a.priority,
          hs_task_type: a.type,
        },
        actor,
        { ...write, associations: link('tasks') },
      );
      break;
  }
}
