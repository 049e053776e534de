/**
 * HubSpot-defined association types between the object types the sandbox serves.
 * Ids from @hubspot/api-client `lib/src/enums/AssociationTypes.js`;
 * every id has an inverse so an association written from one side reads back from the other.
 */
import type { ObjectTypeName } from './object-types.js';
import { OBJECT_TYPES } from './object-types.js';

export const HUBSPOT_DEFINED = 'HUBSPOT_DEFINED';
export type AssociationCategory = 'HUBSPOT_DEFINED' | 'USER_DEFINED' | 'INTEGRATOR_DEFINED';

export interface AssociationTypeDef {
  typeId: number;
  from: ObjectTypeName;
  to: ObjectTypeName;
  inverse: number;
  label: string | null;
  /** At most one record on the `to` side may hold a primary type for a given `from` record. */
  isPrimary: boolean;
  /** Name used by v3 `associations` blocks, e.g. `contact_to_company_unlabeled`. */
  v3Name: string;
}

/** Named ids so code never carries magic numbers. */
export const AssociationTypeId = {
  primaryContactToCompany: 1,
  primaryCompanyToContact: 2,
  dealToContact: 3,
  contactToDeal: 4,
  primaryDealToCompany: 5,
  primaryCompanyToDeal: 6,
  parentToChildCompany: 13,
  childToParentCompany: 14,
  companyToCall: 181,
  callToCompany: 182,
  companyToEmail: 185,
  emailToCompany: 186,
  companyToMeeting: 187,
  meetingToCompany: 188,
  companyToNote: 189,
  noteToCompany: 190,
  companyToTask: 191,
  taskToCompany: 192,
  contactToCall: 193,
  callToContact: 194,
  contactToEmail: 197,
  emailToContact: 198,
  contactToMeeting: 199,
  meetingToContact: 200,
  contactToNote: 201,
  noteToContact: 202,
  contactToTask: 203,
  taskToContact: 204,
  dealToCall: 205,
  callToDeal: 206,
  dealToEmail: 209,
  emailToDeal: 210,
  dealToMeeting: 211,
  meetingToDeal: 212,
  dealToNote: 213,
  noteToDeal: 214,
  dealToTask: 215,
  taskToDeal: 216,
  contactToCompany: 279,
  companyToContact: 280,
  dealToCompany: 341,
  companyToDeal: 342,
  callToMeeting: 399,
  meetingToCall: 400,
  contactToContact: 449,
  companyToCompany: 450,
  dealToDeal: 451,
} as const;

type Row = [
  typeId: number,
  from: ObjectTypeName,
  to: ObjectTypeName,
  inverse: number,
  label: string | null,
  isPrimary: boolean,
];
const A = AssociationTypeId;
const ROWS: Row[] = [
  [A.primaryContactToCompany, 'contacts', 'companies', A.primaryCompanyToContact, 'Primary', true],
  [A.primaryCompanyToContact, 'companies', 'contacts', A.primaryContactToCompany, 'Primary', true],
  [A.contactToCompany, 'contacts', 'companies', A.companyToContact, null, false],
  [A.companyToContact, 'companies', 'contacts', A.contactToCompany, null, false],
  [A.dealToContact, 'deals', 'contacts', A.contactToDeal, null, false],
  [A.contactToDeal, 'contacts', 'deals', A.dealToContact, null, false],
  [A.primaryDealToCompany, 'deals', 'companies', A.primaryCompanyToDeal, 'Primary', true],
  [A.primaryCompanyToDeal, 'companies', 'deals', A.primaryDealToCompany, 'Primary', true],
  [A.dealToCompany, 'deals', 'companies', A.companyToDeal, null, false],
  [A.companyToDeal, 'companies', 'deals', A.dealToCompany, null, false],
  [A.parentToChildCompany, 'companies', 'companies', A.childToParentCompany, 'Child Company', false],
  [A.childToParentCompany, 'companies', 'companies', A.parentToChildCompany, 'Parent Company', false],
  [A.contactToContact, 'contacts', 'contacts', A.contactToContact, null, false],
  [A.companyToCompany, 'companies', 'companies', A.companyToCompany, null, false],
  [A.dealToDeal, 'deals', 'deals', A.dealToDeal, null, false],
  [A.callToMeeting, 'calls', 'meetings', A.meetingToCall, null, false],
  [A.meetingToCall, 'meetings', 'calls', A.callToMeeting, null, false],
];
// Engagement <-> contact/company/deal rows follow one pattern: [engagementToX, xToEngagement].
const ENGAGEMENT_IDS: Array<[ObjectTypeName, Record<'contacts' | 'companies' | 'deals', [number, number]>]> = [
  [
    'calls',
    {
      contacts: [A.callToContact, A.contactToCall],
      companies: [A.callToCompany, A.companyToCall],
      deals: [A.callToDeal, A.dealToCall],
    },
  ],
  [
    'emails',
    {
      contacts: [A.emailToContact, A.contactToEmail],
      companies: [A.emailToCompany, A.companyToEmail],
      deals: [A.emailToDeal, A.dealToEmail],
    },
  ],
  [
    'meetings',
    {
      contacts: [A.meetingToContact, A.contactToMeeting],
      companies: [A.meetingToCompany, A.companyToMeeting],
      deals: [A.meetingToDeal, A.dealToMeeting],
    },
  ],
  [
    'notes',
    {
      contacts: [A.noteToContact, A.contactToNote],
      companies: [A.noteToCompany, A.companyToNote],
      deals: [A.noteToDeal, A.dealToNote],
    },
  ],
  [
    'tasks',
    {
      contacts: [A.taskToContact, A.contactToTask],
      companies: [A.taskToCompany, A.companyToTask],
      deals: [A.taskToDeal, A.dealToTask],
    },
  ],
];
for (const [engagement, targets] of ENGAGEMENT_IDS) {
  for (const [target, [forward, backward]] of Object.entries(targets) as Array<[ObjectTypeName, [number, number]]>) {
    ROWS.push([forward, engagement, target, backward, null, false]);
    ROWS.push([backward, target, engagement, forward, null, false]);
  }
}

function v3NameOf(from: ObjectTypeName, to: ObjectTypeName, typeId: number, isPrimary: boolean): string {
  if (typeId === A.parentToChildCompany) return 'parent_to_child_company';
  if (typeId === A.childToParentCompany) return 'child_to_parent_company';
  const base = `${OBJECT_TYPES[from].singular}_to_${OBJECT_TYPES[to].singular}`;
  const pairHasPrimary = ROWS.some(([, f, t, , , p]) => f === from && t === to && p);
  return pairHasPrimary && !isPrimary ? `${base}_unlabeled` : base;
}

const BY_ID = new Map<number, AssociationTypeDef>(
  ROWS.map(([typeId, from, to, inverse, label, isPrimary]) => [
    typeId,
    { typeId, from, to, inverse, label, isPrimary, v3Name: v3NameOf(from, to, typeId, isPrimary) },
  ]),
);

export function associationType(typeId: number): AssociationTypeDef | undefined {
  return BY_ID.get(typeId);
}

/** All HubSpot-defined types from one object type to another (the `labels` endpoint). */
export function associationTypesBetween(from: ObjectTypeName, to: ObjectTypeName): AssociationTypeDef[] {
  return [...BY_ID.values()].filter((d) => d.from === from && d.to === to);
}

/** The unlabeled type `PUT .../associations/default/...` creates; undefined when the pair cannot be associated. */
export function defaultAssociationType(from: ObjectTypeName, to: ObjectTypeName): AssociationTypeDef | undefined {
  return associationTypesBetween(from, to).find((d) => d.label === null);
}

/** Webhook `associationType` string, e.g. `CONTACT_TO_COMPANY`. */
export function webhookAssociationName(def: AssociationTypeDef): string {
  return def.v3Name.replace(/_unlabeled$/, '').toUpperCase();
}
