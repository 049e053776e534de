/**
 * GET /query and /queryAll with server-side cursors. Pages hold `batchSize` rows (Sforce-Query-Options, 200–2000,
 * default 2000); `nextRecordsUrl` is `/services/data/vXX.X/query/{locator}-{offset}` — one path segment, because
 * jsforce keeps only the last segment when it follows it.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query.htm
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_queryoptions.htm
 */
import express, { type Request, type Response, type Router } from 'express';
import { type SandboxContext, restState } from './context.js';
import { SalesforceApiError, malformedQuery } from './errors.js';
import { KEY_PREFIX } from './ids.js';
import type { Org } from './org.js';
import { type OutputRecord, executeSoql } from './soql/evaluate.js';

const DEFAULT_BATCH = 2000;
const MIN_BATCH = 200;
const CURSOR_IDLE_MS = 15 * 60_000;

interface Cursor {
  orgId: string;
  records: OutputRecord[];
  batchSize: number;
  lastUsed: number;
}

export class QueryCursors {
  private readonly cursors = new Map<string, Cursor>();
  private counter = 0;

  constructor(private readonly now: () => number) {}

  open(org: Org, records: OutputRecord[], batchSize: number): string {
    this.counter++;
    const locator = `${KEY_PREFIX.QueryLocator}${org.id.slice(3, 5)}${String(this.counter).padStart(10, '0')}AAA`;
    this.cursors.set(locator, { orgId: org.id, records, batchSize, lastUsed: this.now() });
    return locator;
  }

  get(org: Org, locator: string): Cursor {
    const cursor = this.cursors.get(locator);
    if (!cursor || cursor.orgId !== org.id || this.now() - cursor.lastUsed > CURSOR_IDLE_MS) {
      this.cursors.delete(locator);
      throw new SalesforceApiError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    }
    cursor.lastUsed = this.now();
    return cursor;
  }
}

/** `Sforce-Query-Options: batchSize=N`; Salesforce treats it as a hint within 200..2000. */
export function batchSizeFrom(req: Request): number | null {
  const header = req.header('sforce-query-options');
  const m = header ? /batchSize\s*=\s*(\d+)/i.exec(header) : null;
  if (!m) return null;
  return Math.min(DEFAULT_BATCH, Math.max(MIN_BATCH, Number(m[1])));
}

function page(
  version: string,
  locator: string | null,
  records: OutputRecord[],
  offset: number,
  batch: number,
  totalSize: number,
): Record<string, unknown> {
  const slice = records.slice(offset, offset + batch);
  const nextOffset = offset + slice.length;
  const done = nextOffset >= records.length;
  return {
    totalSize,
    done,
    ...(done || !locator ? {} : { nextRecordsUrl: `/services/data/v${version}/query/${locator}-${nextOffset}` }),
    records: slice,
  };
}

/**
 * The one PermissionSetAssignment query closeloop's admin sign-in sends (`AssigneeId = '<id>' AND
 * PermissionSet.PermissionsModifyAllData = true`). The sandbox keeps no permission sets: the org's admin user holds
 * Modify All Data (System Administrator profile), everyone else does not.
 * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_permissionsetassignment.htm
 */
function permissionGrants(org: Org, soql: string): OutputRecord[] | null {
  if (!/\bFROM\s+PermissionSetAssignment\b/i.test(soql)) return null;
  const m =
    /^\s*SELECT\s+Id\s+FROM\s+PermissionSetAssignment\s+WHERE\s+AssigneeId\s*=\s*'([A-Za-z0-9]{15,18})'\s+AND\s+PermissionSet\.PermissionsModifyAllData\s*=\s*true(?:\s+LIMIT\s+\d+)?\s*$/i.exec(
      soql,
    );
  if (!m) throw malformedQuery('the sandbox answers only the Modify All Data PermissionSetAssignment query');
  if (!org.modifyAllDataUsers.has(m[1]!)) return [];
  return [
    {
      attributes: {
        type: 'PermissionSetAssignment',
        url: `/services/data/v62.0/sobjects/PermissionSetAssignment/0Pa${m[1]!.slice(3)}`,
      },
      Id: `0Pa${m[1]!.slice(3)}`,
    } as unknown as OutputRecord,
  ];
}

export function queryRouter(ctx: SandboxContext): Router {
  const r = express.Router({ mergeParams: true });

  const run =
    (includeDeleted: boolean) =>
    (req: Request, res: Response): void => {
      const { org, apiVersion } = restState(res);
      const q = req.query.q;
      if (typeof q !== 'string' || q.trim() === '') throw malformedQuery('A query string has to be specified');
      const grants = permissionGrants(org, q);
      if (grants) {
        res.json({ totalSize: grants.length, done: true, records: grants });
        return;
      }
      const outcome = executeSoql(q, {
        store: org.store,
        now: ctx.now(),
        includeDeleted,
        apiVersion,
        enforceFieldAccess: true,
      });
      if (outcome.isCount) {
        res.json({ totalSize: outcome.totalSize, done: true, records: [] });
        return;
      }
      const batch = batchSizeFrom(req) ?? DEFAULT_BATCH;
      const locator = outcome.records.length > batch ? ctx.cursors.open(org, outcome.records, batch) : null;
      res.json(page(apiVersion, locator, outcome.records, 0, batch, outcome.totalSize));
    };

  const more = (req: Request, res: Response): void => {
    const { org, apiVersion } = restState(res);
    const raw = String(req.params.locator);
    const dash = raw.lastIndexOf('-');
    const locator = dash > 0 ? raw.slice(0, dash) : raw;
    const offset = dash > 0 ? Number(raw.slice(dash + 1)) : 0;
    if (!Number.isInteger(offset) || offset < 0)
      throw new SalesforceApiError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    const cursor = ctx.cursors.get(org, locator);
    const batch = batchSizeFrom(req) ?? cursor.batchSize;
    res.json(page(apiVersion, locator, cursor.records, offset, batch, cursor.records.length));
  };

  r.get('/query', run(false));
  r.get('/queryAll', run(true));
  r.get('/query/:locator', more);
  r.get('/queryAll/:locator', more);
  return r;
}
