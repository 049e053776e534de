/**
 * Bulk API 2.0 query jobs: POST /jobs/query → UploadComplete → InProgress → JobComplete (after a short, wall-clock
 * delay), results as CSV pages with `Sforce-Locator` (the string "null" on the last page) and `Sforce-NumberOfRecords`.
 * https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/query_create_job.htm
 * https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/query_get_job_results.htm
 */
import express, { type Request, type Router } from 'express';
import { type SandboxContext, restState } from './context.js';
import { SalesforceApiError } from './errors.js';
import { KEY_PREFIX } from './ids.js';
import type { Org } from './org.js';
import { type ResolvedPath, compileSoql, executeSoql, readPath } from './soql/evaluate.js';
import type { FieldValue, SObjectRecord } from './store.js';
import { formatDateTime, formatIsoZ, parseDateTime } from './time.js';

type JobState = 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';

const DELIMITERS: Readonly<Record<string, string>> = {
  COMMA: ',',
  TAB: '\t',
  PIPE: '|',
  SEMICOLON: ';',
  CARET: '^',
  BACKQUOTE: '`',
};

interface QueryJob {
  id: string;
  org: Org;
  operation: 'query' | 'queryAll';
  query: string;
  object: string;
  createdById: string;
  createdAt: number;
  createdWall: number;
  state: JobState;
  columnDelimiter: string;
  lineEnding: 'LF' | 'CRLF';
  apiVersion: string;
  rows: string[] | null;
  header: string;
  finishedWall: number | null;
}

export interface Bulk2Options {
  /** wall-clock time from creation to JobComplete */
  processingMs: number;
  /**
   * Page size when the client sends no maxRecords. Salesforce chooses it ("based on the service") and it is often
   * far below what a client expects; maxRecords is an upper bound the platform may undercut, so the sandbox also
   * caps pages at this size when the client asks for more (BEHAVIOR.md "Bulk API 2.0").
   */
  defaultMaxRecords: number;
}

function csvCell(value: FieldValue, kind: string): string {
  if (value === null) return '""';
  const text =
    kind === 'datetime' && typeof value === 'string'
      ? formatIsoZ(parseDateTime(value) ?? 0)
      : Array.isArray(value)
        ? value.join(';')
        : String(value);
  return `"${text.replace(/"/g, '""')}"`;
}

const encodeLocator = (offset: number): string => Buffer.from(String(offset)).toString('base64').replace(/=+$/, '');
const decodeLocator = (locator: string): number => Number(Buffer.from(locator, 'base64').toString('utf8'));

export class Bulk2Jobs {
  private readonly jobs = new Map<string, QueryJob>();
  /** Test hook: results pages served before the next one fails with this status (a dropped download). */
  private failAfter: { pages: number; status: number; times: number } | null = null;

  /**
   * Serve `pages` more results pages, then answer the next `times` results requests with `status` (500: a server error
   * mid-download).
   */
  failResultsAfter(pages: number, status = 500, times = 1): void {
    this.failAfter = { pages, status, times };
  }

  constructor(
    private readonly ctx: { now: () => number },
    private readonly opts: Bulk2Options,
  ) {}

  create(org: Org, userId: string, body: Record<string, unknown>, apiVersion: string): QueryJob {
    const operation = body.operation ?? 'query';
    if (operation !== 'query' && operation !== 'queryAll')
      throw new SalesforceApiError(400, 'INVALIDJOB', `Invalid operation: ${String(operation)}`);
    if (typeof body.query !== 'string' || body.query.trim() === '')
      throw new SalesforceApiError(400, 'INVALIDJOB', 'query is required');
    const delimiterName = typeof body.columnDelimiter === 'string' ? body.columnDelimiter : 'COMMA';
    const delimiter = DELIMITERS[delimiterName];
    if (!delimiter) throw new SalesforceApiError(400, 'INVALIDJOB', `Invalid columnDelimiter: ${delimiterName}`);
    const lineEnding = body.lineEnding === 'CRLF' ? 'CRLF' : 'LF';
    const compiled = compileSoql(body.query, org.store);
    if (compiled.hasSubquery || compiled.isCount) {
      throw new SalesforceApiError(
        400,
        'INVALIDJOB',
        'Bulk API 2.0 query jobs do not support nested queries or aggregate functions such as COUNT()',
      );
    }
    org.allowance.bulkQueryJobs++;
    const job: QueryJob = {
      id: org.ids.next(KEY_PREFIX.BulkJob),
      org,
      operation,
      query: body.query,
      object: compiled.type,
      createdById: userId,
      createdAt: this.ctx.now(),
      createdWall: Date.now(),
      state: 'UploadComplete',
      columnDelimiter: delimiterName,
      lineEnding,
      apiVersion,
      rows: null,
      header: '',
      finishedWall: null,
    };
    this.jobs.set(job.id, job);
    return job;
  }

  get(org: Org, id: string): QueryJob {
    const job = this.jobs.get(id);
    if (!job || job.org !== org)
      throw new SalesforceApiError(404, 'NOT_FOUND', 'The requested resource does not exist');
    this.advance(job);
    return job;
  }

  list(org: Org): QueryJob[] {
    return [...this.jobs.values()].filter((j) => j.org === org).map((j) => (this.advance(j), j));
  }

  delete(org: Org, id: string): void {
    this.get(org, id);
    this.jobs.delete(id);
  }

  /** Jobs progress by wall-clock time so polling clients see InProgress before JobComplete. */
  private advance(job: QueryJob): void {
    if (job.state === 'Aborted' || job.state === 'JobComplete' || job.state === 'Failed') return;
    const elapsed = Date.now() - job.createdWall;
    if (elapsed >= this.opts.processingMs) {
      this.run(job);
      job.state = 'JobComplete';
      job.finishedWall = Date.now();
    } else if (elapsed >= this.opts.processingMs / 2) {
      job.state = 'InProgress';
    }
  }

  private run(job: QueryJob): void {
    const outcome = executeSoql(job.query, {
      store: job.org.store,
      now: this.ctx.now(),
      includeDeleted: job.operation === 'queryAll',
      apiVersion: job.apiVersion,
      enforceFieldAccess: true,
    });
    const d = DELIMITERS[job.columnDelimiter] ?? ',';
    const cols: ResolvedPath[] = outcome.columns;
    job.header = cols.map((c) => `"${c.name}"`).join(d);
    const ctx = {
      store: job.org.store,
      now: this.ctx.now(),
      includeDeleted: job.operation === 'queryAll',
      apiVersion: job.apiVersion,
    };
    job.rows = outcome.rows.map((row: SObjectRecord) =>
      cols.map((c) => csvCell(readPath(ctx, row, c), c.leafKind)).join(d),
    );
  }

  info(job: QueryJob, detailed: boolean): Record<string, unknown> {
    return {
      id: job.id,
      operation: job.operation,
      object: job.object,
      createdById: job.createdById,
      createdDate: formatDateTime(job.createdAt),
      systemModstamp: formatDateTime(job.createdAt),
      state: job.state,
      concurrencyMode: 'Parallel',
      contentType: 'CSV',
      apiVersion: Number(job.apiVersion),
      lineEnding: job.lineEnding,
      columnDelimiter: job.columnDelimiter,
      ...(detailed
        ? {
            jobType: 'V2Query',
            numberRecordsProcessed: job.rows?.length ?? 0,
            retries: 0,
            totalProcessingTime: job.finishedWall ? job.finishedWall - job.createdWall : 0,
          }
        : {}),
    };
  }

  /** One CSV page: header row plus up to maxRecords rows starting at the locator's offset. */
  results(
    job: QueryJob,
    maxRecordsRaw: unknown,
    locatorRaw: unknown,
    apiVersion: string,
  ): { csv: string; count: number; locator: string } {
    // "Use the same API version to get query results that you used to create the query. Otherwise, the call returns a
    // 409 error."
    if (apiVersion !== job.apiVersion)
      throw new SalesforceApiError(
        409,
        'INVALIDJOB',
        `Job ${job.id} was created with API version ${job.apiVersion}; get its results with the same version`,
      );
    if (job.state !== 'JobComplete' || !job.rows) {
      throw new SalesforceApiError(400, 'INVALIDJOB', `Job ${job.id} is not complete (state ${job.state})`);
    }
    if (this.failAfter) {
      if (this.failAfter.pages <= 0) {
        const { status } = this.failAfter;
        if (--this.failAfter.times <= 0) this.failAfter = null;
        throw new SalesforceApiError(
          status,
          status >= 500 ? 'UNKNOWN_EXCEPTION' : 'INVALIDJOB',
          'The results could not be retrieved; try again',
        );
      } else this.failAfter.pages--;
    }
    const asked =
      typeof maxRecordsRaw === 'string' && /^\d+$/.test(maxRecordsRaw) && Number(maxRecordsRaw) > 0
        ? Number(maxRecordsRaw)
        : null;
    if (typeof maxRecordsRaw === 'string' && asked === null)
      throw new SalesforceApiError(400, 'INVALIDJOB', `Invalid maxRecords: ${maxRecordsRaw}`);
    const maxRecords = Math.min(asked ?? this.opts.defaultMaxRecords, this.opts.defaultMaxRecords);
    const offset = typeof locatorRaw === 'string' && locatorRaw !== '' ? decodeLocator(locatorRaw) : 0;
    if (!Number.isInteger(offset) || offset < 0 || offset > job.rows.length)
      throw new SalesforceApiError(400, 'INVALIDJOB', 'Invalid locator');
    const slice = job.rows.slice(offset, offset + maxRecords);
    const next = offset + slice.length;
    const eol = job.lineEnding === 'CRLF' ? '\r\n' : '\n';
    return {
      csv: [job.header, ...slice].join(eol) + eol,
      count: slice.length,
      locator: next >= job.rows.length ? 'null' : encodeLocator(next),
    };
  }

  abort(job: QueryJob): void {
    if (job.state === 'JobComplete' || job.state === 'Failed')
      throw new SalesforceApiError(400, 'INVALIDJOB', `Job ${job.id} is already finished`);
    job.state = 'Aborted';
  }
}

export function bulk2Router(ctx: SandboxContext): Router {
  const r = express.Router({ mergeParams: true });

  r.post('/jobs/query', (req: Request, res) => {
    const { org, session, apiVersion } = restState(res);
    const job = ctx.bulk.create(org, session.userId, (req.body ?? {}) as Record<string, unknown>, apiVersion);
    res.status(200).json(ctx.bulk.info(job, false));
  });

  r.get('/jobs/query', (_req, res) => {
    const { org } = restState(res);
    res.json({ done: true, records: ctx.bulk.list(org).map((j) => ctx.bulk.info(j, false)), nextRecordsUrl: null });
  });

  r.get('/jobs/query/:id', (req, res) => {
    const { org } = restState(res);
    res.json(ctx.bulk.info(ctx.bulk.get(org, String(req.params.id)), true));
  });

  r.patch('/jobs/query/:id', (req, res) => {
    const { org } = restState(res);
    const job = ctx.bulk.get(org, String(req.params.id));
    const state = (req.body as { state?: unknown } | undefined)?.state;
    if (state !== 'Aborted')
      throw new SalesforceApiError(400, 'INVALIDJOB', 'Only state Aborted can be set on a query job');
    ctx.bulk.abort(job);
    res.json(ctx.bulk.info(job, false));
  });

  r.delete('/jobs/query/:id', (req, res) => {
    const { org } = restState(res);
    ctx.bulk.delete(org, String(req.params.id));
    res.status(204).end();
  });

  r.get('/jobs/query/:id/results', (req, res) => {
    const { org } = restState(res);
    const job = ctx.bulk.get(org, String(req.params.id));
    const page = ctx.bulk.results(job, req.query.maxRecords, req.query.locator, restState(res).apiVersion);
    res.set('Sforce-Locator', page.locator);
    res.set('Sforce-NumberOfRecords', String(page.count));
    res.type('text/csv; charset=UTF-8').send(page.csv);
  });

  return r;
}
