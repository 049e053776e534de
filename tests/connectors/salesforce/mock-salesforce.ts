import { MockAgent } from 'undici';
import * as jsforceRequest from 'jsforce/lib/request.js';
import type { ConnectionContext } from '../../../src/core/connector.js';

/**
 * jsforce >= 3.10.19 sends through its own undici Agent, which nock does not see. Tests swap in an undici MockAgent
 * (network locked) and record every request so the SOQL and bodies the connector sent can be asserted.
 */
export const INSTANCE_URL = 'https://acme.my.salesforce.com';
export const API = '/services/data/v62.0';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | null;
  soql: string | null;
}
export interface MockReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}
type Responder = (req: RecordedRequest) => MockReply;

export interface SalesforceMock {
  agent: MockAgent;
  requests: RecordedRequest[];
  /** Serves `times` requests matching method + path predicate (default: persistent). */
  on(
    method: string,
    match: (path: string, req: RecordedRequest) => boolean,
    reply: MockReply | Responder,
    times?: number,
  ): void;
  close(): Promise<void>;
}

const stripUnderscoreKeys = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(stripUnderscoreKeys);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => !k.startsWith('_'))
        .map(([k, x]) => [k, stripUnderscoreKeys(x)]),
    );
  return v;
};
export { stripUnderscoreKeys };

function headersOf(h: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h) return out;
  if (Array.isArray(h)) {
    for (let i = 0; i + 1 < h.length; i += 2) out[String(h[i]).toLowerCase()] = String(h[i + 1]);
    return out;
  }
  if (typeof (h as Headers).forEach === 'function' && !(h as object).constructor?.name?.includes('Object')) {
    (h as Headers).forEach((v, k) => {
      out[k.toLowerCase()] = v;
    });
    return out;
  }
  for (const [k, v] of Object.entries(h as Record<string, unknown>)) out[k.toLowerCase()] = String(v);
  return out;
}

export function mockSalesforce(origin = INSTANCE_URL): SalesforceMock {
  const agent = new MockAgent();
  agent.disableNetConnect();
  jsforceRequest.setDispatcher(agent);
  const pool = agent.get(origin);
  const requests: RecordedRequest[] = [];
  return {
    agent,
    requests,
    on(method, match, reply, times) {
      const scope = pool
        .intercept({
          method,
          path: (p: string) => match(p, { method, path: p, headers: {}, body: null, soql: soqlOf(p) }),
        })
        .reply((opts) => {
          const raw = opts.body as unknown;
          const streamed = raw !== null && typeof raw === 'object' && Symbol.asyncIterator in (raw as object);
          const body =
            raw === undefined || raw === null || streamed
              ? null
              : Buffer.isBuffer(raw)
                ? raw.toString('utf8')
                : String(raw);
          const req: RecordedRequest = {
            method: opts.method,
            path: opts.path,
            headers: headersOf(opts.headers),
            body,
            soql: soqlOf(opts.path),
          };
          // jsforce streams request bodies: collect them; they are complete long before a test inspects them.
          if (streamed)
            void collectBody(raw as AsyncIterable<unknown>).then(
              (b) => {
                req.body = b;
              },
              () => undefined,
            );
          requests.push(req);
          const r = typeof reply === 'function' ? reply(req) : reply;
          const data =
            r.body === undefined
              ? ''
              : typeof r.body === 'string'
                ? r.body
                : JSON.stringify(stripUnderscoreKeys(r.body));
          const headers: Record<string, string> = {
            'content-type': 'application/json;charset=UTF-8',
            'sforce-limit-info': 'api-usage=18/15000',
          };
          for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = v;
          return { statusCode: r.status, data, responseOptions: { headers } };
        });
      // jsforce writes request bodies a tick after dispatch: a short delay lets the recorder read them.
      if (method !== 'GET') scope.delay(5);
      if (times === undefined) scope.persist();
      else scope.times(times);
    },
    async close() {
      jsforceRequest.setDispatcher(undefined as never);
      await agent.close();
    },
  };
}

async function collectBody(body: AsyncIterable<unknown>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of body) parts.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(parts).toString('utf8');
}

/** The SOQL of a `/query?q=` request, decoded. */
export function soqlOf(path: string): string | null {
  const q = /[?&]q=([^&]*)/.exec(path);
  return q ? decodeURIComponent(q[1]!.replace(/\+/g, '%20')) : null;
}

export const isQuery = (from: string) => (p: string) =>
  p.startsWith(`${API}/query?`) && new RegExp(`\\bFROM ${from}\\b`).test(soqlOf(p) ?? '');

export interface TestContext extends ConnectionContext {
  refreshCount: () => number;
}

export function testContext(overrides: Partial<ConnectionContext> = {}): TestContext {
  let refreshes = 0;
  return {
    connectionId: 'conn-1',
    accountId: '00Dxx0000001gPLEAY',
    apiBase: INSTANCE_URL,
    getAccessToken: async () => 'at-1',
    forceRefresh: async () => {
      refreshes += 1;
      return `at-refreshed-${refreshes}`;
    },
    refreshCount: () => refreshes,
    ...overrides,
  };
}

/** A SOQL page as the REST API returns it. */
export function queryPage(records: unknown[], extra: Record<string, unknown> = {}): MockReply {
  return { status: 200, body: { totalSize: records.length, done: true, records, ...extra } };
}
