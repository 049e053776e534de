import { PermissionMissingError, isCloseloopError } from '../../src/core/errors.js';
import type { SalesforceClient } from './client.js';
import { SALESFORCE_FIELDS, SALESFORCE_LIMITS, salesforceManifest, type SalesforceSObjectName } from './manifest.js';

/**
 * Field-level security on reads (BEHAVIOR.md "Field-level security"). A field the connected user's profile and
 * permission sets do not make visible does not exist for that user: describe omits it and a SOQL or Bulk API query
 * naming it fails whole with INVALID_FIELD "No such column 'Amount' on entity 'Opportunity'". One hidden optional
 * field (an Opportunity's Amount, a Contact's Phone) would otherwise stop every read of that sObject.
 *
 * So a read that fails that way drops the named field and runs again; the record then comes back without it and
 * maps to null there. The dropped fields are remembered per connection for `SALESFORCE_LIMITS.hiddenFieldsTtlMs`
 * (one failed query per hidden field, not one per poll), then tried again in case an admin granted access. A field
 * the read cannot do without (Id, SystemModstamp, IsDeleted, or one the query filters on) is not dropped: that is a
 * PermissionMissingError naming the field and the fix.
 */

const REQUIRED = new Set(['id', 'systemmodstamp', 'isdeleted']);

interface Hidden {
  fields: Set<string>;
  until: number;
}
const hiddenByConnection = new Map<string, Hidden>();

const keyOf = (client: SalesforceClient, sobject: SalesforceSObjectName) =>
  `${client.connectionId}|${client.instanceUrl}|${sobject}`;

/** The column a query named that the user cannot see (`No such column 'X' on entity 'Y'`), else null. */
export function hiddenColumnOf(err: unknown): { column: string; entity: string } | null {
  const seen = new Set<unknown>();
  let e: unknown = err;
  // Our errors wrap jsforce's; the message is on both, but only read what the API said.
  while (e instanceof Error && !seen.has(e)) {
    seen.add(e);
    const m = /No such column '([A-Za-z0-9_]+)' on entity '([A-Za-z0-9_]+)'/.exec(e.message);
    if (m) return { column: m[1]!, entity: m[2]! };
    e = isCloseloopError(e) ? e.cause : undefined;
  }
  return null;
}

/** The manifest's fields of `sobject` minus those this connection cannot see. */
export function visibleFields(client: SalesforceClient, sobject: SalesforceSObjectName, now: number): string[] {
  const all = SALESFORCE_FIELDS[sobject];
  const hidden = hiddenByConnection.get(keyOf(client, sobject));
  if (!hidden) return [...all];
  if (hidden.until <= now) {
    hiddenByConnection.delete(keyOf(client, sobject));
    return [...all];
  }
  return all.filter((f) => !hidden.fields.has(f.toLowerCase()));
}

/**
 * Runs a read over the visible fields of `sobject`; when the API answers that one of them does not exist for this
 * user, drops it and runs the read again (at most once per field). `run` must not have handed anything on before it
 * throws (a query's first page, a Bulk job's creation): the read starts over.
 */
export async function withVisibleFields<T>(
  client: SalesforceClient,
  sobject: SalesforceSObjectName,
  where: string,
  now: () => number,
  run: (fields: readonly string[]) => Promise<T>,
): Promise<T> {
  for (;;) {
    const fields = visibleFields(client, sobject, now());
    try {
      return await run(fields);
    } catch (err) {
      dropHiddenOrThrow(client, sobject, fields, where, now(), err);
    }
  }
}

function dropHiddenOrThrow(
  client: SalesforceClient,
  sobject: SalesforceSObjectName,
  fields: readonly string[],
  where: string,
  now: number,
  err: unknown,
): void {
  const hidden = hiddenColumnOf(err);
  if (!hidden || hidden.entity.toLowerCase() !== sobject.toLowerCase()) throw err;
  const field = fields.find((f) => f.toLowerCase() === hidden.column.toLowerCase());
  // Not one we selected (it is in a filter), or one no read can do without: an admin has to grant it.
  if (!field || REQUIRED.has(field.toLowerCase())) {
    throw new PermissionMissingError(
      `${where}: the connected Salesforce user cannot see ${sobject}.${hidden.column} (field-level security); ` +
        `make it Visible for that user (profile or the Closeloop_Integration permission set)`,
      { provider: salesforceManifest.id, where, cause: err },
    );
  }
  const key = keyOf(client, sobject);
  const entry = hiddenByConnection.get(key);
  if (entry && entry.until > now) entry.fields.add(field.toLowerCase());
  else
    hiddenByConnection.set(key, {
      fields: new Set([field.toLowerCase()]),
      until: now + SALESFORCE_LIMITS.hiddenFieldsTtlMs,
    });
}
