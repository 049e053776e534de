import type { WorkQueue } from '../queue/index.js';
import type { TenantReads } from '../store/index.js';

export interface Summary {
  connections: {
    provider: string;
    accountId: string;
    status: string;
    backfillDone: boolean;
    lastSyncAt: string | null;
  }[];
  records: Record<string, number>;
  inbox: { total: number; pending: number };
  suggestions: Record<string, number>;
  writebacks: Record<string, number>;
  recentTasks: { provider: string; crmId: string; url: string | null; suggestionId: string; at: string }[];
  queues: Record<string, { queued: number; active: number; total: number }>;
}

/**
 * The summary page, from reads already limited to the caller's tenant; queue depths (all tenants) for operators only.
 */
export async function summarize(reads: TenantReads, queue: WorkQueue | null): Promise<Summary> {
  const conns = await reads.connections();
  return {
    connections: conns.map((c) => ({
      provider: c.provider,
      accountId: c.account_id,
      status: c.status,
      backfillDone: !!c.backfill_done_at,
      lastSyncAt: c.last_sync_at ? new Date(c.last_sync_at).toISOString() : null,
    })),
    records: await reads.recordCounts(),
    inbox: await reads.inboxCount(),
    suggestions: await reads.suggestionCounts(),
    writebacks: await reads.writebackCounts(),
    recentTasks: (await reads.recentTasks(15)).map((r) => ({
      provider: r.provider,
      crmId: r.crm_id,
      url: r.crm_url,
      suggestionId: r.suggestion_id,
      at: new Date(r.done_at).toISOString(),
    })),
    queues: queue ? await queue.stats() : {},
  };
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export function renderSummary(s: Summary): string {
  const kv = (o: Record<string, number>) =>
    Object.entries(o)
      .map(([k, v]) => `${esc(k)}: <b>${v}</b>`)
      .join(' · ') || '—';
  const recordsTotal = Object.values(s.records).reduce((a, b) => a + b, 0);
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="2"><title>closeloop</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem;max-width:60rem}td,th{padding:.2rem .6rem;text-align:left}h2{margin-top:1.5rem}</style></head><body>
<h1>closeloop</h1>
<h2>Connections</h2><table><tr><th>CRM</th><th>account</th><th>status</th><th>backfill</th><th>last sync</th></tr>
${s.connections.map((c) => `<tr><td>${esc(c.provider)}</td><td>${esc(c.accountId)}</td><td>${esc(c.status)}</td><td>${c.backfillDone ? 'done' : 'running'}</td><td>${c.lastSyncAt ?? '—'}</td></tr>`).join('')}</table>
<h2>Records synced: ${recordsTotal}</h2><p>${kv(s.records)}</p>
<h2>Webhook inbox</h2><p>events: <b>${s.inbox.total}</b> · pending: <b>${s.inbox.pending}</b></p>
<h2>Suggestions</h2><p>${kv(s.suggestions)}</p>
<h2>Write-backs</h2><p>${kv(s.writebacks)}</p>
<h2>Tasks written</h2><table><tr><th>CRM</th><th>task id</th><th>suggestion</th><th>at</th></tr>
${s.recentTasks.map((t) => `<tr><td>${esc(t.provider)}</td><td>${t.url ? `<a href="${esc(t.url)}">${esc(t.crmId)}</a>` : esc(t.crmId)}</td><td>${esc(t.suggestionId)}</td><td>${t.at}</td></tr>`).join('')}</table>
</body></html>`;
}

/** What `/` shows a browser that is not signed in. */
export function renderSignIn(providers: string[]): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>closeloop: sign in</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem;max-width:40rem}</style></head><body>
<h1>closeloop</h1><p>Sign in with the CRM account closeloop is installed in (admins only).</p>
<ul>${providers.map((p) => `<li><a href="/auth/login/${encodeURIComponent(p)}">Sign in with ${esc(p)}</a></li>`).join('')}</ul>
</body></html>`;
}
