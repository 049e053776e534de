/**
 * Liveness and readiness. Liveness: the process answers (an orchestrator restarts it when it does not).
 * Readiness: every named check passes within its timeout (the orchestrator stops routing to it, and a
 * rolling update waits, while one fails). Checks are cheap: they run on every probe.
 */
export type HealthCheck = () => Promise<void>;

export interface CheckResult {
  ok: boolean;
  ms: number;
  error?: string;
}
export interface Readiness {
  ok: boolean;
  checks: Record<string, CheckResult>;
}

export interface Health {
  /** False until start-up finished, and again once shutdown began. */
  started(): boolean;
  setStarted(v: boolean): void;
  readiness(): Promise<Readiness>;
}

export function createHealth(checks: Record<string, HealthCheck>, o: { timeoutMs?: number } = {}): Health {
  const timeoutMs = o.timeoutMs ?? 2000;
  let started = false;
  const run = async (check: HealthCheck): Promise<CheckResult> => {
    const t0 = Date.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        check(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      return { ok: true, ms: Date.now() - t0 };
    } catch (e) {
      return { ok: false, ms: Date.now() - t0, error: (e as Error).message };
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    started: () => started,
    setStarted: (v) => {
      started = v;
    },
    async readiness() {
      const names = Object.keys(checks);
      const results = await Promise.all(names.map((n) => run(checks[n]!)));
      const out: Record<string, CheckResult> = Object.fromEntries(names.map((n, i) => [n, results[i]!]));
      if (!started) out.started = { ok: false, ms: 0, error: 'starting or stopping' };
      return { ok: started && results.every((r) => r.ok), checks: out };
    },
  };
}
