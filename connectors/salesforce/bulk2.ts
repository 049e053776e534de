import { parse } from 'csv-parse/sync';
import type { Connection } from 'jsforce';
import * as httpApiModule from 'jsforce/lib/http-api.js';
import { ProviderUnavailableError } from '../../src/core/errors.js';
import type { SalesforceClient } from './client.js';
import { SALESFORCE_API_VERSION, salesforceManifest } from './manifest.js';

/**
 * Bulk API 2.0 query jobs, read page by page through the result locator ourselves.
 *
 * jsforce 3.10's `bulk2.query` pipes every results page into one stream and ends it after the first page, so a
 * result set spanning several pages throws ERR_STREAM_WRITE_AFTER_END from a stream callback, outside any promise,
 * and takes the process down (BEHAVIOR.md "Bulk API 2.0"). Here every HTTP call is an awaited request inside
 * `client.call` (so 401 refresh and error mapping apply), each results page is parsed whole and yielded, and a
 * failure is a rejected promise of the job that asked, never an uncaught stream error.
 *
 * https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/query_create_job.htm
 * https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/query_get_job_info.htm
 * https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/query_get_job_results.htm
 */
export interface Bulk2QueryOptions {
  /** The longest wait between two status polls. */
  pollIntervalMs: number;
  /**
   * The first wait after the job is created (default pollIntervalMs); each later wait doubles, up to pollIntervalMs:
   * a small job is seen complete at its first poll without a fixed long wait, a long one costs a few polls more.
   */
  pollInitialMs?: number;
  pollTimeoutMs: number;
  /** maxRecords per results page; null lets Salesforce choose (it picks its own, often smaller, page size). */
  maxRecords: number | null;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

interface JobInfo {
  id: string;
  state: string;
  errorMessage?: string;
  numberRecordsProcessed?: number;
}

const PROVIDER = salesforceManifest.id;
/** jsforce ships CommonJS with `exports.default`: under Node's ESM interop the default import is the exports object. */
const exported = (httpApiModule as unknown as { default: unknown }).default;
const HttpApi = ((exported as { default?: unknown }).default ?? exported) as typeof httpApiModule.HttpApi;
const base = `/services/data/v${SALESFORCE_API_VERSION}/jobs/query`;

/** One results page: rows as objects keyed by the CSV header, and the locator of the next page (null at the end). */
export interface Bulk2Page {
  rows: Record<string, string>[];
  locator: string | null;
  count: number;
}

/**
 * Runs a query job and yields its results page by page. The job is created, polled until JobComplete (a Failed or
 * Aborted job, or the poll timeout, is an error), then each page is fetched with `locator` (and `maxRecords`).
 * When the consumer stops early or fails, the job is deleted (best effort) so no results linger in the org.
 */
export async function* bulk2QueryPages(
  client: SalesforceClient,
  soql: string,
  where: string,
  o: Bulk2QueryOptions,
): AsyncGenerator<Bulk2Page> {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = o.now ?? Date.now;
  const job = await client.call(where, (c) =>
    c.request<JobInfo>({
      method: 'POST',
      url: base,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        operation: 'query',
        query: soql,
        contentType: 'CSV',
        columnDelimiter: 'COMMA',
        lineEnding: 'LF',
      }),
    }),
  );
  let finished = false;
  try {
    const deadline = now() + o.pollTimeoutMs;
    let wait = Math.min(o.pollInitialMs ?? o.pollIntervalMs, o.pollIntervalMs);
    for (let info = job; ;) {
      if (info.state === 'JobComplete') break;
      if (info.state === 'Failed' || info.state === 'Aborted') {
        throw new ProviderUnavailableError(
          `${where}: query job ${job.id} ${info.state}${info.errorMessage ? `: ${info.errorMessage}` : ''}`,
          { provider: PROVIDER, where },
        );
      }
      if (now() > deadline)
        throw new ProviderUnavailableError(
          `${where}: query job ${job.id} not complete after ${o.pollTimeoutMs} ms (state ${info.state})`,
          { provider: PROVIDER, where },
        );
      await sleep(wait);
      wait = Math.min(wait * 2, o.pollIntervalMs);
      info = await client.call(where, (c) => c.request<JobInfo>(`${base}/${job.id}`));
    }
    // One page ahead: the next page downloads while the consumer stores this one (still one call per page, and at
    // most two pages in memory).
    const fetchNext = (locator: string | null) => {
      const p = client.call(where, (c) => fetchPage(c, job.id, locator, o.maxRecords));
      p.catch(() => undefined); // awaited below; a consumer that stops early leaves it unobserved
      return p;
    };
    let pending: Promise<Bulk2Page> | null = fetchNext(null);
    while (pending) {
      const page: Bulk2Page = await pending;
      pending = page.locator ? fetchNext(page.locator) : null;
      yield page;
    }
    finished = true;
  } finally {
    if (!finished)
      await client.call(where, (c) => c.request({ method: 'DELETE', url: `${base}/${job.id}` })).catch(() => undefined);
  }
}

/**
 * One results page through jsforce's HTTP layer (its transport, auth header and error parsing), as raw text: we read
 * `Sforce-Locator` from the response and parse the CSV ourselves, one page at a time.
 */
async function fetchPage(
  conn: Connection,
  jobId: string,
  locator: string | null,
  maxRecords: number | null,
): Promise<Bulk2Page> {
  const q = new URLSearchParams();
  if (locator) q.set('locator', locator);
  if (maxRecords) q.set('maxRecords', String(maxRecords));
  const url = `${conn.instanceUrl}${base}/${jobId}/results${q.size ? `?${q.toString()}` : ''}`;
  const api = new HttpApi(conn, { responseType: 'text/plain' });
  let headers: Record<string, string | undefined> = {};
  api.on('response', (res: { headers?: Record<string, string | undefined> }) => {
    headers = res.headers ?? {};
  });
  const text = String((await api.request({ method: 'GET', url, headers: { Accept: 'text/csv' } })) ?? '');
  // The last page says "null" (the string) in Sforce-Locator.
  const next = headers['sforce-locator'];
  const rows =
    text.trim() === '' ? [] : (parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[]);
  const declared = Number(headers['sforce-numberofrecords'] ?? rows.length);
  if (Number.isFinite(declared) && declared !== rows.length) {
    throw new ProviderUnavailableError(
      `results page of job ${jobId}: Sforce-NumberOfRecords says ${declared}, the CSV holds ${rows.length}`,
      { provider: PROVIDER },
    );
  }
  return { rows, locator: next && next !== 'null' ? next : null, count: rows.length };
}
