import { Agent, Pool, setGlobalDispatcher, type Dispatcher } from 'undici';

/** What each CRM call ended with: the final status code, or null when no response came (timeout, reset). */
export type CrmResponseObserver = (provider: string, status: number | null) => void;

/**
 * One HTTP dispatcher for the process: connections to a CRM origin give up after `crmTimeoutMs` without response
 * headers or body bytes (so a held CRM call ends well inside the write-back job lease instead of undici's default
 * 300 s); every other origin keeps undici's defaults (a model call may legitimately take longer). Pools are made
 * per origin on first use, so `providerOf` is asked once per origin. Every call to a CRM origin (both official
 * clients use this dispatcher) is reported to `onCrmResponse` with its status: the metrics of CRM calls and 429s.
 */
export function createOutboundDispatcher(
  providerOf: (origin: string) => string | null,
  crmTimeoutMs: number,
  onCrmResponse?: CrmResponseObserver,
): Agent {
  return new Agent({
    factory: (origin: string | URL, opts: object) => {
      const o = typeof origin === 'string' ? origin : origin.origin;
      const provider = providerOf(o);
      if (!provider) return new Pool(origin, opts) as unknown as Dispatcher;
      const pool = new Pool(origin, {
        ...opts,
        headersTimeout: crmTimeoutMs,
        bodyTimeout: crmTimeoutMs,
        connectTimeout: Math.min(crmTimeoutMs, 10_000),
      });
      return (onCrmResponse
        ? pool.compose(observeResponses((status) => onCrmResponse(provider, status)))
        : pool) as unknown as Dispatcher;
    },
  } as ConstructorParameters<typeof Agent>[0]);
}

type Handler = Dispatcher.DispatchHandler & Record<string, unknown>;

/** An interceptor that reports each request's final status (or null on an error before one) exactly once. */
function observeResponses(report: (status: number | null) => void): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    let reported = false;
    const note = (status: number | null) => {
      if (!reported) {
        reported = true;
        try {
          report(status);
        } catch {
          /* metrics never break a call */
        }
      }
    };
    const h = handler as Handler;
    const wrapped = new Proxy(h, {
      get(target, prop) {
        const v = Reflect.get(target, prop) as unknown;
        if (typeof v !== 'function') return v;
        const fn = v as (...a: unknown[]) => unknown;
        // New handler API: onResponseStart(controller, status, ...); the legacy one: onHeaders(status, ...).
        if (prop === 'onResponseStart')
          return (c: unknown, status: number, ...rest: unknown[]) => {
            if (status >= 200) note(status);
            return fn.call(target, c, status, ...rest);
          };
        if (prop === 'onHeaders')
          return (status: number, ...rest: unknown[]) => {
            if (status >= 200) note(status);
            return fn.call(target, status, ...rest);
          };
        if (prop === 'onResponseError' || prop === 'onError')
          return (...args: unknown[]) => {
            note(null);
            return fn.apply(target, args);
          };
        return fn.bind(target);
      },
    });
    return dispatch(opts, wrapped);
  };
}

/** Install it for global fetch (the HubSpot client, our own calls). */
export function useOutboundDispatcher(d: Agent): void {
  setGlobalDispatcher(d);
}

/**
 * Which CRM an origin belongs to: the origins configured for this deployment per provider (sandboxes, My Domain),
 * then each CRM's production hosts (`hosts`: registrable domains by provider, from the connector manifests' `apiHosts`;
 * any subdomain matches). Null for every other origin.
 */
export function crmProviderMatcher(
  configured: () => Record<string, (string | null | undefined)[]>,
  hosts: Readonly<Record<string, readonly string[]>> = {},
): (origin: string) => string | null {
  return (origin) => {
    let host: string;
    try {
      host = new URL(origin).hostname.toLowerCase();
    } catch {
      return null;
    }
    for (const [provider, urls] of Object.entries(configured())) {
      if (
        urls.some((c) => {
          try {
            return !!c && new URL(c).origin === new URL(origin).origin;
          } catch {
            return false;
          }
        })
      )
        return provider;
    }
    for (const [provider, domains] of Object.entries(hosts))
      if (domains.some((d) => host === d || host.endsWith(`.${d}`))) return provider;
    return null;
  };
}

/** Status label of a CRM call for the metrics: 2xx, 3xx, 4xx, 429 (rate limited), 5xx, or error (no response). */
export function crmStatusClass(status: number | null): string {
  if (status === null) return 'error';
  if (status === 429) return '429';
  return `${Math.floor(status / 100)}xx`;
}
