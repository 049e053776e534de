import { z } from 'zod';
import {
  InvalidCursorError,
  NotFoundError,
  ProviderRejectedError,
  type CanonicalRecord,
  type ChangePage,
  type Checkpoint,
  type ConnectionContext,
  type ObjectKind,
} from '../../src/core/index.js';
import { chunk } from '../kit/paginate.js';
import { requestHubspot, type HubspotClientOptions } from './client.js';
import {
  HUBSPOT_ASSOCIATED_KINDS,
  HUBSPOT_LANE,
  HUBSPOT_LAST_MODIFIED_PROPERTY,
  HUBSPOT_LIMITS,
  HUBSPOT_OBJECT_TYPE,
  HUBSPOT_PROPERTIES,
  HUBSPOT_PROVIDER,
  hubspotManifest,
  type HubspotLane,
} from './manifest.js';
import { toRecord } from './mappers/to-record.js';
import {
  HubspotAssociationBatchResponse,
  HubspotAssociationPage,
  HubspotBatchReadResponse,
  HubspotListPage,
  HubspotObject,
  HubspotSearchPage,
} from './schemas.js';

export interface HubspotSyncOptions extends HubspotClientOptions {
  /** Records per list/search page (≤ 100). */
  pageSize?: number;
  /** How often a finished incremental run also sweeps archived (deleted, merged-away) records. Default 1 h. */
  archivedSweepMs?: number;
}

/**
 * Resume point. backfill: list endpoint, `after` = its id cursor, `since` = when the backfill began.
 * incremental: search keyset. Everything up to (`since`, `tieId`) in (last-modified, id) order has been read;
 * `tieId` null means nothing at exactly `since` is known read (so the next query is `>= since`), a value means
 * a tie scan over records modified exactly at `since` is under way (ids above it are still to read).
 * `sweptAt`: when the archived sweep last started; `sweepAfter`: its list cursor while one is under way.
 */
export const HubspotCheckpoint = z.object({
  phase: z.enum(['backfill', 'incremental', 'sweep']),
  since: z.number().int().nonnegative(),
  after: z.string().min(1).nullable(),
  tieId: z.string().min(1).nullable().optional(),
  sweptAt: z.number().int().nonnegative().nullable().optional(),
});
export type HubspotCheckpoint = z.infer<typeof HubspotCheckpoint>;

const toCheckpoint = (c: HubspotCheckpoint): Checkpoint => ({
  phase: c.phase,
  since: c.since,
  after: c.after,
  tieId: c.tieId ?? null,
  sweptAt: c.sweptAt ?? null,
});

function readCheckpoint(since: Checkpoint | null, now: number): HubspotCheckpoint {
  if (since === null) return { phase: 'backfill', since: now, after: null, tieId: null, sweptAt: now };
  const parsed = HubspotCheckpoint.safeParse(since);
  if (!parsed.success) {
    throw new InvalidCursorError(`hubspot checkpoint is not readable: ${JSON.stringify(since)}`, {
      provider: HUBSPOT_PROVIDER,
    });
  }
  return parsed.data;
}

interface Deps {
  ctx: ConnectionContext;
  kind: ObjectKind;
  pageSize: number;
  opts: HubspotSyncOptions;
  now: () => number;
}

/** One provider call through the shared request path (pacing, one forced refresh on 401, error mapping). */
const call = <S extends z.ZodType>(
  d: Deps,
  where: string,
  schema: S,
  fn: Parameters<typeof requestHubspot>[3],
  lane: HubspotLane = HUBSPOT_LANE.burst,
) => requestHubspot(d.ctx, where, schema, fn, { ...d.opts, lane, idempotent: true });

/** An invalid or expired paging cursor answers 400; the loop turns INVALID_CURSOR into a full resync. */
function asCursorError(err: unknown, after: string | null, where: string): unknown {
  if (after !== null && err instanceof ProviderRejectedError) {
    return new InvalidCursorError(`${where}: cursor "${after}" was rejected (${err.message})`, {
      provider: HUBSPOT_PROVIDER,
      where,
      status: err.status,
      providerRequestId: err.providerRequestId,
      cause: err,
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

type Block = Record<string, { results: { id: string; type?: string }[] }>;

/**
 * The rest of one record's associations of one type, past the first page.
 * https://developers.hubspot.com/docs/api-reference/crm-associations-v4/basic/get-crm-v4-objects-objectType-objectId-associations-toObjectType
 */
async function remainingAssociations(d: Deps, from: string, id: string, to: string, after: string): Promise<string[]> {
  const where = `GET /crm/v4/objects/${from}/{id}/associations/${to}`;
  const ids: string[] = [];
  let cursor: string | null = after;
  while (cursor !== null) {
    const at: string = cursor;
    const page = await call(d, where, HubspotAssociationPage, (client) =>
      client.crm.associations.v4.basicApi.getPage(from, id, to, at, HUBSPOT_LIMITS.associationPageSize),
    );
    ids.push(...page.results.map((r) => r.toObjectId));
    const next = page.paging?.next?.after ?? null;
    if (next === at)
      throw new InvalidCursorError(`${where}: cursor did not advance (${at})`, { provider: HUBSPOT_PROVIDER, where });
    cursor = next;
  }
  return ids;
}

/** Inline association blocks of list/read answers stop at 100 ids with a `paging` inside: follow it. */
async function completeInlineAssociations(d: Deps, records: HubspotObject[]): Promise<HubspotObject[]> {
  const from = HUBSPOT_OBJECT_TYPE[d.kind];
  const out: HubspotObject[] = [];
  for (const r of records) {
    const block = r.associations;
    const truncated = block ? Object.entries(block).filter(([, v]) => v.paging?.next?.after) : [];
    if (!block || truncated.length === 0) {
      out.push(r);
      continue;
    }
    const full: NonNullable<HubspotObject['associations']> = { ...block };
    for (const [to, v] of truncated) {
      const more = await remainingAssociations(d, from, r.id, to, v.paging!.next!.after);
      full[to] = { results: [...v.results, ...more.map((id) => ({ id }))] };
    }
    out.push({ ...r, associations: full });
  }
  return out;
}

/**
 * Associations for records that came without them (search and batch read do not return associations).
 * https://developers.hubspot.com/docs/api-reference/crm-associations-v4/batch/post-crm-v4-associations-fromObjectType-toObjectType-batch-read
 * One call per associated object type; ids without associations come back as 207 errors, which mean "none".
 * A row holding more associations than one page carries its own `paging`: followed per record.
 */
export async function attachAssociations(d: Deps, records: HubspotObject[]): Promise<HubspotObject[]> {
  if (records.length === 0) return records;
  const from = HUBSPOT_OBJECT_TYPE[d.kind];
  const byRecord = new Map<string, Block>();
  for (const target of HUBSPOT_ASSOCIATED_KINDS[d.kind]) {
    const to = HUBSPOT_OBJECT_TYPE[target];
    const where = `POST /crm/v4/associations/${from}/${to}/batch/read`;
    for (const ids of chunk(
      records.map((r) => r.id),
      HUBSPOT_LIMITS.associationBatchSize,
    )) {
      const res = await call(d, where, HubspotAssociationBatchResponse, (client) =>
        client.crm.associations.v4.batchApi.getPage(from, to, { inputs: ids.map((id) => ({ id })) }),
      );
      for (const row of res.results) {
        const block = byRecord.get(row.from.id) ?? {};
        const existing = block[to]?.results ?? [];
        const more = row.paging?.next?.after
          ? await remainingAssociations(d, from, row.from.id, to, row.paging.next.after)
          : [];
        block[to] = {
          results: [...existing, ...row.to.map((t) => ({ id: t.toObjectId })), ...more.map((id) => ({ id }))],
        };
        byRecord.set(row.from.id, block);
      }
    }
  }
  return records.map((r) => ({ ...r, associations: { ...(byRecord.get(r.id) ?? {}), ...(r.associations ?? {}) } }));
}

/**
 * First run: every record through the list endpoint, `after` paging (an id cursor), associations inline.
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
    const cursor = after;
    const page = await call(d, where, HubspotListPage, (client) =>
      client.crm.objects.basicApi.getPage(
        type,
        d.pageSize,
        cursor ?? undefined,
        [...HUBSPOT_PROPERTIES[d.kind]],
        undefined,
        associations,
        false,
      ),
    ).catch((err: unknown) => {
      throw asCursorError(err, cursor, where);
    });
    const next = page.paging?.next?.after ?? null;
    if (next !== null && next === cursor)
      throw new InvalidCursorError(`${where}: cursor did not advance (${cursor})`, {
        provider: HUBSPOT_PROVIDER,
        where,
      });
    const records = mapAll(d, await completeInlineAssociations(d, page.results));
    if (next === null) {
      const since = Math.max(0, cp.since - HUBSPOT_LIMITS.searchLagMs);
      yield {
        records,
        deleted: [],
        checkpoint: toCheckpoint({
          phase: 'incremental',
          since,
          after: null,
          tieId: null,
          sweptAt: cp.sweptAt ?? cp.since,
        }),
        done: true,
      };
      return;
    }
    after = next;
    yield { records, deleted: [], checkpoint: toCheckpoint({ ...cp, phase: 'backfill', after }), done: false };
  }
}

/**
 * The search body for one incremental page. Keyset, never `after` offsets (an offset shifts when a record
 * moves while we page, and stops at 10,000): either everything modified at or after `since`, sorted by the
 * stamp, or (a tie scan) the records modified exactly at `since` with an id above `tieId`, sorted by id.
 */
export function buildSearchRequest(
  kind: ObjectKind,
  since: number,
  tieId: string | null,
  limit: number,
  inclusive = true,
) {
  const stamp = HUBSPOT_LAST_MODIFIED_PROPERTY[kind];
  if (tieId !== null) {
    return {
      filterGroups: [
        {
          filters: [
            { propertyName: stamp, operator: 'EQ', value: String(since) },
            { propertyName: 'hs_object_id', operator: 'GT', value: tieId },
          ],
        },
      ],
      sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
      properties: [...HUBSPOT_PROPERTIES[kind]],
      limit,
    };
  }
  return {
    filterGroups: [{ filters: [{ propertyName: stamp, operator: inclusive ? 'GTE' : 'GT', value: String(since) }] }],
    sorts: [{ propertyName: stamp, direction: 'ASCENDING' }],
    properties: [...HUBSPOT_PROPERTIES[kind]],
    limit,
  };
}

/**
 * Later runs: the search endpoint, paged by keyset on (last-modified, id).
 * https://developers.hubspot.com/docs/api-reference/search/guide
 * Each page restarts from the last stamp read (`>=`, so records sharing it are read again; upserts make that
 * harmless). When a whole page shares one stamp, no stamp filter can move past it: a tie scan reads that
 * millisecond by id (`= stamp AND hs_object_id > last id`), then the scan continues with `> stamp`.
 */
async function* incremental(d: Deps, cp: HubspotCheckpoint): AsyncGenerator<ChangePage> {
  const type = HUBSPOT_OBJECT_TYPE[d.kind];
  const where = `POST /crm/v3/objects/${type}/search`;
  let since = cp.since;
  let tieId = cp.tieId ?? null;
  let inclusive = true;
  let newest = since;
  const sweptAt = cp.sweptAt ?? null;
  for (;;) {
    const body = buildSearchRequest(d.kind, since, tieId, d.pageSize, inclusive);
    const page = await call(
      d,
      where,
      HubspotSearchPage,
      // The client's model types `sorts` as string[]; the API takes {propertyName, direction} objects, which its
      // serializer passes through.
      (client) =>
        client.crm.objects.searchApi.doSearch(
          type,
          body as unknown as Parameters<typeof client.crm.objects.searchApi.doSearch>[1],
        ),
      HUBSPOT_LANE.search,
    );
    const records = mapAll(d, await attachAssociations(d, page.results));
    const full = page.results.length >= d.pageSize;
    const stamps = page.results.map((r) => stampOf(d.kind, r)).filter(Number.isFinite);
    newest = Math.max(newest, ...stamps);

    if (tieId !== null) {
      // Tie scan over one millisecond, by id.
      if (full) {
        tieId = page.results[page.results.length - 1]!.id;
      } else {
        tieId = null;
        inclusive = false;
      }
      yield {
        records,
        deleted: [],
        checkpoint: toCheckpoint({ phase: 'incremental', since, after: null, tieId, sweptAt }),
        done: false,
      };
      continue;
    }
    if (!full) {
      // Search lags writes by a few seconds: the next run re-reads the last window instead of trusting it.
      const next = Math.max(cp.since, newest - HUBSPOT_LIMITS.searchLagMs);
      yield {
        records,
        deleted: [],
        checkpoint: toCheckpoint({ phase: 'incremental', since: next, after: null, tieId: null, sweptAt }),
        done: !dueForSweep(d, sweptAt),
      };
      if (dueForSweep(d, sweptAt))
        yield* sweepArchived(d, { phase: 'sweep', since: next, after: null, tieId: null, sweptAt });
      return;
    }
    const last = stamps.length > 0 ? stamps[stamps.length - 1]! : since;
    if (last <= since && inclusive) {
      // A whole page at one stamp: read that millisecond by id.
      tieId = '0';
    } else {
      since = last;
      inclusive = true;
    }
    yield {
      records,
      deleted: [],
      checkpoint: toCheckpoint({ phase: 'incremental', since, after: null, tieId, sweptAt }),
      done: false,
    };
  }
}

const dueForSweep = (d: Deps, sweptAt: number | null) =>
  sweptAt === null || d.now() - sweptAt >= (d.opts.archivedSweepMs ?? HUBSPOT_LIMITS.archivedSweepMs);

/**
 * Search never returns archived records, and deletions without a webhook (or with a lost one) would linger:
 * a periodic sweep lists archived records and reports those archived since the previous sweep as deleted.
 * Merged-away records are archived too, so they leave with the same sweep.
 * https://developers.hubspot.com/docs/api-reference/crm-objects-v3/basic/get-crm-v3-objects-objectType (archived=true)
 */
async function* sweepArchived(d: Deps, cp: HubspotCheckpoint): AsyncGenerator<ChangePage> {
  const type = HUBSPOT_OBJECT_TYPE[d.kind];
  const where = `GET /crm/v3/objects/${type}?archived=true`;
  const previous = cp.since;
  // Archived since the previous sweep (its start, minus the lag), so each sweep reports a window, not history.
  const cutoff = Math.max(0, (cp.sweptAt ?? 0) - HUBSPOT_LIMITS.searchLagMs);
  const startedAt = d.now();
  let after = cp.after;
  for (;;) {
    const cursor = after;
    const page = await call(d, where, HubspotListPage, (client) =>
      client.crm.objects.basicApi.getPage(
        type,
        d.pageSize,
        cursor ?? undefined,
        [HUBSPOT_LAST_MODIFIED_PROPERTY[d.kind]],
        undefined,
        undefined,
        true,
      ),
    ).catch((err: unknown) => {
      throw asCursorError(err, cursor, where);
    });
    const deleted = page.results
      .filter((r) => {
        const at = r.archivedAt ? Date.parse(r.archivedAt) : Date.parse(r.updatedAt);
        return !Number.isFinite(at) || at >= cutoff;
      })
      .map((r) => ({ kind: d.kind, externalId: r.id }));
    const next = page.paging?.next?.after ?? null;
    if (next === null || next === cursor) {
      yield {
        records: [],
        deleted,
        checkpoint: toCheckpoint({
          phase: 'incremental',
          since: previous,
          after: null,
          tieId: null,
          sweptAt: startedAt,
        }),
        done: true,
      };
      return;
    }
    after = next;
    yield { records: [], deleted, checkpoint: toCheckpoint({ ...cp, after }), done: false };
  }
}

/** Incremental reads for one kind, page by page, with the checkpoint to store after each page. */
export function listChanges(
  ctx: ConnectionContext,
  kind: ObjectKind,
  since: Checkpoint | null,
  opts: HubspotSyncOptions = {},
): AsyncIterable<ChangePage> {
  const now = opts.now ?? Date.now;
  const pageSize = Math.min(opts.pageSize ?? hubspotManifest.pageSize, hubspotManifest.pageSize);
  const d: Deps = { ctx, kind, pageSize, opts, now };
  return {
    async *[Symbol.asyncIterator]() {
      const cp = readCheckpoint(since, now());
      if (cp.phase === 'backfill') yield* backfill(d, cp);
      else if (cp.phase === 'sweep') yield* sweepArchived(d, cp);
      else yield* incremental(d, cp);
    },
  };
}

/**
 * Records by id. A few ids (fewer than 1 + the number of associated kinds, the usual webhook) are read one GET
 * each with their associations inline: one call per record instead of a batch read plus one association batch
 * read per associated kind, which is what a webhook spends most of the account's budget on. More ids: batch read
 * (≤ 100 per call), then associations. Missing ids (a 404, or a 207's `errors`) are simply absent from the result.
 * https://developers.hubspot.com/docs/api-reference/crm-objects-v3/basic/get-crm-v3-objects-objectType-objectId
 * https://developers.hubspot.com/docs/api-reference/crm-objects-v3/batch/post-crm-v3-objects-objectType-batch-read
 */
export async function fetchByIds(
  ctx: ConnectionContext,
  kind: ObjectKind,
  ids: string[],
  opts: HubspotSyncOptions = {},
): Promise<CanonicalRecord[]> {
  const now = opts.now ?? Date.now;
  const d: Deps = { ctx, kind, pageSize: hubspotManifest.pageSize, opts, now };
  const type = HUBSPOT_OBJECT_TYPE[kind];
  const unique = [...new Set(ids.filter((id) => id.trim() !== ''))];
  const associated = HUBSPOT_ASSOCIATED_KINDS[kind].map((k) => HUBSPOT_OBJECT_TYPE[k]);
  if (unique.length > 0 && unique.length < 1 + associated.length) {
    const where = `GET /crm/v3/objects/${type}/{id}`;
    const got = await Promise.all(
      unique.map(async (id) => {
        try {
          return await call(d, where, HubspotObject, (client) =>
            client.crm.objects.basicApi.getById(type, id, [...HUBSPOT_PROPERTIES[kind]], undefined, associated, false),
          );
        } catch (err) {
          if (err instanceof NotFoundError) return null;
          throw err;
        }
      }),
    );
    return mapAll(
      d,
      await completeInlineAssociations(
        d,
        got.filter((r): r is HubspotObject => r !== null),
      ),
    );
  }
  const where = `POST /crm/v3/objects/${type}/batch/read`;
  const out: CanonicalRecord[] = [];
  for (const batch of chunk(unique, HUBSPOT_LIMITS.batchReadSize)) {
    const res = await call(d, where, HubspotBatchReadResponse, (client) =>
      client.crm.objects.batchApi.read(
        type,
        { inputs: batch.map((id) => ({ id })), properties: [...HUBSPOT_PROPERTIES[kind]], propertiesWithHistory: [] },
        false,
      ),
    );
    out.push(...mapAll(d, await attachAssociations(d, res.results)));
  }
  return out;
}
