/**
 * One worker process of the shared-budget benchmark (bench/crm-budget.ts): backfills one object kind of a HubSpot
 * sandbox portal through the connector, pacing against the request budget in the PostgreSQL database it is given.
 * A 429 waits for its retry time and resumes from the last page's checkpoint, as the queue would. Prints one JSON
 * line: records read and 429s met. Arguments come in the environment (BW_*).
 */
import { createHubspotConnector } from '../connectors/hubspot/index.js';
import { hubspotManifest } from '../connectors/hubspot/manifest.js';
import type { Checkpoint, ObjectKind } from '../src/core/index.js';
import { isCloseloopError } from '../src/core/errors.js';
import { createStore, openDb } from '../src/store/index.js';
import { DbRequestPacer } from '../src/sync/rate-pacer.js';

const e = process.env;
const db = await openDb({ databaseUrl: e.BW_DATABASE_URL! });
const store = createStore(db);
const token = e.BW_TOKEN!;
const ctx = {
  connectionId: `bw-${e.BW_KIND}`,
  accountId: e.BW_PORTAL!,
  apiBase: e.BW_SANDBOX_URL!,
  getAccessToken: async () => token,
  forceRefresh: async () => token,
  pacer: new DbRequestPacer(store, e.BW_BUDGET_KEY!, hubspotManifest.rateLimits!),
};
const connector = createHubspotConnector();
let since: Checkpoint | null = null;
let records = 0;
let throttled = 0;
for (;;) {
  try {
    for await (const page of connector.listChanges(ctx, e.BW_KIND as ObjectKind, since)) {
      records += page.records.length;
      since = page.checkpoint;
      if (page.done) break;
    }
    break;
  } catch (err) {
    if (!isCloseloopError(err) || err.code !== 'RATE_LIMITED') throw err;
    throttled++;
    await new Promise((r) => setTimeout(r, Math.max(0, (err.retryAt ?? Date.now() + 1000) - Date.now())));
  }
}
process.stdout.write(`${JSON.stringify({ records, throttled })}\n`);
await db.close();
process.exit(0);
