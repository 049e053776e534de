import { z } from 'zod';
import {
  InvalidCursorError,
  ProviderRejectedError,
  type CanonicalRecord,
  type ChangePage,
  type Checkpoint,
  type ConnectionContext,
  type ObjectKind,
} from '../../src/core/index.js';
import { chunk } from '../kit/paginate.js';
import { callHubspot, createHubspotClient, type HubspotClientOptions } from './client.js';
import {
  HUBSPOT_ASSOCIATED_KINDS,
  HUBSPOT_LAST_MODIFIED_PROPERTY,
  HUBSPOT_LIMITS,
  HUBSPOT_OBJECT_TYPE,
  HUBSPOT_PROPERTIES,
  HUBSPOT_PROVIDER,
  hubspotManifest,
} from './manifest.js';
import { toRecord } from './mappers/to-record.js';
import {
  HubspotAssociationBatchResponse,
  HubspotBatchReadResponse,
  HubspotListPage,
  HubspotSearchPage,
  type HubspotObject,
} from './schemas.js';

export interface HubspotSyncOptions extends HubspotClientOptions {
  /** Records per list/search page (≤ 100). */
  pageSize?: number;
}

/**
 * Resume point. `since` is an epoch-ms last-modified stamp; `after` the provider cursor within the current phase.
 * backfill: list endpoint, `since` = when the backfill started (the first search starts there).
 * incremental: search endpoint, filter `lastmodified >= since`, sorted ascending.
 */
export const HubspotCheckpoint = z.object({
  phase: z.enum(['backfill', 'incremental']),
  since: z.number().int().nonnegative(),
  after: z.string().min(1).nullable(),
});
export type HubspotCheckpoint = z.infer<typeof HubspotCheckpoint>;

const toCheckpoint = (c: HubspotCheckpoint): Checkpoint => ({ phase: c.phase, since: c.since, after: c.after });

function readCheckpoint(since: Checkpoint | null, now: number): HubspotCheckpoint {
  if (since === null) return { phase: 'backfill', since: now, after: null };
  const parsed = HubspotCheckpoint.safeParse(since);
  if (!parsed.success) {
    throw new InvalidCursorError(`hubspot checkpoint is not readable: ${JSON.stringify(since)}`, { provider: HUBSPOT_PROVIDER });
  }
  return parsed.data;
}

interface Deps { ctx: ConnectionContext; kind: ObjectKind; pageSize: number; opts: HubspotSyncOptions; now: () => number }

/** A fresh client per request: a backfill can outlive a 30-minute access token, and getAccessToken refreshes ahead of expiry. */
const clientFor = (d: Deps) => createHubspotClient(d.ctx, d.opts);

/** An invalid or expired paging cursor answers 400; the loop turns INVALID_CURSOR into a full resync. */
function asCursorError(err: unknown, after: string | null, where: string): unknown {
  if (after !== null && err instanceof ProviderRejectedError) {
    return new InvalidCursorError(`${where}: cursor "${after}" was rejected (${err.message})`, {
      provider: HUBSPOT_PROVIDER, where, status: err.status, providerRequestId: err.providerRequestId, cause: err,
    });
  }
  return err;
}

/** Epoch-ms last-modified stamp of a record: the property when present, else the record's updatedAt. */
function stampOf(kind: ObjectKind, r: HubspotObject): number {
  const raw = r.properties[HUBSPOT_LAST_MODIFIED_PROPERTY[kind]];
  if (raw) {
    const ms = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
    if (Number.isFinite(ms)) return ms;
  }
  return Date.parse(r.updatedAt);
}

const mapAll = (d: Deps, records: HubspotObject[]): CanonicalRecord[] =>
  records.map((r) => toRecord(d.kind, r, { portalId: d.ctx.accountId }));

/**
 * Associations for records that came without them (search and batch read do not return associations).
 * https://developers.hubspot.com/docs/api-reference/crm-associations-v4/batch/post-crm-v4-associations-fromObjectType-toObjectType-batch-read
 * One call per associated object type; ids without associations come back as 207 errors, which mean "none".
 * A record with more associations than one page returns is truncated to that page (see BEHAVIOR.md).
 */
export async function attachAssociations(d: Deps, records: HubspotObject[]): Promise<HubspotObject[]> {
  if (records.length === 0) return records;
  const from = HUBSPOT_OBJECT_TYPE[d.kind];
  const byRecord = new Map<string, Record<string, { results: { id: string; type?: string }[] }>>();
  for (const target of HUBSPOT_ASSOCIATED_KINDS[d.kind]) {
    const to = HUBSPOT_OBJECT_TYPE[target];
    const where = `POST /crm/v4/associations/${from}/${to}/batch/read`;
    for (const ids of chunk(records.map((r) => r.id), HUBSPOT_LIMITS.associationBatchSize)) {
      const client = await clientFor(d);
      const res = await callHubspot(where, HubspotAssociationBatchResponse,
        () => client.crm.associations.v4.batchApi.getPage(from, to, { inputs: ids.map((id) => ({ id })) }), { now: d.now });
      for (const row of res.results) {
        const block = byRecord.get(row.from.id) ?? {};
        const existing = block[to]?.results ?? [];
        block[to] = { results: [...existing, ...row.to.map((t) => ({ id: t.toObjectId }))] };
        byRecord.set(row.from.id, block);
      }
    }
  }
  return records.map((r) => ({ ...r, associations: { ...(byRecord.get(r.id) ?? {}), ...(r.associations ?? {}) } }));
}

/**
 * First run: every record through the list endpoint, `after` paging, associations inline.
 * https://developers.hubspot.com/docs/api-reference/crm-objects-v3/basic/get-crm-v3-objects-objectType
 * The list endpoint is ordered by id, not by modification, so the incremental phase starts from the moment the
 * backfill began (minus the search lag): anything touched during the backfill is read again by the first search.
 */
async function* backfill(d: Deps, cp: HubspotCheckpoint): AsyncGenerator<ChangePage> {
  const type = HUBSPOT_OBJECT_TYPE[d.kind];
  const where = `GET /crm/v3/objects/${type}`;
  const associations = HUBSPOT_ASSOCIATED_KINDS[d.kind].map((k) => HUBSPOT_OBJECT_TYPE[k]);
  let after = cp.after;
  for (;;) {
    const client = await clientFor(d);
    const cursor = after;
    const page = await callHubspot(where, HubspotListPage,
      () => client.crm.objects.basicApi.getPage(type, d.pageSize, cursor ?? undefined, [...HUBSPOT_PROPERTIES[d.kind]], undefined, associations, false),
      { now: d.now },
    ).catch((err: unknown) => { throw asCursorError(err, cursor, where); });
    const next = page.paging?.next?.after ?? null;
    if (next !== null && next === cursor) throw new InvalidCursorError(`${where}: cursor did not advance (${cursor})`, { provider: HUBSPOT_PROVIDER, where });
    const records = mapAll(d, page.results);
    if (next === null) {
      const since = Math.max(0, cp.since - HUBSPOT_LIMITS.searchLagMs);
      yield { records, deleted: [], checkpoint: toCheckpoint({ phase: 'incremental', since, after: null }), done: true };
      return;
    }
    after = next;
    yield { records, deleted: [], checkpoint: toCheckpoint({ phase: 'backfill', since: cp.since, after }), done: false };
  }
}

/** The search body for one incremental page: lastmodified >= since, oldest first. */
export function buildSearchRequest(kind: ObjectKind, since: number, after: string | null, limit: number) {
  const stamp = HUBSPOT_LAST_MODIFIED_PROPERTY[kind];
  return {
    filterGroups: [{ filters: [{ propertyName: stamp, operator: 'GTE', value: String(since) }] }],
    sorts: [{ propertyName: stamp, direction: 'ASCENDING' }],
    properties: [...HUBSPOT_PROPERTIES[kind]],
    limit,
    ...(after === null ? {} : { after }),
  };
}

/**
 * Later runs: the search endpoint, sorted ascending on the last-modified stamp.
 * https://developers.hubspot.com/docs/api-reference/search/guide
 */
async function* incremental(d: Deps, cp: HubspotCheckpoint): AsyncGenerator<ChangePage> {
  const type = HUBSPOT_OBJECT_TYPE[d.kind];
  const where = `POST /crm/v3/objects/${type}/search`;
  let anchor = cp.since;
  let after = cp.after;
  let newest = anchor;
  let readSinceAnchor = after === null ? 0 : Number(after) || 0;
  for (;;) {
    const client = await clientFor(d);
    const cursor = after;
    const body = buildSearchRequest(d.kind, anchor, cursor, d.pageSize);
    const page = await callHubspot(where, HubspotSearchPage,
      // The client's model types `sorts` as string[]; the API takes {propertyName, direction} objects, which its serializer passes through.
      () => client.crm.objects.searchApi.doSearch(type, body as unknown as Parameters<typeof client.crm.objects.searchApi.doSearch>[1]),
      { now: d.now },
    ).catch((err: unknown) => { throw asCursorError(err, cursor, where); });

    const withAssociations = await attachAssociations(d, page.results);
    const records = mapAll(d, withAssociations);
    const stamps = page.results.map((r) => stampOf(d.kind, r)).filter(Number.isFinite);
    const last = stamps.length > 0 ? stamps[stamps.length - 1]! : anchor;
    newest = Math.max(newest, ...stamps);
    readSinceAnchor += page.results.length;

    const next = page.paging?.next?.after ?? null;
    if (next === null) {
      // Search lags writes by a few seconds: the next run re-reads the last window instead of trusting it.
      const since = Math.max(anchor, newest - HUBSPOT_LIMITS.searchLagMs);
      yield { records, deleted: [], checkpoint: toCheckpoint({ phase: 'incremental', since, after: null }), done: true };
      return;
    }

    // HubSpot search returns at most 10,000 results per query: asking for a page that reaches past it is a
    // 400, not a short page. Before the next page would cross that line, start a new query anchored on the
    // last stamp read (GTE, so records sharing that stamp are read again; upserts make that harmless).
    const offset = Number.isFinite(Number(next)) ? Number(next) : readSinceAnchor;
    if (offset + d.pageSize > HUBSPOT_LIMITS.searchResultCap) {
      if (last <= anchor) {
        // More than 10,000 records share one millisecond (bulk import): no filter can page past them, so only
        // a full list backfill is complete.
        yield { records, deleted: [], checkpoint: toCheckpoint({ phase: 'incremental', since: anchor, after: cursor }), done: false };
        throw new InvalidCursorError(`${where}: over ${HUBSPOT_LIMITS.searchResultCap} records modified at ${new Date(anchor).toISOString()}; full resync needed`, {
          provider: HUBSPOT_PROVIDER, where,
        });
      }
      anchor = last;
      after = null;
      readSinceAnchor = 0;
    } else {
      after = next;
    }
    yield { records, deleted: [], checkpoint: toCheckpoint({ phase: 'incremental', since: anchor, after }), done: false };
  }
}

/** Incremental reads for one kind, page by page, with the checkpoint to store after each page. */
export function listChanges(ctx: ConnectionContext, kind: ObjectKind, since: Checkpoint | null, opts: HubspotSyncOptions = {}): AsyncIterable<ChangePage> {
  const now = opts.now ?? Date.now;
  const pageSize = Math.min(opts.pageSize ?? hubspotManifest.pageSize, hubspotManifest.pageSize);
  const d: Deps = { ctx, kind, pageSize, opts, now };
  return {
    async *[Symbol.asyncIterator]() {
      const cp = readCheckpoint(since, now());
      if (cp.phase === 'backfill') yield* backfill(d, cp);
      else yield* incremental(d, cp);
    },
  };
}

/**
 * Batch read by id (≤ 100 per call), then associations. Missing ids come back in a 207's `errors` and are
 * simply absent from the result.
 * https://developers.hubspot.com/docs/api-reference/crm-objects-v3/batch/post-crm-v3-objects-objectType-batch-read
 */
export async function fetchByIds(ctx: ConnectionContext, kind: ObjectKind, ids: string[], opts: HubspotSyncOptions = {}): Promise<CanonicalRecord[]> {
  const now = opts.now ?? Date.now;
  const d: Deps = { ctx, kind, pageSize: hubspotManifest.pageSize, opts, now };
  const type = HUBSPOT_OBJECT_TYPE[kind];
  const where = `POST /crm/v3/objects/${type}/batch/read`;
  const unique = [...new Set(ids.filter((id) => id.trim() !== ''))];
  const out: CanonicalRecord[] = [];
  for (const batch of chunk(unique, HUBSPOT_LIMITS.batchReadSize)) {
    const client = await clientFor(d);
    const res = await callHubspot(where, HubspotBatchReadResponse,
      () => client.crm.objects.batchApi.read(type, { inputs: batch.map((id) => ({ id })), properties: [...HUBSPOT_PROPERTIES[kind]], propertiesWithHistory: [] }, false),
      { now });
    out.push(...mapAll(d, await attachAssociations(d, res.results)));
  }
  return out;
}
