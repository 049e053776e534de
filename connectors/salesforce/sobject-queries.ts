import type { z } from 'zod';
import type { CanonicalRecord, ObjectKind } from '../../src/core/canonical.js';
import { chunk } from '../kit/paginate.js';
import type { SalesforceClient } from './client.js';
import {
  SALESFORCE_FIELDS,
  SALESFORCE_FIELD_TYPES,
  SALESFORCE_KEY_PREFIX,
  SALESFORCE_KIND_SOURCES,
  SALESFORCE_LIMITS,
  type SalesforceSObjectName,
} from './manifest.js';
import { leadToContact, toContact } from './mappers/to-contact.js';
import { toCompany } from './mappers/to-company.js';
import { contactIdsByRole, toDeal } from './mappers/to-deal.js';
import { toEmailActivity, toEventActivity, toTaskActivity } from './mappers/to-activity.js';
import {
  SalesforceAccountRecord,
  SalesforceContactRecord,
  SalesforceEmailMessageRecord,
  SalesforceEmailMessageRelationRow,
  SalesforceEventRecord,
  SalesforceLeadRecord,
  SalesforceOpportunityContactRoleRow,
  SalesforceOpportunityRecord,
  SalesforceQueryResponse,
  SalesforceTaskRecord,
  parseOrThrow,
} from './schemas.js';
import { buildSelect, soqlIdList } from './soql.js';
import { withVisibleFields } from './visible-fields.js';

/** One source of canonical records: an sObject plus the constant condition that narrows it to a kind. */
export interface SalesforceSource {
  sobject: SalesforceSObjectName;
  where: string | null;
}

export function sourcesFor(kind: ObjectKind): SalesforceSource[] {
  return SALESFORCE_KIND_SOURCES[kind];
}

/** The sObject an id belongs to, from its key prefix (null for prefixes we do not sync). */
export function sobjectOfId(id: string): SalesforceSObjectName | null {
  const prefix = id.slice(0, 3);
  for (const [name, p] of Object.entries(SALESFORCE_KEY_PREFIX)) {
    if (p === prefix && Object.hasOwn(SALESFORCE_FIELDS, name)) return name as SalesforceSObjectName;
  }
  return null;
}

/** Canonical kinds a source sObject can produce (Task → task and call). */
export function kindsOfSObject(sobject: SalesforceSObjectName): ObjectKind[] {
  return (Object.keys(SALESFORCE_KIND_SOURCES) as ObjectKind[]).filter((k) =>
    SALESFORCE_KIND_SOURCES[k].some((s) => s.sobject === sobject),
  );
}

const RECORD_SCHEMAS: Record<SalesforceSObjectName, z.ZodType> = {
  Contact: SalesforceContactRecord,
  Lead: SalesforceLeadRecord,
  Account: SalesforceAccountRecord,
  Opportunity: SalesforceOpportunityRecord,
  Task: SalesforceTaskRecord,
  Event: SalesforceEventRecord,
  EmailMessage: SalesforceEmailMessageRecord,
};

/**
 * SELECT over the manifest's field list for a source (or `extra.fields`, the ones the connected user can see:
 * visible-fields.ts), with extra (already escaped) conditions.
 */
export function selectFor(
  source: SalesforceSource,
  extra: { where?: (string | null)[]; orderBy?: string[]; limit?: number; fields?: readonly string[] } = {},
): string {
  return buildSelect({
    fields: extra.fields ?? SALESFORCE_FIELDS[source.sobject],
    from: source.sobject,
    where: [source.where, ...(extra.where ?? [])],
    ...(extra.orderBy ? { orderBy: extra.orderBy } : {}),
    ...(extra.limit !== undefined ? { limit: extra.limit } : {}),
  });
}

/** Runs a SOQL query and follows nextRecordsUrl to the end (small junction reads only). */
async function queryAllRows(client: SalesforceClient, soql: string, where: string): Promise<unknown[]> {
  const rows: unknown[] = [];
  let page = await client.query(soql, where);
  rows.push(...page.records);
  while (!page.done && page.nextRecordsUrl) {
    // jsforce keeps only the locator (last path segment) of nextRecordsUrl.
    const locator = page.nextRecordsUrl.split('/').pop() as string;
    const body = await client.call(where, (c) => c.queryMore(locator) as unknown as Promise<unknown>);
    page = parseOrThrow(SalesforceQueryResponse, body, where);
    rows.push(...page.records);
  }
  return rows;
}

/**
 * OpportunityContactRole rows → contact ids per opportunity, primary contact role first, then by role
 * (`contactIdsByRole`). SOQL without ORDER BY has no defined order: `CreatedDate, Id` keeps ties stable between reads.
 */
async function contactRolesOf(client: SalesforceClient, ids: string[]): Promise<Map<string, string[]>> {
  const rows = new Map<string, SalesforceOpportunityContactRoleRow[]>();
  for (const part of chunk(ids, SALESFORCE_LIMITS.idsPerQuery)) {
    const soql = buildSelect({
      fields: ['OpportunityId', 'ContactId', 'Role', 'IsPrimary'],
      from: 'OpportunityContactRole',
      where: [`OpportunityId IN ${soqlIdList(part)}`],
      orderBy: ['CreatedDate', 'Id'],
    });
    const where = 'query OpportunityContactRole';
    for (const raw of await queryAllRows(client, soql, where)) {
      const row = parseOrThrow(SalesforceOpportunityContactRoleRow, raw, where);
      if (!row.ContactId) continue;
      rows.set(row.OpportunityId, [...(rows.get(row.OpportunityId) ?? []), row]);
    }
  }
  return new Map([...rows].map(([opp, list]) => [opp, contactIdsByRole(list)]));
}

/**
 * The opportunities of OpportunityContactRole rows (by role id): a role added, changed or restored changes who is on
 * its opportunity, which is then re-read. A role already deleted again is simply missing.
 */
export async function opportunitiesOfContactRoles(
  client: SalesforceClient,
  roleIds: string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const part of chunk([...new Set(roleIds)], SALESFORCE_LIMITS.idsPerQuery)) {
    const soql = buildSelect({
      fields: ['Id', 'OpportunityId'],
      from: 'OpportunityContactRole',
      where: [`Id IN ${soqlIdList(part)}`],
    });
    const where = 'query OpportunityContactRole by id';
    for (const raw of await queryAllRows(client, soql, where)) {
      const row = parseOrThrow(SalesforceOpportunityContactRoleRow, raw, where);
      const id = (raw as { Id?: unknown }).Id;
      if (typeof id === 'string') out.set(id, row.OpportunityId);
    }
  }
  return out;
}

/** EmailMessageRelation rows → Contact/Lead ids per email (User relations are dropped). */
async function emailRecipientsOf(client: SalesforceClient, ids: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const personPrefixes: string[] = [SALESFORCE_KEY_PREFIX.Contact, SALESFORCE_KEY_PREFIX.Lead];
  for (const part of chunk(ids, SALESFORCE_LIMITS.idsPerQuery)) {
    const soql = buildSelect({
      fields: ['EmailMessageId', 'RelationId', 'RelationObjectType'],
      from: 'EmailMessageRelation',
      where: [`EmailMessageId IN ${soqlIdList(part)}`],
    });
    const where = 'query EmailMessageRelation';
    for (const raw of await queryAllRows(client, soql, where)) {
      const row = parseOrThrow(SalesforceEmailMessageRelationRow, raw, where);
      if (!row.RelationId || !personPrefixes.includes(row.RelationId.slice(0, 3))) continue;
      const list = out.get(row.EmailMessageId) ?? [];
      if (!list.includes(row.RelationId)) list.push(row.RelationId);
      out.set(row.EmailMessageId, list);
    }
  }
  return out;
}

/**
 * Parses raw rows of one sObject, reads the junction rows that carry their associations (one extra query per
 * 200 Opportunities or EmailMessages), and maps them to canonical records.
 */
export async function mapRows(
  client: SalesforceClient,
  sobject: SalesforceSObjectName,
  rows: unknown[],
  where: string,
): Promise<CanonicalRecord[]> {
  const ctx = { instanceUrl: client.instanceUrl };
  const parsed = rows.map((r) => parseOrThrow(RECORD_SCHEMAS[sobject], r, where) as { Id: string });
  if (parsed.length === 0) return [];
  const ids = parsed.map((r) => r.Id);
  switch (sobject) {
    case 'Contact':
      return (parsed as SalesforceContactRecord[]).map((r) => toContact(r, ctx));
    case 'Lead':
      return (parsed as SalesforceLeadRecord[]).map((r) => leadToContact(r, ctx));
    case 'Account':
      return (parsed as SalesforceAccountRecord[]).map((r) => toCompany(r, ctx));
    case 'Opportunity': {
      const roles = await contactRolesOf(client, ids);
      return (parsed as SalesforceOpportunityRecord[]).map((r) =>
        toDeal(r, ctx, { contactIds: roles.get(r.Id) ?? [] }),
      );
    }
    case 'Task':
      return (parsed as SalesforceTaskRecord[]).map((r) => toTaskActivity(r, ctx));
    case 'Event':
      return (parsed as SalesforceEventRecord[]).map((r) => toEventActivity(r, ctx));
    case 'EmailMessage': {
      const recipients = await emailRecipientsOf(client, ids);
      return (parsed as SalesforceEmailMessageRecord[]).map((r) =>
        toEmailActivity(r, ctx, { contactIds: recipients.get(r.Id) ?? [] }),
      );
    }
  }
}

/** Bulk API 2.0 CSV gives every value as a string ("" for null): restore nulls, booleans and numbers before parsing. */
export function coerceCsvRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (value === '' || value === null || value === undefined) {
      out[key] = null;
      continue;
    }
    const type = SALESFORCE_FIELD_TYPES[key];
    if (type === 'boolean' && typeof value === 'string') out[key] = value.toLowerCase() === 'true';
    else if (type === 'number' && typeof value === 'string') out[key] = Number(value);
    else out[key] = value;
  }
  return out;
}

/** Reads records by id (`WHERE Id IN (...)`, 200 per query) from one source; absent ids are simply missing. */
export async function fetchSourceByIds(
  client: SalesforceClient,
  source: SalesforceSource,
  ids: string[],
  now: () => number = Date.now,
): Promise<CanonicalRecord[]> {
  const out: CanonicalRecord[] = [];
  const where = `query ${source.sobject} by id`;
  for (const part of chunk([...new Set(ids)], SALESFORCE_LIMITS.idsPerQuery)) {
    const rows = await withVisibleFields(client, source.sobject, where, now, (fields) =>
      queryAllRows(client, selectFor(source, { where: [`Id IN ${soqlIdList(part)}`], fields }), where),
    );
    out.push(...(await mapRows(client, source.sobject, rows, where)));
  }
  return out;
}
