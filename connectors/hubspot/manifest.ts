import type { ConnectorManifest, ObjectKind } from '../../src/core/index.js';

/**
 * Declarative HubSpot facts. Request code reads these; it never repeats them as literals.
 * Sources: the public documentation linked beside each fact and explained in BEHAVIOR.md.
 */
export const hubspotManifest: ConnectorManifest = {
  id: 'hubspot',
  displayName: 'HubSpot',
  oauth: {
    // https://developers.hubspot.com/docs/apps/developer-platform/build-apps/authentication/oauth/working-with-oauth
    authorizeUrl: 'https://app.hubspot.com/oauth/authorize',
    // Date-versioned OAuth API; /oauth/v1/* is sunset on 16 Feb 2027 (BEHAVIOR.md, "OAuth").
    tokenUrl: 'https://api.hubapi.com/oauth/2026-03/token',
    scopes: [
      'oauth',
      'crm.objects.contacts.read',
      'crm.objects.contacts.write',
      'crm.objects.companies.read',
      'crm.objects.companies.write',
      'crm.objects.deals.read',
      'crm.objects.deals.write',
      // Email engagements need this on top of the contacts scopes.
      'sales-email-read',
      'crm.objects.owners.read',
    ],
    // HubSpot's authorize endpoint takes no code_challenge; the token exchange is form-encoded with the client secret.
    pkce: false,
    scopeSeparator: ' ',
  },
  apiBase: 'https://api.hubapi.com',
  apiVersion: 'v3',
  pageSize: 100,
  objectKinds: ['contact', 'company', 'deal', 'email', 'call', 'meeting', 'note', 'task'],
  // Activities only arrive through the generic object.* subscriptions (beta) when an app has them;
  // they are parsed when delivered but polled regardless. See BEHAVIOR.md.
  webhookKinds: ['contact', 'company', 'deal'],
  rateLimitHeaders: {
    remaining: 'X-HubSpot-RateLimit-Remaining',
    max: 'X-HubSpot-RateLimit-Max',
    intervalMs: 'X-HubSpot-RateLimit-Interval-Milliseconds',
  },
  capabilities: { webhooks: true, changeStream: false },
  pushSource: 'webhook',
  apiHosts: ['hubapi.com', 'hubspot.com'],
  // Public (OAuth) apps: 110 requests per 10 s per installed account, no daily cap; search has its own
  // 5 requests/s per account and sends no rate-limit headers.
  // https://developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines
  rateLimits: {
    lanes: { burst: { max: 110, intervalMs: 10_000 }, search: { max: 5, intervalMs: 1_000 } },
    dailyMax: null,
  },
  // Admin sign-in: token introspection names the user; the settings users API says whether they are a super admin.
  // https://developers.hubspot.com/docs/api-reference/latest/account/settings/user-provisioning/users/get-user
  signIn: { scopes: ['oauth', 'settings.users.read'] },
  // The app's settings (app-settings.ts reads these keys); the defaults of the URLs are the values above.
  appSettings: [
    { key: 'clientId', env: 'HUBSPOT_CLIENT_ID', credential: true, description: 'HubSpot app client id' },
    {
      key: 'clientSecret',
      env: 'HUBSPOT_CLIENT_SECRET',
      credential: true,
      secret: true,
      description: 'HubSpot app client secret, also the webhook signing secret (v3 signatures)',
    },
    {
      key: 'apiBase',
      env: 'HUBSPOT_API_BASE',
      url: true,
      description: 'API origin; change only to point at a sandbox',
    },
    { key: 'authorizeUrl', env: 'HUBSPOT_AUTHORIZE_URL', url: true, description: 'OAuth authorize URL' },
  ],
};

export const HUBSPOT_PROVIDER = hubspotManifest.id;

/** Object names used in CRM v3/v4 paths. */
export const HUBSPOT_OBJECT_TYPE: Record<ObjectKind, string> = {
  contact: 'contacts',
  company: 'companies',
  deal: 'deals',
  email: 'emails',
  call: 'calls',
  meeting: 'meetings',
  note: 'notes',
  task: 'tasks',
};

/** Object type ids (webhook `objectTypeId`, UI deep links). */
export const HUBSPOT_OBJECT_TYPE_ID: Record<ObjectKind, string> = {
  contact: '0-1',
  company: '0-2',
  deal: '0-3',
  task: '0-27',
  note: '0-46',
  meeting: '0-47',
  call: '0-48',
  email: '0-49',
};

/** Contacts keep the legacy name; every other object uses hs_lastmodifieddate. */
export const HUBSPOT_LAST_MODIFIED_PROPERTY: Record<ObjectKind, string> = {
  contact: 'lastmodifieddate',
  company: 'hs_lastmodifieddate',
  deal: 'hs_lastmodifieddate',
  email: 'hs_lastmodifieddate',
  call: 'hs_lastmodifieddate',
  meeting: 'hs_lastmodifieddate',
  note: 'hs_lastmodifieddate',
  task: 'hs_lastmodifieddate',
};

/** Properties requested per kind: exactly what the mappers read. */
export const HUBSPOT_PROPERTIES: Record<ObjectKind, readonly string[]> = {
  contact: [
    'firstname',
    'lastname',
    'email',
    'phone',
    'jobtitle',
    'hs_email_optout',
    'hs_email_hard_bounce_reason_enum',
    'hubspot_owner_id',
    'createdate',
    'lastmodifieddate',
  ],
  company: ['name', 'domain', 'website', 'industry', 'phone', 'hubspot_owner_id', 'createdate', 'hs_lastmodifieddate'],
  deal: [
    'dealname',
    'amount',
    'deal_currency_code',
    'dealstage',
    'pipeline',
    'closedate',
    'hs_is_closed',
    'hs_is_closed_won',
    'hubspot_owner_id',
    'createdate',
    'hs_lastmodifieddate',
  ],
  email: [
    'hs_timestamp',
    'hs_email_subject',
    'hs_email_text',
    'hs_email_html',
    'hs_email_direction',
    'hs_email_status',
    'hs_email_headers',
    'hubspot_owner_id',
    'hs_createdate',
    'hs_lastmodifieddate',
  ],
  call: [
    'hs_timestamp',
    'hs_call_title',
    'hs_call_body',
    'hs_call_direction',
    'hs_call_status',
    'hubspot_owner_id',
    'hs_createdate',
    'hs_lastmodifieddate',
  ],
  meeting: [
    'hs_timestamp',
    'hs_meeting_title',
    'hs_meeting_body',
    'hs_meeting_outcome',
    'hs_meeting_start_time',
    'hubspot_owner_id',
    'hs_createdate',
    'hs_lastmodifieddate',
  ],
  note: ['hs_timestamp', 'hs_note_body', 'hubspot_owner_id', 'hs_createdate', 'hs_lastmodifieddate'],
  task: [
    'hs_timestamp',
    'hs_task_subject',
    'hs_task_body',
    'hs_task_status',
    'hs_task_priority',
    'hs_task_type',
    'hubspot_owner_id',
    'hs_createdate',
    'hs_lastmodifieddate',
  ],
};

/** Which associated object types we read for each kind (canonical records carry contacts/companies/deals). */
export const HUBSPOT_ASSOCIATED_KINDS: Record<ObjectKind, readonly ('contact' | 'company' | 'deal')[]> = {
  contact: ['company', 'deal'],
  company: ['contact', 'deal'],
  deal: ['contact', 'company'],
  email: ['contact', 'company', 'deal'],
  call: ['contact', 'company', 'deal'],
  meeting: ['contact', 'company', 'deal'],
  note: ['contact', 'company', 'deal'],
  task: ['contact', 'company', 'deal'],
};

/** HUBSPOT_DEFINED association type ids (from @hubspot/api-client AssociationTypes; hubspot-ids.json). */
export const HUBSPOT_ASSOCIATION = {
  category: 'HUBSPOT_DEFINED',
  taskToContact: 204,
  taskToCompany: 192,
  taskToDeal: 216,
} as const;

export const HUBSPOT_LIMITS = {
  /** Inputs per batch read (50 with propertiesWithHistory, which we never request). */
  batchReadSize: 100,
  /** v4 association batch read inputs per call. */
  associationBatchSize: 100,
  /** Page size when following one record's associations past the first page (v4 list allows up to 500). */
  associationPageSize: 500,
  /** How often incremental polling also sweeps archived records (deletions and merges without a webhook). */
  archivedSweepMs: 60 * 60 * 1000,
  /** CRM search stops at 10,000 results per query; paging past it returns 400. */
  searchResultCap: 10_000,
  /** Search results lag writes by a few seconds; each finished poll re-reads this window. */
  searchLagMs: 30_000,
  /** v3 webhook signatures older (or newer) than this are rejected. */
  webhookMaxSkewMs: 5 * 60 * 1000,
  /** Search-endpoint per-second limit: the 429 retry hint when no header says otherwise. */
  searchRetryMs: 1_000,
  /** Ten-second rolling window, used when the interval header is missing. */
  burstIntervalMs: 10_000,
  /**
   * Characters a text property value holds ("limited to 65,536 characters", documented for hs_note_body); a longer
   * task body refuses the whole write with a 400. See BEHAVIOR.md "Writing back".
   */
  textPropertyMaxChars: 65_536,
} as const;

/** UI host and record-page path for deep links. */
export const HUBSPOT_APP_BASE = 'https://app.hubspot.com';

export const HUBSPOT_WEBHOOK_HEADERS = {
  signatureV3: 'X-HubSpot-Signature-v3',
  timestamp: 'X-HubSpot-Request-Timestamp',
  signature: 'X-HubSpot-Signature',
  signatureVersion: 'X-HubSpot-Signature-Version',
} as const;

export const HUBSPOT_DAILY_HEADERS = {
  daily: 'X-HubSpot-RateLimit-Daily',
  dailyRemaining: 'X-HubSpot-RateLimit-Daily-Remaining',
} as const;

/**
 * The date-versioned OAuth endpoints (relative to the API base), all form-encoded, RFC 6749 error bodies.
 * https://developers.hubspot.com/docs/api-reference/auth-oauth-v3/guide
 */
export const HUBSPOT_OAUTH_PATHS = {
  token: '/oauth/2026-03/token',
  introspect: '/oauth/2026-03/token/introspect',
  revoke: '/oauth/2026-03/token/revoke',
} as const;
/** Kept for basePathFromTokenUrl: a configured token URL may still end in the legacy path. */
export const HUBSPOT_LEGACY_TOKEN_PATH = '/oauth/v1/token';

/** Limit classes of the shared request budget (manifest.rateLimits.lanes). */
export const HUBSPOT_LANE = { burst: 'burst', search: 'search' } as const;
export type HubspotLane = (typeof HUBSPOT_LANE)[keyof typeof HUBSPOT_LANE];

/** HTTP 477: "migration in progress" (portal moving data centres); transient, comes with Retry-After. */
export const HUBSPOT_MIGRATION_IN_PROGRESS = 477;
