import type { CanonicalRecord, ObjectKind } from './canonical.js';
import type { TaskPayload, DraftEmailPayload } from './suggestion.js';
import { ProviderUnavailableError } from './errors.js';

/** Tokens as returned by a provider's token endpoint, normalized. */
export interface TokenSet {
  accessToken: string;
  refreshToken: string | null;
  /** Absolute expiry (ms since epoch); null when the provider gives no lifetime (Salesforce). */
  expiresAt: number | null;
  /** Provider-specific token metadata worth keeping (Salesforce instance_url and id URL, scopes...). */
  metadata: Record<string, string>;
}

/** Who was installed: the id webhooks are routed by, plus what later calls need. */
export interface AccountIdentity {
  /** HubSpot portal (hub) id; Salesforce org id. */
  accountId: string;
  /** Base URL of the account's API (Salesforce instance_url); null where the manifest's base is used. */
  instanceUrl: string | null;
  displayName: string | null;
}

/** Who signed in with the CRM (admin sign-in: src/auth/crm-sign-in.ts, handlers in src/http/oauth.ts). */
export interface SignedInUser {
  /** The account (HubSpot portal id, Salesforce org id) the user belongs to. */
  accountId: string;
  userId: string;
  /** Email or username, for display; never used to decide access. */
  label: string | null;
  /** An admin of the account by the CRM's own rule (HubSpot super admin; Salesforce "Modify All Data"). */
  isAdmin: boolean;
}

/** Declarative provider facts: data, not behaviour. */
/** The install check's answer (Connector.checkSetup). */
export interface SetupReport {
  issues: string[];
  warnings: string[];
}

export interface ConnectorManifest {
  id: string;
  displayName: string;
  oauth: {
    authorizeUrl: string;
    tokenUrl: string;
    scopes: string[];
    optionalScopes?: string[];
    pkce: boolean;
    scopeSeparator: string;
  };
  /** Default API base (the sandbox or a real host is substituted through configuration). */
  apiBase: string;
  apiVersion: string | null;
  pageSize: number;
  objectKinds: ObjectKind[];
  /** Kinds whose changes arrive by webhook; the rest are covered by polling only. */
  webhookKinds: ObjectKind[];
  rateLimitHeaders: { remaining: string | null; max: string | null; intervalMs: string | null };
  /**
   * Published request budgets per limit class ("lane"), used to size the shared token bucket before the
   * provider's headers correct it. `dailyMax` null when the app type has no daily cap.
   */
  rateLimits?: { lanes: Record<string, { max: number; intervalMs: number }>; dailyMax: number | null };
  capabilities: { webhooks: boolean; changeStream: boolean };
  /** What pushed changes are called in metrics and logs: webhooks, or Salesforce's Outbound Messages. */
  pushSource: 'webhook' | 'outbound';
  /**
   * Registrable domains of the CRM's production hosts (an account's own host, e.g. a Salesforce My Domain, is one of
   * their subdomains): calls to them count as this CRM's calls without configuration.
   */
  apiHosts: string[];
  /** Scopes asked for when a person signs in to closeloop's admin pages (identity and admin check only). */
  signIn?: { scopes: string[] };
  /**
   * The deployment's settings for this CRM's app, each read from one environment variable (src/config validates
   * them): the keys are what `Connector.resolveApp` reads. Declared here so a new CRM brings its own variables.
   */
  appSettings: readonly AppSettingSpec[];
}

/** One setting of a CRM's OAuth app and the environment variable it comes from. */
export interface AppSettingSpec {
  /** Key in the settings object `resolveApp` receives. */
  key: string;
  /** Environment variable (upper case, the CRM's own prefix). */
  env: string;
  /**
   * The app's credentials: all of a CRM's credentials are set together (the app is configured) or none; any one set
   * turns demo mode off.
   */
  credential?: boolean;
  /** Never printed (logs, health output). */
  secret?: boolean;
  /** Must be an absolute URL. */
  url?: boolean;
  /** One line for .env.example and the configuration error. */
  description: string;
}

/**
 * A deployment's OAuth app for one CRM, resolved by the connector from that CRM's settings (src/config's section
 * for it, or the demo's sandbox URLs): what the install and sign-in flows, token refresh, webhook verification,
 * request pacing and outbound timeouts need, so the composition root holds no provider-specific branch.
 */
export interface ProviderApp {
  clientId: string;
  clientSecret: string;
  authorizeUrl: string;
  tokenUrl: string;
  /** API origin recorded on a new connection (Salesforce replaces it with the token's instance_url). */
  apiBase: string;
  /** Origins closeloop calls for this CRM before an account has its own (the outbound call timeout covers them). */
  origins: string[];
  /** The secret the CRM signs webhooks and app requests with; null when it signs none. */
  webhookSecret: string | null;
}

/** Everything a connector needs to talk to one installed account. Passed in; connectors never read config. */
export interface ConnectionContext {
  connectionId: string;
  accountId: string;
  /** API origin to use: the manifest's base, a sandbox URL, or the token's instance_url. */
  apiBase: string;
  /** Returns a valid access token, refreshing ahead of expiry under a lock (owned by src/auth). */
  getAccessToken(): Promise<string>;
  /** Called when the provider says the token is invalid (e.g. Salesforce 401): refresh now and return the new token. */
  forceRefresh(): Promise<string>;
  /** Shared request budget for this account (all worker processes); absent = no proactive pacing. */
  pacer?: RequestPacer;
  /**
   * Aborted once the attempt this context serves is given up (its deadline passed): a call not yet sent by then is
   * never sent. A write that waited out a rate limit or a token refresh past its deadline would otherwise reach the
   * CRM after the next attempt had looked for it and found nothing (a duplicate task).
   */
  signal?: AbortSignal;
}

const CRM_DISPLAY_NAMES: Record<string, string> = { hubspot: 'HubSpot', salesforce: 'Salesforce' };

/** The CRM's name for people where no connector manifest is at hand (as the manifests' displayName); null if unknown. */
export function crmDisplayName(provider: string): string | null {
  return Object.hasOwn(CRM_DISPLAY_NAMES, provider) ? CRM_DISPLAY_NAMES[provider]! : null;
}

/** Throws when the context's attempt was given up (see ConnectionContext.signal): call before sending a request. */
export function throwIfGivenUp(ctx: Pick<ConnectionContext, 'signal'>, where: string, provider: string): void {
  if (ctx.signal?.aborted)
    throw new ProviderUnavailableError(`${where}: not sent, the attempt was given up before the call could start`, {
      provider,
      where,
    });
}

/** What a provider reported about its limits on one response (rate-limit headers, a 429's retry time). */
export interface RateReport {
  /** Requests allowed per interval and the interval (ms), when the provider says. */
  max?: number | null;
  intervalMs?: number | null;
  remaining?: number | null;
  dailyMax?: number | null;
  dailyRemaining?: number | null;
  /** Set on a 429: nothing in this lane before this time. */
  retryAt?: number | null;
}

/**
 * Proactive pacing shared by every process that calls the same account with the same app (a token bucket in
 * the database). Lanes are connector-defined limit classes (HubSpot: "burst", "search").
 */
export interface RequestPacer {
  /** Resolves when one more call in this lane fits the shared budget. */
  acquire(lane: string): Promise<void>;
  /** Feeds back what the provider reported, so the budget follows the real limits. */
  observe(lane: string, report: RateReport): Promise<void>;
}

/** Opaque, connector-defined resume point (e.g. {"after": "123", "since": "2026-..."}), JSON-serializable. */
export type Checkpoint = Record<string, string | number | null>;

export interface ChangePage {
  records: CanonicalRecord[];
  /** Ids the provider reported as deleted in this page (polling deletions). */
  deleted: { kind: ObjectKind; externalId: string }[];
  /** Save this after the page is stored; passing it back resumes after this page. */
  checkpoint: Checkpoint;
  /** True on the last page of this run. */
  done: boolean;
}

/** Raw incoming HTTP request, as captured before any body parser. */
export interface RawWebhookRequest {
  method: string;
  /** The full public URL the provider called (scheme, host, path, query). */
  url: string;
  /**
   * Other spellings of that URL our side can see (PUBLIC_URL joined, reverse-proxy forwarded host/proto):
   * a signature over the exact URI the provider called must match one of `url` or these.
   */
  alternateUrls?: string[];
  headers: Record<string, string | undefined>;
  rawBody: Buffer;
  receivedAt: number;
}

export interface WebhookEvent {
  /** Provider event id; (provider, accountId, eventId) is the inbox dedupe key. */
  eventId: string;
  accountId: string;
  kind: ObjectKind | null;
  objectId: string | null;
  change: 'created' | 'updated' | 'deleted' | 'merged' | 'associated' | 'restored' | 'other';
  occurredAt: number;
  /** The event as received (for the inbox). */
  raw: unknown;
  /** A deletion caused by a merge: the surviving record, which took over this one's associations. */
  mergedInto?: string;
  /**
   * True when the change echoes a write closeloop made itself (Salesforce CDC changeOrigin `client=closeloop`): sync
   * it, but do not suggest on it.
   */
  ownWrite?: boolean;
  /**
   * The API host the event says its account lives on (Salesforce Outbound Messages: the host of EnterpriseUrl /
   * PartnerUrl). Intake accepts the event only when it matches the installed connection's API host.
   */
  originHost?: string;
}

/** An event of a verified delivery that does not fit the provider's schema: kept aside, never dropped. */
export interface RejectedWebhookEvent {
  accountId: string | null;
  reason: string;
  /** The event as received (or the whole body when it was not readable). */
  raw: unknown;
  /** As WebhookEvent.originHost: an unsigned event is kept only when its account is installed on this host. */
  originHost?: string;
}

export interface ParsedWebhook {
  events: WebhookEvent[];
  /** Events that failed validation; the valid ones are still accepted and the request answered 2xx. */
  rejected?: RejectedWebhookEvent[];
  /** Response the provider expects (e.g. a SOAP Ack); default is an empty 200/204. */
  response?: { status: number; contentType: string; body: string };
}

export interface WebhookSecrets {
  /** HubSpot: app client secret. Salesforce outbound messages: expected org ids are checked by the caller. */
  clientSecret: string;
  /** Allowed clock skew window for timestamped signatures (ms). */
  toleranceMs: number;
  now: number;
}

/** Who a request signed by the CRM's own UI names (a HubSpot app card calling through `hubspot.fetch`). */
export interface AppRequestIdentity {
  /** HubSpot portal id. */
  accountId: string;
  /** The CRM user looking at the record. */
  userId: string;
  userEmail: string | null;
}

export interface CreatedRecord {
  externalId: string;
  url: string | null;
  /** True when the idempotency key found a record created by an earlier attempt (nothing new was written). */
  alreadyExisted?: boolean;
}

/**
 * One task of a batch create: the record, or the error that task alone met (mapped to our codes, so the failure
 * policy decides per task). A failure of the whole call is thrown instead.
 */
export type BatchItemResult = { ok: true; record: CreatedRecord } | { ok: false; error: Error };

export interface TaskWrite extends TaskPayload {
  /** Idempotency key derived from the suggestion id: lets the connector find a task it already created. */
  idempotencyKey: string;
  /**
   * An earlier attempt started and never recorded its result (crash between create and record): the
   * connector first looks for that record, best-effort. The outbox's stored CRM id is the primary guard.
   */
  mayExist?: boolean;
  dealId: string | null;
  contactIds: string[];
  companyId: string | null;
}
export interface DraftEmailWrite extends DraftEmailPayload {
  idempotencyKey: string;
  /** The priority of the task it goes with, where the CRM keeps a draft as a task (HubSpot); MEDIUM when absent. */
  priority?: TaskPayload['priority'];
  /**
   * Where the CRM keeps a draft as a task (HubSpot): due with the task it goes with, in the rep's working day; a day
   * after it is written when the suggestion has no task.
   */
  dueAt?: string;
  /** As TaskWrite.mayExist. */
  mayExist?: boolean;
  dealId: string | null;
  companyId: string | null;
}

/** A change to a task closeloop created: new text and priority (evidence appended), or completion (withdrawn). */
export interface TaskChange {
  subject?: string;
  body?: string;
  priority?: TaskPayload['priority'];
  dueAt?: string;
  /** As TaskPayload.timeZone: the zone `dueAt` was set in. */
  timeZone?: string | null;
  /** Mark the task completed (closeloop withdraws it; `body` then carries the one-line reason). */
  complete?: boolean;
  /** Hand the task to this CRM user (the deal changed owner). */
  ownerId?: string;
  /**
   * What closeloop last wrote to the task. A field whose value in the CRM differs from it (and from the new value) was
   * edited by the rep and is kept as the rep left it (connectors/kit/task-merge.ts). Absent: written as given.
   */
  previous?: { subject?: string; body?: string; priority?: TaskPayload['priority']; dueAt?: string };
  /**
   * The new part of `body` on its own ("Updated by closeloop on …" and the new evidence): appended below the rep's
   * text when the rep edited the body, once (a retry finds it there already). Absent: a rep-edited body is kept as is.
   */
  append?: string;
  /** Same key as the create: connectors that find tasks by a marker keep it in the new body. */
  idempotencyKey: string;
}

/**
 * What the connector found before changing a task: `updated` (it was still open and now carries the change),
 * `completed_by_rep` or `deleted` (the rep acted first: left untouched, the caller records it as feedback).
 */
export type TaskChangeResult = {
  state: 'updated' | 'completed_by_rep' | 'deleted';
  /** Fields left as the rep edited them (see TaskChange.previous); the body may have had the update appended. */
  keptForRep?: ('subject' | 'body' | 'priority' | 'dueAt')[];
};

/**
 * Withdrawing a draft: removed (or marked withdrawn where the CRM cannot delete it), already sent, gone, or left as the
 * rep edited it (`kept_for_rep`: it differs from what closeloop last wrote, `DraftText`, so it is the rep's now).
 */
export type DraftWithdrawResult = { state: 'withdrawn' | 'sent' | 'deleted' | 'kept_for_rep' };

/** A draft's text as closeloop writes it: subject, body and recipient. */
export interface DraftText {
  subject: string;
  body: string;
  to: { name: string | null; email: string } | null;
  /** It answers a message (a reply in its thread); HubSpot's EMAIL task says "Reply to …" then. */
  reply?: boolean;
}

/**
 * A draft closeloop wrote, written again after the CRM changed (the deal renamed, the recipient renamed or given a new
 * address): `previous` is what closeloop last wrote. A draft that holds neither `previous` nor the new text was edited by
 * the rep and is left as they wrote it.
 */
export interface DraftChange extends DraftText {
  previous: DraftText;
  /** Same key as the create. */
  idempotencyKey: string;
}

/** `updated`; `kept_for_rep` (the rep edited it: untouched); `sent` or `deleted` (the rep acted first: untouched). */
export type DraftChangeResult = { state: 'updated' | 'kept_for_rep' | 'sent' | 'deleted' };

/** A CRM user who can own records (HubSpot owner, Salesforce User). */
export interface CrmOwner {
  id: string;
  name: string;
  email: string | null;
  /** False for archived HubSpot owners and inactive Salesforce users. */
  active: boolean;
  /**
   * Their time zone (IANA), when the CRM says: a Salesforce user's TimeZoneSidKey; HubSpot owners carry none, so the
   * account's time zone (account-info details). Tasks fall due in this zone's working day; the daily cap counts its day.
   */
  timeZone?: string | null;
}

/** One deal/opportunity stage as the CRM's UI shows it. */
export interface StageLabel {
  pipelineId: string | null;
  pipelineLabel: string | null;
  stageId: string;
  label: string;
}

/** Change-stream subscription (Salesforce CDC). Replay position is stored by the caller. */
export interface ChangeStreamHandle {
  close(): Promise<void>;
  /**
   * Settles when the stream stops by itself: rejects with the reason (auth expired, replay id too old, handler
   * failure).
   */
  closed?: Promise<void>;
}
export interface ChangeStreamEvent {
  replayId: string;
  events: WebhookEvent[];
  records: CanonicalRecord[];
  /** Kinds the stream could not describe record by record (Salesforce GAP_OVERFLOW, wildcard ids): resync these. */
  resync?: ObjectKind[];
  /** A message that did not parse, skipped so it cannot stop the stream: why (logged; its kind is in `resync`). */
  skipped?: string;
}

/**
 * The whole contract `src/` needs from a CRM. Adding a CRM = one folder + one registry line.
 */
export interface Connector {
  readonly manifest: ConnectorManifest;
  /**
   * The OAuth app from this CRM's settings (string values: client id and secret, URL overrides). Throws if incomplete.
   */
  resolveApp(settings: Readonly<Record<string, string>>): ProviderApp;
  /**
   * For a provider client with an HTTP stack of its own (jsforce): send its calls through `dispatcher`, an undici
   * Dispatcher that gives every CRM call the deployment's timeout. Clients on the global fetch need nothing here.
   */
  useDispatcher?(dispatcher: unknown): void;
  /** Exchange-independent token refresh through the provider's official client. */
  refreshTokens(opts: {
    tokenUrl: string;
    clientId: string;
    clientSecret: string;
    refreshToken: string;
  }): Promise<TokenSet>;
  /** Resolve the installed account's identity right after the OAuth callback. Throws if it cannot. */
  afterInstall(
    tokens: TokenSet,
    opts: { apiBase: string; clientId?: string; clientSecret?: string },
  ): Promise<AccountIdentity>;
  /** Sign in with the CRM: who the token belongs to and whether the CRM makes them an admin. Optional capability. */
  identifyUser?(
    tokens: TokenSet,
    opts: { apiBase: string; clientId?: string; clientSecret?: string },
  ): Promise<SignedInUser>;
  /** Incremental reads: pages of canonical records plus the checkpoint to store after each page. */
  listChanges(ctx: ConnectionContext, kind: ObjectKind, since: Checkpoint | null): AsyncIterable<ChangePage>;
  /** Read records by id (after a webhook); missing ids are simply absent from the result. */
  fetchByIds(ctx: ConnectionContext, kind: ObjectKind, ids: string[]): Promise<CanonicalRecord[]>;
  /** Verify (before parsing) and parse an incoming webhook. Absent when the provider has none. */
  parseWebhook?(req: RawWebhookRequest, secrets: WebhookSecrets): ParsedWebhook;
  /**
   * Verify a request the CRM's UI signed (raw bytes, timestamp window) and say which account and user it names.
   * Optional capability.
   */
  verifyAppRequest?(req: RawWebhookRequest, secrets: WebhookSecrets): AppRequestIdentity;
  /** Subscribe to a change stream from a replay position (Salesforce CDC). Optional capability. */
  subscribeChanges?(
    ctx: ConnectionContext,
    replayFrom: string | null,
    onEvent: (e: ChangeStreamEvent) => Promise<void>,
  ): Promise<ChangeStreamHandle>;
  /**
   * The position a stream without a stored one starts from, "everything from `now` on", stored by the caller before
   * it subscribes, so a subscription that fails before its first event replays from there instead of skipping.
   */
  changeStreamStart?(now: number): string;
  /**
   * The install check: `issues`, problems that would make write-backs fail (a missing or read-only field), each one
   * sentence ([] = ready; they park write-backs); `warnings`, problems that only degrade what closeloop reads (a field
   * hidden from the connected user reads as empty), shown to RevOps without parking anything.
   */
  checkSetup?(ctx: ConnectionContext): Promise<SetupReport>;
  /** Backfill completeness: how many records of a kind the account holds, and all their ids (for the repair). */
  inventory?: {
    count(ctx: ConnectionContext, kind: ObjectKind): Promise<number>;
    ids(ctx: ConnectionContext, kind: ObjectKind): AsyncIterable<string[]>;
  };
  /** Create (or find, by idempotency key) a task. Never sends anything. */
  createTask(ctx: ConnectionContext, task: TaskWrite): Promise<CreatedRecord>;
  /**
   * Create many new tasks in as few calls as the CRM's batch endpoint allows (`maxTasksPerCall` per call), one
   * result per task in input order; a failure of the whole call is thrown. Only tasks no earlier attempt started
   * (`mayExist` false) are batched; the others take createTask and its lookup.
   */
  createTasks?(ctx: ConnectionContext, tasks: TaskWrite[]): Promise<BatchItemResult[]>;
  /** The most tasks one createTasks call sends in a single request (HubSpot 100, Salesforce 200). */
  maxTasksPerCall?: number;
  /** Create (or find) a draft email for the rep to review. Never sends. */
  createDraftEmail(ctx: ConnectionContext, draft: DraftEmailWrite): Promise<CreatedRecord>;
  /**
   * Create many new drafts in as few calls as the CRM's batch endpoint allows (`maxDraftsPerCall` per call), one
   * result per draft in input order, never sending; a failure of the whole call is thrown. As createTasks: only
   * drafts no earlier attempt started are batched, and a retried call must not duplicate one.
   */
  createDraftEmails?(ctx: ConnectionContext, drafts: DraftEmailWrite[]): Promise<BatchItemResult[]>;
  /** The most drafts one createDraftEmails call sends in a single request. */
  maxDraftsPerCall?: number;
  /** Update or complete a task closeloop created, unless the rep already completed or deleted it. */
  updateTask(ctx: ConnectionContext, taskId: string, change: TaskChange): Promise<TaskChangeResult>;
  /**
   * Remove (or mark withdrawn) a draft closeloop created, unless it was sent; `reason` is one line for the rep. With
   * `previous` (what closeloop last wrote), a draft the rep edited is never overwritten or removed (`kept_for_rep`).
   */
  withdrawDraftEmail(
    ctx: ConnectionContext,
    draftId: string,
    reason: string,
    idempotencyKey: string,
    previous?: DraftText,
  ): Promise<DraftWithdrawResult>;
  /** Write a draft closeloop created again (DraftChange), unless the rep edited, sent or deleted it. */
  updateDraftEmail?(ctx: ConnectionContext, draftId: string, change: DraftChange): Promise<DraftChangeResult>;
  /** The owner (HubSpot owners API, Salesforce User) behind an owner id; null when the CRM has none by that id. */
  lookupOwner(ctx: ConnectionContext, ownerId: string): Promise<CrmOwner | null>;
  /** Every deal stage with its label and pipeline (HubSpot pipelines API, Salesforce StageName picklist). */
  stageLabels(ctx: ConnectionContext): Promise<StageLabel[]>;
}
