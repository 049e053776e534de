import type { CanonicalRecord, ObjectKind } from '../../src/core/canonical.js';
import type { ChangePage, Checkpoint } from '../../src/core/connector.js';
import { InvalidCursorError } from '../../src/core/errors.js';
import { toSalesforceError, type SalesforceClient } from './client.js';
import { bulk2QueryPages } from './bulk2.js';
import { SALESFORCE_KEY_PREFIX, SALESFORCE_LIMITS, salesforceManifest } from './manifest.js';
import {
  coerceCsvRow,
  fetchSourceByIds,
  mapRows,
  selectFor,
  sourcesFor,
  type SalesforceSource,
} from './sobject-queries.js';
import { withVisibleFields } from './visible-fields.js';
import { SalesforceGetDeletedResponse, SalesforceId, parseOrThrow } from './schemas.js';
import { soqlDateTime, soqlId } from './soql.js';
import { isoDateTime } from './mappers/common.js';

export interface SalesforceSyncOptions {
  now: () => number;
  /** Rows per keyset page. */
  pageSize: number;
  /** A first backfill larger than this (SELECT COUNT()) goes through Bulk API 2.0. */
  bulkThreshold: number;
  /**
   * Records modified in the last `settleMs` are left for the next run: SystemModstamp is stamped inside the
   * transaction, so a long transaction can commit a record whose stamp is older than rows we already passed.
   */
  settleMs: number;
  /** Bulk job status polls: the first after bulkPollInitialMs, then doubling up to bulkPollIntervalMs. */
  bulkPollInitialMs: number;
  bulkPollIntervalMs: number;
  bulkPollTimeoutMs: number;
  /** Bulk API 2.0 results page size (maxRecords); null lets Salesforce choose. */
  bulkMaxRecords: number | null;
}

export const defaultSyncOptions = (): SalesforceSyncOptions => ({
  now: Date.now,
  pageSize: SALESFORCE_LIMITS.pageSize,
  bulkThreshold: SALESFORCE_LIMITS.bulkBackfillThreshold,
  settleMs: 60_000,
  bulkPollInitialMs: 500,
  bulkPollIntervalMs: 5_000,
  bulkPollTimeoutMs: 30 * 60_000,
  bulkMaxRecords: SALESFORCE_LIMITS.bulkMaxRecords,
});

/**
 * Checkpoint, one set of keys per source sObject (a kind can have two, e.g. contact = Contact + Lead):
 * `<S>.modstamp` / `<S>.lastId`: keyset anchor, the last (SystemModstamp, Id) stored; modstamp null = backfill not
 * finished.
 * `<S>.deletedFrom`: start of the next getDeleted window.
 */
const key = (s: SalesforceSource, k: 'modstamp' | 'lastId' | 'deletedFrom') => `${s.sobject}.${k}`;
const CHECKPOINT_VERSION = 1;

function readCheckpoint(sources: SalesforceSource[], since: Checkpoint, kind: ObjectKind): Checkpoint {
  if (since.v !== CHECKPOINT_VERSION)
    throw new InvalidCursorError(
      `salesforce ${kind}: checkpoint version ${String(since.v)} is not ${CHECKPOINT_VERSION}`,
    );
  for (const s of sources) {
    const modstamp = since[key(s, 'modstamp')];
    const deletedFrom = since[key(s, 'deletedFrom')];
    const lastId = since[key(s, 'lastId')];
    const valid =
      (modstamp === null || (typeof modstamp === 'string' && !Number.isNaN(Date.parse(modstamp)))) &&
      typeof deletedFrom === 'string' &&
      !Number.isNaN(Date.parse(deletedFrom)) &&
      (lastId === null || typeof lastId === 'string');
    if (!valid) throw new InvalidCursorError(`salesforce ${kind}: checkpoint for ${s.sobject} is malformed`);
  }
  return { ...since };
}

/** Keyset condition after (modstamp, lastId): `SystemModstamp > t OR (SystemModstamp = t AND Id > id)`. */
function afterAnchor(modstamp: string | null, lastId: string | null): string | null {
  if (modstamp === null) return null;
  const t = soqlDateTime(modstamp);
  return lastId
    ? `SystemModstamp > ${t} OR (SystemModstamp = ${t} AND Id > ${soqlId(lastId)})`
    : `SystemModstamp > ${t}`;
}

/**
 * Incremental read of one canonical kind (see BEHAVIOR.md "Polling"):
 * 1. First run only: the first query has no LIMIT, so its totalSize counts the backfill; above the threshold the
 *    backfill is a Bulk API 2.0 query job (that first answer then costs what a COUNT() would have).
 * 2. Keyset pages `WHERE SystemModstamp > t OR (= t AND Id > id) ORDER BY SystemModstamp, Id LIMIT n`, re-anchored
 *    on the last row of each page rather than following nextRecordsUrl: a locator expires after ~15 minutes idle
 *    and cannot be stored, a keyset anchor can, so every page is a resumable checkpoint.
 * 3. Later runs: getDeleted since the previous run, reported in the last page; a window older than 30 days
 *    cannot be read and throws InvalidCursorError (the caller resyncs).
 */
export async function* listChanges(
  client: SalesforceClient,
  kind: ObjectKind,
  since: Checkpoint | null,
  opts: SalesforceSyncOptions,
): AsyncGenerator<ChangePage> {
  const sources = sourcesFor(kind);
  const runStart = Math.floor(opts.now() / 1000) * 1000;
  const upTo = soqlDateTime(runStart - opts.settleMs);
  const runStartIso = new Date(runStart).toISOString();
  const cp: Checkpoint =
    since === null
      ? Object.fromEntries([
          ['v', CHECKPOINT_VERSION],
          ...sources.flatMap((s) => [
            [key(s, 'modstamp'), null],
            [key(s, 'lastId'), null],
            [key(s, 'deletedFrom'), runStartIso],
          ]),
        ])
      : readCheckpoint(sources, since, kind);

  // Fail before reading anything when the deletion window can no longer be covered.
  for (const s of sources) {
    const from = Date.parse(cp[key(s, 'deletedFrom')] as string);
    if (runStart - from > SALESFORCE_LIMITS.replicationWindowMs) {
      throw new InvalidCursorError(
        `salesforce ${kind}: last deletion check of ${s.sobject} is older than 30 days; full resync needed`,
        {
          provider: salesforceManifest.id,
          where: `GET /sobjects/${s.sobject}/deleted`,
        },
      );
    }
  }

  for (const s of sources) {
    const where = `query ${s.sobject}`;
    // A first run's first query has no LIMIT: its totalSize is the whole backfill (the bulk decision, with no
    // COUNT() call of its own) and its first batch (up to 2,000 rows) is the first keyset page.
    let first = cp[key(s, 'modstamp')] === null;
    for (;;) {
      const anchor = afterAnchor(cp[key(s, 'modstamp')] as string | null, cp[key(s, 'lastId')] as string | null);
      const page = await withVisibleFields(client, s.sobject, where, opts.now, (fields) =>
        client.query(
          selectFor(s, {
            where: [anchor, `SystemModstamp <= ${upTo}`],
            orderBy: ['SystemModstamp ASC', 'Id ASC'],
            ...(first ? {} : { limit: opts.pageSize }),
            fields,
          }),
          where,
        ),
      );
      if (first && page.totalSize > opts.bulkThreshold) {
        yield* bulkBackfill(client, s, upTo, cp, opts);
        // Everything up to `upTo` came from the bulk job: the next run's keyset paging starts after it.
        cp[key(s, 'modstamp')] = isoDateTime(upTo);
        cp[key(s, 'lastId')] = null;
        break;
      }
      const rows = page.records.slice(0, opts.pageSize);
      const last = rows.at(-1) as { Id?: unknown; SystemModstamp?: unknown } | undefined;
      const records = await mapRows(client, s.sobject, rows, where);
      if (last && typeof last.Id === 'string' && typeof last.SystemModstamp === 'string') {
        cp[key(s, 'modstamp')] = isoDateTime(last.SystemModstamp);
        cp[key(s, 'lastId')] = last.Id;
      } else if (cp[key(s, 'modstamp')] === null) {
        // Empty object: nothing to page; later runs start after `upTo`.
        cp[key(s, 'modstamp')] = isoDateTime(upTo);
      }
      if (records.length > 0) yield { records, deleted: [], checkpoint: { ...cp }, done: false };
      // Finished when the query answered everything it had and this page held all of it; a batch the server cut
      // short (done false) or a full LIMIT page goes on from the new anchor.
      if (page.done && page.records.length === rows.length && (first || rows.length < opts.pageSize)) break;
      first = false;
    }
  }

  const deleted: ChangePage['deleted'] = [];
  if (since !== null) {
    for (const s of sources) {
      const from = Date.parse(cp[key(s, 'deletedFrom')] as string);
      // getDeleted works in whole minutes; a shorter window waits for the next run.
      if (runStart - from < SALESFORCE_LIMITS.replicationMinWindowMs) continue;
      const where = `GET /sobjects/${s.sobject}/deleted`;
      // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_getdeleted.htm
      const body = parseOrThrow(
        SalesforceGetDeletedResponse,
        await client.call(
          where,
          (c) => c.sobject(s.sobject).deleted(new Date(from), new Date(runStart)) as unknown as Promise<unknown>,
        ),
        where,
      );
      if (Date.parse(isoDateTime(body.earliestDateAvailable) as string) > from) {
        throw new InvalidCursorError(
          `salesforce ${kind}: ${s.sobject} deletions before ${body.earliestDateAvailable} were purged; full resync needed`,
          {
            provider: salesforceManifest.id,
            where,
          },
        );
      }
      for (const d of body.deletedRecords) deleted.push({ kind, externalId: d.id });
      cp[key(s, 'deletedFrom')] = isoDateTime(body.latestDateCovered);
    }
  }
  yield { records: [], deleted, checkpoint: { ...cp }, done: true };
}

/**
 * First backfill of a large object through Bulk API 2.0 (one query job instead of thousands of REST pages;
 * https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/queries.htm), read page by page
 * through the results locator (./bulk2.ts; not jsforce's bulk2.query, which crashes on multi-page results). Results
 * arrive unordered, so pages carry the pre-backfill checkpoint: an interrupted backfill starts over (upserts are
 * idempotent). Memory holds two results pages at most: the one being stored and the next, downloading.
 */
async function* bulkBackfill(
  client: SalesforceClient,
  s: SalesforceSource,
  upTo: string,
  cp: Checkpoint,
  opts: SalesforceSyncOptions,
): AsyncGenerator<ChangePage> {
  const where = `bulk2 query ${s.sobject}`;
  const start = (fields: readonly string[]) =>
    bulk2QueryPages(client, selectFor(s, { where: [`SystemModstamp <= ${upTo}`], fields }), where, {
      pollInitialMs: opts.bulkPollInitialMs,
      pollIntervalMs: opts.bulkPollIntervalMs,
      pollTimeoutMs: opts.bulkPollTimeoutMs,
      maxRecords: opts.bulkMaxRecords,
    });
  try {
    // The job's creation checks the query, a field hidden from the user included: that happens at the first page,
    // before anything was yielded, so the job may start over without that field.
    let pages: ReturnType<typeof start> | null = null;
    const head = await withVisibleFields(client, s.sobject, where, opts.now, (fields) => {
      pages = start(fields);
      return pages.next();
    });
    const job = pages as unknown as ReturnType<typeof start>;
    try {
      if (!head.done) yield* rowsToPages(head.value.rows);
      for await (const page of job) yield* rowsToPages(page.rows);
    } finally {
      // A consumer that stops early ends the job's generator too (it deletes the job).
      await job.return(undefined);
    }
  } catch (err) {
    throw toSalesforceError(err, { where, now: opts.now() });
  }

  async function* rowsToPages(rows: Record<string, string>[]): AsyncGenerator<ChangePage> {
    for (let i = 0; i < rows.length; i += opts.pageSize) {
      yield {
        records: await mapRows(
          client,
          s.sobject,
          rows.slice(i, i + opts.pageSize).map((r) => coerceCsvRow(r)),
          where,
        ),
        deleted: [],
        checkpoint: { ...cp },
        done: false,
      };
    }
  }
}

/** fetchByIds: ids are routed to their sObject by key prefix, then read with `WHERE Id IN (...)` in chunks of 200. */
export async function fetchByIds(
  client: SalesforceClient,
  kind: ObjectKind,
  ids: string[],
): Promise<CanonicalRecord[]> {
  const out: CanonicalRecord[] = [];
  // A string that is not a 15/18-character id cannot name a record: it is absent, and never reaches SOQL.
  const valid = ids.filter((id) => SalesforceId.safeParse(id).success);
  for (const source of sourcesFor(kind)) {
    const prefix = SALESFORCE_KEY_PREFIX[source.sobject as keyof typeof SALESFORCE_KEY_PREFIX];
    const mine = valid.filter((id) => id.slice(0, 3) === prefix);
    if (mine.length > 0) out.push(...(await fetchSourceByIds(client, source, mine)));
  }
  return out;
}
