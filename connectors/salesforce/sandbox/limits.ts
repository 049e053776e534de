/**
 * The org's rolling 24-hour API request allowance. Exhausted → 403 REQUEST_LIMIT_EXCEEDED (not 429), reported in
 * `Sforce-Limit-Info: api-usage=used/max` on every REST response.
 * https://developer.salesforce.com/docs/platform/salesforce-app-limits-cheatsheet/guide/salesforce-app-limits-platform-api.html
 */
import { SalesforceApiError } from './errors.js';
import { DAY_MS } from './time.js';

export class ApiAllowance {
  used = 0;
  private windowStart: number | null = null;
  bulkQueryJobs = 0;
  deliveredEvents = 0;

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

  /** Counts one request, or throws REQUEST_LIMIT_EXCEEDED when the allowance is spent. */
  consume(): void {
    this.roll();
    if (this.used >= this.max) {
      throw new SalesforceApiError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
    }
    this.used++;
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
