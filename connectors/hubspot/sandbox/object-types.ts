/**
 * Facts about the CRM object types the sandbox serves: names, object type ids, property schemas, scopes.
 * Data, not behaviour. Sources: connectors/hubspot/BEHAVIOR.md, "Reading records" and
 * @hubspot/api-client's object type ids.
 */

export const OBJECT_TYPE_NAMES = [
  'contacts',
  'companies',
  'deals',
  'tasks',
  'emails',
  'calls',
  'meetings',
  'notes',
] as const;
export type ObjectTypeName = (typeof OBJECT_TYPE_NAMES)[number];

export type PropertyType = 'string' | 'number' | 'datetime' | 'date' | 'enumeration' | 'bool';

export interface PropertyDef {
  type: PropertyType;
  options?: readonly string[];
  /** Maintained by the sandbox; writes through the API are rejected with READ_ONLY_VALUE. */
  readOnly?: boolean;
}

export interface ObjectTypeDef {
  name: ObjectTypeName;
  /** HubSpot object type id, e.g. `0-1` (https://developers.hubspot.com/docs/guides/crm/understanding-the-crm). */
  typeId: string;
  singular: string;
  /** Classic webhook prefix (`contact.creation`); null means only the generic `object.*` subscriptions exist. */
  webhookPrefix: 'contact' | 'company' | 'deal' | null;
  createdProperty: 'createdate' | 'hs_createdate';
  /** Every last-modified stamp the sandbox maintains for the type (contacts carry two). */
  lastModifiedProperties: readonly string[];
  /** Returned when the caller names no `properties` (system stamps are added on top). */
  defaultProperties: readonly string[];
  /** Properties the search `query` string looks at. */
  searchableProperties: readonly string[];
  /** Properties a create must carry (engagements need `hs_timestamp`). */
  requiredOnCreate: readonly string[];
  readScopes: readonly string[];
  writeScopes: readonly string[];
  properties: Readonly<Record<string, PropertyDef>>;
}

const str: PropertyDef = { type: 'string' };
const num: PropertyDef = { type: 'number' };
const dt: PropertyDef = { type: 'datetime' };
const ro = (type: PropertyType): PropertyDef => ({ type, readOnly: true });
/** The sandbox portal's effective currencies (company currency first). */
export const PORTAL_CURRENCIES = ['USD', 'EUR', 'GBP', 'JPY'] as const;
const en = (...options: string[]): PropertyDef => ({ type: 'enumeration', options });

/** Default sales pipeline stages (pipeline id `default`). */
export const DEFAULT_PIPELINE_STAGES = [
  'appointmentscheduled',
  'qualifiedtobuy',
  'presentationscheduled',
  'decisionmakerboughtin',
  'contractsent',
  'closedwon',
  'closedlost',
] as const;
export type DealStage = (typeof DEFAULT_PIPELINE_STAGES)[number];

const engagementCommon: Record<string, PropertyDef> = {
  hs_object_id: ro('number'),
  hs_createdate: dt,
  hs_lastmodifieddate: ro('datetime'),
  hs_timestamp: dt,
  hubspot_owner_id: str,
  hs_attachment_ids: str,
};

const contactScopesRead = ['crm.objects.contacts.read'];
const contactScopesWrite = ['crm.objects.contacts.write'];

export const OBJECT_TYPES: Readonly<Record<ObjectTypeName, ObjectTypeDef>> = {
  contacts: {
    name: 'contacts',
    typeId: '0-1',
    singular: 'contact',
    webhookPrefix: 'contact',
    createdProperty: 'createdate',
    lastModifiedProperties: ['lastmodifieddate', 'hs_lastmodifieddate'],
    defaultProperties: ['firstname', 'lastname', 'email'],
    searchableProperties: ['firstname', 'lastname', 'email', 'phone', 'mobilephone', 'company', 'hs_additional_emails'],
    requiredOnCreate: [],
    readScopes: contactScopesRead,
    writeScopes: contactScopesWrite,
    properties: {
      hs_object_id: ro('number'),
      createdate: dt,
      lastmodifieddate: ro('datetime'),
      hs_lastmodifieddate: ro('datetime'),
      email: str,
      firstname: str,
      lastname: str,
      phone: str,
      mobilephone: str,
      company: str,
      jobtitle: str,
      // "Unsubscribed from all email": maintained by HubSpot's subscription preferences, read-only to the CRM API.
      hs_email_optout: ro('bool'),
      // "Email hard bounce reason": set by HubSpot when mail to the address hard-bounces, read-only to the API.
      hs_email_hard_bounce_reason_enum: ro('string'),
      website: str,
      city: str,
      state: str,
      country: str,
      hs_additional_emails: str,
      associatedcompanyid: num,
      hubspot_owner_id: str,
      lifecyclestage: en(
        'subscriber',
        'lead',
        'marketingqualifiedlead',
        'salesqualifiedlead',
        'opportunity',
        'customer',
        'evangelist',
        'other',
      ),
      hs_lead_status: en(
        'NEW',
        'OPEN',
        'IN_PROGRESS',
        'OPEN_DEAL',
        'UNQUALIFIED',
        'ATTEMPTED_TO_CONTACT',
        'CONNECTED',
        'BAD_TIMING',
      ),
      notes_last_contacted: dt,
      notes_last_updated: dt,
      hs_lastcontacted: dt,
    },
  },
  companies: {
    name: 'companies',
    typeId: '0-2',
    singular: 'company',
    webhookPrefix: 'company',
    createdProperty: 'createdate',
    lastModifiedProperties: ['hs_lastmodifieddate'],
    defaultProperties: ['name', 'domain'],
    searchableProperties: ['name', 'domain', 'website', 'phone'],
    requiredOnCreate: [],
    readScopes: ['crm.objects.companies.read'],
    writeScopes: ['crm.objects.companies.write'],
    properties: {
      hs_object_id: ro('number'),
      createdate: dt,
      hs_lastmodifieddate: ro('datetime'),
      name: str,
      domain: str,
      website: str,
      phone: str,
      city: str,
      state: str,
      country: str,
      industry: str,
      numberofemployees: num,
      annualrevenue: num,
      description: str,
      hubspot_owner_id: str,
      lifecyclestage: en(
        'subscriber',
        'lead',
        'marketingqualifiedlead',
        'salesqualifiedlead',
        'opportunity',
        'customer',
        'evangelist',
        'other',
      ),
      type: en('PROSPECT', 'PARTNER', 'RESELLER', 'VENDOR', 'OTHER'),
      notes_last_contacted: dt,
      notes_last_updated: dt,
    },
  },
  deals: {
    name: 'deals',
    typeId: '0-3',
    singular: 'deal',
    webhookPrefix: 'deal',
    createdProperty: 'createdate',
    lastModifiedProperties: ['hs_lastmodifieddate'],
    defaultProperties: ['dealname', 'amount', 'closedate', 'pipeline', 'dealstage'],
    searchableProperties: ['dealname', 'description'],
    requiredOnCreate: [],
    readScopes: ['crm.objects.deals.read'],
    writeScopes: ['crm.objects.deals.write'],
    properties: {
      hs_object_id: ro('number'),
      createdate: dt,
      hs_lastmodifieddate: ro('datetime'),
      dealname: str,
      amount: num,
      // A multi-currency account: the company currency (USD) and the currencies added to it. Since July 2023 a
      // write with any other code is refused (400 INVALID_OPTION), see BEHAVIOR.md "Reading records".
      deal_currency_code: en(...PORTAL_CURRENCIES),
      closedate: dt,
      pipeline: en('default'),
      dealstage: en(...DEFAULT_PIPELINE_STAGES),
      dealtype: en('newbusiness', 'existingbusiness'),
      description: str,
      hubspot_owner_id: str,
      hs_priority: en('low', 'medium', 'high'),
      closed_lost_reason: str,
      closed_won_reason: str,
      hs_next_step: str,
      notes_last_contacted: dt,
      notes_last_updated: dt,
    },
  },
  tasks: {
    name: 'tasks',
    typeId: '0-27',
    singular: 'task',
    webhookPrefix: null,
    createdProperty: 'hs_createdate',
    lastModifiedProperties: ['hs_lastmodifieddate'],
    defaultProperties: [],
    searchableProperties: ['hs_task_subject', 'hs_task_body'],
    requiredOnCreate: ['hs_timestamp'],
    readScopes: contactScopesRead,
    writeScopes: contactScopesWrite,
    properties: {
      ...engagementCommon,
      hs_task_subject: str,
      hs_task_body: str,
      hs_task_status: en('NOT_STARTED', 'IN_PROGRESS', 'WAITING', 'COMPLETED', 'DEFERRED'),
      hs_task_priority: en('NONE', 'LOW', 'MEDIUM', 'HIGH'),
      hs_task_type: en('EMAIL', 'CALL', 'TODO', 'LINKED_IN', 'LINKED_IN_CONNECT', 'LINKED_IN_MESSAGE'),
      hs_task_reminders: str,
      hs_task_completion_date: dt,
    },
  },
  emails: {
    name: 'emails',
    typeId: '0-49',
    singular: 'email',
    webhookPrefix: null,
    createdProperty: 'hs_createdate',
    lastModifiedProperties: ['hs_lastmodifieddate'],
    defaultProperties: [],
    searchableProperties: ['hs_email_subject', 'hs_email_text'],
    requiredOnCreate: ['hs_timestamp'],
    readScopes: [...contactScopesRead, 'sales-email-read'],
    writeScopes: [...contactScopesWrite, 'sales-email-read'],
    properties: {
      ...engagementCommon,
      hs_email_direction: en('EMAIL', 'INCOMING_EMAIL', 'FORWARDED_EMAIL'),
      hs_email_status: en('BOUNCED', 'FAILED', 'SCHEDULED', 'SENDING', 'SENT'),
      hs_email_subject: str,
      hs_email_text: str,
      hs_email_html: str,
      hs_email_headers: str,
      hs_email_thread_id: str,
    },
  },
  calls: {
    name: 'calls',
    typeId: '0-48',
    singular: 'call',
    webhookPrefix: null,
    createdProperty: 'hs_createdate',
    lastModifiedProperties: ['hs_lastmodifieddate'],
    defaultProperties: [],
    searchableProperties: ['hs_call_title', 'hs_call_body'],
    requiredOnCreate: ['hs_timestamp'],
    readScopes: contactScopesRead,
    writeScopes: contactScopesWrite,
    properties: {
      ...engagementCommon,
      hs_call_title: str,
      hs_call_body: str,
      hs_call_direction: en('INBOUND', 'OUTBOUND'),
      hs_call_duration: num,
      hs_call_status: en(
        'BUSY',
        'CALLING_CRM_USER',
        'CANCELED',
        'COMPLETED',
        'CONNECTING',
        'FAILED',
        'IN_PROGRESS',
        'NO_ANSWER',
        'QUEUED',
        'RINGING',
      ),
      hs_call_disposition: str,
      hs_call_from_number: str,
      hs_call_to_number: str,
      hs_call_recording_url: str,
    },
  },
  meetings: {
    name: 'meetings',
    typeId: '0-47',
    singular: 'meeting',
    webhookPrefix: null,
    createdProperty: 'hs_createdate',
    lastModifiedProperties: ['hs_lastmodifieddate'],
    defaultProperties: [],
    searchableProperties: ['hs_meeting_title', 'hs_meeting_body'],
    requiredOnCreate: ['hs_timestamp'],
    readScopes: contactScopesRead,
    writeScopes: contactScopesWrite,
    properties: {
      ...engagementCommon,
      hs_meeting_title: str,
      hs_meeting_body: str,
      hs_internal_meeting_notes: str,
      hs_meeting_start_time: dt,
      hs_meeting_end_time: dt,
      hs_meeting_location: str,
      hs_meeting_external_url: str,
      hs_meeting_outcome: en('SCHEDULED', 'COMPLETED', 'RESCHEDULED', 'NO_SHOW', 'CANCELED'),
    },
  },
  notes: {
    name: 'notes',
    typeId: '0-46',
    singular: 'note',
    webhookPrefix: null,
    createdProperty: 'hs_createdate',
    lastModifiedProperties: ['hs_lastmodifieddate'],
    defaultProperties: [],
    searchableProperties: ['hs_note_body'],
    requiredOnCreate: ['hs_timestamp'],
    readScopes: contactScopesRead,
    writeScopes: contactScopesWrite,
    properties: { ...engagementCommon, hs_note_body: str },
  },
};

const BY_ID_OR_NAME = new Map<string, ObjectTypeDef>();
for (const def of Object.values(OBJECT_TYPES)) {
  BY_ID_OR_NAME.set(def.name, def);
  BY_ID_OR_NAME.set(def.typeId, def);
  BY_ID_OR_NAME.set(def.singular, def);
}

/** Resolves `contacts`, `contact`, `0-1` (case-insensitive names) to a type definition, or undefined. */
export function resolveObjectType(nameOrId: string): ObjectTypeDef | undefined {
  return BY_ID_OR_NAME.get(nameOrId.toLowerCase());
}

/** Properties the sandbox maintains itself on every write. */
export function systemProperties(def: ObjectTypeDef): string[] {
  return ['hs_object_id', def.createdProperty, ...def.lastModifiedProperties];
}

/** Properties returned when the caller names none: defaults plus the system stamps. */
export function defaultReadProperties(def: ObjectTypeDef): string[] {
  const lastModified = def.name === 'contacts' ? ['lastmodifieddate'] : def.lastModifiedProperties;
  return [...def.defaultProperties, 'hs_object_id', def.createdProperty, ...lastModified];
}
