/**
 * Every route closeloop serves and what lets a caller in. docs/security.md renders this table;
 * tests/src/http/security.int.test.ts checks it against the routes actually mounted and against live requests.
 *
 * - open: anyone (liveness only, says nothing about tenants)
 * - rate-limited: anyone, limited per client address in the database; starts or finishes an OAuth flow whose
 *   state is sealed and single-use
 * - crm-signed: the CRM's signature over the raw body (HubSpot v3/v1; app cards: v3 only, over the full URL with the
 *   portal and user HubSpot appends) or, for Salesforce Outbound Messages, an
 *   installed org id (see connectors/salesforce/webhooks.ts)
 * - ingest-key: a per-connection ingest key (src/sources), plus the rate limit
 * - slack-signed: Slack's v0 signature over the raw body, plus the rate limit
 * - tenant: a session (signed in with the CRM, admins only) or an API token, scoped to the caller's tenant by the
 *   one access guard; operators (OPERATOR_TOKENS / OPERATOR_USERS) reach every tenant
 * - operator-or-metrics: operators or the METRICS_TOKEN scraper
 */
export type Guard =
  'open' | 'rate-limited' | 'crm-signed' | 'ingest-key' | 'slack-signed' | 'tenant' | 'operator-or-metrics';

export const ROUTES: ReadonlyArray<{ method: string; path: string; guard: Guard; what: string }> = [
  { method: 'GET', path: '/livez', guard: 'open', what: 'liveness: {"status":"ok"}' },
  { method: 'GET', path: '/readyz', guard: 'open', what: 'readiness (database, queue): no tenant data' },
  { method: 'GET', path: '/healthz', guard: 'open', what: 'readiness, kept for existing probes' },
  { method: 'GET', path: '/metrics', guard: 'operator-or-metrics', what: 'Prometheus, aggregate series only' },
  { method: 'GET', path: '/', guard: 'tenant', what: 'summary page (HTML or JSON); a sign-in page when not signed in' },
  { method: 'GET', path: '/admin/connections', guard: 'tenant', what: "sync health of the tenant's connections" },
  { method: 'GET', path: '/admin/feedback', guard: 'tenant', what: 'acceptance report (?since=30d)' },
  { method: 'GET', path: '/auth/session', guard: 'tenant', what: 'who am I, and the CSRF token for writes' },
  { method: 'POST', path: '/auth/logout', guard: 'tenant', what: 'end the session (CSRF token required)' },
  {
    method: 'GET',
    path: '/auth/login/:provider',
    guard: 'rate-limited',
    what: 'sign in with the CRM (OAuth, identity scopes only)',
  },
  {
    method: 'GET',
    path: '/auth/callback/:provider',
    guard: 'rate-limited',
    what: 'sign-in callback: admins of an installed account, or operators',
  },
  {
    method: 'GET',
    path: '/install/:provider',
    guard: 'rate-limited',
    what: 'install: redirect to the CRM consent (writes nothing)',
  },
  {
    method: 'GET',
    path: '/oauth/:provider/callback',
    guard: 'rate-limited',
    what: 'install callback: token exchange, connection stored',
  },
  {
    method: 'POST',
    path: '/webhooks/:provider',
    guard: 'crm-signed',
    what: 'HubSpot webhooks, Salesforce Outbound Messages (2 MB, depth 64)',
  },
  { method: 'POST', path: '/ingest/v1/interactions', guard: 'ingest-key', what: 'interactions from other systems' },
  { method: 'GET', path: '/ingest/v1/interactions/:sourceId', guard: 'ingest-key', what: 'one ingested interaction' },
  {
    method: 'DELETE',
    path: '/ingest/v1/interactions/:sourceId',
    guard: 'ingest-key',
    what: 'delete an ingested interaction',
  },
  { method: 'POST', path: '/slack/events', guard: 'slack-signed', what: 'Slack Events API' },
  {
    method: 'GET',
    path: '/admin',
    guard: 'tenant',
    what: 'console: connections (sync health, backfill, dead letters, install); sign-in page for a browser',
  },
  {
    method: 'GET',
    path: '/admin/suggestions',
    guard: 'tenant',
    what: 'console: suggestions feed with filters, evidence, verdicts, approve/dismiss',
  },
  {
    method: 'POST',
    path: '/admin/suggestions/:id/approve',
    guard: 'tenant',
    what: 'console form: approve a held suggestion (the review service), 303 back to the feed',
  },
  {
    method: 'POST',
    path: '/admin/suggestions/:id/dismiss',
    guard: 'tenant',
    what: 'console form: dismiss a held suggestion with an optional reason (feedback), 303 back to the feed',
  },
  {
    method: 'POST',
    path: '/admin/connections/:id/setup-fixed',
    guard: 'tenant',
    what: "console form: the org problem a write-back ran into is fixed; the connection's parked write-backs resume",
  },
  { method: 'GET', path: '/admin/rules', guard: 'tenant', what: 'console: rule files, lint and replay of a draft' },
  {
    method: 'GET',
    path: '/admin/outcomes',
    guard: 'tenant',
    what: 'console: outcomes over time, acceptance by kind and rep, model quality',
  },
  {
    method: 'POST',
    path: '/api/v1/admin/rules/lint',
    guard: 'tenant',
    what: 'lint a rule-file draft with the others (nothing saved; 1 MB)',
  },
  {
    method: 'POST',
    path: '/api/v1/admin/rules/replay',
    guard: 'tenant',
    what: "replay a rule-file draft on the tenant's last 7 days (nothing saved)",
  },
  {
    method: 'POST',
    path: '/api/v1/admin/rules/cases',
    guard: 'tenant',
    what: 'run the rule case tables against a rule-file draft (nothing saved)',
  },
  {
    method: 'GET',
    path: '/api/v1/suggestions',
    guard: 'tenant',
    what: "review queue: the tenant's suggestions in one status (?status=review)",
  },
  {
    method: 'POST',
    path: '/api/v1/suggestions/:id/approve',
    guard: 'tenant',
    what: 'approve a held suggestion: written back through the output gate',
  },
  {
    method: 'POST',
    path: '/api/v1/suggestions/:id/dismiss',
    guard: 'tenant',
    what: 'dismiss a held suggestion (recorded as feedback; 4 KB)',
  },
  {
    method: 'GET',
    path: '/api/v1/openapi.json',
    guard: 'open',
    what: "OpenAPI 3.1 document of /api/v1 (generated from the handlers' zod schemas)",
  },
  {
    method: 'GET',
    path: '/api/v1/cards/hubspot/suggestions',
    guard: 'crm-signed',
    what: "HubSpot app card (hubspot.fetch, v3 signature naming an installed portal and its user): the record's open suggestions",
  },
  {
    method: 'POST',
    path: '/api/v1/cards/hubspot/suggestions/:id/feedback',
    guard: 'crm-signed',
    what: 'HubSpot app card: Useful / Not useful / Done (16 KB)',
  },
  {
    method: 'GET',
    path: '/api/v1/cards/salesforce/suggestions',
    guard: 'tenant',
    what: "Salesforce component (Apex + Named Credential with an API token; the org must be the token's tenant's)",
  },
  {
    method: 'POST',
    path: '/api/v1/cards/salesforce/suggestions/:id/feedback',
    guard: 'tenant',
    what: 'Salesforce component: Useful / Not useful / Done',
  },
];

/** Prefixes whose every route, present or future, is behind the tenant guard. */
export const GUARDED_PREFIXES = ['/admin', '/api'] as const;
