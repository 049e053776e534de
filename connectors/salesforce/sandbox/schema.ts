/**
 * The sObject model: field kinds, who may write which field, relationships (parent and child) and key prefixes.
 * Built from the generated field list plus the facts the typings lack (picklists, date-only fields, polymorphic
 * targets).
 */
import { SALESFORCE_IDEMPOTENCY_FIELD } from '../manifest.js';
import { KEY_PREFIX } from './ids.js';
import { PICKLISTS, type PicklistValue } from './picklists.js';
import { RAW_SOBJECTS } from './sobject-fields.js';

export const SOBJECT_TYPES = [
  'Account',
  'Contact',
  'Lead',
  'Opportunity',
  'OpportunityContactRole',
  'Task',
  'Event',
  'EmailMessage',
  'EmailMessageRelation',
  'User',
] as const;
export type SObjectType = (typeof SOBJECT_TYPES)[number];

/** Objects whose changes are published as Change Data Capture events (selected in Setup → Change Data Capture). */
export const CDC_TYPES: ReadonlySet<SObjectType> = new Set<SObjectType>([
  'Account',
  'Contact',
  'Lead',
  'Opportunity',
  'OpportunityContactRole',
  'Task',
  'Event',
  'EmailMessage',
  'User',
]);

export type FieldKind =
  | 'id'
  | 'reference'
  | 'string'
  | 'textarea'
  | 'email'
  | 'phone'
  | 'url'
  | 'picklist'
  | 'boolean'
  | 'double'
  | 'currency'
  | 'int'
  | 'percent'
  | 'date'
  | 'datetime'
  | 'address'
  | 'junctionidlist';

export interface FieldDef {
  name: string;
  kind: FieldKind;
  nillable: boolean;
  createable: boolean;
  updateable: boolean;
  referenceTo: string[];
  relationshipName: string | null;
  polymorphic: boolean;
  picklist: PicklistValue[] | null;
  restrictedPicklist: boolean;
  length: number;
  /** A custom field (`__c`), created by an admin or an installed package. */
  custom: boolean;
  /** External ID: indexed, filterable, usable in upserts (`PATCH /sobjects/T/{field}/{value}`). */
  externalId: boolean;
  /**
   * Unique (case-insensitive, the platform default): a second record with the same value fails with 400
   * DUPLICATE_VALUE.
   */
  unique: boolean;
}

export interface ChildRelationship {
  relationshipName: string;
  childType: SObjectType;
  field: string;
}

export interface SObjectDef {
  name: SObjectType;
  keyPrefix: string;
  label: string;
  labelPlural: string;
  fields: FieldDef[];
  /** lower-cased field name → field */
  byName: Map<string, FieldDef>;
  /** lower-cased relationship name → reference field */
  byRelationship: Map<string, FieldDef>;
  /** lower-cased child relationship name → child */
  children: Map<string, ChildRelationship>;
  requiredOnCreate: string[];
}

const SERVED: ReadonlySet<string> = new Set(SOBJECT_TYPES);

const DATE_ONLY = new Set([
  'Birthdate',
  'LastActivityDate',
  'ConvertedDate',
  'CloseDate',
  'ActivityDate',
  'RecurrenceStartDateOnly',
  'RecurrenceEndDateOnly',
]);

/** Polymorphic ("Name") lookups, narrowed to the objects the sandbox serves. */
const POLYMORPHIC_TARGETS: Readonly<Record<string, string[]>> = {
  'Task.Who': ['Contact', 'Lead'],
  'Task.What': ['Account', 'Opportunity'],
  'Event.Who': ['Contact', 'Lead'],
  'Event.What': ['Account', 'Opportunity'],
  'EmailMessage.RelatedTo': ['Account', 'Opportunity', 'Contact', 'Lead'],
  'EmailMessageRelation.Relation': ['Contact', 'Lead', 'User'],
  'Lead.Owner': ['User'],
};

/** Fields absent from the typings that a default org has (org-dependent picklists, JunctionIdLists). */
const EXTRA_FIELDS: Readonly<Record<string, string>> = {
  Task: `Type:string,${SALESFORCE_IDEMPOTENCY_FIELD}:string`,
  Event: 'Type:string',
  EmailMessage: `ToIds:junction,CcIds:junction,BccIds:junction,${SALESFORCE_IDEMPOTENCY_FIELD}:string`,
};

/**
 * Custom Text(255) fields created as External ID + Unique: closeloop's idempotency key on Task and EmailMessage
 * (connectors/salesforce/BEHAVIOR.md, "Write-back idempotency"). The install docs tell admins to create them.
 */
const UNIQUE_EXTERNAL_IDS: Readonly<Record<string, readonly string[]>> = {
  Task: [SALESFORCE_IDEMPOTENCY_FIELD],
  EmailMessage: [SALESFORCE_IDEMPOTENCY_FIELD],
};

/** Written by the platform only. */
const SYSTEM_FIELDS = new Set([
  'Id',
  'IsDeleted',
  'CreatedDate',
  'CreatedById',
  'LastModifiedDate',
  'LastModifiedById',
  'SystemModstamp',
  'LastActivityDate',
  'LastViewedDate',
  'LastReferencedDate',
  'MasterRecordId',
  'IsArchived',
  'PhotoUrl',
]);

const DERIVED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Contact: ['Name', 'MailingAddress', 'OtherAddress'],
  Lead: [
    'Name',
    'Address',
    'IsConverted',
    'ConvertedDate',
    'ConvertedAccountId',
    'ConvertedContactId',
    'ConvertedOpportunityId',
  ],
  User: ['Name', 'Address'],
  Account: ['BillingAddress', 'ShippingAddress'],
  Opportunity: [
    'IsClosed',
    'IsWon',
    'ForecastCategory',
    'HasOpportunityLineItem',
    'HasOpenActivity',
    'HasOverdueTask',
    'FiscalQuarter',
    'FiscalYear',
    'Fiscal',
  ],
  Task: ['IsClosed', 'IsHighPriority', 'AccountId', 'IsRecurrence'],
  Event: ['AccountId', 'IsChild', 'IsGroupEvent', 'GroupEventType', 'IsRecurrence'],
  EmailMessage: ['ActivityId', 'HasAttachment', 'ValidatedFromAddress', 'IsClientManaged'],
  EmailMessageRelation: ['RelationObjectType'],
};

/** Updateable after insert? (master-detail style parents are create-only) */
const CREATE_ONLY: Readonly<Record<string, readonly string[]>> = {
  OpportunityContactRole: ['OpportunityId'],
  EmailMessageRelation: ['EmailMessageId', 'RelationId', 'RelationType'],
  EmailMessage: ['Incoming', 'RelatedToId', 'ParentId'],
};

const REQUIRED: Readonly<Record<SObjectType, string[]>> = {
  Account: ['Name'],
  Contact: ['LastName'],
  Lead: ['LastName', 'Company'],
  Opportunity: ['Name', 'StageName', 'CloseDate'],
  OpportunityContactRole: ['OpportunityId', 'ContactId'],
  // Task.Subject is nillable and not required by the platform (object reference: Subject "Create, Filter, Group,
  // Nillable, Sort, Update"); a Task without one shows an empty subject.
  Task: [],
  Event: [],
  EmailMessage: [],
  EmailMessageRelation: ['EmailMessageId', 'RelationType'],
  User: ['LastName', 'Username', 'Email', 'Alias'],
};

const LABELS: Readonly<Record<SObjectType, [string, string]>> = {
  Account: ['Account', 'Accounts'],
  Contact: ['Contact', 'Contacts'],
  Lead: ['Lead', 'Leads'],
  Opportunity: ['Opportunity', 'Opportunities'],
  OpportunityContactRole: ['Opportunity Contact Role', 'Opportunity Contact Role'],
  Task: ['Task', 'Tasks'],
  Event: ['Event', 'Events'],
  EmailMessage: ['Email Message', 'Email Messages'],
  EmailMessageRelation: ['Email Message Relation', 'Email Message Relations'],
  User: ['User', 'Users'],
};

/** Child relationships and the lookup they follow (activities hang off WhatId/WhoId, emails off RelatedToId). */
const CHILDREN: Readonly<Record<string, ReadonlyArray<[string, SObjectType, string]>>> = {
  Account: [
    ['Contacts', 'Contact', 'AccountId'],
    ['Opportunities', 'Opportunity', 'AccountId'],
    ['Tasks', 'Task', 'WhatId'],
    ['Events', 'Event', 'WhatId'],
    ['Emails', 'EmailMessage', 'RelatedToId'],
    ['ChildAccounts', 'Account', 'ParentId'],
  ],
  Contact: [
    ['Tasks', 'Task', 'WhoId'],
    ['Events', 'Event', 'WhoId'],
    ['OpportunityContactRoles', 'OpportunityContactRole', 'ContactId'],
    ['EmailMessageRelations', 'EmailMessageRelation', 'RelationId'],
  ],
  Lead: [
    ['Tasks', 'Task', 'WhoId'],
    ['Events', 'Event', 'WhoId'],
    ['EmailMessageRelations', 'EmailMessageRelation', 'RelationId'],
  ],
  Opportunity: [
    ['Tasks', 'Task', 'WhatId'],
    ['Events', 'Event', 'WhatId'],
    ['OpportunityContactRoles', 'OpportunityContactRole', 'OpportunityId'],
    ['Emails', 'EmailMessage', 'RelatedToId'],
  ],
  EmailMessage: [['EmailMessageRelations', 'EmailMessageRelation', 'EmailMessageId']],
  User: [['EmailMessageRelations', 'EmailMessageRelation', 'RelationId']],
};

function kindOf(type: string, name: string, raw: string, hasRelationship: boolean): FieldKind {
  if (name === 'Id') return 'id';
  if (raw === 'junction') return 'junctionidlist';
  if (raw === 'boolean') return 'boolean';
  if (raw === 'Address') return 'address';
  if (raw === 'DateString') return DATE_ONLY.has(name) ? 'date' : 'datetime';
  if (raw === 'number') {
    if (name === 'Amount' || name === 'AnnualRevenue') return 'currency';
    if (name === 'Probability') return 'percent';
    if (
      name === 'NumberOfEmployees' ||
      name === 'DurationInMinutes' ||
      name.startsWith('Recurrence') ||
      name.endsWith('Count') ||
      name.startsWith('Fiscal')
    )
      return 'int';
    return 'double';
  }
  if (hasRelationship || /Id$/.test(name)) return 'reference';
  if (PICKLISTS[`${type}.${name}`]) return 'picklist';
  if (
    name === 'Description' ||
    name === 'TextBody' ||
    name === 'HtmlBody' ||
    name.endsWith('Street') ||
    name === 'Headers'
  )
    return 'textarea';
  if (name === 'Email' || (type === 'EmailMessage' && name === 'FromAddress')) return 'email';
  if (/Phone$|^Fax$/.test(name)) return 'phone';
  if (name === 'Website' || name.endsWith('Url')) return 'url';
  return 'string';
}

/**
 * Text fields whose documented length is not the default for their type (Salesforce field reference, EmailMessage:
 * Subject 3000, To/Cc/Bcc addresses 4000, From name and address 1000;
 * https://developer.salesforce.com/docs/atlas.en-us.sfFieldRef.meta/sfFieldRef/salesforce_field_reference_EmailMessage.htm).
 */
const FIELD_LENGTHS: Readonly<Record<string, number>> = {
  'EmailMessage.Subject': 3000,
  'EmailMessage.ToAddress': 4000,
  'EmailMessage.CcAddress': 4000,
  'EmailMessage.BccAddress': 4000,
  'EmailMessage.FromName': 1000,
  'EmailMessage.FromAddress': 1000,
};

function lengthOf(kind: FieldKind, name: string): number {
  if (kind === 'id' || kind === 'reference') return 18;
  if (kind === 'textarea') return name.endsWith('Body') ? 131072 : 32000;
  if (kind === 'string' || kind === 'email' || kind === 'phone' || kind === 'url' || kind === 'picklist') return 255;
  return 0;
}

function build(type: SObjectType): SObjectDef {
  const raw = RAW_SOBJECTS[type];
  if (!raw) throw new Error(`no field list for ${type}`);
  const parents = new Map<string, string>();
  for (const p of raw.parents.split(',').filter(Boolean)) {
    const [rel, target] = p.split('>') as [string, string];
    parents.set(rel, target);
  }
  const specs = [raw.fields, EXTRA_FIELDS[type] ?? ''].join(',').split(',').filter(Boolean);
  const derived = new Set(DERIVED_FIELDS[type] ?? []);
  const createOnly = new Set(CREATE_ONLY[type] ?? []);
  const uniqueExternal = new Set(UNIQUE_EXTERNAL_IDS[type] ?? []);
  const fields: FieldDef[] = [];
  for (const spec of specs) {
    const [name, rawType] = spec.split(':') as [string, string];
    const nillable = !rawType.endsWith('!');
    const t = rawType.replace('!', '');
    const relName = name.endsWith('Id') && name !== 'Id' ? name.slice(0, -2) : null;
    const target = relName ? parents.get(relName) : undefined;
    let referenceTo: string[] = [];
    let polymorphic = false;
    if (relName && target) {
      if (target === 'Name') {
        referenceTo = POLYMORPHIC_TARGETS[`${type}.${relName}`] ?? [];
        polymorphic = true;
      } else if (SERVED.has(target)) {
        referenceTo = [target];
      }
    }
    const kind = kindOf(type, name, t, referenceTo.length > 0);
    const picklist = PICKLISTS[`${type}.${name}`];
    const writable = !SYSTEM_FIELDS.has(name) && !derived.has(name) && kind !== 'address';
    fields.push({
      name,
      kind,
      nillable,
      createable: writable,
      updateable: writable && !createOnly.has(name),
      referenceTo,
      relationshipName: referenceTo.length > 0 && relName ? relName : null,
      polymorphic,
      picklist: picklist ? picklist.values : null,
      restrictedPicklist: picklist?.restricted ?? false,
      length: FIELD_LENGTHS[`${type}.${name}`] ?? lengthOf(kind, name),
      custom: name.endsWith('__c'),
      externalId: uniqueExternal.has(name),
      unique: uniqueExternal.has(name),
    });
  }
  const byName = new Map(fields.map((f) => [f.name.toLowerCase(), f]));
  const byRelationship = new Map<string, FieldDef>();
  for (const f of fields) if (f.relationshipName) byRelationship.set(f.relationshipName.toLowerCase(), f);
  const children = new Map<string, ChildRelationship>();
  for (const [relationshipName, childType, field] of CHILDREN[type] ?? []) {
    children.set(relationshipName.toLowerCase(), { relationshipName, childType, field });
  }
  const [label, labelPlural] = LABELS[type];
  return {
    name: type,
    keyPrefix: KEY_PREFIX[type],
    label,
    labelPlural,
    fields,
    byName,
    byRelationship,
    children,
    requiredOnCreate: REQUIRED[type],
  };
}

const DEFS = new Map<string, SObjectDef>(SOBJECT_TYPES.map((t) => [t.toLowerCase(), build(t)]));

/** Looks an object up case-insensitively, as the API does. */
export function findSObject(name: string): SObjectDef | undefined {
  return DEFS.get(name.toLowerCase());
}

export function sobjectDef(type: SObjectType): SObjectDef {
  const def = DEFS.get(type.toLowerCase());
  if (!def) throw new Error(`unknown sObject ${type}`);
  return def;
}

export function isSObjectType(name: string): name is SObjectType {
  return (SOBJECT_TYPES as readonly string[]).includes(name);
}

export function typeForId(id: string): SObjectType | undefined {
  const prefix = id.slice(0, 3);
  return SOBJECT_TYPES.find((t) => KEY_PREFIX[t] === prefix);
}
