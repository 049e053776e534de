/**
 * The org's rolling 24-hour API request allowance. Exhausted → 403 REQUEST_LIMIT_EXCEEDED (not 429), reported in
 * `Sforce-Limit-Info: api-usage=used/max` on every REST response.
 * https://developer.salesforce.com/docs/platform/salesforce-app-limits-cheatsheet/guide/salesforce-app-limits-platform-api.html
 */
import { SalesforceApiError } from './errors.js';
import { DAY_MS } from './time.js';

const CALL_LOG_MAX = 50_000;

export class ApiAllowance {
  used = 0;
  private windowStart: number | null = null;
  bulkQueryJobs = 0;
  deliveredEvents = 0;
  /** Requests counted since the sandbox started (not rolled with the window), by kind (`callKind`): a test's breakdown. */
  readonly byKind = new Map<string, number>();
  /** The latest requests (wall-clock ms, kind), at most CALL_LOG_MAX: which calls fell in a time span. */
  readonly callLog: { at: number; kind: string }[] = [];

  constructor(
    readonly max: number,
    private readonly now: () => number,
  ) {}

  private roll(): void {
    const t = this.now();
    if (this.windowStart === null || t - this.windowStart >= DAY_MS) {
      this.windowStart = t;
      this.used = 0;
      this.bulkQueryJobs = 0;
      this.deliveredEvents = 0;
    }
  }

  /**
   * Counts one request, or throws REQUEST_LIMIT_EXCEEDED when the allowance is spent. `kind` names it in `byKind`
   * (refused ones under `refused`).
   */
  consume(kind = 'other'): void {
    this.roll();
    if (this.used >= this.max) {
      this.byKind.set('refused', (this.byKind.get('refused') ?? 0) + 1);
      throw new SalesforceApiError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
    }
    this.used++;
    this.byKind.set(kind, (this.byKind.get(kind) ?? 0) + 1);
    this.callLog.push({ at: Date.now(), kind });
    if (this.callLog.length > CALL_LOG_MAX) this.callLog.splice(0, this.callLog.length - CALL_LOG_MAX);
  }

  /** Uses the window up so that `remaining` requests are left. */
  spend(remaining = 0): void {
    this.roll();
    this.used = Math.max(this.used, this.max - Math.max(0, remaining));
  }

  reset(): void {
    this.windowStart = this.now();
    this.used = 0;
    this.bulkQueryJobs = 0;
    this.deliveredEvents = 0;
  }

  header(): string {
    return `api-usage=${this.used}/${this.max}`;
  }

  /**
   * GET /limits: the keys the real resource returns for a Developer Edition org (values are the edition's allocations;
   * the ones the sandbox tracks are live). https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_limits.htm
   */
  snapshot(): Record<string, { Max: number; Remaining: number }> {
    this.roll();
    const fixed = (max: number) => ({ Max: max, Remaining: max });
    return {
      ActiveScratchOrgs: fixed(3),
      AnalyticsExternalDataSizeMB: fixed(40960),
      ConcurrentAsyncGetReportInstances: fixed(200),
      ConcurrentEinsteinDataInsightsStoryCreation: fixed(5),
      ConcurrentEinsteinDiscoveryStoryCreation: fixed(2),
      ConcurrentSyncReportRuns: fixed(20),
      DailyAnalyticsDataflowJobExecutions: fixed(60),
      DailyAnalyticsUploadedFilesSizeMB: fixed(51200),
      DailyApiRequests: { Max: this.max, Remaining: Math.max(0, this.max - this.used) },
      DailyAsyncApexExecutions: fixed(250000),
      DailyAsyncApexTests: fixed(500),
      DailyBulkApiBatches: fixed(15000),
      DailyBulkV2QueryFileStorageMB: fixed(976562),
      DailyBulkV2QueryJobs: { Max: 10000, Remaining: Math.max(0, 10000 - this.bulkQueryJobs) },
      DailyDeliveredPlatformEvents: { Max: 50000, Remaining: Math.max(0, 50000 - this.deliveredEvents) },
      DailyDurableGenericStreamingApiEvents: fixed(10000),
      DailyDurableStreamingApiEvents: fixed(10000),
      DailyEinsteinDataInsightsStoryCreation: fixed(1000),
      DailyEinsteinDiscoveryPredictAPICalls: fixed(50000),
      DailyEinsteinDiscoveryPredictionsByCDC: fixed(500000),
      DailyEinsteinDiscoveryStoryCreation: fixed(100),
      DailyFunctionsApiCallLimit: fixed(235000),
      DailyGenericStreamingApiEvents: fixed(10000),
      DailyScratchOrgs: fixed(6),
      DailyStandardVolumePlatformEvents: fixed(10000),
      DailyStreamingApiEvents: fixed(10000),
      DailyWorkflowEmails: fixed(390),
      DataStorageMB: fixed(5),
      DurableStreamingApiConcurrentClients: fixed(20),
      FileStorageMB: fixed(20),
      HourlyAsyncReportRuns: fixed(1200),
      HourlyDashboardRefreshes: fixed(200),
      HourlyDashboardResults: fixed(5000),
      HourlyDashboardStatuses: fixed(999999999),
      HourlyLongTermIdMapping: fixed(100000),
      HourlyManagedContentPublicRequests: fixed(50000),
      HourlyODataCallout: fixed(20000),
      HourlyPublishedPlatformEvents: fixed(50000),
      HourlyPublishedStandardVolumePlatformEvents: fixed(1000),
      HourlyShortTermIdMapping: fixed(100000),
      HourlySyncReportRuns: fixed(500),
      HourlyTimeBasedWorkflow: fixed(50),
      MassEmail: fixed(10),
      MonthlyEinsteinDiscoveryStoryCreation: fixed(500),
      MonthlyPlatformEventsUsageEntitlement: fixed(0),
      Package2VersionCreates: fixed(6),
      Package2VersionCreatesWithoutValidation: fixed(500),
      PermissionSets: fixed(1500),
      PrivateConnectOutboundCalloutHourlyLimitMB: fixed(0),
      PublishCallbackUsageInApex: fixed(5000000),
      SingleEmail: fixed(15),
      StreamingApiConcurrentClients: fixed(20),
    };
  }
}

/** Top-level `FROM <object>` of a SOQL statement (child subqueries in parentheses skipped). */
function topLevelFrom(soql: string): string | null {
  let depth = 0;
  let flat = '';
  for (const ch of soql) {
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0) flat += ch;
  }
  return /\bFROM\s+(\w+)/i.exec(flat)?.[1] ?? null;
}

/**
 * A request's kind for the per-kind breakdown (`apiCalls`): `query Contact`, `query Contact COUNT()`, `queryMore`,
 * `bulk2 create`, `bulk2 status`, `bulk2 results`, `describe Task`, `collections POST`... Record ids become `{id}`.
 */
export function callKind(method: string, path: string, q: unknown): string {
  const p = path.replace(/\/+$/, '');
  if (p === '/query' || p === '/queryAll') {
    const soql = typeof q === 'string' ? q : '';
    const from = topLevelFrom(soql) ?? '?';
    return `${p.slice(1)} ${from}${/^\s*SELECT\s+COUNT\(\s*\)/i.test(soql) ? ' COUNT()' : ''}`;
  }
  if (/^\/query(All)?\/[^/]+$/.test(p)) return 'queryMore';
  if (p === '/jobs/query') return method === 'POST' ? 'bulk2 create' : 'bulk2 list';
  if (/^\/jobs\/query\/[^/]+\/results$/.test(p)) return 'bulk2 results';
  if (/^\/jobs\/query\/[^/]+$/.test(p))
    return method === 'GET' ? 'bulk2 status' : method === 'DELETE' ? 'bulk2 delete' : 'bulk2 abort';
  const describe = /^\/sobjects\/(\w+)\/describe$/.exec(p);
  if (describe) return `describe ${describe[1]}`;
  if (p.startsWith('/composite/sobjects')) return `collections ${method}`;
  return `${method} ${p.replace(/\/[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?(?=\/|$)/g, (m) => (/\d/.test(m) ? '/{id}' : m)) || '/'}`;
}
