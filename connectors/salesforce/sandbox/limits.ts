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

  /** GET /limits (excerpt of the real resource). */
  snapshot(): Record<string, { Max: number; Remaining: number }> {
    this.roll();
    return {
      DailyApiRequests: { Max: this.max, Remaining: Math.max(0, this.max - this.used) },
      DailyBulkV2QueryJobs: { Max: 10000, Remaining: 10000 - this.bulkQueryJobs },
      DailyBulkV2QueryFileStorageMB: { Max: 976562, Remaining: 976562 },
      DailyBulkApiBatches: { Max: 15000, Remaining: 15000 },
      DailyDeliveredPlatformEvents: { Max: 50000, Remaining: Math.max(0, 50000 - this.deliveredEvents) },
      DailyStreamingApiEvents: { Max: 1000000, Remaining: 1000000 },
      ConcurrentAsyncGetReportInstances: { Max: 200, Remaining: 200 },
      DataStorageMB: { Max: 5, Remaining: 5 },
    };
  }
}
