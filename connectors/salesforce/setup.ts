import type { ObjectKind } from '../../src/core/canonical.js';
import type { SalesforceClient } from './client.js';
import { SALESFORCE_IDEMPOTENCY_FIELD } from './manifest.js';
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

/**
 * The install check (BEHAVIOR.md "Setup check"): describe Task and EmailMessage as the connected user and confirm
 * `Closeloop_Key__c` exists, is an External ID + Unique field, and is writable by that user (describe reflects
 * field-level security). Each problem is one sentence naming the object, the field and the fix; none = ready.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_describe.htm
 */
export async function checkSetup(client: SalesforceClient): Promise<string[]> {
  const problems: string[] = [];
  for (const sobject of WRITTEN) {
    const where = `GET /sobjects/${sobject}/describe`;
    const describe = await client.call(
      where,
      (c) => c.sobject(sobject).describe() as unknown as Promise<{ fields: DescribedField[] }>,
    );
    const field = describe.fields.find((f) => f.name.toLowerCase() === SALESFORCE_IDEMPOTENCY_FIELD.toLowerCase());
    const name = `${sobject}.${SALESFORCE_IDEMPOTENCY_FIELD}`;
    if (!field) {
      problems.push(
        `${name} is missing: deploy deploy/salesforce (sf project deploy start) or create it${sobject === 'Task' ? ' on Activity' : ''} as Text(255), External ID, Unique; write-backs wait until it exists.`,
      );
      continue;
    }
    if (!field.externalId || !field.unique)
      problems.push(
        `${name} exists but is not External ID + Unique: a retried write could create a second ${sobject === 'Task' ? 'task' : 'draft'}; recreate it from deploy/salesforce.`,
      );
    if (!field.createable || !field.updateable)
      problems.push(
        `${name} is not writable by the connected user: assign the Closeloop_Integration permission set (deploy/salesforce) to that user.`,
      );
  }
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
