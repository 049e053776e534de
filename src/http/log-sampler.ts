/**
 * Log sampling for repeated rejections: per key (status, code, route group) the first `burst` lines of a window are
 * written, the rest are only counted and reported once when the window rolls over. A flood of bad requests costs a
 * few lines a minute instead of one per request.
 */
export class LogSampler {
  private readonly windows = new Map<string, { start: number; seen: number }>();
  constructor(
    private readonly burst = 5,
    private readonly windowMs = 60_000,
    private readonly maxKeys = 1000,
  ) {}

  /** Whether to log this occurrence, and how many were suppressed in the window that just ended (to report). */
  take(key: string, now: number): { log: boolean; suppressed: number } {
    let w = this.windows.get(key);
    let suppressed = 0;
    if (!w || now - w.start >= this.windowMs) {
      if (w) suppressed = Math.max(0, w.seen - this.burst);
      if (!w && this.windows.size >= this.maxKeys) this.windows.delete(this.windows.keys().next().value as string);
      w = { start: now, seen: 0 };
      this.windows.set(key, w);
    }
    w.seen++;
    return { log: w.seen <= this.burst, suppressed };
  }
}
