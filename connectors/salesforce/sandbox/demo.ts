/**
 * A deterministic stream of "user activity" for demos: replies on open opportunities, stage moves, logged calls,
 * sent emails and contact edits, made through the user-activity API so they publish CDC events and outbound messages.
 */
import type { SalesforceSandbox } from './index.js';
import { EMAIL_STATUS, OPPORTUNITY_STAGES } from './picklists.js';
import type { SObjectRecord } from './store.js';

export interface DemoActivityOptions {
  count?: number;
  intervalMs?: number;
  signal?: AbortSignal;
}

const REPLIES = [
  'Thanks, this looks good. Can you send over the security documentation?',
  'We reviewed the proposal internally - the budget is tight, can we discuss a smaller first phase?',
  'Our team is also talking to RivalSoft; what makes your platform different?',
  'Great call today. Looping in our procurement lead for the paperwork.',
  'We have had some reliability issues lately and need reassurance before expanding.',
];

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });

/** Plays `count` changes (default 5) every `intervalMs` (default 1000) as the opportunity owners. */
export async function playDemoActivity(
  sandbox: SalesforceSandbox,
  orgId: string,
  opts: DemoActivityOptions = {},
): Promise<string[]> {
  const count = opts.count ?? 5;
  const interval = opts.intervalMs ?? 1000;
  const made: string[] = [];
  for (let i = 0; i < count && !opts.signal?.aborted; i++) {
    if (i > 0) await sleep(interval, opts.signal);
    if (opts.signal?.aborted) break;
    const open = sandbox.store.list(orgId, 'Opportunity').filter((o) => o.IsClosed !== true);
    if (open.length === 0) break;
    const opp = open[i % open.length]!;
    made.push(step(sandbox, orgId, i, opp));
  }
  return made;
}

function primaryContact(sandbox: SalesforceSandbox, orgId: string, opp: SObjectRecord): SObjectRecord | undefined {
  const roles = sandbox.store.list(orgId, 'OpportunityContactRole').filter((r) => r.OpportunityId === opp.Id);
  const role = roles.find((r) => r.IsPrimary === true) ?? roles[0];
  if (role) return sandbox.store.get(orgId, 'Contact', String(role.ContactId));
  return sandbox.store.list(orgId, 'Contact').find((c) => c.AccountId === opp.AccountId);
}

function step(sandbox: SalesforceSandbox, orgId: string, i: number, opp: SObjectRecord): string {
  const owner = String(opp.OwnerId);
  const as = { userId: owner };
  const contact = primaryContact(sandbox, orgId, opp);
  const user = sandbox.store.get(orgId, 'User', owner);
  switch (i % 5) {
    case 0: {
      const body = REPLIES[Math.floor(i / 5) % REPLIES.length]!;
      return sandbox.store.create(
        orgId,
        'EmailMessage',
        {
          Subject: `Re: ${String(opp.Name)}`,
          TextBody: body,
          RelatedToId: opp.Id,
          Incoming: true,
          Status: EMAIL_STATUS.New,
          FromAddress: contact?.Email ?? 'buyer@example.com',
          FromName: contact?.Name ?? 'Buyer',
          ToIds: [owner],
        },
        as,
      );
    }
    case 1: {
      const index = OPPORTUNITY_STAGES.findIndex((s) => s.name === opp.StageName);
      const next = OPPORTUNITY_STAGES[Math.min(index + 1, OPPORTUNITY_STAGES.length - 3)]!;
      sandbox.store.update(
        orgId,
        'Opportunity',
        String(opp.Id),
        { StageName: next.name, NextStep: `Moved to ${next.name}` },
        as,
      );
      return String(opp.Id);
    }
    case 2:
      return sandbox.store.create(
        orgId,
        'Task',
        {
          Subject: 'Call: check-in',
          WhatId: opp.Id,
          WhoId: contact?.Id ?? null,
          Status: 'Completed',
          TaskSubtype: 'Call',
          Type: 'Call',
          Description: `Checked in with ${String(contact?.Name ?? 'the buyer')} about ${String(opp.Name)}.`,
        },
        as,
      );
    case 3:
      return sandbox.store.create(
        orgId,
        'EmailMessage',
        {
          Subject: `${String(opp.Name)} - next steps`,
          TextBody: 'Following up with the agenda for our next meeting.',
          RelatedToId: opp.Id,
          Incoming: false,
          Status: EMAIL_STATUS.Sent,
          FromAddress: user?.Email ?? null,
          FromName: user?.Name ?? null,
          ToIds: contact ? [contact.Id] : [],
        },
        as,
      );
    default:
      if (contact) {
        sandbox.store.update(
          orgId,
          'Contact',
          String(contact.Id),
          { Title: `${String(contact.Title ?? 'Buyer')}`.replace(/^(Senior )?/, 'Senior ') },
          as,
        );
        return String(contact.Id);
      }
      sandbox.store.update(orgId, 'Opportunity', String(opp.Id), { NextStep: 'Confirm stakeholders' }, as);
      return String(opp.Id);
  }
}
