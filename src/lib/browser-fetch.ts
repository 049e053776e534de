/**
 * What a browser does with an OAuth flow, for the demo, the tests and the benches that drive one without a browser:
 * follow the redirects (closeloop → the CRM's consent → closeloop's callback) and keep the cookies set on the way, so
 * the callback carries the flow cookie the start set (src/auth/signed-state.ts). Plain `fetch` follows redirects
 * without cookies, and closeloop refuses such a callback.
 *
 * Cookies are kept per host name (ports share them, as in a browser); `Secure` is not enforced (the sandboxes and
 * closeloop run on loopback over http, where browsers keep Secure cookies too); `Max-Age=0` removes one.
 */
export class CookieJar {
  private readonly byHost = new Map<string, Map<string, string>>();

  /** Keeps the cookies of a response to `url`. */
  take(url: string | URL, res: Response): void {
    const host = new URL(url).hostname;
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const jar = this.byHost.get(host) ?? new Map<string, string>();
      this.byHost.set(host, jar);
      if (attrs.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a))) jar.delete(name);
      else jar.set(name, value);
    }
  }

  /** The Cookie header for a request to `url`, or null. */
  header(url: string | URL): string | null {
    const jar = this.byHost.get(new URL(url).hostname);
    return jar && jar.size ? [...jar].map(([k, v]) => `${k}=${v}`).join('; ') : null;
  }

  get(url: string | URL, name: string): string | null {
    return this.byHost.get(new URL(url).hostname)?.get(name) ?? null;
  }
}

/**
 * GET `url` and follow up to `maxHops` redirects like a browser, with `jar`'s cookies (a new jar when none is given).
 * Returns the last response; its own Set-Cookie headers are in the jar too.
 */
export async function browse(
  url: string | URL,
  o: { headers?: Record<string, string>; jar?: CookieJar; maxHops?: number } = {},
): Promise<Response> {
  const jar = o.jar ?? new CookieJar();
  let next = new URL(url);
  for (let hop = 0; hop <= (o.maxHops ?? 10); hop++) {
    const cookie = jar.header(next);
    const res = await fetch(next, { redirect: 'manual', headers: { ...o.headers, ...(cookie ? { cookie } : {}) } });
    jar.take(next, res);
    const location = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || !location) return res;
    await res.body?.cancel();
    next = new URL(location, next);
  }
  throw new Error(`${String(url)}: too many redirects`);
}
