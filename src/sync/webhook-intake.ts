import type { Connector, RawWebhookRequest, WebhookEvent } from '../core/connector.js';
import { UnknownAccountError } from '../core/errors.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import type { Store } from '../store/index.js';
import type { Wakeup } from '../store/wakeup.js';
import { sendInboxSpan } from './inbox-trace.js';

/**
 * Installed accounts change rarely and every webhook request needs one: a short-lived per-process cache
 * saves a round trip per request. A failed connection is refused at most CACHE_MS later.
 */
const CACHE_MS = 15_000;
const accountCache = new Map<string, { connectionId: string | null; apiHost: string | null; at: number }>();

const hostOf = (url: string): string | null => {
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
};

async function connectionFor(
  store: Store,
  provider: string,
  accountId: string,
  now: number,
): Promise<{ connectionId: string; apiHost: string | null } | null> {
  const key = `${provider}:${accountId}`;
  const hit = accountCache.get(key);
  if (hit && now - hit.at < CACHE_MS)
    return hit.connectionId ? { connectionId: hit.connectionId, apiHost: hit.apiHost } : null;
  const conn = await store.connections.byAccount(provider, accountId);
  const connectionId = conn && conn.status !== 'failed' ? conn.id : null;
  const apiHost = conn ? hostOf(conn.api_base) : null;
  // Only known accounts are cached: an install must take effect for the very next webhook.
  if (connectionId) {
    if (accountCache.size > 10_000) accountCache.clear();
    accountCache.set(key, { connectionId, apiHost, at: now });
  }
  return connectionId ? { connectionId, apiHost } : null;
}

export interface IntakeResult {
  /** Events recorded for a worker (a redelivered event too: the worker that claims it skips it, see process-inbox). */
  accepted: number;
  quarantined: number;
  unknownAccounts: string[];
  response?: { status: number; contentType: string; body: string };
}

/**
 * The whole request path of a webhook: verify (inside parseWebhook, over the raw bytes, before parsing),
 * record the events in ONE statement, one commit (per account a batch row holding its events), then wake the
 * workers (after the commit, off the request's critical path). The inbox is the queue: workers claim the batches
 * themselves (src/sync/inbox-runner.ts) and drop the events an earlier delivery carried (dedupe by provider event
 * id, src/sync/process-inbox.ts), so a redelivery costs one row here and no CRM call.
 */
export async function acceptWebhook(
  deps: { store: Store; metrics: Metrics; logger: Logger; wakeup?: Wakeup | null },
  connector: Connector,
  req: RawWebhookRequest,
  secrets: { clientSecret: string; toleranceMs: number },
): Promise<IntakeResult> {
  const provider = connector.manifest.id;
  if (!connector.parseWebhook) throw new UnknownAccountError(`${provider} has no webhooks`);
  const parsed = connector.parseWebhook(req, { ...secrets, now: req.receivedAt });
  const byAccount = new Map<string, WebhookEvent[]>();
  for (const e of parsed.events) {
    const list = byAccount.get(e.accountId);
    if (list) list.push(e);
    else byAccount.set(e.accountId, [e]);
  }
  const result: IntakeResult = {
    accepted: 0,
    quarantined: 0,
    unknownAccounts: [],
    response: parsed.response,
  };
  if (parsed.rejected?.length) {
    // Verified but malformed events: kept in the quarantine (admin page, CLI), the valid ones go on. A 4xx here
    // would lose the whole delivery: HubSpot does not retry 4xx answers.
    const rows = [];
    for (const x of parsed.rejected) {
      const found = x.accountId ? await connectionFor(deps.store, provider, x.accountId, req.receivedAt) : null;
      // An unsigned event names its host (Salesforce Outbound Messages): kept only for an install on that host, so
      // anyone who knows an org id cannot fill the quarantine.
      if (x.originHost !== undefined && (!found || (found.apiHost && found.apiHost !== x.originHost))) continue;
      const connectionId = found?.connectionId ?? null;
      rows.push({
        provider,
        accountId: x.accountId,
        connectionId,
        reason: x.reason,
        payload: x.raw,
        receivedAt: req.receivedAt,
      });
    }
    if (rows.length) {
      await deps.store.webhookQuarantine.add(rows);
      result.quarantined = rows.length;
      deps.metrics.webhookEvents.inc({ crm: provider, result: 'quarantined' }, rows.length);
      deps.logger.warn(
        { provider, quarantined: rows.length, reasons: [...new Set(rows.map((r) => r.reason))].slice(0, 3) },
        'webhook events quarantined',
      );
    }
  }
  const known: { accountId: string; connectionId: string; events: WebhookEvent[] }[] = [];
  let unknownEvents = 0;
  for (const [accountId, events] of byAccount) {
    const found = await connectionFor(deps.store, provider, accountId, req.receivedAt);
    // An event that names the host its account lives on must name the installed connection's host: an install of
    // org X does not make a message about X from anywhere else acceptable (unsigned Outbound Messages).
    if (found && events.every((e) => !e.originHost || !found.apiHost || e.originHost === found.apiHost))
      known.push({ accountId, connectionId: found.connectionId, events });
    else {
      result.unknownAccounts.push(accountId);
      unknownEvents += events.length;
    }
  }
  if (known.length) {
    const inserted = await sendInboxSpan((traceContext) =>
      deps.store.inbox.insertDelivery(provider, known, traceContext),
    );
    for (const x of inserted) result.accepted += x.accepted;
    if (result.accepted > 0) deps.wakeup?.notify();
  }
  if (parsed.events.length > 0 && result.unknownAccounts.length === byAccount.size) {
    // Nothing in this request belongs to an install: no acknowledgement (a Salesforce Ack would tell the org we took
    // it).
    deps.metrics.webhookEvents.inc({ crm: provider, result: 'unknown_account' }, parsed.events.length);
    // One message for both cases (never installed, or installed on another host than the events name), so that an
    // unsigned request cannot learn which.
    throw new UnknownAccountError(
      `${provider} account(s) ${result.unknownAccounts.join(', ')} are not installed, or not on the host the events name`,
      { provider },
    );
  }
  deps.metrics.webhookEvents.inc({ crm: provider, result: 'accepted' }, result.accepted);
  if (result.unknownAccounts.length) {
    deps.metrics.webhookEvents.inc({ crm: provider, result: 'unknown_account' }, unknownEvents);
    deps.logger.warn(
      { provider, accounts: result.unknownAccounts },
      'webhook events for accounts that are not installed were dropped',
    );
  }
  return result;
}
