import { Agent, Pool, setGlobalDispatcher, type Dispatcher } from 'undici';

/**
 * One HTTP dispatcher for the process: connections to a CRM origin give up after `crmTimeoutMs` without response
 * headers or body bytes (so a held CRM call ends well inside the write-back job lease instead of undici's default
 * 300 s); every other origin keeps undici's defaults (a model call may legitimately take longer). Pools are made
 * per origin on first use, so `isCrmOrigin` is asked once per origin.
 */
export function createOutboundDispatcher(isCrmOrigin: (origin: string) => boolean, crmTimeoutMs: number): Agent {
  return new Agent({
    factory: (origin: string | URL, opts: object) => {
      const o = typeof origin === 'string' ? origin : origin.origin;
      const crm = isCrmOrigin(o);
      return new Pool(origin, crm
        ? { ...opts, headersTimeout: crmTimeoutMs, bodyTimeout: crmTimeoutMs, connectTimeout: Math.min(crmTimeoutMs, 10_000) }
        : opts) as unknown as Dispatcher;
    },
  } as ConstructorParameters<typeof Agent>[0]);
}

/** Install it for global fetch (the HubSpot client, our own calls). */
export function useOutboundDispatcher(d: Agent): void {
  setGlobalDispatcher(d);
}

/** CRM hosts (production and sandbox orgs) plus the origins configured for this deployment (sandboxes, My Domain). */
export function crmOriginMatcher(configured: () => string[]): (origin: string) => boolean {
  return (origin) => {
    let host: string;
    try { host = new URL(origin).hostname.toLowerCase(); } catch { return false; }
    if (/(^|\.)(hubapi\.com|hubspot\.com|salesforce\.com|force\.com|salesforce\.mil|cloudforce\.com)$/.test(host)) return true;
    return configured().some((c) => { try { return new URL(c).origin === new URL(origin).origin; } catch { return false; } });
  };
}
