import { Writable } from 'node:stream';
import { getConnector } from '../../../connectors/index.js';
import type { Suggestion } from '../../../src/core/index.js';
import { createApp } from '../../../src/http/app.js';
import { createLogger } from '../../../src/lib/logger.js';
import { createMetrics } from '../../../src/lib/metrics.js';
import type { WorkQueue } from '../../../src/queue/index.js';
import type { Store } from '../../../src/store/index.js';
import { aSuggestion } from '../../fixtures/guardrails/builders.js';

export const PUBLIC_URL = 'https://closeloop.example.com';
export const OPERATOR_TOKEN = 'operator-token-for-card-tests-0123456789';
export const HUBSPOT_SECRET = 'hubspot-app-client-secret-for-tests';

/** The real app (createApp) with what the card routes need; nothing here stubs a signature check. */
export function cardTestApp(store: Store, now: () => number, o: { rulesDir?: string; rulesCasesDir?: string } = {}) {
  const quiet = createLogger({
    level: 'fatal',
    destination: new Writable({
      write(_c, _e, cb) {
        cb();
      },
    }),
  });
  return createApp({
    store,
    queue: {} as WorkQueue,
    metrics: createMetrics(),
    logger: quiet,
    connectorFor: getConnector,
    providers: () => ['hubspot', 'salesforce'],
    installFor: () => null,
    signInFor: () => null,
    webhookSecretFor: (p) => (p === 'hubspot' ? HUBSPOT_SECRET : null),
    publicUrl: () => PUBLIC_URL,
    webhookToleranceMs: 5 * 60_000,
    isReady: () => true,
    now,
    slackSigningSecret: null,
    changeSubscribers: [],
    rulesDir: o.rulesDir ?? null,
    rulesCasesDir: o.rulesCasesDir ?? null,
    access: { operatorTokens: [OPERATOR_TOKEN], metricsToken: null, trustProxy: false, rateLimitPerMinute: 1000 },
  });
}

export async function installConnection(
  store: Store,
  o: { id: string; tenantId: string; provider: 'hubspot' | 'salesforce'; accountId: string },
): Promise<void> {
  await store.connections.upsert({
    id: o.id,
    tenantId: o.tenantId,
    provider: o.provider,
    accountId: o.accountId,
    apiBase: 'http://127.0.0.1:9',
    displayName: `${o.provider} ${o.accountId}`,
    accessTokenEnc: 'x',
    refreshTokenEnc: null,
    tokenExpiresAt: null,
    tokenMetadata: {},
  });
}

/** A stored suggestion about deal `dealId` (company co-1, contact c-1 unless overridden). */
export async function storeSuggestion(
  store: Store,
  o: {
    id: string;
    tenantId: string;
    connectionId: string;
    provider?: string;
    dealId: string;
    status?: 'written' | 'review' | 'blocked' | 'allowed';
    companyId?: string;
    contactIds?: string[];
    createdAt?: string;
  },
): Promise<Suggestion> {
  const s = aSuggestion({
    id: o.id,
    tenantId: o.tenantId,
    connectionId: o.connectionId,
    provider: o.provider ?? 'hubspot',
    dealId: o.dealId,
    dedupeKey: `k:${o.id}`,
    companyId: o.companyId ?? 'co-1',
    createdAt: o.createdAt ?? '2026-03-10T09:00:00.000Z',
  });
  if (o.contactIds) s.contactIds = o.contactIds;
  await store.suggestions.insert(s, o.status ?? 'written', [{ rule: 'no-pii', passed: true, message: null }]);
  return s;
}
