/**
 * Batches webhook events and POSTs them to the app's target URL, signed, retrying failures with backoff.
 * HubSpot sends up to 100 events per request and retries a failed delivery (connection error, timeout, non-2xx)
 * up to 10 times with growing delays, resending the same eventIds with attemptNumber + 1
 * (https://developers.hubspot.com/changelog/2018-12-10-updated-webhook-retry-logic). Delays here are configurable so
 * tests can run the whole schedule in milliseconds.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { webhookHeaders } from './webhook-signing.js';
import type { WebhookEvent } from './webhook-subscriptions.js';

export const MAX_EVENTS_PER_REQUEST = 100;

/**
 * Statuses HubSpot never retries: the batch is gone. https://integrate.hubspot.com/t/what-does-will-retry-mean-when/3953
 * (quoting the webhooks overview: "no retry for 400, 401, 403, 404, 405").
 */
export const NOT_RETRIED = new Set([400, 401, 403, 404, 405]);

export interface DeliveryConfig {
  clientSecret: string;
  /** How long events wait for company before a batch goes out (a full batch of 100 goes at once). */
  batchMs: number;
  /** First retry delay; each later retry doubles it, up to `maxRetryDelayMs`. */
  retryBaseMs: number;
  maxRetryDelayMs: number;
  /** Total tries per batch, the first delivery included. */
  maxAttempts: number;
  timeoutMs: number;
  maxConcurrentRequests: number;
  now: () => number;
  log: (msg: string) => void;
}

export interface DeliveryAttempt {
  targetUrl: string;
  eventIds: number[];
  attemptNumber: number;
  at: number;
  status?: number;
  error?: string;
  delivered: boolean;
}

export class WebhookDispatcher {
  private target: string | null = null;
  private pending: WebhookEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly inflight = new Set<Promise<void>>();
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly shutdown = new AbortController();
  /** Every attempt made, for tests and the demo log. */
  readonly attempts: DeliveryAttempt[] = [];
  droppedWithoutTarget = 0;

  constructor(private readonly cfg: DeliveryConfig) {}

  setTarget(url: string | null): void {
    if (url !== null) new URL(url); // throws on a malformed URL
    this.target = url;
  }

  get targetUrl(): string | null {
    return this.target;
  }

  setMaxConcurrentRequests(n: number): void {
    this.cfg.maxConcurrentRequests = n;
  }

  enqueue(events: WebhookEvent[]): void {
    if (events.length === 0 || this.shutdown.signal.aborted) return;
    if (this.target === null) {
      // No target URL configured: HubSpot has nowhere to send them either.
      this.droppedWithoutTarget += events.length;
      return;
    }
    this.pending.push(...events);
    if (this.pending.length >= MAX_EVENTS_PER_REQUEST) this.dispatchPending();
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => this.dispatchPending(), this.cfg.batchMs);
      this.timer.unref();
    }
  }

  /** Resolves when nothing is pending, in flight or waiting to be retried (delivered or given up). */
  async flush(): Promise<void> {
    while (this.pending.length > 0 || this.inflight.size > 0) {
      this.dispatchPending();
      await Promise.all([...this.inflight]);
    }
  }

  /** Stops retries and waits for requests already on the wire. */
  async close(): Promise<void> {
    this.shutdown.abort();
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.pending = [];
    await Promise.allSettled([...this.inflight]);
  }

  private dispatchPending(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_EVENTS_PER_REQUEST);
      const p = this.deliver(batch).finally(() => this.inflight.delete(p));
      this.inflight.add(p);
    }
  }

  private backoffMs(attemptNumber: number): number {
    return Math.min(this.cfg.retryBaseMs * 2 ** attemptNumber, this.cfg.maxRetryDelayMs);
  }

  private async deliver(batch: WebhookEvent[]): Promise<void> {
    for (let attemptNumber = 0; attemptNumber < this.cfg.maxAttempts; attemptNumber++) {
      const target = this.target;
      if (this.shutdown.signal.aborted || target === null) return;
      const result = await this.attempt(target, batch, attemptNumber);
      this.attempts.push(result);
      if (result.delivered) return;
      const outcome = result.status !== undefined ? `HTTP ${result.status}` : result.error;
      if (result.status !== undefined && NOT_RETRIED.has(result.status)) {
        this.cfg.log(
          `webhook batch of ${batch.length} answered ${outcome}: HubSpot does not retry this status; dropped`,
        );
        return;
      }
      if (attemptNumber + 1 >= this.cfg.maxAttempts) {
        this.cfg.log(`webhook batch of ${batch.length} given up after ${this.cfg.maxAttempts} attempts (${outcome})`);
        return;
      }
      const delay = this.backoffMs(attemptNumber);
      this.cfg.log(`webhook delivery attempt ${attemptNumber} failed (${outcome}); retrying in ${delay} ms`);
      try {
        await sleep(delay, undefined, { signal: this.shutdown.signal });
      } catch {
        return; // sandbox closing
      }
    }
  }

  private async attempt(target: string, batch: WebhookEvent[], attemptNumber: number): Promise<DeliveryAttempt> {
    const body = JSON.stringify(batch.map((e) => ({ ...e, attemptNumber })));
    const at = this.cfg.now();
    const uri = new URL(target).toString();
    const base = { targetUrl: target, eventIds: batch.map((e) => e.eventId), attemptNumber, at };
    await this.acquire();
    try {
      const res = await fetch(uri, {
        method: 'POST',
        headers: {
          ...webhookHeaders(this.cfg.clientSecret, uri, body, at),
          'User-Agent': 'HubSpot Connect 2.0 (http://dev.hubspot.com/) - WebhooksExecutorDaemon',
          'X-HubSpot-Timeout-Millis': String(this.cfg.timeoutMs),
        },
        body,
        signal: AbortSignal.any([AbortSignal.timeout(this.cfg.timeoutMs), this.shutdown.signal]),
      });
      await res.arrayBuffer().catch(() => undefined);
      return { ...base, status: res.status, delivered: res.status >= 200 && res.status < 300 };
    } catch (err) {
      return { ...base, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err), delivered: false };
    } finally {
      this.release();
    }
  }

  private async acquire(): Promise<void> {
    if (this.active < this.cfg.maxConcurrentRequests) {
      this.active += 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active += 1;
  }

  private release(): void {
    this.active -= 1;
    this.waiting.shift()?.();
  }
}
