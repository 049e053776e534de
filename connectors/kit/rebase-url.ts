/** Replace the origin of a manifest URL (a sandbox, a Salesforce sandbox org or My Domain) keeping its path. */
export function rebaseUrl(url: string, origin: string): string {
  const u = new URL(url);
  const o = new URL(origin);
  return `${o.origin}${o.pathname.replace(/\/$/, '')}${u.pathname}${u.search}`;
}
