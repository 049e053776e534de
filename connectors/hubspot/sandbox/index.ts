/**
 * HubSpot sandbox: a local server speaking the part of HubSpot's API closeloop uses, faithful enough for the
 * unmodified `@hubspot/api-client` (`new Client({ accessToken, basePath: sandbox.url })`). See README.md.
 */
import { OAuthRegistry, type IssuedTokens } from './oauth.js';
import { createSandboxApp, closeServer, listen, type SlowAnswerRule } from './server.js';
import { Portal, type StoreChange } from './store.js';
import { seedDemoPortal, type DemoPortalIndex } from './seed.js';
import { DEMO_PORTAL } from './seed-data.js';
import { createUserStore, type SandboxStore } from './user-store.js';
import { WebhookDispatcher, type DeliveryAttempt } from './webhook-delivery.js';
import {
  SubscriptionRegistry,
  defaultSubscriptions,
  type SubscriptionInput,
  type WebhookSubscription,
} from './webhook-subscriptions.js';
import { publishChange, type WebhookAppState } from './webhooks.js';
import { playDemoActivity } from './demo-stream.js';
import { FaultInjector } from './faults.js';
import type { RateLimitStats } from './rate-limit.js';

export interface HubspotSandboxOptions {
  /** 0 = random free port. */
  port?: number;
  host?: string;
  clientId: string;
  clientSecret: string;
  appId?: number;
  /** Key for the developer APIs (`?hapikey=`): webhook settings/subscriptions and the sandbox's own `/_sandbox` API. */
  developerApiKey?: string;
  webhookTargetUrl?: string | null;
  /**
   * Defaults to every creation/deletion/associationChange and every writable property (see webhook-subscriptions.ts).
   */
  webhookSubscriptions?: SubscriptionInput[];
  accessTokenTtlSec?: number;
  authCodeTtlSec?: number;
  /** When set, OAuth `redirect_uri` must be one of these. */
  redirectUris?: string[];
  /** When set, an install may only ask for these scopes (the app's configured scopes). */
  appScopes?: string[];
  /** Serve the sunset /oauth/v1/* endpoints too (default true); false proves the connector no longer needs them. */
  legacyOauth?: boolean;
  /** Per-portal limits: on by default at HubSpot's public-app values (110 / 10 s, search 5 / s). */
  rateLimit?: { perTenSeconds: number; searchPerSecond: number } | false;
  /**
   * Search sees writes this much later (eventual consistency). Default 2,000 ms; 0 only for unit tests that need it.
   */
  searchLagMs?: number;
  webhookBatchMs?: number;
  webhookRetryBaseMs?: number;
  webhookMaxRetryDelayMs?: number;
  /** Total delivery tries per batch (HubSpot: up to 10). */
  webhookMaxAttempts?: number;
  webhookTimeoutMs?: number;
  now?: () => number;
  seed?: 'demo' | 'empty';
  logger?: (msg: string) => void;
}

export interface CreatePortalOptions {
  name?: string;
  domain?: string;
  seed?: 'demo' | 'empty';
  /** The account's time zone setting (IANA; default US/Eastern, HubSpot's own documentation example). */
  timeZone?: string;
}

export interface AuthorizeUrlOptions {
  redirectUri: string;
  scopes: string[];
  optionalScopes?: string[];
  state?: string;
  portalId?: number;
}

export interface HubspotSandbox {
  url: string;
  appId: number;
  clientId: string;
  developerApiKey: string;
  /** The portal created at start-up (holds the demo data when `seed: 'demo'`). */
  defaultPortalId: number;
  portalIds(): number[];
  createPortal(opts?: CreatePortalOptions): number;
  /** Ids of the demo records by seed key, for portals seeded with demo data. */
  demoIndex(portalId: number): DemoPortalIndex | undefined;
  setWebhookTarget(url: string | null): void;
  /** Resolves when every queued webhook batch is delivered or given up. */
  flushWebhooks(): Promise<void>;
  webhookAttempts(): readonly DeliveryAttempt[];
  webhookSubscriptions(): WebhookSubscription[];
  /** The consent URL for this sandbox (`client.oauth.getAuthorizationUrl` hard-codes app.hubspot.com). */
  authorizeUrl(opts: AuthorizeUrlOptions): string;
  /**
   * Test hook: hold the next `times` matching requests `ms` before processing them (a slow provider). Null clears it.
   */
  answerSlowly(rule: { method: string; path: RegExp; ms: number; times?: number } | null): void;
  /**
   * The portal user who consents on the next authorize (an owner's userId); null = the installing user (a super admin).
   */
  setConsentUser(userId: number | null): void;
  /** Installs the app without the browser round trip; returns the same tokens a code exchange would. */
  issueTokens(portalId: number, scopes?: string[]): IssuedTokens;
  /** The portal's admin uninstalls the app: its refresh tokens are revoked, its access tokens stop working. */
  uninstall(portalId: number): void;
  /** One access token answers 401 from now on (before its expiry), as HubSpot may do. */
  invalidateAccessToken(token: string): void;
  /** Every live access token of the portal answers 401 from now on (refresh tokens still work). */
  invalidateAccessTokens(portalId: number): number;
  store: SandboxStore;
  /** Queue 477/5xx answers for matching CRM requests, or a random 5xx rate. */
  faults: FaultInjector;
  /** Requests counted by the rate limiter and 429s answered. */
  rateLimitStats(): RateLimitStats;
  close(): Promise<void>;
}

/** Every scope the sandbox checks, for tests and the demo. */
export const ALL_SANDBOX_SCOPES = [
  'oauth',
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'crm.objects.companies.read',
  'crm.objects.companies.write',
  'crm.objects.deals.read',
  'crm.objects.deals.write',
  'crm.objects.owners.read',
  'sales-email-read',
  'settings.users.read',
];

const FIRST_PORTAL_ID = 62515;
/** A new portal's time zone unless told (the account-info documentation's example value). */
export const DEFAULT_TIME_ZONE = 'US/Eastern';
/** Search lag by default: "a few seconds" in HubSpot's search guide; short enough for the demo's polls. */
export const DEFAULT_SEARCH_LAG_MS = 2_000;

/** Starts a sandbox server; resolve `url` and point the client's `basePath` at it. */
export async function startHubspotSandbox(opts: HubspotSandboxOptions): Promise<HubspotSandbox> {
  const now = opts.now ?? Date.now;
  const log = opts.logger ?? (() => undefined);
  const appId = opts.appId ?? 1160452;
  const developerApiKey = opts.developerApiKey ?? 'sandbox-developer-key';
  const portals = new Map<number, Portal>();
  const demoIndexes = new Map<number, DemoPortalIndex>();
  let nextEventId = 1;

  const dispatcher = new WebhookDispatcher({
    clientSecret: opts.clientSecret,
    batchMs: opts.webhookBatchMs ?? 200,
    retryBaseMs: opts.webhookRetryBaseMs ?? 1000,
    maxRetryDelayMs: opts.webhookMaxRetryDelayMs ?? 5 * 60_000,
    maxAttempts: opts.webhookMaxAttempts ?? 10,
    timeoutMs: opts.webhookTimeoutMs ?? 5000,
    maxConcurrentRequests: 10,
    now,
    log,
  });
  dispatcher.setTarget(opts.webhookTargetUrl ?? null);
  const webhookState: WebhookAppState = {
    appId,
    developerApiKey,
    dispatcher,
    subscriptions: new SubscriptionRegistry(now, opts.webhookSubscriptions ?? defaultSubscriptions()),
    settings: { maxConcurrentRequests: 10, createdAt: now(), updatedAt: now() },
    now,
  };
  const onChange = (change: StoreChange) => publishChange(webhookState, change, () => nextEventId++);

  let consentUserId: number | null = null;
  let slowAnswers: SlowAnswerRule | null = null;
  const createPortal = (p: CreatePortalOptions = {}): number => {
    const portalId = FIRST_PORTAL_ID + portals.size;
    const demo = p.seed === 'demo';
    const domain = p.domain ?? (demo ? DEMO_PORTAL.domain : `portal-${portalId}.example`);
    const portal = new Portal(
      {
        portalId,
        name: p.name ?? (demo ? DEMO_PORTAL.name : `Sandbox portal ${portalId}`),
        domain,
        timeZone: p.timeZone ?? DEFAULT_TIME_ZONE,
        installingUser: demo ? DEMO_PORTAL.admin : { userId: 5_000_000 + portalId, email: `admin@${domain}` },
      },
      { now, onChange, searchLagMs: opts.searchLagMs ?? DEFAULT_SEARCH_LAG_MS },
    );
    portals.set(portalId, portal);
    if (demo) demoIndexes.set(portalId, seedDemoPortal(portal, { now: now() }));
    return portalId;
  };
  const defaultPortalId = createPortal({ seed: opts.seed ?? 'demo' });

  const oauth = new OAuthRegistry({
    clientId: opts.clientId,
    clientSecret: opts.clientSecret,
    appId,
    accessTokenTtlSec: opts.accessTokenTtlSec ?? 1800,
    authCodeTtlSec: opts.authCodeTtlSec ?? 600,
    redirectUris: opts.redirectUris,
    appScopes: opts.appScopes,
    now,
    portal: (id) => portals.get(id),
    defaultPortalId: () => defaultPortalId,
    consentUserId: () => consentUserId ?? undefined,
  });
  const store = createUserStore((id) => portals.get(id));
  const issueTokens = (portalId: number, scopes: string[] = ALL_SANDBOX_SCOPES) => {
    if (!portals.has(portalId)) throw new Error(`Portal ${portalId} does not exist in this sandbox`);
    return oauth.issueTokens(portalId, scopes);
  };

  const faults = new FaultInjector();
  const rateLimitStats: RateLimitStats = {
    requests: 0,
    throttled: 0,
    searchRequests: 0,
    searchThrottled: 0,
    byRoute: {},
  };
  const app = createSandboxApp({
    slowAnswers: () => slowAnswers,
    faults,
    rateLimitStats,
    ctx: { appId, portal: (id) => portals.get(id) },
    oauth,
    legacyOauth: opts.legacyOauth ?? true,
    webhooks: webhookState,
    rateLimit: opts.rateLimit === undefined ? { perTenSeconds: 110, searchPerSecond: 5 } : opts.rateLimit,
    simulate: {
      developerApiKey,
      store,
      portalIds: () => [...portals.keys()],
      issueTokens,
      playDemo: (portalId, count) => playDemoActivity({ store, now }, portalId, { count, intervalMs: 0 }),
    },
    now,
    log,
  });
  const { server, url } = await listen(app, opts.port ?? 0, opts.host ?? '127.0.0.1');
  log(`hubspot sandbox listening on ${url}`);

  return {
    url,
    appId,
    clientId: opts.clientId,
    developerApiKey,
    defaultPortalId,
    portalIds: () => [...portals.keys()],
    createPortal,
    demoIndex: (portalId) => demoIndexes.get(portalId),
    setWebhookTarget: (target) => dispatcher.setTarget(target),
    flushWebhooks: () => dispatcher.flush(),
    webhookAttempts: () => dispatcher.attempts,
    webhookSubscriptions: () => webhookState.subscriptions.list(),
    authorizeUrl: (a) => {
      const u = new URL(a.portalId === undefined ? '/oauth/authorize' : `/oauth/${a.portalId}/authorize`, url);
      u.searchParams.set('client_id', opts.clientId);
      u.searchParams.set('redirect_uri', a.redirectUri);
      u.searchParams.set('scope', a.scopes.join(' '));
      if (a.optionalScopes !== undefined) u.searchParams.set('optional_scope', a.optionalScopes.join(' '));
      if (a.state !== undefined) u.searchParams.set('state', a.state);
      return u.toString();
    },
    setConsentUser: (userId) => {
      consentUserId = userId;
    },
    answerSlowly: (rule) => {
      slowAnswers = rule ? { ...rule, times: rule.times ?? 1 } : null;
    },
    issueTokens,
    uninstall: (portalId) => {
      oauth.uninstall(portalId);
    },
    invalidateAccessToken: (token) => oauth.invalidateAccessToken(token),
    invalidateAccessTokens: (portalId) => oauth.invalidatePortalAccessTokens(portalId),
    store,
    faults,
    rateLimitStats: () => ({ ...rateLimitStats, byRoute: { ...rateLimitStats.byRoute } }),
    async close() {
      await dispatcher.close();
      await closeServer(server);
    },
  };
}

export { playDemoActivity, type DemoAction, type PlayOptions } from './demo-stream.js';
export { seedDemoPortal, type DemoPortalIndex } from './seed.js';
export { AssociationTypeId } from './association-types.js';
export { OBJECT_TYPES, type ObjectTypeName } from './object-types.js';
export type { SandboxRecord, SandboxStore, UserAssociation, UserWriteOptions } from './user-store.js';
export type { ChangeActor, ChangeSource, Owner, Portal } from './store.js';
export type { DeliveryAttempt } from './webhook-delivery.js';
export type { SubscriptionInput, WebhookEvent, WebhookSubscription } from './webhook-subscriptions.js';
export type { IssuedTokens } from './oauth.js';
export type { FaultPlan, FaultInjector } from './faults.js';
export type { RateLimitStats } from './rate-limit.js';
