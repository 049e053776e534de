import { CanonicalRecord } from '../../src/core/canonical.js';
import { HubspotObject } from '../../connectors/hubspot/schemas.js';
import { toContact as hubspotContact } from '../../connectors/hubspot/mappers/to-contact.js';
import { toCompany as hubspotCompany } from '../../connectors/hubspot/mappers/to-company.js';
import { toDeal as hubspotDeal } from '../../connectors/hubspot/mappers/to-deal.js';
import { toActivity as hubspotActivity } from '../../connectors/hubspot/mappers/to-activity.js';
import { toContact as salesforceContact } from '../../connectors/salesforce/mappers/to-contact.js';
import { toCompany as salesforceCompany } from '../../connectors/salesforce/mappers/to-company.js';
import { toDeal as salesforceDeal } from '../../connectors/salesforce/mappers/to-deal.js';
import { toEmailActivity, toEventActivity, toTaskActivity } from '../../connectors/salesforce/mappers/to-activity.js';
import {
  SalesforceAccountRecord,
  SalesforceContactRecord,
  SalesforceEmailMessageRecord,
  SalesforceEventRecord,
  SalesforceOpportunityRecord,
  SalesforceTaskRecord,
} from '../../connectors/salesforce/schemas.js';

/**
 * Shared contract: the same real-world record, as each CRM stores it, must come out of both
 * connectors' mappers as the same canonical record. Only what is inherently provider-specific differs and is
 * normalised away: `provider`, `url`, the provider's own stage label, and the ids (translated through the table below).
 */
const SAME_ENTITY: [hubspot: string, salesforce: string, label: string][] = [
  ['101', '003xx000004TmiQAAS', 'contact:ada'],
  ['102', '003xx000004TmiRAAS', 'contact:alan'],
  ['201', '001xx000003DGb2AAG', 'company:acme'],
  ['301', '006xx000001a2b3AAA', 'deal:acme-500'],
  ['302', '006xx000001a2b4AAA', 'deal:globex-renewal'],
  ['401', '00Txx000003DHYbEAO', 'task:quote'],
  ['402', '00Txx000003DHYcEAO', 'call:sso'],
  ['403', '00Uxx000000abcdEAA', 'meeting:demo'],
  ['404', '02sxx0000000abcAAA', 'email:quote'],
  ['501', '005xx000001SwiUAAS', 'owner:rep'],
];
const LABEL = new Map(
  SAME_ENTITY.flatMap(
    ([h, s, l]) =>
      [
        [`hubspot:${h}`, l],
        [`salesforce:${s}`, l],
      ] as [string, string][],
  ),
);

function normalise(r: CanonicalRecord): Record<string, unknown> {
  const id = (v: string | null) => (v === null ? null : (LABEL.get(`${r.provider}:${v}`) ?? `unmapped:${v}`));
  const { provider: _p, url: _u, ...rest } = r;
  const out: Record<string, unknown> = {
    ...rest,
    externalId: id(r.externalId),
    ownerId: id(r.ownerId),
    associations: {
      contacts: r.associations.contacts.map(id).sort(),
      companies: r.associations.companies.map(id).sort(),
      deals: r.associations.deals.map(id).sort(),
    },
  };
  if (r.kind === 'deal') delete out.providerStage;
  return out;
}

const portal = { portalId: '4242' };
const sf = { instanceUrl: 'https://acme.my.salesforce.com' };
const hs = (raw: unknown) => HubspotObject.parse(raw);
const assoc = (key: string, ...ids: string[]) => ({ [key]: { results: ids.map((id) => ({ id, type: 'default' })) } });

const CREATED = '2024-05-01T08:00:00.000Z';
const MODIFIED = '2024-06-01T09:15:02.000Z';
const SF_CREATED = '2024-05-01T08:00:00.000+0000';
const SF_MODIFIED = '2024-06-01T09:15:02.000+0000';

const cases: { name: string; hubspot: () => CanonicalRecord; salesforce: () => CanonicalRecord }[] = [
  {
    name: 'contact with a company, no phone or title',
    hubspot: () =>
      hubspotContact(
        hs({
          id: '101',
          createdAt: CREATED,
          updatedAt: MODIFIED,
          archived: false,
          properties: {
            firstname: 'Ada',
            lastname: 'Lovelace',
            email: 'ada@x.com',
            phone: null,
            jobtitle: '',
            hubspot_owner_id: '501',
          },
          associations: assoc('companies', '201'),
        }),
        portal,
      ),
    salesforce: () =>
      salesforceContact(
        SalesforceContactRecord.parse({
          Id: '003xx000004TmiQAAS',
          FirstName: 'Ada',
          LastName: 'Lovelace',
          Email: 'ada@x.com',
          Phone: null,
          Title: null,
          AccountId: '001xx000003DGb2AAG',
          OwnerId: '005xx000001SwiUAAS',
          IsDeleted: false,
          CreatedDate: SF_CREATED,
          LastModifiedDate: SF_MODIFIED,
          SystemModstamp: SF_MODIFIED,
        }),
        sf,
      ),
  },
  {
    name: 'company with website and domain',
    hubspot: () =>
      hubspotCompany(
        hs({
          id: '201',
          createdAt: CREATED,
          updatedAt: MODIFIED,
          properties: {
            name: 'Acme',
            domain: 'acme.com',
            website: 'https://www.acme.com',
            industry: 'MANUFACTURING',
            phone: '+1 555 0199',
            hubspot_owner_id: '501',
          },
        }),
        portal,
      ),
    salesforce: () =>
      salesforceCompany(
        SalesforceAccountRecord.parse({
          Id: '001xx000003DGb2AAG',
          Name: 'Acme',
          Website: 'https://www.acme.com',
          Industry: 'MANUFACTURING',
          Phone: '+1 555 0199',
          OwnerId: '005xx000001SwiUAAS',
          CreatedDate: SF_CREATED,
          LastModifiedDate: SF_MODIFIED,
          SystemModstamp: SF_MODIFIED,
        }),
        sf,
      ),
  },
  {
    name: 'open deal in negotiation with contacts and a company',
    hubspot: () =>
      hubspotDeal(
        hs({
          id: '301',
          createdAt: CREATED,
          updatedAt: MODIFIED,
          properties: {
            dealname: 'Acme - 500 seats',
            amount: '125000.5',
            deal_currency_code: 'USD',
            dealstage: 'contractsent',
            closedate: '2024-06-30T00:00:00.000Z',
            hs_is_closed: 'false',
            hs_is_closed_won: 'false',
            hubspot_owner_id: '501',
          },
          associations: { ...assoc('companies', '201'), ...assoc('contacts', '101', '102') },
        }),
        portal,
      ),
    salesforce: () =>
      salesforceDeal(
        SalesforceOpportunityRecord.parse({
          Id: '006xx000001a2b3AAA',
          Name: 'Acme - 500 seats',
          Amount: 125000.5,
          CurrencyIsoCode: 'USD',
          StageName: 'Negotiation/Review',
          Probability: 90,
          CloseDate: '2024-06-30',
          IsClosed: false,
          IsWon: false,
          AccountId: '001xx000003DGb2AAG',
          OwnerId: '005xx000001SwiUAAS',
          CreatedDate: SF_CREATED,
          LastModifiedDate: SF_MODIFIED,
          SystemModstamp: SF_MODIFIED,
        }),
        sf,
        { contactIds: ['003xx000004TmiRAAS', '003xx000004TmiQAAS'] },
      ),
  },
  {
    name: 'closed-won deal without amount',
    hubspot: () =>
      hubspotDeal(
        hs({
          id: '302',
          createdAt: CREATED,
          updatedAt: MODIFIED,
          properties: {
            dealname: 'Globex renewal',
            amount: '',
            dealstage: 'closedwon',
            closedate: '2024-05-31T00:00:00.000Z',
            hs_is_closed: 'true',
            hs_is_closed_won: 'true',
            hubspot_owner_id: '501',
          },
        }),
        portal,
      ),
    salesforce: () =>
      salesforceDeal(
        SalesforceOpportunityRecord.parse({
          Id: '006xx000001a2b4AAA',
          Name: 'Globex renewal',
          Amount: null,
          StageName: 'Closed Won',
          Probability: 100,
          CloseDate: '2024-05-31',
          IsClosed: true,
          IsWon: true,
          OwnerId: '005xx000001SwiUAAS',
          CreatedDate: SF_CREATED,
          LastModifiedDate: SF_MODIFIED,
          SystemModstamp: SF_MODIFIED,
        }),
        sf,
      ),
  },
  {
    name: 'open task due on a day, for a contact on a deal',
    hubspot: () =>
      hubspotActivity(
        'task',
        hs({
          id: '401',
          createdAt: CREATED,
          updatedAt: MODIFIED,
          properties: {
            hs_task_subject: 'Send revised quote',
            hs_task_body: '<p>Ada asked for the 500-seat price.</p>',
            hs_task_status: 'NOT_STARTED',
            hs_timestamp: '2024-06-05T00:00:00.000Z',
            hs_createdate: CREATED,
            hubspot_owner_id: '501',
          },
          associations: { ...assoc('contacts', '101'), ...assoc('deals', '301'), ...assoc('companies', '201') },
        }),
        portal,
      ),
    salesforce: () =>
      toTaskActivity(
        SalesforceTaskRecord.parse({
          Id: '00Txx000003DHYbEAO',
          Subject: 'Send revised quote',
          Description: 'Ada asked for the 500-seat price.',
          ActivityDate: '2024-06-05',
          Status: 'Not Started',
          IsClosed: false,
          TaskSubtype: 'Task',
          WhoId: '003xx000004TmiQAAS',
          WhatId: '006xx000001a2b3AAA',
          AccountId: '001xx000003DGb2AAG',
          OwnerId: '005xx000001SwiUAAS',
          CreatedDate: SF_CREATED,
          LastModifiedDate: SF_MODIFIED,
          SystemModstamp: SF_MODIFIED,
        }),
        sf,
      ),
  },
  {
    name: 'completed inbound call',
    hubspot: () =>
      hubspotActivity(
        'call',
        hs({
          id: '402',
          createdAt: CREATED,
          updatedAt: MODIFIED,
          properties: {
            hs_call_title: 'Call from Ada',
            hs_call_body: 'Asked about SSO.',
            hs_call_direction: 'INBOUND',
            hs_call_status: 'COMPLETED',
            hs_timestamp: '2024-06-04T00:00:00.000Z',
            hubspot_owner_id: '501',
          },
          associations: assoc('contacts', '101'),
        }),
        portal,
      ),
    salesforce: () =>
      toTaskActivity(
        SalesforceTaskRecord.parse({
          Id: '00Txx000003DHYcEAO',
          Subject: 'Call from Ada',
          Description: 'Asked about SSO.',
          ActivityDate: '2024-06-04',
          Status: 'Completed',
          IsClosed: true,
          TaskSubtype: 'Call',
          CallType: 'Inbound',
          WhoId: '003xx000004TmiQAAS',
          OwnerId: '005xx000001SwiUAAS',
          CreatedDate: SF_CREATED,
          LastModifiedDate: SF_MODIFIED,
          SystemModstamp: SF_MODIFIED,
        }),
        sf,
      ),
  },
  {
    name: 'meeting with a contact at a company',
    hubspot: () =>
      hubspotActivity(
        'meeting',
        hs({
          id: '403',
          createdAt: CREATED,
          updatedAt: MODIFIED,
          properties: {
            hs_meeting_title: 'Demo',
            hs_meeting_body: null,
            hs_meeting_start_time: '2024-06-06T14:00:00.000Z',
            hubspot_owner_id: '501',
          },
          associations: { ...assoc('contacts', '101'), ...assoc('companies', '201') },
        }),
        portal,
      ),
    salesforce: () =>
      toEventActivity(
        SalesforceEventRecord.parse({
          Id: '00Uxx000000abcdEAA',
          Subject: 'Demo',
          Description: null,
          StartDateTime: '2024-06-06T14:00:00.000+0000',
          WhoId: '003xx000004TmiQAAS',
          WhatId: '001xx000003DGb2AAG',
          AccountId: '001xx000003DGb2AAG',
          OwnerId: '005xx000001SwiUAAS',
          CreatedDate: SF_CREATED,
          LastModifiedDate: SF_MODIFIED,
          SystemModstamp: SF_MODIFIED,
        }),
        sf,
      ),
  },
  {
    name: 'sent outgoing email on a deal (HTML body only)',
    hubspot: () =>
      hubspotActivity(
        'email',
        hs({
          id: '404',
          createdAt: CREATED,
          updatedAt: MODIFIED,
          properties: {
            hs_email_subject: 'Revised quote for Acme',
            hs_email_html: '<p>Hi Ada,</p><p>Please find the revised quote attached.</p>',
            hs_email_direction: 'EMAIL',
            hs_email_status: 'SENT',
            hs_timestamp: '2024-06-03T16:05:00.000Z',
          },
          associations: { ...assoc('contacts', '101'), ...assoc('deals', '301') },
        }),
        portal,
      ),
    salesforce: () =>
      toEmailActivity(
        SalesforceEmailMessageRecord.parse({
          Id: '02sxx0000000abcAAA',
          Subject: 'Revised quote for Acme',
          TextBody: null,
          HtmlBody: '<p>Hi Ada,</p><p>Please find the revised quote attached.</p>',
          Status: '3',
          Incoming: false,
          MessageDate: '2024-06-03T16:05:00.000+0000',
          RelatedToId: '006xx000001a2b3AAA',
          CreatedDate: SF_CREATED,
          LastModifiedDate: SF_MODIFIED,
          SystemModstamp: SF_MODIFIED,
        }),
        sf,
        { contactIds: ['003xx000004TmiQAAS'] },
      ),
  },
];

describe('connector contract: equivalent HubSpot and Salesforce records map to the same canonical record', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const fromHubspot = c.hubspot();
    const fromSalesforce = c.salesforce();
    // Both are valid canonical records on their own...
    expect(CanonicalRecord.parse(fromHubspot)).toEqual(fromHubspot);
    expect(CanonicalRecord.parse(fromSalesforce)).toEqual(fromSalesforce);
    // ...with exactly the same keys (camelCase, nothing extra, nothing undefined)...
    expect(Object.keys(fromSalesforce).sort()).toEqual(Object.keys(fromHubspot).sort());
    // ...and the same content once provider-specific ids and links are set aside.
    expect(normalise(fromSalesforce)).toEqual(normalise(fromHubspot));
  });

  it('the provider stage label is kept beside the canonical stage', () => {
    const deal = cases[2]!;
    expect([deal.hubspot(), deal.salesforce()].map((d) => d.kind === 'deal' && [d.stage, d.providerStage])).toEqual([
      ['negotiation', 'contractsent'],
      ['negotiation', 'Negotiation/Review'],
    ]);
  });
});
