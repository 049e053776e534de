import { z } from 'zod';

/**
 * Zod schemas for HubSpot payloads. Every response is parsed by one of these before it
 * is read. CRM shapes follow the wire JSON (tests/fixtures/hubspot/http/); where @hubspot/api-client has
 * already revived a field (ISO strings become `Date`, v4 `toObjectId` stays a number), the schema accepts
 * both forms and normalizes, so the same schema serves the connector and the sandbox server.
 */

/** ISO-8601 string (wire) or Date (revived by the client) → ISO-8601 UTC string. */
export const HubspotTimestamp = z.union([z.string(), z.date()]).transform((v, ctx) => {
  const d = v instanceof Date ? v : new Date(v);
  if (Number.isNaN(d.getTime())) {
    ctx.addIssue({ code: 'custom', message: `not a timestamp: ${String(v)}` });
    return z.NEVER;
  }
  return d.toISOString();
});

/** Ids are strings in v3 records but numbers in v4 associations and webhooks. */
export const HubspotId = z.union([z.string().min(1), z.number().int().nonnegative()]).transform(String);

/** All property values arrive as strings (numbers, booleans and dates included) or null. */
export const HubspotProperties = z.record(z.string(), z.string().nullable().optional());
export type HubspotProperties = z.infer<typeof HubspotProperties>;

export const HubspotPaging = z.object({
  next: z.object({ after: z.string().min(1), link: z.string().optional() }).optional(),
});

/** v3 `associations` block on a record: `{ companies: { results: [{ id, type }] } }`. */
export const HubspotAssociationsBlock = z.record(
  z.string(),
  z.object({
    results: z.array(z.object({ id: HubspotId, type: z.string().optional() })),
    paging: HubspotPaging.optional(),
  }),
);
export type HubspotAssociationsBlock = z.infer<typeof HubspotAssociationsBlock>;

/** SimplePublicObject / SimplePublicObjectWithAssociations. */
export const HubspotObject = z.object({
  id: z.string().min(1),
  properties: HubspotProperties,
  createdAt: HubspotTimestamp,
  updatedAt: HubspotTimestamp,
  archived: z.boolean().optional().default(false),
  archivedAt: HubspotTimestamp.optional(),
  associations: HubspotAssociationsBlock.optional(),
});
export type HubspotObject = z.infer<typeof HubspotObject>;

/** GET /crm/v3/objects/{type}: no `paging` on the last page. */
export const HubspotListPage = z.object({
  results: z.array(HubspotObject),
  paging: HubspotPaging.optional(),
});
export type HubspotListPage = z.infer<typeof HubspotListPage>;

/** POST /crm/v3/objects/{type}/search. `paging.next.after` is an offset-like string. */
export const HubspotSearchPage = z.object({
  total: z.number().int().nonnegative(),
  results: z.array(HubspotObject),
  paging: HubspotPaging.optional(),
});
export type HubspotSearchPage = z.infer<typeof HubspotSearchPage>;

export const HubspotErrorDetail = z.looseObject({
  message: z.string().optional(),
  category: z.string().optional(),
  context: z.record(z.string(), z.array(z.string())).optional(),
});

/** POST .../batch/read: 200, or 207 with `errors[]` naming the ids that were not found. */
export const HubspotBatchReadResponse = z.object({
  status: z.string(),
  results: z.array(HubspotObject),
  numErrors: z.number().optional(),
  errors: z.array(HubspotErrorDetail).optional(),
});
export type HubspotBatchReadResponse = z.infer<typeof HubspotBatchReadResponse>;

/**
 * POST .../batch/create: 201, or 207 when some inputs failed. Inputs tagged with `objectWriteTraceId` get it back
 * on their result, and a failed input's error names it in `context.objectWriteTraceId`.
 */
export const HubspotBatchCreateResponse = z.object({
  status: z.string(),
  results: z.array(HubspotObject.extend({ objectWriteTraceId: z.string().optional() })),
  numErrors: z.number().optional(),
  errors: z.array(HubspotErrorDetail).optional(),
});
export type HubspotBatchCreateResponse = z.infer<typeof HubspotBatchCreateResponse>;

const HubspotAssociationRow = z
  .object({
    /** Wire name `from`; the official client renames it `_from` (a reserved word in its generator). */
    from: z.object({ id: HubspotId }).optional(),
    _from: z.object({ id: HubspotId }).optional(),
    to: z.array(
      z.object({
        toObjectId: HubspotId,
        associationTypes: z
          .array(z.object({ category: z.string(), typeId: z.number().int(), label: z.string().nullable().optional() }))
          .optional(),
      }),
    ),
    paging: HubspotPaging.optional(),
  })
  .transform((row, ctx) => {
    const from = row.from ?? row._from;
    if (!from) {
      ctx.addIssue({ code: 'custom', message: 'association row without `from`' });
      return z.NEVER;
    }
    return { from, to: row.to, paging: row.paging };
  });

/** POST /crm/v4/associations/{from}/{to}/batch/read. */
export const HubspotAssociationBatchResponse = z.object({
  status: z.string().optional(),
  results: z.array(HubspotAssociationRow),
  errors: z.array(HubspotErrorDetail).optional(),
});
export type HubspotAssociationBatchResponse = z.infer<typeof HubspotAssociationBatchResponse>;

/** Standard error body; only message, category and correlationId are guaranteed, so all are optional. */
export const HubspotErrorBody = z.looseObject({
  status: z.string().optional(),
  message: z.string().optional(),
  correlationId: z.string().optional(),
  category: z.string().optional(),
  subCategory: z.string().optional(),
  errorType: z.string().optional(),
  /** 429 only: TEN_SECONDLY_ROLLING, DAILY, ... */
  policyName: z.string().optional(),
  requestId: z.string().optional(),
});
export type HubspotErrorBody = z.infer<typeof HubspotErrorBody>;

/** One webhook event (Webhooks API v3). Ids are numbers; fields depend on subscriptionType. */
// Ids HubSpot sends are numbers; a string id is accepted in the same alphabet only (it becomes a key in SQL, where a
// control character or an unpaired surrogate cannot go), a portal id as digits.
const STRING_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
export const MAX_MERGED_IDS = 1000;
const PORTAL_ID = /^\d{1,20}$/;
export const HubspotWebhookEvent = z.looseObject({
  eventId: z.union([z.number().int(), z.string().regex(STRING_ID)]),
  subscriptionId: z.union([z.number().int(), z.string().regex(STRING_ID)]),
  portalId: z.union([z.number().int(), z.string().regex(PORTAL_ID)]),
  appId: z.number().int().optional(),
  occurredAt: z.number().int(),
  subscriptionType: z.string().min(1),
  attemptNumber: z.number().int().optional(),
  objectId: z.number().int().optional(),
  objectTypeId: z.string().optional(),
  propertyName: z.string().optional(),
  propertyValue: z.string().nullable().optional(),
  changeSource: z.string().optional(),
  sourceId: z.string().optional(),
  changeFlag: z.string().optional(),
  associationType: z.string().optional(),
  /** Generic object.associationChange: both sides' object type ids (no objectTypeId). */
  fromObjectTypeId: z.string().optional(),
  toObjectTypeId: z.string().optional(),
  associationTypeId: z.number().int().optional(),
  associationCategory: z.string().optional(),
  fromObjectId: z.number().int().optional(),
  toObjectId: z.number().int().optional(),
  associationRemoved: z.boolean().optional(),
  isPrimaryAssociation: z.boolean().optional(),
  primaryObjectId: z.number().int().optional(),
  /** Each merged id becomes an event: bounded (a record merges a handful of others, not thousands). */
  mergedObjectIds: z.array(z.number().int()).max(MAX_MERGED_IDS).optional(),
  newObjectId: z.number().int().optional(),
  numberOfPropertiesMoved: z.number().int().optional(),
});
export type HubspotWebhookEvent = z.infer<typeof HubspotWebhookEvent>;

/*
 * The same test as HubspotWebhookEvent, written out by hand for the webhook request path (up to 100 events per
 * request; the zod parse was several times the cost of the body's JSON.parse, docs/benchmarks.md, issue 15). It
 * accepts exactly what the schema accepts (tests/connectors/hubspot/webhook-check.test.ts compares the two over
 * generated events) and returns the event itself, not a copy: unknown keys stay, as with looseObject. The
 * schema stays the single description of the shape and gives the reason when this check refuses an event.
 */
type Check = (v: unknown) => boolean;
const int: Check = (v) => Number.isSafeInteger(v);
const str: Check = (v) => typeof v === 'string';
const nonEmptyStr: Check = (v) => typeof v === 'string' && v.length > 0;
const bool: Check = (v) => typeof v === 'boolean';
const id: Check = (v) => int(v) || (typeof v === 'string' && STRING_ID.test(v));
const portal: Check = (v) => int(v) || (typeof v === 'string' && PORTAL_ID.test(v));
const REQUIRED: readonly [string, Check][] = [
  ['eventId', id],
  ['subscriptionId', id],
  ['portalId', portal],
  ['occurredAt', int],
  ['subscriptionType', nonEmptyStr],
];
const OPTIONAL: readonly [string, Check][] = [
  ['appId', int],
  ['attemptNumber', int],
  ['objectId', int],
  ['objectTypeId', str],
  ['propertyName', str],
  ['propertyValue', (v) => v === null || typeof v === 'string'],
  ['changeSource', str],
  ['sourceId', str],
  ['changeFlag', str],
  ['associationType', str],
  ['fromObjectTypeId', str],
  ['toObjectTypeId', str],
  ['associationTypeId', int],
  ['associationCategory', str],
  ['fromObjectId', int],
  ['toObjectId', int],
  ['associationRemoved', bool],
  ['isPrimaryAssociation', bool],
  ['primaryObjectId', int],
  ['mergedObjectIds', (v) => Array.isArray(v) && v.length <= MAX_MERGED_IDS && v.every(int)],
  ['newObjectId', int],
  ['numberOfPropertiesMoved', int],
];

/** True when `v` is a HubSpot webhook event by HubspotWebhookEvent's rules (no copy, no error detail). */
export function isHubspotWebhookEvent(v: unknown): v is HubspotWebhookEvent {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  for (const [key, check] of REQUIRED) if (!check(o[key])) return false;
  for (const [key, check] of OPTIONAL) {
    const x = o[key];
    if (x !== undefined && !check(x)) return false;
  }
  return true;
}

/** A delivery is a JSON array (documented maximum 100 events). */
export const HubspotWebhookBatch = z.array(HubspotWebhookEvent).min(1);

const TokenNormalized = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1).nullable(),
  expiresIn: z.number().int().positive(),
  tokenType: z.string().nullable(),
  hubId: z.string().nullable(),
});
export type HubspotTokenResponse = z.infer<typeof TokenNormalized>;

/**
 * POST /oauth/v1/token. Wire form is snake_case (`access_token`, `expires_in`...); the official client hands
 * back its camelCase model. Both are accepted and normalized.
 */
export const HubspotTokenResponse = z
  .union([
    z
      .looseObject({
        access_token: z.string().min(1),
        refresh_token: z.string().min(1).optional(),
        expires_in: z.number().int().positive(),
        token_type: z.string().optional(),
        hub_id: HubspotId.optional(),
      })
      .transform((t) => ({
        accessToken: t.access_token,
        refreshToken: t.refresh_token ?? null,
        expiresIn: t.expires_in,
        tokenType: t.token_type ?? null,
        hubId: t.hub_id ?? null,
      })),
    z
      .looseObject({
        accessToken: z.string().min(1),
        refreshToken: z.string().min(1).optional(),
        expiresIn: z.number().int().positive(),
        tokenType: z.string().optional(),
        hubId: HubspotId.optional(),
      })
      .transform((t) => ({
        accessToken: t.accessToken,
        refreshToken: t.refreshToken ?? null,
        expiresIn: t.expiresIn,
        tokenType: t.tokenType ?? null,
        hubId: t.hubId ?? null,
      })),
  ])
  .pipe(TokenNormalized);

const AccessTokenInfoNormalized = z.object({
  hubId: z.string().min(1),
  hubDomain: z.string().nullable(),
  appId: z.string().nullable(),
  userId: z.string().nullable(),
  user: z.string().nullable(),
  scopes: z.array(z.string()),
  expiresIn: z.number().nullable(),
});
export type HubspotAccessTokenInfo = z.infer<typeof AccessTokenInfoNormalized>;

/** GET /oauth/v1/access-tokens/{token}: how the portal (hub_id) is learnt right after install. */
export const HubspotAccessTokenInfo = z
  .union([
    z
      .looseObject({
        hub_id: HubspotId,
        hub_domain: z.string().optional(),
        app_id: HubspotId.optional(),
        user_id: HubspotId.optional(),
        user: z.string().optional(),
        scopes: z.array(z.string()).optional(),
        expires_in: z.number().optional(),
      })
      .transform((t) => ({
        hubId: t.hub_id,
        hubDomain: t.hub_domain ?? null,
        appId: t.app_id ?? null,
        userId: t.user_id ?? null,
        user: t.user ?? null,
        scopes: t.scopes ?? [],
        expiresIn: t.expires_in ?? null,
      })),
    z
      .looseObject({
        hubId: HubspotId,
        hubDomain: z.string().optional(),
        appId: HubspotId.optional(),
        userId: HubspotId.optional(),
        user: z.string().optional(),
        scopes: z.array(z.string()).optional(),
        expiresIn: z.number().optional(),
      })
      .transform((t) => ({
        hubId: t.hubId,
        hubDomain: t.hubDomain ?? null,
        appId: t.appId ?? null,
        userId: t.userId ?? null,
        user: t.user ?? null,
        scopes: t.scopes ?? [],
        expiresIn: t.expiresIn ?? null,
      })),
  ])
  .pipe(AccessTokenInfoNormalized);

/**
 * POST /oauth/2026-03/token/introspect (RFC 7662 style): `active` plus the token's portal and app.
 * https://developers.hubspot.com/docs/api-reference/2026-03/authentication/oauth-tokens/token-introspect
 */
export const HubspotIntrospection = z.looseObject({
  active: z.boolean(),
  hub_id: HubspotId.optional(),
  app_id: HubspotId.optional(),
  client_id: z.string().optional(),
  user_id: HubspotId.optional(),
  hub_domain: z.string().optional(),
  scopes: z.union([z.array(z.string()), z.string()]).optional(),
  token_use: z.string().optional(),
  expires_in: z.number().optional(),
});
export type HubspotIntrospection = z.infer<typeof HubspotIntrospection>;

/**
 * Error bodies of the date-versioned OAuth API: RFC 6749 `error` / `error_description` beside HubSpot's `status` /
 * `message`.
 */
export const HubspotOauthErrorBody = z.looseObject({
  error: z.string().optional(),
  error_description: z.string().optional(),
  status: z.string().optional(),
  message: z.string().optional(),
  correlationId: z.string().optional(),
});
export type HubspotOauthErrorBody = z.infer<typeof HubspotOauthErrorBody>;

/** GET /crm/v3/owners/{ownerId}: an owner (the official client returns its camelCase model). */
export const HubspotOwner = z.looseObject({
  id: HubspotId,
  email: z.string().nullish(),
  firstName: z.string().nullish(),
  lastName: z.string().nullish(),
  archived: z.boolean().optional(),
  userId: z.number().nullish(),
});
export type HubspotOwner = z.infer<typeof HubspotOwner>;

/** GET /account-info/v3/details: the account's settings; only the time zone is read. */
export const HubspotAccountDetails = z.looseObject({
  portalId: z.number().optional(),
  timeZone: z.string().nullish(),
});

/** GET /crm/v4/objects/{type}/{id}/associations/{toType}: one page of one record's associations. */
export const HubspotAssociationPage = z.object({
  results: z.array(z.looseObject({ toObjectId: HubspotId })),
  paging: HubspotPaging.optional(),
});
export type HubspotAssociationPage = z.infer<typeof HubspotAssociationPage>;

/** GET /crm/v3/pipelines/deals (https://developers.hubspot.com/docs/api-reference/crm-pipelines-v3/guide). */
export const HubspotPipelines = z.object({
  results: z.array(
    z.object({
      id: z.string(),
      label: z.string(),
      stages: z.array(z.object({ id: z.string(), label: z.string() })),
    }),
  ),
});
export type HubspotPipelines = z.infer<typeof HubspotPipelines>;
