import type { ObjectKind } from '../../src/core/canonical.js';
import type { SetupReport } from '../../src/core/connector.js';
import type { SalesforceClient } from './client.js';
import { SALESFORCE_FIELDS, SALESFORCE_IDEMPOTENCY_FIELD, type SalesforceSObjectName } from './manifest.js';
import { sourcesFor } from './sobject-queries.js';
import { buildCount, buildSelect, soqlId } from './soql.js';

/** The sObjects a write-back writes, each with the idempotency field it needs. */
const WRITTEN = ['Task', 'EmailMessage'] as const;

interface DescribedField {
  name: string;
  createable?: boolean;
  updateable?: boolean;
  externalId?: boolean;
  unique?: boolean;
}

/** What a field hidden from the connected user costs, in RevOps' words (default: "it reads as empty"). */
const HIDDEN_COST: Readonly<Record<string, string>> = {
  'Opportunity.Amount': 'amounts read as empty, so budget-risk suggestions stop',
  'Opportunity.CloseDate': 'close dates read as empty, so overdue and budget-risk suggestions lose their dates',
  'Opportunity.StageName': 'stages read as empty, so stale-deal suggestions cannot tell where a deal stands',
  'Opportunity.Probability': 'win probabilities read as empty',
  'Opportunity.OwnerId': 'deal owners read as empty, so tasks are written unassigned',
  'Contact.Email': 'contact email addresses read as empty, so drafts have no recipient',
  'Lead.Email': 'lead email addresses read as empty, so drafts have no recipient',
  'Task.Description': 'task notes read as empty, so suggestions miss what they say',
  'Event.Description': 'meeting notes read as empty, so suggestions miss what they say',
  'EmailMessage.TextBody': 'email bodies read as empty, so suggestions miss what customers wrote',
};

/**
 * The install check (BEHAVIOR.md "Setup check"): describe Task and EmailMessage as the connected user and confirm
 * `Closeloop_Key__c` exists, is an External ID + Unique field, and is writable by that user (describe reflects
 * field-level security). Each problem is one sentence naming the object, the field and the fix; none = ready.
 * Then every field closeloop reads that describe omits (hidden by field-level security: visible-fields.ts reads it
 * as null) is a warning naming what is lost and the fix; warnings park nothing.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_describe.htm
 */
export async function checkSetup(client: SalesforceClient): Promise<SetupReport> {
  const problems: string[] = [];
  const warnings: string[] = [];
  for (const sobject of Object.keys(SALESFORCE_FIELDS) as SalesforceSObjectName[]) {
    const where = `GET /sobjects/${sobject}/describe`;
    const describe = await client.call(
      where,
      (c) => c.sobject(sobject).describe() as unknown as Promise<{ fields: DescribedField[] }>,
    );
    const visible = new Set(describe.fields.map((f) => f.name.toLowerCase()));
    for (const f of SALESFORCE_FIELDS[sobject]) {
      if (visible.has(f.toLowerCase())) continue;
      const name = `${sobject}.${f}`;
      warnings.push(
        `${name} is not visible to the integration user: ${HIDDEN_COST[name] ?? 'it reads as empty'}; grant read access in the permission set (Closeloop_Integration) or the user's profile.`,
      );
    }
    if ((WRITTEN as readonly string[]).includes(sobject)) problems.push(...keyProblems(sobject, describe.fields));
  }
  return { issues: problems, warnings };
}

/** What is wrong with `Closeloop_Key__c` on a written sObject, one sentence each. */
function keyProblems(sobject: SalesforceSObjectName, fields: DescribedField[]): string[] {
  const problems: string[] = [];
  const field = fields.find((f) => f.name.toLowerCase() === SALESFORCE_IDEMPOTENCY_FIELD.toLowerCase());
  const name = `${sobject}.${SALESFORCE_IDEMPOTENCY_FIELD}`;
  if (!field)
    return [
      `${name} is missing: deploy deploy/salesforce (sf project deploy start) or create it${sobject === 'Task' ? ' on Activity' : ''} as Text(255), External ID, Unique; write-backs wait until it exists.`,
    ];
  if (!field.externalId || !field.unique)
    problems.push(
      `${name} exists but is not External ID + Unique: a retried write could create a second ${sobject === 'Task' ? 'task' : 'draft'}; recreate it from deploy/salesforce.`,
    );
  if (!field.createable || !field.updateable)
    problems.push(
      `${name} is not writable by the connected user: assign the Closeloop_Integration permission set (deploy/salesforce) to that user.`,
    );
  return problems;
}

/** `SELECT COUNT()` per source sObject of a kind, summed (the backfill completeness check). */
export async function countRecords(client: SalesforceClient, kind: ObjectKind): Promise<number> {
  let n = 0;
  for (const s of sourcesFor(kind))
    n += (await client.query(buildCount({ from: s.sobject, where: [s.where] }), `query ${s.sobject} count`)).totalSize;
  return n;
}

/** Every id of a kind, keyset-paged by Id (2,000 per call): the repair step of the completeness check. */
export async function* listIds(client: SalesforceClient, kind: ObjectKind): AsyncGenerator<string[]> {
  for (const s of sourcesFor(kind)) {
    let after: string | null = null;
    for (;;) {
      const soql = buildSelect({
        fields: ['Id'],
        from: s.sobject,
        where: [s.where, after ? `Id > ${soqlId(after)}` : null],
        orderBy: ['Id ASC'],
        limit: 2000,
      });
      const page = await client.query(soql, `query ${s.sobject} ids`);
      const ids = page.records.map((r) => String((r as { Id?: unknown }).Id));
      if (ids.length) yield ids;
      if (ids.length < 2000) break;
      after = ids.at(-1)!;
    }
  }
}
