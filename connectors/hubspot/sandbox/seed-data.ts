/**
 * The demo portal's content: a small B2B sales team ("Northwind") selling an analytics platform.
 * Deliberately messy where real CRMs are messy (company names typed several ways, duplicate people) and carrying the
 * signals the product looks for (a budget cut on a deal in contract negotiation, a competitor, a silent deal,
 * an unhappy customer) among ordinary traffic. Times are days before `now`; negative values lie in the future.
 */
import type { DealStage } from './object-types.js';

export const DEMO_PORTAL = { name: 'Northwind Demo', domain: 'northwind-demo.com', admin: { userId: 5200000, email: 'admin@northwind-demo.com' } };

export interface SeedOwner { key: string; id: string; userId: number; firstName: string; lastName: string; email: string }
export const OWNERS: SeedOwner[] = [
  { key: 'maya', id: '71000001', userId: 5200001, firstName: 'Maya', lastName: 'Chen', email: 'maya.chen@northwind-demo.com' },
  { key: 'jordan', id: '71000002', userId: 5200002, firstName: 'Jordan', lastName: 'Reyes', email: 'jordan.reyes@northwind-demo.com' },
  { key: 'priya', id: '71000003', userId: 5200003, firstName: 'Priya', lastName: 'Natarajan', email: 'priya.natarajan@northwind-demo.com' },
];

export interface SeedCompany { key: string; name: string; domain?: string; industry: string; city: string; country: string; employees: number; phone?: string; owner: string; lifecycle: string; createdDaysAgo: number }
export const COMPANIES: SeedCompany[] = [
  { key: 'acme', name: 'Acme Corp', domain: 'acme.com', industry: 'Manufacturing', city: 'Cleveland', country: 'United States', employees: 1200, phone: '+1 216 555 0100', owner: 'maya', lifecycle: 'opportunity', createdDaysAgo: 160 },
  { key: 'acmeCorporation', name: 'ACME Corporation', domain: 'acme.com', industry: 'Manufacturing', city: 'Cleveland', country: 'United States', employees: 1150, owner: 'maya', lifecycle: 'lead', createdDaysAgo: 95 },
  { key: 'acmeInc', name: 'Acme, Inc.', industry: 'Manufacturing', city: 'Cleveland, OH', country: 'USA', employees: 1200, phone: '(216) 555-0100', owner: 'maya', lifecycle: 'customer', createdDaysAgo: 400 },
  { key: 'mueller', name: 'Müller GmbH', domain: 'mueller-gmbh.de', industry: 'Logistics', city: 'München', country: 'Germany', employees: 640, phone: '+49 89 1234560', owner: 'jordan', lifecycle: 'opportunity', createdDaysAgo: 120 },
  { key: 'muellerDup', name: 'Mueller GmbH', domain: 'mueller-gmbh.de', industry: 'Transportation/Trucking/Railroad', city: 'Munich', country: 'Germany', employees: 600, owner: 'jordan', lifecycle: 'lead', createdDaysAgo: 70 },
  { key: 'brightwater', name: 'Brightwater Logistics', domain: 'brightwaterlogistics.com', industry: 'Logistics', city: 'Boston', country: 'United States', employees: 850, owner: 'jordan', lifecycle: 'opportunity', createdDaysAgo: 110 },
  { key: 'kestrel', name: 'Kestrel Analytics', domain: 'kestrelanalytics.io', industry: 'Computer Software', city: 'Austin', country: 'United States', employees: 140, owner: 'priya', lifecycle: 'customer', createdDaysAgo: 430 },
  { key: 'northpeak', name: 'Northpeak Health', domain: 'northpeakhealth.org', industry: 'Hospital & Health Care', city: 'Denver', country: 'United States', employees: 3100, owner: 'maya', lifecycle: 'customer', createdDaysAgo: 150 },
  { key: 'orchard', name: 'Orchard & Vine Foods', domain: 'orchardvine.com', industry: 'Food Production', city: 'Sacramento', country: 'United States', employees: 410, owner: 'priya', lifecycle: 'lead', createdDaysAgo: 12 },
  { key: 'bluefin', name: 'Bluefin Robotics', domain: 'bluefinrobotics.ai', industry: 'Machinery', city: 'Pittsburgh', country: 'United States', employees: 520, owner: 'jordan', lifecycle: 'opportunity', createdDaysAgo: 90 },
  { key: 'helios', name: 'Helios Solar', domain: 'heliossolar.com', industry: 'Renewables & Environment', city: 'Phoenix', country: 'United States', employees: 260, owner: 'maya', lifecycle: 'other', createdDaysAgo: 100 },
  { key: 'tidewater', name: 'Tidewater Credit Union', domain: 'tidewatercu.org', industry: 'Banking', city: 'Norfolk', country: 'United States', employees: 380, owner: 'priya', lifecycle: 'salesqualifiedlead', createdDaysAgo: 40 },
  { key: 'granite', name: 'Granite Peak Construction', domain: 'granitepeak.build', industry: 'Construction', city: 'Salt Lake City', country: 'United States', employees: 210, owner: 'jordan', lifecycle: 'lead', createdDaysAgo: 5 },
  { key: 'silverline', name: 'Silverline Media', domain: 'silverlinemedia.co', industry: 'Online Media', city: 'Brooklyn', country: 'United States', employees: 95, owner: 'maya', lifecycle: 'opportunity', createdDaysAgo: 45 },
  { key: 'lumen', name: 'Lumen Learning Co.', domain: 'lumenlearning.co', industry: 'E-Learning', city: 'Toronto', country: 'Canada', employees: 60, owner: 'priya', lifecycle: 'customer', createdDaysAgo: 200 },
];

export interface SeedContact { key: string; first: string; last: string; email?: string; phone?: string; title?: string; company?: string; owner: string; lifecycle: string; createdDaysAgo: number }
export const CONTACTS: SeedContact[] = [
  { key: 'dana', first: 'Dana', last: 'Whitfield', email: 'dana.whitfield@acme.com', phone: '+1 (415) 555-0142', title: 'VP Operations', company: 'acme', owner: 'maya', lifecycle: 'opportunity', createdDaysAgo: 150 },
  // Same person as `dana`, entered by hand later: email in different case, phone in another format, attached to the duplicate company.
  { key: 'danaDup', first: 'Dana', last: 'Whitfield', email: 'Dana.Whitfield@ACME.com', phone: '415.555.0142', title: 'VP, Operations', company: 'acmeCorporation', owner: 'maya', lifecycle: 'lead', createdDaysAgo: 60 },
  { key: 'marcus', first: 'Marcus', last: 'Lee', email: 'marcus.lee@acme.com', phone: '+1 216 555 0177', title: 'Chief Financial Officer', company: 'acme', owner: 'maya', lifecycle: 'opportunity', createdDaysAgo: 80 },
  { key: 'ellen', first: 'Ellen', last: 'Park', email: 'ellen.park@acme.com', title: 'Procurement Manager', company: 'acme', owner: 'maya', lifecycle: 'opportunity', createdDaysAgo: 40 },
  { key: 'ravi', first: 'Ravi', last: 'Shah', email: 'rshah@acme.com', phone: '216-555-0190', title: 'IT Director', company: 'acmeCorporation', owner: 'maya', lifecycle: 'lead', createdDaysAgo: 90 },
  { key: 'gina', first: 'Gina', last: 'Russo', email: 'gina.russo@acme-inc.net', phone: '(216) 555-0123', title: 'Accounts Payable Lead', company: 'acmeInc', owner: 'maya', lifecycle: 'customer', createdDaysAgo: 390 },
  { key: 'thomas', first: 'Thomas', last: 'Becker', email: 'thomas.becker@mueller-gmbh.de', phone: '+49 89 1234567', title: 'Leiter Logistik', company: 'mueller', owner: 'jordan', lifecycle: 'opportunity', createdDaysAgo: 118 },
  { key: 'tomDup', first: 'Tom', last: 'Becker', email: 't.becker@mueller-gmbh.de', phone: '089 / 123 45 67', title: 'Head of Logistics', company: 'muellerDup', owner: 'jordan', lifecycle: 'lead', createdDaysAgo: 65 },
  { key: 'anja', first: 'Anja', last: 'Schröder', email: 'anja.schroeder@mueller-gmbh.de', phone: '+49 89 1234571', title: 'Einkauf', company: 'mueller', owner: 'jordan', lifecycle: 'opportunity', createdDaysAgo: 30 },
  { key: 'sarah', first: 'Sarah', last: "O'Neil", email: 'sarah.oneil@brightwaterlogistics.com', phone: '+1 617 555 0199', title: 'Chief Operating Officer', company: 'brightwater', owner: 'jordan', lifecycle: 'opportunity', createdDaysAgo: 108 },
  // Same person again, signed up for the newsletter with a personal address.
  { key: 'sarahGmail', first: 'Sarah', last: 'ONeil', email: 'sarahoneil84@gmail.com', phone: '(617) 555-0199', owner: 'jordan', lifecycle: 'subscriber', createdDaysAgo: 33 },
  { key: 'kevin', first: 'Kevin', last: 'Brandt', email: 'kevin.brandt@brightwaterlogistics.com', title: 'Fleet Manager', company: 'brightwater', owner: 'jordan', lifecycle: 'opportunity', createdDaysAgo: 50 },
  { key: 'leo', first: 'Leo', last: 'Martins', email: 'leo@kestrelanalytics.io', phone: '+1 512 555 0111', title: 'CTO', company: 'kestrel', owner: 'priya', lifecycle: 'customer', createdDaysAgo: 420 },
  { key: 'nina', first: 'Nina', last: 'Kowalski', email: 'nina.kowalski@kestrelanalytics.io', title: 'Head of Data', company: 'kestrel', owner: 'priya', lifecycle: 'customer', createdDaysAgo: 300 },
  { key: 'grace', first: 'Grace', last: 'Okafor', email: 'grace.okafor@northpeakhealth.org', phone: '+1 303 555 0160', title: 'Director of IT', company: 'northpeak', owner: 'maya', lifecycle: 'customer', createdDaysAgo: 148 },
  { key: 'sam', first: 'Samuel', last: 'Price', email: 'sam.price@northpeakhealth.org', title: 'Operations Manager', company: 'northpeak', owner: 'maya', lifecycle: 'customer', createdDaysAgo: 100 },
  { key: 'diane', first: 'Diane', last: 'Foster', email: 'diane.foster@northpeakhealth.org', phone: '303-555-0168', title: 'VP Patient Services', company: 'northpeak', owner: 'maya', lifecycle: 'customer', createdDaysAgo: 95 },
  { key: 'lucia', first: 'Lucía', last: 'Fernández', email: 'lucia@orchardvine.com', title: 'Head of Supply Chain', company: 'orchard', owner: 'priya', lifecycle: 'lead', createdDaysAgo: 12 },
  { key: 'omar', first: 'Omar', last: 'Haddad', email: 'omar.haddad@orchardvine.com', title: 'Finance Director', company: 'orchard', owner: 'priya', lifecycle: 'lead', createdDaysAgo: 11 },
  { key: 'hiro', first: 'Hiroshi', last: 'Tanaka', email: 'h.tanaka@bluefinrobotics.ai', phone: '+1 412 555 0133', title: 'VP Engineering', company: 'bluefin', owner: 'jordan', lifecycle: 'opportunity', createdDaysAgo: 88 },
  { key: 'emma', first: 'Emma', last: 'Lindqvist', email: 'emma.lindqvist@bluefinrobotics.ai', title: 'Program Manager', company: 'bluefin', owner: 'jordan', lifecycle: 'opportunity', createdDaysAgo: 60 },
  { key: 'laura', first: 'Laura', last: 'Chen', email: 'laura.chen@bluefinrobotics.ai', title: 'Procurement Specialist', company: 'bluefin', owner: 'jordan', lifecycle: 'opportunity', createdDaysAgo: 20 },
  { key: 'carlos', first: 'Carlos', last: 'Mendes', email: 'carlos.mendes@heliossolar.com', phone: '+1 602 555 0102', title: 'CEO', company: 'helios', owner: 'maya', lifecycle: 'other', createdDaysAgo: 98 },
  { key: 'victor', first: 'Victor', last: 'Ramos', email: 'victor.ramos@heliossolar.com', title: 'Finance Manager', company: 'helios', owner: 'maya', lifecycle: 'other', createdDaysAgo: 60 },
  { key: 'james', first: 'James', last: 'Whitaker', email: 'jwhitaker@tidewatercu.org', phone: '757.555.0148', title: 'CIO', company: 'tidewater', owner: 'priya', lifecycle: 'salesqualifiedlead', createdDaysAgo: 38 },
  { key: 'olivia', first: 'Olivia', last: 'Grant', email: 'olivia.grant@tidewatercu.org', title: 'Compliance Officer', company: 'tidewater', owner: 'priya', lifecycle: 'salesqualifiedlead', createdDaysAgo: 38 },
  { key: 'mike', first: 'Mike', last: 'Donnelly', email: 'mike@granitepeak.build', phone: '801-555-0175', title: 'Owner', company: 'granite', owner: 'jordan', lifecycle: 'lead', createdDaysAgo: 5 },
  { key: 'rachel', first: 'Rachel', last: 'Kim', email: 'rachel.kim@granitepeak.build', title: 'Project Controller', company: 'granite', owner: 'jordan', lifecycle: 'lead', createdDaysAgo: 4 },
  { key: 'zoe', first: 'Zoe', last: 'Adler', email: 'zoe.adler@silverlinemedia.co', title: 'Head of Growth', company: 'silverline', owner: 'maya', lifecycle: 'opportunity', createdDaysAgo: 44 },
  { key: 'ben', first: 'Ben', last: 'Carter', email: 'ben.carter@silverlinemedia.co', title: 'Marketing Operations', company: 'silverline', owner: 'maya', lifecycle: 'opportunity', createdDaysAgo: 30 },
  { key: 'amara', first: 'Amara', last: 'Nwosu', email: 'amara@lumenlearning.co', phone: '+1 416 555 0129', title: 'COO', company: 'lumen', owner: 'priya', lifecycle: 'customer', createdDaysAgo: 199 },
  { key: 'peter', first: 'Peter', last: 'Novak', email: 'peter.novak@lumenlearning.co', title: 'IT Manager', company: 'lumen', owner: 'priya', lifecycle: 'customer', createdDaysAgo: 150 },
  { key: 'hannah', first: 'Hannah', last: 'Schmidt', email: 'hannah.schmidt@gmail.com', phone: '+49 151 2345678', title: 'Consultant', owner: 'jordan', lifecycle: 'lead', createdDaysAgo: 25 },
  { key: 'mark', first: 'Mark', last: 'Jensen', email: 'mark.jensen@outlook.com', owner: 'priya', lifecycle: 'subscriber', createdDaysAgo: 14 },
  { key: 'priscilla', first: 'Priscilla', last: 'Moore', email: 'pmoore@fastmail.com', owner: 'maya', lifecycle: 'lead', createdDaysAgo: 9 },
  { key: 'ahmed', first: 'Ahmed', last: 'Karimi', email: 'ahmed.karimi@ridgeline-ventures.com', title: 'Partner', owner: 'jordan', lifecycle: 'lead', createdDaysAgo: 7 },
  { key: 'julia', first: 'Julia', last: 'Weiss', email: 'julia.weiss@web.de', owner: 'jordan', lifecycle: 'subscriber', createdDaysAgo: 3 },
  // No email at all, only a phone number that matches Kevin's desk line in another format.
  { key: 'kevinPhoneOnly', first: 'Kevin', last: 'Brandt', phone: '617 555 0155', company: 'brightwater', owner: 'jordan', lifecycle: 'lead', createdDaysAgo: 18 },
  { key: 'tom', first: 'Tom', last: 'Hughes', email: 'tom.hughes@northpeakhealth.org', title: 'Support Lead', company: 'northpeak', owner: 'maya', lifecycle: 'customer', createdDaysAgo: 60 },
  { key: 'sofia', first: 'Sofia', last: 'Rossi', email: 'sofia.rossi@orchardvine.com', title: 'Logistics Coordinator', company: 'orchard', owner: 'priya', lifecycle: 'lead', createdDaysAgo: 10 },
];

export interface SeedDeal {
  key: string; name: string; stage: DealStage; amount: number; closeInDays: number; owner: string; company: string; contacts: string[];
  createdDaysAgo: number; lastStageChangeDaysAgo: number; type: 'newbusiness' | 'existingbusiness'; nextStep?: string; lostReason?: string;
}
export const DEALS: SeedDeal[] = [
  { key: 'acmeExpansion', name: 'Acme Corp – Analytics platform expansion', stage: 'contractsent', amount: 84000, closeInDays: 21, owner: 'maya', company: 'acme', contacts: ['dana', 'marcus', 'ellen'], createdDaysAgo: 75, lastStageChangeDaysAgo: 12, type: 'existingbusiness', nextStep: 'Countersignature from Marcus' },
  { key: 'brightwaterFleet', name: 'Brightwater Logistics – Fleet analytics rollout', stage: 'presentationscheduled', amount: 56000, closeInDays: 45, owner: 'jordan', company: 'brightwater', contacts: ['sarah', 'kevin'], createdDaysAgo: 40, lastStageChangeDaysAgo: 6, type: 'newbusiness' },
  { key: 'kestrelRenewal', name: 'Kestrel Analytics – Annual renewal', stage: 'qualifiedtobuy', amount: 24000, closeInDays: 10, owner: 'priya', company: 'kestrel', contacts: ['leo', 'nina'], createdDaysAgo: 90, lastStageChangeDaysAgo: 41, type: 'existingbusiness' },
  { key: 'northpeakSuite', name: 'Northpeak Health – Clinical ops suite', stage: 'closedwon', amount: 132000, closeInDays: -30, owner: 'maya', company: 'northpeak', contacts: ['grace', 'sam', 'diane'], createdDaysAgo: 140, lastStageChangeDaysAgo: 30, type: 'newbusiness' },
  { key: 'muellerPilot', name: 'Müller GmbH – Warehouse pilot', stage: 'decisionmakerboughtin', amount: 38000, closeInDays: 30, owner: 'jordan', company: 'mueller', contacts: ['thomas', 'anja'], createdDaysAgo: 60, lastStageChangeDaysAgo: 8, type: 'newbusiness', nextStep: 'PO from Anja' },
  { key: 'orchardIntro', name: 'Orchard & Vine – Supply chain visibility', stage: 'appointmentscheduled', amount: 18000, closeInDays: 60, owner: 'priya', company: 'orchard', contacts: ['lucia', 'omar'], createdDaysAgo: 6, lastStageChangeDaysAgo: 6, type: 'newbusiness' },
  { key: 'bluefinLicense', name: 'Bluefin Robotics – Platform license', stage: 'contractsent', amount: 97000, closeInDays: 14, owner: 'jordan', company: 'bluefin', contacts: ['hiro', 'emma', 'laura'], createdDaysAgo: 70, lastStageChangeDaysAgo: 10, type: 'newbusiness', nextStep: 'Resolve liability redlines' },
  { key: 'heliosLost', name: 'Helios Solar – Field ops analytics', stage: 'closedlost', amount: 42000, closeInDays: -20, owner: 'maya', company: 'helios', contacts: ['carlos', 'victor'], createdDaysAgo: 95, lastStageChangeDaysAgo: 20, type: 'newbusiness', lostReason: 'Went with Trackwise; price was about 25% lower' },
  { key: 'tidewaterCompliance', name: 'Tidewater CU – Compliance reporting', stage: 'qualifiedtobuy', amount: 31000, closeInDays: 50, owner: 'priya', company: 'tidewater', contacts: ['james', 'olivia'], createdDaysAgo: 35, lastStageChangeDaysAgo: 7, type: 'newbusiness' },
  { key: 'graniteDashboards', name: 'Granite Peak – Project cost dashboards', stage: 'appointmentscheduled', amount: 12000, closeInDays: 75, owner: 'jordan', company: 'granite', contacts: ['mike', 'rachel'], createdDaysAgo: 2, lastStageChangeDaysAgo: 2, type: 'newbusiness' },
  { key: 'silverlineAttribution', name: 'Silverline Media – Attribution add-on', stage: 'presentationscheduled', amount: 22000, closeInDays: 35, owner: 'maya', company: 'silverline', contacts: ['zoe', 'ben'], createdDaysAgo: 25, lastStageChangeDaysAgo: 3, type: 'newbusiness' },
  { key: 'lumenStarter', name: 'Lumen Learning – Starter plan', stage: 'closedwon', amount: 9600, closeInDays: -60, owner: 'priya', company: 'lumen', contacts: ['amara', 'peter'], createdDaysAgo: 120, lastStageChangeDaysAgo: 60, type: 'newbusiness' },
  { key: 'acmeIncSupport', name: 'Acme, Inc. – Support renewal', stage: 'decisionmakerboughtin', amount: 15000, closeInDays: 20, owner: 'maya', company: 'acmeInc', contacts: ['gina'], createdDaysAgo: 28, lastStageChangeDaysAgo: 5, type: 'existingbusiness' },
];

/** One timeline entry; `from`/`to` are contact or owner keys, `deal` ties it to a deal (and that deal's company). */
export type SeedActivity =
  | { kind: 'email'; deal?: string; company?: string; daysAgo: number; direction: 'EMAIL' | 'INCOMING_EMAIL'; from: string; to: string[]; cc?: string[]; subject: string; text: string }
  | { kind: 'call'; deal: string; daysAgo: number; owner: string; contacts: string[]; title: string; body: string; direction: 'INBOUND' | 'OUTBOUND'; minutes: number }
  | { kind: 'meeting'; deal: string; daysAgo: number; owner: string; contacts: string[]; title: string; body: string; outcome: 'SCHEDULED' | 'COMPLETED'; location?: string }
  | { kind: 'note'; deal: string; daysAgo: number; owner: string; body: string }
  | { kind: 'task'; deal: string; daysAgo: number; dueInDays: number; owner: string; contacts?: string[]; subject: string; body: string; status: 'NOT_STARTED' | 'IN_PROGRESS' | 'COMPLETED'; priority: 'LOW' | 'MEDIUM' | 'HIGH'; type: 'EMAIL' | 'CALL' | 'TODO' };

export const ACTIVITIES: SeedActivity[] = [
  // Acme expansion: contract out, then finance cuts the budget (signal: budget constraint in negotiation).
  { kind: 'meeting', deal: 'acmeExpansion', daysAgo: 40, owner: 'maya', contacts: ['dana', 'ellen'], title: 'Acme expansion – discovery workshop', body: 'Walked through the current reporting stack. Dana\'s team spends about two days a month consolidating plant reports by hand.', outcome: 'COMPLETED', location: 'Acme HQ, Cleveland' },
  { kind: 'email', deal: 'acmeExpansion', daysAgo: 30, direction: 'EMAIL', from: 'maya', to: ['dana'], cc: ['marcus'], subject: 'Proposal: analytics platform expansion', text: 'Hi Dana,\n\nAttached is the proposal for rolling the platform out to the three additional plants, including the premium support tier we discussed.\n\nBest,\nMaya' },
  { kind: 'email', deal: 'acmeExpansion', daysAgo: 28, direction: 'INCOMING_EMAIL', from: 'dana', to: ['maya'], subject: 'Re: Proposal: analytics platform expansion', text: 'Thanks Maya, this looks good overall. Marcus will want to review the pricing before we move forward.\n\nDana' },
  { kind: 'call', deal: 'acmeExpansion', daysAgo: 20, owner: 'maya', contacts: ['marcus'], title: 'Pricing review with Marcus Lee', body: 'Marcus pushed on per-seat pricing. Agreed on a 3-year term with an 8% discount, pending legal review.', direction: 'OUTBOUND', minutes: 34 },
  { kind: 'email', deal: 'acmeExpansion', daysAgo: 12, direction: 'EMAIL', from: 'maya', to: ['dana', 'marcus'], subject: 'Contract for signature – Acme analytics expansion', text: 'Hi Dana, hi Marcus,\n\nPlease find the order form and MSA attached for signature. Let me know if legal has any questions.\n\nMaya' },
  { kind: 'email', deal: 'acmeExpansion', daysAgo: 4, direction: 'INCOMING_EMAIL', from: 'marcus', to: ['maya'], cc: ['dana'], subject: 'Re: Contract for signature – Acme analytics expansion', text: 'Hi Maya,\n\nBefore we sign we need to revisit the budget. Finance cut our spend for Q3 by roughly 30%, so the $84k as quoted will not get approved this quarter. Could we phase the rollout, or push part of it into Q4? Happy to get on a call this week.\n\nMarcus' },
  { kind: 'note', deal: 'acmeExpansion', daysAgo: 3, owner: 'maya', body: 'Marcus flagged a Q3 budget cut. Options: phase plants 2 and 3 into Q4, or drop the premium support tier. Need to respond before Friday.' },
  { kind: 'task', deal: 'acmeExpansion', daysAgo: 3, dueInDays: 2, owner: 'maya', contacts: ['marcus'], subject: 'Send phased pricing option to Acme', body: 'Prepare a two-phase order form (plant 1 in Q3, plants 2 and 3 in Q4).', status: 'NOT_STARTED', priority: 'HIGH', type: 'EMAIL' },

  // Brightwater: competitor in the deal.
  { kind: 'email', deal: 'brightwaterFleet', daysAgo: 15, direction: 'INCOMING_EMAIL', from: 'sarah', to: ['jordan'], subject: 'Fleet analytics – next steps', text: 'Hi Jordan,\n\nThanks for the demo last week. Kevin\'s team liked the route exception dashboards. Can you send pricing for 400 vehicles?\n\nSarah' },
  { kind: 'call', deal: 'brightwaterFleet', daysAgo: 10, owner: 'jordan', contacts: ['kevin'], title: 'Discovery call with Kevin Brandt', body: 'Kevin runs 400 vehicles across 6 depots. Main pain: late-delivery root cause takes days.', direction: 'OUTBOUND', minutes: 41 },
  { kind: 'email', deal: 'brightwaterFleet', daysAgo: 6, direction: 'INCOMING_EMAIL', from: 'kevin', to: ['jordan'], cc: ['sarah'], subject: 'Re: Fleet analytics – pricing', text: 'Jordan,\n\nFull transparency: we are also evaluating Trackwise, and their quote came in about 20% under yours. They also offer a native telematics integration. What can you do on price or scope?\n\nKevin' },
  { kind: 'note', deal: 'brightwaterFleet', daysAgo: 5, owner: 'jordan', body: 'Competitive: Trackwise is in the deal. Lead with our data-quality SLAs and the ERP connector in the presentation.' },
  { kind: 'meeting', deal: 'brightwaterFleet', daysAgo: -3, owner: 'jordan', contacts: ['sarah', 'kevin'], title: 'Brightwater – solution presentation', body: 'Agenda: depot rollout plan, telematics integration, pricing options.', outcome: 'SCHEDULED', location: 'Zoom' },

  // Kestrel: silent for 40+ days while the renewal date approaches.
  { kind: 'email', deal: 'kestrelRenewal', daysAgo: 55, direction: 'EMAIL', from: 'priya', to: ['leo'], subject: 'Kestrel renewal – quick sync?', text: 'Hi Leo,\n\nYour renewal comes up next quarter. Do you have 20 minutes next week to go over usage and plans?\n\nPriya' },
  { kind: 'call', deal: 'kestrelRenewal', daysAgo: 48, owner: 'priya', contacts: ['leo'], title: 'Renewal check-in with Leo', body: 'Leo said they are reviewing tooling spend and asked to reconnect in two weeks.', direction: 'OUTBOUND', minutes: 12 },
  { kind: 'email', deal: 'kestrelRenewal', daysAgo: 41, direction: 'EMAIL', from: 'priya', to: ['leo'], cc: ['nina'], subject: 'Following up on your renewal', text: 'Hi Leo,\n\nJust following up on the renewal we discussed. Happy to share a usage report if that helps the internal review.\n\nPriya' },
  { kind: 'task', deal: 'kestrelRenewal', daysAgo: 41, dueInDays: -27, owner: 'priya', contacts: ['leo'], subject: 'Follow up with Kestrel on renewal', body: 'No reply yet to the renewal follow-up.', status: 'NOT_STARTED', priority: 'MEDIUM', type: 'CALL' },

  // Northpeak: closed-won customer who is unhappy with the rollout.
  { kind: 'meeting', deal: 'northpeakSuite', daysAgo: 25, owner: 'maya', contacts: ['grace', 'sam'], title: 'Northpeak kickoff', body: 'Rollout plan agreed: scheduling module first, then staffing analytics.', outcome: 'COMPLETED', location: 'Northpeak Health, Denver' },
  { kind: 'email', deal: 'northpeakSuite', daysAgo: 20, direction: 'EMAIL', from: 'maya', to: ['grace', 'sam'], subject: 'Welcome to Northwind – onboarding plan', text: 'Hi Grace, hi Sam,\n\nWelcome aboard! Attached is the onboarding plan and the training schedule for your team.\n\nMaya' },
  { kind: 'email', deal: 'northpeakSuite', daysAgo: 9, direction: 'INCOMING_EMAIL', from: 'sam', to: ['maya'], subject: 'Re: Welcome to Northwind – onboarding plan', text: 'Thanks Maya, the training sessions were helpful. A few nurses missed them; can we get the recordings?\n\nSam' },
  { kind: 'email', deal: 'northpeakSuite', daysAgo: 3, direction: 'INCOMING_EMAIL', from: 'diane', to: ['maya'], cc: ['grace'], subject: 'Very disappointed with the rollout', text: 'Maya,\n\nI have to be frank: we are very unhappy with how the rollout is going. The scheduling module has been down three times in two weeks, our nurses are back on spreadsheets, and support tickets sit for days without a response. This is not what we were promised during the sales process. If this is not fixed quickly we will have to reconsider the contract.\n\nDiane Foster\nVP Patient Services' },
  { kind: 'call', deal: 'northpeakSuite', daysAgo: 2, owner: 'maya', contacts: ['grace'], title: 'Escalation call with Grace Okafor', body: 'Grace confirmed two outages last week and a third on Monday. Engineering is on root cause; promised a written recovery plan by Thursday.', direction: 'OUTBOUND', minutes: 27 },
  { kind: 'task', deal: 'northpeakSuite', daysAgo: 2, dueInDays: 1, owner: 'maya', contacts: ['diane', 'grace'], subject: 'Send recovery plan to Northpeak', body: 'Post-mortem of the three outages plus support SLA commitments.', status: 'IN_PROGRESS', priority: 'HIGH', type: 'TODO' },

  // Müller: benign, moving forward.
  { kind: 'meeting', deal: 'muellerPilot', daysAgo: 14, owner: 'jordan', contacts: ['thomas', 'anja'], title: 'Müller – on-site workshop', body: 'Scoped the Munich warehouse pilot: inbound dock KPIs and pick-rate dashboards.', outcome: 'COMPLETED', location: 'München' },
  { kind: 'email', deal: 'muellerPilot', daysAgo: 8, direction: 'INCOMING_EMAIL', from: 'thomas', to: ['jordan'], subject: 'Pilot scope – Lager München', text: 'Hallo Jordan,\n\nthe board approved the pilot for the Munich warehouse. Anja will handle the purchase order next week.\n\nViele Grüße\nThomas' },
  { kind: 'email', deal: 'muellerPilot', daysAgo: 7, direction: 'EMAIL', from: 'jordan', to: ['thomas'], cc: ['anja'], subject: 'Re: Pilot scope – Lager München', text: 'Hi Thomas,\n\ngreat news, thank you! Anja, I will send the pilot order form today.\n\nBest,\nJordan' },
  { kind: 'note', deal: 'muellerPilot', daysAgo: 7, owner: 'jordan', body: 'There is a second company record "Mueller GmbH" with the same domain; Tom Becker on it is Thomas Becker.' },

  // Orchard & Vine: new lead, meeting booked.
  { kind: 'email', deal: 'orchardIntro', daysAgo: 6, direction: 'EMAIL', from: 'priya', to: ['lucia'], subject: 'Great to meet you at SupplyTech', text: 'Hi Lucía,\n\nGreat to meet you at SupplyTech. Would Tuesday at 10am work for a short intro call?\n\nPriya' },
  { kind: 'email', deal: 'orchardIntro', daysAgo: 5, direction: 'INCOMING_EMAIL', from: 'lucia', to: ['priya'], cc: ['omar'], subject: 'Re: Great to meet you at SupplyTech', text: 'Hi Priya, Tuesday 10am works. I have added Omar from finance.\n\nLucía' },
  { kind: 'meeting', deal: 'orchardIntro', daysAgo: -4, owner: 'priya', contacts: ['lucia', 'omar'], title: 'Orchard & Vine – intro call', body: 'Intro and discovery.', outcome: 'SCHEDULED', location: 'Google Meet' },

  // Bluefin: contract negotiation, ordinary legal back-and-forth.
  { kind: 'email', deal: 'bluefinLicense', daysAgo: 10, direction: 'EMAIL', from: 'jordan', to: ['emma'], cc: ['hiro'], subject: 'Order form – Bluefin platform license', text: 'Hi Emma,\n\nAttached is the order form for the platform license as discussed.\n\nJordan' },
  { kind: 'email', deal: 'bluefinLicense', daysAgo: 6, direction: 'INCOMING_EMAIL', from: 'emma', to: ['jordan'], subject: 'Re: Order form – Bluefin platform license', text: 'Hi Jordan,\n\nOur legal team sent redlines on the limitation of liability clause; otherwise we are aligned. Target signature is end of month.\n\nEmma' },
  { kind: 'call', deal: 'bluefinLicense', daysAgo: 5, owner: 'jordan', contacts: ['emma', 'laura'], title: 'Legal redlines walkthrough', body: 'Walked through the liability cap. Laura from procurement joined.', direction: 'OUTBOUND', minutes: 22 },
  { kind: 'note', deal: 'bluefinLicense', daysAgo: 5, owner: 'jordan', body: 'Redlines on limitation of liability sent to our counsel; expect an answer Monday.' },

  // Helios: lost to the competitor.
  { kind: 'email', deal: 'heliosLost', daysAgo: 22, direction: 'INCOMING_EMAIL', from: 'carlos', to: ['maya'], subject: 'Decision on field ops analytics', text: 'Hi Maya,\n\nThank you for all the work. We decided to go with Trackwise; in the end it came down to price, although your platform was stronger on reporting. Let us stay in touch for next year.\n\nCarlos' },
  { kind: 'note', deal: 'heliosLost', daysAgo: 20, owner: 'maya', body: 'Lost to Trackwise on price (about 25% cheaper). Revisit at their budget cycle in January.' },

  // Tidewater, Granite, Silverline, Lumen, Acme Inc: ordinary traffic.
  { kind: 'email', deal: 'tidewaterCompliance', daysAgo: 9, direction: 'INCOMING_EMAIL', from: 'olivia', to: ['priya'], subject: 'Compliance reporting requirements', text: 'Hi Priya,\n\nAttached is our NCUA reporting checklist. James would like to see how you handle audit trails.\n\nOlivia' },
  { kind: 'call', deal: 'tidewaterCompliance', daysAgo: 7, owner: 'priya', contacts: ['james', 'olivia'], title: 'Requirements call with James and Olivia', body: 'Audit trail and role-based access are must-haves. Security questionnaire to follow.', direction: 'OUTBOUND', minutes: 38 },
  { kind: 'task', deal: 'tidewaterCompliance', daysAgo: 7, dueInDays: 3, owner: 'priya', contacts: ['james'], subject: 'Send security questionnaire responses to Tidewater', body: 'Use the 2024 SIG Lite answers.', status: 'NOT_STARTED', priority: 'MEDIUM', type: 'TODO' },
  { kind: 'email', deal: 'graniteDashboards', daysAgo: 2, direction: 'INCOMING_EMAIL', from: 'mike', to: ['jordan'], subject: 'Demo request', text: 'Hi,\n\nSaw your webinar. Can you show us cost tracking by project? Rachel runs our project controls.\n\nMike' },
  { kind: 'meeting', deal: 'graniteDashboards', daysAgo: -6, owner: 'jordan', contacts: ['mike', 'rachel'], title: 'Granite Peak – demo', body: 'Project cost dashboards demo.', outcome: 'SCHEDULED', location: 'Zoom' },
  { kind: 'meeting', deal: 'silverlineAttribution', daysAgo: 3, owner: 'maya', contacts: ['zoe', 'ben'], title: 'Attribution add-on presentation', body: 'Presented multi-touch attribution; Zoe keen, Ben asked about the GA4 import.', outcome: 'COMPLETED', location: 'Zoom' },
  { kind: 'email', deal: 'silverlineAttribution', daysAgo: 2, direction: 'INCOMING_EMAIL', from: 'zoe', to: ['maya'], subject: 'Thanks for the presentation', text: 'Thanks Maya, the team enjoyed it. Could you send over the deck and a sample report?\n\nZoe' },
  { kind: 'email', deal: 'silverlineAttribution', daysAgo: 1, direction: 'EMAIL', from: 'maya', to: ['zoe'], cc: ['ben'], subject: 'Re: Thanks for the presentation', text: 'Hi Zoe,\n\nHere are the deck and a sample report. Happy to set up a trial workspace.\n\nMaya' },
  { kind: 'email', deal: 'lumenStarter', daysAgo: 15, direction: 'INCOMING_EMAIL', from: 'amara', to: ['priya'], subject: 'Quick thanks', text: 'Hi Priya,\n\nEverything is running smoothly and the team loves the weekly digest. Thank you!\n\nAmara' },
  { kind: 'note', deal: 'lumenStarter', daysAgo: 15, owner: 'priya', body: 'Happy customer; good candidate for a case study.' },
  { kind: 'email', deal: 'acmeIncSupport', daysAgo: 5, direction: 'INCOMING_EMAIL', from: 'gina', to: ['maya'], subject: 'Invoice for support renewal', text: 'Hello,\n\nPlease send the renewal invoice to ap@acme-inc.net and reference PO 4471-22.\n\nThanks,\nGina' },
  // Emails not tied to a deal.
  { kind: 'email', company: 'acmeCorporation', daysAgo: 11, direction: 'INCOMING_EMAIL', from: 'ravi', to: ['maya'], subject: 'Out of office: Re: Data connector question', text: 'I am out of the office until Monday with limited access to email. For urgent IT matters contact helpdesk@acme.com.' },
  { kind: 'email', daysAgo: 13, direction: 'INCOMING_EMAIL', from: 'mark', to: ['priya'], subject: 'Question about the pricing page', text: 'Hi, does the Starter plan include the Salesforce connector? Thanks, Mark' },
  { kind: 'email', daysAgo: 12, direction: 'EMAIL', from: 'priya', to: ['mark'], subject: 'Re: Question about the pricing page', text: 'Hi Mark, yes, both CRM connectors are included in every plan. Best, Priya' },
  { kind: 'email', daysAgo: 8, direction: 'INCOMING_EMAIL', from: 'sarahGmail', to: ['jordan'], subject: 'Webinar recording?', text: 'Hi Jordan, could you send me the webinar recording? Using my personal address while travelling. Sarah' },
];
