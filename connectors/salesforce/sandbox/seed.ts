/**
 * Deterministic demo data: the messy, signal-rich org a sales team really has. Account names typed several ways,
 * duplicate contacts, one opportunity in every stage, and activities that carry signals (a budget constraint in
 * Negotiation/Review, a competitor mention, a silent deal, an unhappy customer) next to benign ones.
 * All timestamps are relative to `now`; seeding publishes no change events (it is history).
 */
import type { Org } from './org.js';
import { EMAIL_STATUS } from './picklists.js';
import type { SObjectType } from './schema.js';
import type { SObjectRecord } from './store.js';
import { DAY_MS, HOUR_MS, formatDate, formatDateTime } from './time.js';

export interface SeedOptions {
  now: number;
}

/** Ids of the records tests and demos like to point at. */
export interface DemoOrgIds {
  reps: string[];
  accounts: Record<string, string>;
  opportunities: Record<string, string>;
  contacts: Record<string, string>;
}

export function seedDemoOrg(org: Org, opts: SeedOptions): DemoOrgIds {
  const today = Math.floor(opts.now / DAY_MS) * DAY_MS;
  const at = (daysAgo: number, hour = 10): number => today - daysAgo * DAY_MS + hour * HOUR_MS;
  const day = (offsetDays: number): string => formatDate(today + offsetDays * DAY_MS);
  const s = org.store;
  const put = (
    type: SObjectType,
    values: SObjectRecord,
    createdDaysAgo: number,
    modifiedDaysAgo: number,
    userId: string,
  ): string => s.insertHistorical(type, values, at(createdDaysAgo, 9), at(modifiedDaysAgo, 15), userId);

  const domain = `org${org.index + 1}.sandbox.example`;
  const rep = (first: string, last: string, alias: string, title: string): string =>
    put(
      'User',
      {
        FirstName: first,
        LastName: last,
        Username: `${alias}@${domain}`,
        Email: `${alias}@sellerco.example`,
        Alias: alias,
        Title: title,
        CompanyName: 'SellerCo',
      },
      400,
      400,
      org.adminUserId,
    );
  const maya = rep('Maya', 'Chen', 'mchen', 'Account Executive');
  const jordan = rep('Jordan', 'Brooks', 'jbrooks', 'Account Executive');
  const priya = rep('Priya', 'Natarajan', 'pnatarajan', 'Sales Development Representative');
  const repEmail: Record<string, string> = {
    [maya]: 'mchen@sellerco.example',
    [jordan]: 'jbrooks@sellerco.example',
    [priya]: 'pnatarajan@sellerco.example',
  };
  const repName: Record<string, string> = {
    [maya]: 'Maya Chen',
    [jordan]: 'Jordan Brooks',
    [priya]: 'Priya Natarajan',
  };

  const accounts: Record<string, string> = {};
  const account = (key: string, values: SObjectRecord, owner: string, created: number): void => {
    accounts[key] = put('Account', values, created, Math.max(0, created - 20), owner);
  };
  account(
    'acme',
    {
      Name: 'Acme Corp',
      Type: 'Customer - Direct',
      Industry: 'Manufacturing',
      Website: 'https://acme.example',
      Phone: '+1 415 555 0100',
      BillingCity: 'San Francisco',
      BillingCountry: 'USA',
      NumberOfEmployees: 1200,
      AnnualRevenue: 250_000_000,
    },
    maya,
    300,
  );
  account(
    'acmeCorporation',
    {
      Name: 'ACME Corporation',
      Type: 'Prospect',
      Industry: 'Manufacturing',
      Website: 'www.acme.example',
      BillingCity: 'San Francisco',
      BillingCountry: 'United States',
    },
    jordan,
    120,
  );
  account(
    'acmeInc',
    { Name: 'Acme, Inc.', Type: 'Customer - Direct', Website: 'http://acme.example/', Phone: '(415) 555-0100' },
    maya,
    60,
  );
  account(
    'globex',
    {
      Name: 'Globex Corporation',
      Type: 'Prospect',
      Industry: 'Energy',
      Website: 'https://globex.example',
      BillingCity: 'Springfield',
      BillingCountry: 'USA',
      NumberOfEmployees: 5400,
    },
    jordan,
    200,
  );
  account(
    'globexShort',
    { Name: 'Globex', Type: 'Prospect', Industry: 'Energy', Website: 'globex.example' },
    priya,
    40,
  );
  account(
    'initech',
    {
      Name: 'Initech',
      Type: 'Customer - Direct',
      Industry: 'Technology',
      Website: 'https://initech.example',
      BillingCity: 'Austin',
      BillingCountry: 'USA',
      NumberOfEmployees: 800,
    },
    maya,
    500,
  );
  account(
    'umbrella',
    {
      Name: 'Umbrella Health',
      Type: 'Customer - Direct',
      Industry: 'Healthcare',
      Website: 'https://umbrella-health.example',
      BillingCity: 'Raccoon City',
      BillingCountry: 'USA',
      NumberOfEmployees: 3000,
    },
    jordan,
    420,
  );
  account(
    'stark',
    {
      Name: 'Stark Industries',
      Type: 'Prospect',
      Industry: 'Electronics',
      Website: 'https://stark.example',
      NumberOfEmployees: 12000,
    },
    maya,
    90,
  );
  account(
    'wayne',
    { Name: 'Wayne Enterprises', Type: 'Prospect', Industry: 'Finance', Website: 'https://wayne.example' },
    jordan,
    75,
  );
  account(
    'hooli',
    { Name: 'Hooli', Type: 'Prospect', Industry: 'Technology', Website: 'https://hooli.example' },
    priya,
    20,
  );
  account(
    'soylent',
    { Name: 'Soylent Foods', Type: 'Prospect', Industry: 'Agriculture', Website: 'https://soylent.example' },
    priya,
    35,
  );
  account(
    'vandelay',
    { Name: 'Vandelay Industries', Type: 'Prospect', Industry: 'Transportation', Website: 'https://vandelay.example' },
    jordan,
    160,
  );
  account(
    'tyrell',
    { Name: 'Tyrell Robotics', Type: 'Prospect', Industry: 'Technology', Website: 'https://tyrell.example' },
    maya,
    110,
  );

  const contacts: Record<string, string> = {};
  const contact = (
    key: string,
    acct: string | null,
    first: string | null,
    last: string,
    email: string | null,
    title: string | null,
    owner: string,
    created: number,
    extra: SObjectRecord = {},
  ): void => {
    contacts[key] = put(
      'Contact',
      {
        AccountId: acct ? accounts[acct]! : null,
        FirstName: first,
        LastName: last,
        Email: email,
        Title: title,
        ...extra,
      },
      created,
      Math.max(0, created - 10),
      owner,
    );
  };
  contact('ada', 'acme', 'Ada', 'Lovelace', 'ada@acme.example', 'VP Operations', maya, 290, {
    Phone: '+1 415 555 0101',
  });
  contact('adaDup', 'acmeCorporation', 'Ada', 'Lovelace', 'ADA@ACME.EXAMPLE', 'VP of Operations', jordan, 110);
  contact('carl', 'acme', 'Carl', 'Gauss', 'carl.gauss@acme.example', 'CFO', maya, 280);
  contact('bob', 'acme', 'Bob', 'Smith', 'bob.smith@acme.example', 'Procurement Manager', maya, 250);
  contact('robert', 'acmeInc', 'Robert', 'Smith', 'bob.smith@acme.example', 'Procurement', maya, 55);
  contact('grace', 'globex', 'Grace', 'Hopper', 'grace@globex.example', 'Director of IT', jordan, 190);
  contact('graceNoEmail', 'globexShort', 'Grace', 'Hopper', null, 'IT Director', priya, 38);
  contact('hank', 'globex', 'Hank', 'Scorpio', 'hank@globex.example', 'CEO', jordan, 185);
  contact('peter', 'initech', 'Peter', 'Gibbons', 'peter@initech.example', 'Engineering Manager', maya, 480);
  contact('bill', 'initech', 'Bill', 'Lumbergh', 'bill@initech.example', 'VP Engineering', maya, 470);
  contact(
    'alice',
    'umbrella',
    'Alice',
    'Abernathy',
    'alice@umbrella-health.example',
    'Head of Clinical Systems',
    jordan,
    400,
  );
  contact('william', 'umbrella', 'William', 'Birkin', 'wbirkin@umbrella-health.example', 'CTO', jordan, 395);
  contact('pepper', 'stark', 'Pepper', 'Potts', 'pepper@stark.example', 'COO', maya, 85);
  contact('lucius', 'wayne', 'Lucius', 'Fox', 'lucius@wayne.example', 'CTO', jordan, 70);
  contact('gavin', 'hooli', 'Gavin', 'Belson', 'gavin@hooli.example', 'CEO', priya, 18);
  contact('sol', 'soylent', 'Sol', 'Roth', 'sol@soylent.example', 'Buyer', priya, 30);
  contact('art', 'vandelay', 'Art', 'Vandelay', 'art@vandelay.example', 'Owner', jordan, 150);
  contact('eldon', 'tyrell', 'Eldon', 'Tyrell', 'eldon@tyrell.example', 'Founder', maya, 100);
  contact('rachael', 'tyrell', 'Rachael', 'Rosen', 'rachael@tyrell.example', 'Assistant', maya, 95);
  contact('orphan', null, null, 'Unknown', 'info@unknown-prospect.example', null, priya, 12);

  const lead = (
    first: string,
    last: string,
    company: string,
    email: string | null,
    status: string,
    owner: string,
    created: number,
    extra: SObjectRecord = {},
  ): string =>
    put(
      'Lead',
      { FirstName: first, LastName: last, Company: company, Email: email, Status: status, LeadSource: 'Web', ...extra },
      created,
      Math.max(0, created - 3),
      owner,
    );
  lead('Wile', 'Coyote', 'Acme Corp.', 'wile@acme.example', 'Working - Contacted', priya, 14);
  lead('Monty', 'Burns', 'Springfield Nuclear', 'monty@snpp.example', 'Open - Not Contacted', priya, 5);
  lead('Dana', 'Scully', 'FBI Field Office', null, 'Open - Not Contacted', priya, 3, { Phone: '+1 202 555 0199' });
  lead('Ada', 'Lovelace', 'ACME', 'ada@acme.example', 'Closed - Not Converted', priya, 200);
  lead('Miles', 'Dyson', 'Cyberdyne Systems', 'miles@cyberdyne.example', 'Working - Contacted', jordan, 25, {
    Rating: 'Hot',
  });

  const opportunities: Record<string, string> = {};
  const opp = (
    key: string,
    acct: string,
    name: string,
    stage: string,
    amount: number,
    closeIn: number,
    owner: string,
    created: number,
    modified: number,
    extra: SObjectRecord = {},
  ): void => {
    opportunities[key] = put(
      'Opportunity',
      {
        AccountId: accounts[acct]!,
        Name: name,
        StageName: stage,
        Amount: amount,
        CloseDate: day(closeIn),
        Type: 'New Customer',
        LeadSource: 'Web',
        ...extra,
      },
      created,
      modified,
      owner,
    );
  };
  opp('hooliPilot', 'hooli', 'Hooli - Pilot', 'Prospecting', 15_000, 75, priya, 15, 2);
  opp('soylentNew', 'soylent', 'Soylent Foods - New Business', 'Qualification', 28_000, 60, priya, 28, 4);
  opp('wayneSecurity', 'wayne', 'Wayne Enterprises - Security Add-on', 'Needs Analysis', 64_000, 50, jordan, 60, 6);
  opp('globexAnalytics', 'globex', 'Globex - Analytics Suite', 'Value Proposition', 95_000, 40, jordan, 150, 1);
  opp('starkFleet', 'stark', 'Stark Industries - Fleet Licenses', 'Id. Decision Makers', 210_000, 45, maya, 80, 5);
  opp('tyrellAutomation', 'tyrell', 'Tyrell Robotics - Automation', 'Perception Analysis', 48_000, 30, maya, 95, 8);
  opp('initechRenewal', 'initech', 'Initech - Renewal 2025', 'Proposal/Price Quote', 72_000, 10, maya, 120, 41, {
    Type: 'Existing Customer - Upgrade',
    NextStep: 'Waiting for signed quote',
  });
  opp('acmeExpansion', 'acme', 'Acme Corp - Platform Expansion', 'Negotiation/Review', 120_000, 14, maya, 100, 1, {
    Type: 'Existing Customer - Upgrade',
    NextStep: 'Finalize pricing with CFO',
  });
  opp('umbrellaSupport', 'umbrella', 'Umbrella Health - Premium Support', 'Closed Won', 36_000, -90, jordan, 200, 90, {
    Type: 'Existing Customer - Upgrade',
  });
  opp(
    'vandelayImport',
    'vandelay',
    'Vandelay Industries - Import Tracking',
    'Closed Lost',
    54_000,
    -20,
    jordan,
    140,
    20,
    { Description: 'Lost to RivalSoft on price.' },
  );
  opp(
    'acmeTraining',
    'acmeCorporation',
    'ACME Corporation - Training Services',
    'Qualification',
    12_000,
    35,
    jordan,
    50,
    9,
  );
  opp('acmeSeats', 'acmeInc', 'Acme, Inc. - Add-on Seats', 'Closed Won', 18_000, -30, maya, 58, 30);

  const role = (o: string, c: string, r: string, primary: boolean, owner: string): void => {
    put(
      'OpportunityContactRole',
      { OpportunityId: opportunities[o]!, ContactId: contacts[c]!, Role: r, IsPrimary: primary },
      60,
      60,
      owner,
    );
  };
  role('acmeExpansion', 'carl', 'Economic Buyer', true, maya);
  role('acmeExpansion', 'ada', 'Decision Maker', false, maya);
  role('acmeExpansion', 'bob', 'Evaluator', false, maya);
  role('globexAnalytics', 'grace', 'Technical Buyer', true, jordan);
  role('globexAnalytics', 'hank', 'Executive Sponsor', false, jordan);
  role('initechRenewal', 'bill', 'Decision Maker', true, maya);
  role('umbrellaSupport', 'alice', 'Business User', true, jordan);
  role('starkFleet', 'pepper', 'Economic Decision Maker', true, maya);
  role('wayneSecurity', 'lucius', 'Technical Buyer', true, jordan);
  role('tyrellAutomation', 'eldon', 'Decision Maker', true, maya);
  role('hooliPilot', 'gavin', 'Executive Sponsor', true, priya);
  role('soylentNew', 'sol', 'Influencer', true, priya);

  const task = (
    subject: string,
    whoKey: string | null,
    whatKey: string | null,
    owner: string,
    daysAgo: number,
    status: string,
    extra: SObjectRecord = {},
  ): void => {
    put(
      'Task',
      {
        Subject: subject,
        WhoId: whoKey ? contacts[whoKey]! : null,
        WhatId: whatKey ? (opportunities[whatKey] ?? accounts[whatKey])! : null,
        OwnerId: owner,
        ActivityDate: day(-daysAgo),
        Status: status,
        Priority: 'Normal',
        TaskSubtype: 'Task',
        ...extra,
      },
      daysAgo,
      daysAgo,
      owner,
    );
  };
  task('Call: discovery', 'gavin', 'hooliPilot', priya, 2, 'Completed', {
    TaskSubtype: 'Call',
    Type: 'Call',
    Description: 'Intro call, interested in a 30-day pilot for the platform team.',
  });
  task('Send pilot proposal', 'gavin', 'hooliPilot', priya, -3, 'Not Started');
  task('Call: qualification', 'sol', 'soylentNew', priya, 4, 'Completed', {
    TaskSubtype: 'Call',
    Type: 'Call',
    Description: 'Confirmed need; buyer wants references from food industry.',
  });
  task('Security questionnaire', 'lucius', 'wayneSecurity', jordan, 6, 'In Progress', {
    Priority: 'High',
    Description: 'Lucius sent a 120-question security review.',
  });
  task('Call: pricing discussion', 'carl', 'acmeExpansion', maya, 3, 'Completed', {
    TaskSubtype: 'Call',
    Type: 'Call',
    Description:
      'Carl said the budget for this year is frozen at $80k; anything above needs board approval next quarter. Asked for a phased deal.',
  });
  task('Follow up on redlines', 'ada', 'acmeExpansion', maya, -2, 'Not Started', { Priority: 'High' });
  task('Call: competitive check-in', 'grace', 'globexAnalytics', jordan, 5, 'Completed', {
    TaskSubtype: 'Call',
    Type: 'Call',
    Description: 'Grace mentioned they are also evaluating RivalSoft and DataCorp; RivalSoft quoted 20% lower.',
  });
  task('Send renewal quote', 'bill', 'initechRenewal', maya, 45, 'Completed', {
    Description: 'Quote sent for the 2025 renewal; Bill to review with finance.',
  });
  task('Quarterly business review', 'alice', 'umbrellaSupport', jordan, 25, 'Completed', {
    Description: 'QBR went fine; minor questions on response times.',
  });
  task('Escalation: outage follow-up', 'william', 'umbrella', jordan, 1, 'In Progress', {
    Priority: 'High',
    Description: 'William asked for an incident report on the outage by Friday.',
  });
  task('Update CRM hygiene', null, null, priya, 7, 'Completed');

  const event = (
    subject: string,
    whoKey: string | null,
    whatKey: string,
    owner: string,
    daysAgo: number,
    hours: number,
    description: string,
  ): void => {
    const start = at(daysAgo, 16);
    put(
      'Event',
      {
        Subject: subject,
        WhoId: whoKey ? contacts[whoKey]! : null,
        WhatId: opportunities[whatKey]!,
        OwnerId: owner,
        StartDateTime: formatDateTime(start),
        DurationInMinutes: hours * 60,
        Description: description,
        Type: 'Meeting',
        Location: 'Video call',
      },
      daysAgo + 3,
      daysAgo + 3,
      owner,
    );
  };
  event(
    'Demo: Analytics Suite',
    'grace',
    'globexAnalytics',
    jordan,
    12,
    1,
    'Full demo for IT team; positive reception.',
  );
  event('Executive briefing', 'pepper', 'starkFleet', maya, 9, 1, 'Pepper wants a rollout plan for 3 sites.');
  event(
    'Negotiation call',
    'carl',
    'acmeExpansion',
    maya,
    1,
    1,
    'Pricing and payment terms; CFO pushing for phased payments.',
  );
  event('Technical deep dive', 'eldon', 'tyrellAutomation', maya, 15, 2, 'Integration architecture review.');
  event('Kickoff (future)', 'lucius', 'wayneSecurity', jordan, -4, 1, 'Security review workshop.');

  const email = (
    subject: string,
    body: string,
    related: string,
    fromKey: string | null,
    from: { address: string; name: string } | null,
    toIds: string[],
    incoming: boolean,
    daysAgo: number,
    owner: string,
    status: string = EMAIL_STATUS.Sent,
  ): void => {
    const fromAddress = from?.address ?? repEmail[owner] ?? null;
    const fromName = from?.name ?? repName[owner] ?? null;
    void fromKey;
    put(
      'EmailMessage',
      {
        Subject: subject,
        TextBody: body,
        HtmlBody: `<p>${body.replace(/\n/g, '</p><p>')}</p>`,
        RelatedToId: opportunities[related] ?? accounts[related]!,
        FromAddress: fromAddress,
        FromName: fromName,
        ToIds: toIds,
        Incoming: incoming,
        Status: incoming ? EMAIL_STATUS.Read : status,
        MessageDate: formatDateTime(at(daysAgo, 11)),
      },
      daysAgo,
      daysAgo,
      owner,
    );
  };
  email(
    'Re: Platform Expansion pricing',
    'Hi Maya,\nThanks for the revised proposal. Unfortunately our budget was cut this quarter and we cannot go above $80,000 right now. Is there a way to phase the rollout or defer part of the cost to Q3?\nBest,\nCarl',
    'acmeExpansion',
    'carl',
    { address: 'carl.gauss@acme.example', name: 'Carl Gauss' },
    [maya],
    true,
    2,
    maya,
  );
  email(
    'Platform Expansion - revised proposal',
    'Hi Carl,\nAttached is the revised proposal for 600 seats at $120,000. Happy to walk through it.\nMaya',
    'acmeExpansion',
    null,
    null,
    [contacts.carl!, contacts.ada!],
    false,
    6,
    maya,
  );
  email(
    'Re: Analytics Suite next steps',
    'Hi Jordan,\nQuick heads-up: we are also evaluating RivalSoft, and their quote came in about 20% lower. Can you help us understand the difference in value?\nGrace',
    'globexAnalytics',
    'grace',
    { address: 'grace@globex.example', name: 'Grace Hopper' },
    [jordan],
    true,
    4,
    jordan,
  );
  email(
    'Initech renewal quote',
    'Hi Bill,\nAs promised, here is the renewal quote for 2025. Let me know if you have any questions.\nMaya',
    'initechRenewal',
    null,
    null,
    [contacts.bill!],
    false,
    45,
    maya,
  );
  email(
    'Very disappointed with support',
    'Jordan,\nThis is the third outage this month and your support team took 9 hours to respond. Our clinicians could not access patient schedules. Frankly we are considering alternatives at renewal unless this changes.\nWilliam Birkin, CTO',
    'umbrella',
    'william',
    { address: 'wbirkin@umbrella-health.example', name: 'William Birkin' },
    [jordan],
    true,
    1,
    jordan,
  );
  email(
    'Thanks for the demo!',
    'Hi Jordan,\nThanks for the demo yesterday, the team loved the dashboards. Looking forward to next steps.\nGrace',
    'globexAnalytics',
    'grace',
    { address: 'grace@globex.example', name: 'Grace Hopper' },
    [jordan],
    true,
    11,
    jordan,
  );
  email(
    'Scheduling: rollout workshop',
    'Hi Pepper,\nWould Tuesday or Wednesday next week work for the rollout workshop?\nMaya',
    'starkFleet',
    null,
    null,
    [contacts.pepper!],
    false,
    7,
    maya,
  );
  email(
    'Pilot scope',
    'Hi Gavin,\nHere is the proposed pilot scope: 30 days, 25 users, success criteria attached.\nPriya',
    'hooliPilot',
    null,
    null,
    [contacts.gavin!],
    false,
    1,
    priya,
  );
  email(
    'Draft: follow-up on redlines',
    'Hi Ada,\nFollowing up on the contract redlines - can we get 30 minutes this week?\nMaya',
    'acmeExpansion',
    null,
    null,
    [contacts.ada!],
    false,
    0,
    maya,
    EMAIL_STATUS.Draft,
  );

  return { reps: [maya, jordan, priya], accounts, opportunities, contacts };
}
