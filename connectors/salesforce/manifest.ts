import type { ConnectorManifest, ObjectKind } from '../../src/core/index.js';

/**
 * Declarative Salesforce facts. Request code reads hosts, paths, versions, limits and
 * field lists from here; nothing below is repeated as a literal elsewhere.
 */

/** Login hosts. Sandbox orgs authenticate against test.salesforce.com; My Domain login URLs work too. */
export const SALESFORCE_LOGIN_HOSTS = {
  production: 'https://login.salesforce.com',
  sandbox: 'https://test.salesforce.com',
} as const;
export type SalesforceLoginEnvironment = keyof typeof SALESFORCE_LOGIN_HOSTS;

/**
 * OAuth endpoints, relative to a login host
 * (https://help.salesforce.com/s/articleView?id=remoteaccess_oauth_web_server_flow.htm).
 */
export const SALESFORCE_OAUTH_PATHS = {
  authorize: '/services/oauth2/authorize',
  token: '/services/oauth2/token',
  revoke: '/services/oauth2/revoke',
} as const;

/** Authorize/token URLs for a login host (production, sandbox, My Domain, or a local fake). */
export function salesforceOAuthUrls(loginHost: string): { authorizeUrl: string; tokenUrl: string; revokeUrl: string } {
  const base = loginHost.replace(/\/+$/, '');
  return {
    authorizeUrl: base + SALESFORCE_OAUTH_PATHS.authorize,
    tokenUrl: base + SALESFORCE_OAUTH_PATHS.token,
    revokeUrl: base + SALESFORCE_OAUTH_PATHS.revoke,
  };
}

/** Pinned REST version; jsforce would otherwise default to 50.0 (node_modules/jsforce/lib/connection.js). */
export const SALESFORCE_API_VERSION = '62.0';

/**
 * Sent as `Sforce-Call-Options: client=closeloop`; CDC reports it in changeOrigin, which is how we spot our own writes.
 */
export const SALESFORCE_CALL_CLIENT = 'closeloop';

export const SALESFORCE_LIMITS = {
  /**
   * Rows per keyset page (one SOQL call each): REST returns up to 2,000 rows per response (the query batch size's
   * maximum and default), so LIMIT 2,000 is one call and the fewest calls per row the REST API allows.
   * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_queryoptions.htm
   */
  pageSize: 2_000,
  /** Ids per `WHERE Id IN (...)` query: keeps the GET query string well under the ~16 KB URL limit. */
  idsPerQuery: 200,
  /** Composite sObject collections take at most 200 records per call. */
  compositeRecords: 200,
  /** Above this many rows a first backfill goes through Bulk API 2.0 instead of REST pages. */
  bulkBackfillThreshold: 10_000,
  /** Bulk API 2.0 results per page we ask for (maxRecords): bounded memory per page; Salesforce may send fewer. */
  bulkMaxRecords: 10_000,
  /** getDeleted/getUpdated only reach back 30 days. */
  replicationWindowMs: 30 * 24 * 60 * 60 * 1000,
  /** getDeleted works on whole minutes; a shorter window is skipped until the next run. */
  replicationMinWindowMs: 60 * 1000,
  /** CDC events are retained for 72 hours. */
  cdcRetentionMs: 72 * 60 * 60 * 1000,
  /** Pause after 403 REQUEST_LIMIT_EXCEEDED (daily allocation, rolling 24 h: there is no fixed reset time). */
  dailyQuotaPauseMs: 60 * 60 * 1000,
  /** Pause after the concurrent long-running request limit (25 per org) was hit. */
  concurrencyPauseMs: 30 * 1000,
  /**
   * How long a field found hidden from the connected user (field-level security: "No such column") is left out of
   * reads before it is tried again (an admin may have granted it). See visible-fields.ts.
   */
  hiddenFieldsTtlMs: 60 * 60 * 1000,
} as const;

/** Response header carrying `api-usage=used/max` on every REST response. */
export const SALESFORCE_LIMIT_INFO_HEADER = 'Sforce-Limit-Info';

/** CDC over CometD: one channel for every entity the admin selected in Setup → Change Data Capture. */
export const SALESFORCE_CDC_CHANNEL = '/data/ChangeEvents';

/**
 * Custom External ID + Unique text field on Task and EmailMessage that holds our idempotency key
 * (created by the install; see BEHAVIOR.md "Write-back idempotency").
 */
export const SALESFORCE_IDEMPOTENCY_FIELD = 'Closeloop_Key__c';

/** Standard key prefixes (first 3 characters of an id) we route by. */
export const SALESFORCE_KEY_PREFIX = {
  Account: '001',
  Contact: '003',
  User: '005',
  Opportunity: '006',
  Lead: '00Q',
  Task: '00T',
  Event: '00U',
  EmailMessage: '02s',
  Organization: '00D',
} as const;

export type SalesforceSObjectName = 'Contact' | 'Lead' | 'Account' | 'Opportunity' | 'Task' | 'Event' | 'EmailMessage';

/** Fields we SELECT per sObject (names from jsforce's sObject typings and Salesforce's Object Reference). */
export const SALESFORCE_FIELDS: Record<SalesforceSObjectName, readonly string[]> = {
  Contact: [
    'Id',
    'IsDeleted',
    'FirstName',
    'LastName',
    'Email',
    'Phone',
    'Title',
    'HasOptedOutOfEmail',
    'IsEmailBounced',
    'AccountId',
    'OwnerId',
    'CreatedDate',
    'LastModifiedDate',
    'SystemModstamp',
  ],
  Lead: [
    'Id',
    'IsDeleted',
    'FirstName',
    'LastName',
    'Email',
    'Phone',
    'Title',
    'Company',
    'HasOptedOutOfEmail',
    'EmailBouncedReason',
    'OwnerId',
    'IsConverted',
    'ConvertedAccountId',
    'ConvertedContactId',
    'CreatedDate',
    'LastModifiedDate',
    'SystemModstamp',
  ],
  Account: [
    'Id',
    'IsDeleted',
    'Name',
    'Website',
    'Industry',
    'Phone',
    'OwnerId',
    'CreatedDate',
    'LastModifiedDate',
    'SystemModstamp',
  ],
  Opportunity: [
    'Id',
    'IsDeleted',
    'Name',
    'Amount',
    'StageName',
    'Probability',
    'CloseDate',
    'IsClosed',
    'IsWon',
    'AccountId',
    'OwnerId',
    'CreatedDate',
    'LastModifiedDate',
    'SystemModstamp',
  ],
  Task: [
    'Id',
    'IsDeleted',
    'Subject',
    'Description',
    'ActivityDate',
    'Status',
    'Priority',
    'IsClosed',
    'TaskSubtype',
    'CallType',
    'WhoId',
    'WhatId',
    'AccountId',
    'OwnerId',
    'CreatedDate',
    'LastModifiedDate',
    'SystemModstamp',
  ],
  Event: [
    'Id',
    'IsDeleted',
    'Subject',
    'Description',
    'StartDateTime',
    'EndDateTime',
    'ActivityDateTime',
    'ActivityDate',
    'IsAllDayEvent',
    'WhoId',
    'WhatId',
    'AccountId',
    'OwnerId',
    'CreatedDate',
    'LastModifiedDate',
    'SystemModstamp',
  ],
  EmailMessage: [
    'Id',
    'IsDeleted',
    'Subject',
    'TextBody',
    'HtmlBody',
    'Status',
    'Incoming',
    'MessageDate',
    'FromAddress',
    'RelatedToId',
    'ParentId',
    'CreatedById',
    'CreatedDate',
    'LastModifiedDate',
    'SystemModstamp',
  ],
};

/** Numeric and boolean fields: Bulk API 2.0 returns CSV strings, which are coerced back before parsing. */
export const SALESFORCE_FIELD_TYPES: Record<string, 'number' | 'boolean'> = {
  IsDeleted: 'boolean',
  IsConverted: 'boolean',
  IsClosed: 'boolean',
  IsWon: 'boolean',
  IsAllDayEvent: 'boolean',
  Incoming: 'boolean',
  HasOptedOutOfEmail: 'boolean',
  IsEmailBounced: 'boolean',
  Amount: 'number',
  Probability: 'number',
};

/**
 * Which sObjects feed each canonical kind, with an optional extra SOQL condition (a constant, never a value).
 * Task feeds two kinds: calls are Tasks with TaskSubtype = 'Call'. In SOQL `!=` also matches null, so
 * plain tasks without a subtype stay in `task`.
 * Lead feeds `contact` (converted leads come through as archived: the Contact they became carries on).
 */
export const SALESFORCE_KIND_SOURCES: Record<ObjectKind, { sobject: SalesforceSObjectName; where: string | null }[]> = {
  contact: [
    { sobject: 'Contact', where: null },
    { sobject: 'Lead', where: null },
  ],
  company: [{ sobject: 'Account', where: null }],
  deal: [{ sobject: 'Opportunity', where: null }],
  task: [{ sobject: 'Task', where: "TaskSubtype != 'Call'" }],
  call: [{ sobject: 'Task', where: "TaskSubtype = 'Call'" }],
  meeting: [{ sobject: 'Event', where: null }],
  email: [{ sobject: 'EmailMessage', where: null }],
  // Classic Notes / ContentNote are not synced yet (see BEHAVIOR.md).
  note: [],
};

const PRODUCTION_OAUTH = salesforceOAuthUrls(SALESFORCE_LOGIN_HOSTS.production);
const SYNCED_KINDS: ObjectKind[] = ['contact', 'company', 'deal', 'task', 'call', 'meeting', 'email'];

export const salesforceManifest: ConnectorManifest = {
  id: 'salesforce',
  displayName: 'Salesforce',
  oauth: {
    // Production host by default; sandbox orgs swap in SALESFORCE_LOGIN_HOSTS.sandbox via salesforceOAuthUrls().
    authorizeUrl: PRODUCTION_OAUTH.authorizeUrl,
    tokenUrl: PRODUCTION_OAUTH.tokenUrl,
    scopes: ['api', 'refresh_token'],
    pkce: true,
    scopeSeparator: ' ',
  },
  // Every org has its own instance_url (from the token response); this is only the default login origin.
  apiBase: SALESFORCE_LOGIN_HOSTS.production,
  apiVersion: SALESFORCE_API_VERSION,
  pageSize: SALESFORCE_LIMITS.pageSize,
  objectKinds: SYNCED_KINDS,
  // CDC covers these when the admin selected the entities; polling stays on for everything as the fallback.
  webhookKinds: ['contact', 'company', 'deal', 'task', 'call', 'meeting'],
  // The header's value is `api-usage=used/max`, not a number: read it with parseLimitInfo() in client.ts.
  rateLimitHeaders: { remaining: SALESFORCE_LIMIT_INFO_HEADER, max: SALESFORCE_LIMIT_INFO_HEADER, intervalMs: null },
  // webhooks: Outbound Messages (SOAP); changeStream: Change Data Capture over CometD.
  capabilities: { webhooks: true, changeStream: true },
  pushSource: 'outbound',
  // Production and sandbox orgs, Experience Cloud and Government Cloud hosts.
  apiHosts: ['salesforce.com', 'force.com', 'salesforce.mil', 'cloudforce.com'],
  // Admin sign-in: the identity URL (scope `id`) and one query for a Modify All Data permission set (scope `api`).
  // https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_tokens_scopes.htm
  signIn: { scopes: ['api', 'id'] },
  // The connected app's settings (app-settings.ts reads these keys).
  appSettings: [
    { key: 'clientId', env: 'SALESFORCE_CLIENT_ID', credential: true, description: 'connected app consumer key' },
    {
      key: 'clientSecret',
      env: 'SALESFORCE_CLIENT_SECRET',
      credential: true,
      secret: true,
      description: 'connected app consumer secret',
    },
    {
      key: 'loginUrl',
      env: 'SALESFORCE_LOGIN_URL',
      url: true,
      description: 'login.salesforce.com, test.salesforce.com (sandbox orgs) or a My Domain login URL',
    },
  ],
};
