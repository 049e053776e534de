import { z } from 'zod';
import { InvalidPayloadError } from '../../src/core/errors.js';

/**
 * Raw Salesforce payloads. Every response is parsed here before anything reads it.
 * Record schemas are loose (extra fields are kept) and every non-key field is nullish: SOQL returns
 * selected-but-empty fields as null, CDC and outbound messages omit them. Mappers decide null-vs-missing.
 */

const str = z.string().nullish();
const bool = z.boolean().nullish();
const num = z.number().nullish();
/** Salesforce datetimes: `2024-06-01T09:15:02.000+0000` (REST) or `...Z` (CDC, SOAP). */
export const SalesforceDateTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/);
/** Salesforce dates (ActivityDate, CloseDate): `2024-06-05`. */
export const SalesforceDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
export const SalesforceId = z.string().regex(/^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/);

const SalesforceAttributes = z.object({ type: z.string(), url: z.string().optional() }).optional();

const base = {
  attributes: SalesforceAttributes,
  Id: SalesforceId,
  IsDeleted: bool,
  OwnerId: str,
  CreatedDate: SalesforceDateTime.nullish(),
  LastModifiedDate: SalesforceDateTime.nullish(),
  SystemModstamp: SalesforceDateTime,
};

export const SalesforceContactRecord = z.looseObject({
  ...base,
  FirstName: str,
  LastName: str,
  Email: str,
  Phone: str,
  MobilePhone: str,
  Title: str,
  HasOptedOutOfEmail: z.boolean().nullish(),
  IsEmailBounced: z.boolean().nullish(),
  AccountId: str,
});
export type SalesforceContactRecord = z.infer<typeof SalesforceContactRecord>;

export const SalesforceLeadRecord = z.looseObject({
  ...base,
  FirstName: str,
  LastName: str,
  Email: str,
  Phone: str,
  MobilePhone: str,
  Title: str,
  Company: str,
  HasOptedOutOfEmail: z.boolean().nullish(),
  EmailBouncedReason: str,
  IsConverted: bool,
  ConvertedAccountId: str,
  ConvertedContactId: str,
});
export type SalesforceLeadRecord = z.infer<typeof SalesforceLeadRecord>;

export const SalesforceAccountRecord = z.looseObject({
  ...base,
  Name: str,
  Website: str,
  Industry: str,
  Phone: str,
});
export type SalesforceAccountRecord = z.infer<typeof SalesforceAccountRecord>;

export const SalesforceOpportunityRecord = z.looseObject({
  ...base,
  Name: str,
  Amount: num,
  StageName: str,
  Probability: num,
  CloseDate: SalesforceDate.nullish(),
  IsClosed: bool,
  IsWon: bool,
  AccountId: str,
  /** Only in multi-currency orgs. */
  CurrencyIsoCode: str,
});
export type SalesforceOpportunityRecord = z.infer<typeof SalesforceOpportunityRecord>;

export const SalesforceTaskRecord = z.looseObject({
  ...base,
  Subject: str,
  Description: str,
  ActivityDate: SalesforceDate.nullish(),
  Status: str,
  Priority: str,
  IsClosed: bool,
  TaskSubtype: str,
  CallType: str,
  WhoId: str,
  WhatId: str,
  AccountId: str,
});
export type SalesforceTaskRecord = z.infer<typeof SalesforceTaskRecord>;

export const SalesforceEventRecord = z.looseObject({
  ...base,
  Subject: str,
  Description: str,
  StartDateTime: SalesforceDateTime.nullish(),
  EndDateTime: SalesforceDateTime.nullish(),
  ActivityDateTime: SalesforceDateTime.nullish(),
  ActivityDate: SalesforceDate.nullish(),
  IsAllDayEvent: bool,
  WhoId: str,
  WhatId: str,
  AccountId: str,
});
export type SalesforceEventRecord = z.infer<typeof SalesforceEventRecord>;

export const SalesforceEmailMessageRecord = z.looseObject({
  ...base,
  Subject: str,
  TextBody: str,
  HtmlBody: str,
  Status: str,
  Incoming: bool,
  MessageDate: SalesforceDateTime.nullish(),
  FromAddress: str,
  RelatedToId: str,
  ParentId: str,
  CreatedById: str,
});
export type SalesforceEmailMessageRecord = z.infer<typeof SalesforceEmailMessageRecord>;

/**
 * One page of `GET /query?q=`
 * (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query.htm).
 */
export const SalesforceQueryResponse = z.object({
  totalSize: z.number().int().nonnegative(),
  done: z.boolean(),
  nextRecordsUrl: z.string().optional(),
  records: z.array(z.unknown()),
});
export type SalesforceQueryResponse = z.infer<typeof SalesforceQueryResponse>;

/** Junction rows read to fill associations. */
export const SalesforceOpportunityContactRoleRow = z.looseObject({
  OpportunityId: SalesforceId,
  ContactId: SalesforceId.nullish(),
  Role: str,
  IsPrimary: bool,
});
export type SalesforceOpportunityContactRoleRow = z.infer<typeof SalesforceOpportunityContactRoleRow>;
export const SalesforceEmailMessageRelationRow = z.looseObject({
  EmailMessageId: SalesforceId,
  RelationId: SalesforceId.nullish(),
  RelationObjectType: str,
});
export const SalesforceIdRow = z.looseObject({ Id: SalesforceId });

/** `POST /sobjects/{Type}` → 201. */
/**
 * POST /composite/sobjects: one result per record, in request order, HTTP 200 even when some failed. Per-record
 * errors carry `statusCode` (top-level REST errors use `errorCode`).
 */
export const SalesforceCollectionResponse = z.array(
  z.object({
    id: SalesforceId.nullable().optional(),
    success: z.boolean(),
    errors: z.array(
      z.looseObject({ statusCode: z.string(), message: z.string().optional(), fields: z.array(z.string()).optional() }),
    ),
  }),
);

export const SalesforceCreateResponse = z.object({
  id: SalesforceId,
  success: z.literal(true),
  errors: z.array(z.unknown()),
});

/**
 * Top-level REST error body: an array
 * (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm).
 */
export const SalesforceErrorBody = z.array(
  z.object({ message: z.string(), errorCode: z.string(), fields: z.array(z.string()).optional() }),
);

/** `GET /sobjects/{T}/deleted/?start=&end=`. */
export const SalesforceGetDeletedResponse = z.object({
  deletedRecords: z.array(z.object({ id: SalesforceId, deletedDate: SalesforceDateTime })),
  earliestDateAvailable: SalesforceDateTime,
  latestDateCovered: SalesforceDateTime,
});
export type SalesforceGetDeletedResponse = z.infer<typeof SalesforceGetDeletedResponse>;

/** `GET /sobjects/{T}/updated/?start=&end=`. */
export const SalesforceGetUpdatedResponse = z.object({
  ids: z.array(SalesforceId),
  latestDateCovered: SalesforceDateTime,
});
export type SalesforceGetUpdatedResponse = z.infer<typeof SalesforceGetUpdatedResponse>;

/** `GET /limits` (excerpt we read). */
export const SalesforceLimitsResponse = z.looseObject({
  DailyApiRequests: z.object({ Max: z.number(), Remaining: z.number() }),
});

/** `POST {login}/services/oauth2/token`. No expires_in: the lifetime is the org's session timeout. */
export const SalesforceTokenResponse = z.looseObject({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  instance_url: z.url(),
  /** Identity URL: https://login.salesforce.com/id/{orgId}/{userId}. */
  id: z.url(),
  token_type: z.string().optional(),
  scope: z.string().optional(),
  issued_at: z.string().optional(),
  signature: z.string().optional(),
});
export type SalesforceTokenResponse = z.infer<typeof SalesforceTokenResponse>;

/** The identity URL's last two segments are the org id (00D...) and the user id (005...). */
export const SalesforceIdentityUrl = z.url().transform((url, ctx) => {
  const m = /\/id\/(00D[a-zA-Z0-9]{12}(?:[a-zA-Z0-9]{3})?)\/(005[a-zA-Z0-9]{12}(?:[a-zA-Z0-9]{3})?)\/?$/.exec(
    new URL(url).pathname,
  );
  if (!m) {
    ctx.addIssue({ code: 'custom', message: 'identity URL does not end in /id/{orgId}/{userId}' });
    return z.NEVER;
  }
  return { organizationId: m[1]!, userId: m[2]! };
});

/**
 * CDC ChangeEventHeader
 * (https://developer.salesforce.com/docs/atlas.en-us.change_data_capture.meta/change_data_capture/cdc_event_fields_header.htm).
 */
export const SalesforceChangeEventHeader = z.looseObject({
  entityName: z.string(),
  recordIds: z.array(z.string()),
  /**
   * CREATE, UPDATE, DELETE, UNDELETE, their GAP_ forms, GAP_OVERFLOW; a type this version does not know is an "other"
   * change whose records are read again (cdc.ts), not a message that stops the stream.
   */
  changeType: z.string().min(1),
  changeOrigin: z.string().nullish(),
  transactionKey: z.string().nullish(),
  sequenceNumber: z.number().nullish(),
  /** Epoch ms; one that is not a plausible time is null, and the receive time stands in (cdc.ts). */
  commitTimestamp: z.number().int().positive().max(8.64e15).nullable().catch(null),
  commitUser: z.string().nullish(),
  nulledFields: z.array(z.string()).nullish(),
  changedFields: z.array(z.string()).nullish(),
});
export type SalesforceChangeEventHeader = z.infer<typeof SalesforceChangeEventHeader>;

/** What a CometD subscriber receives on /data/ChangeEvents (the Bayeux message's `data`). */
export const SalesforceCdcEvent = z.object({
  schema: z.string().optional(),
  event: z.object({ replayId: z.number().int() }),
  payload: z.looseObject({ ChangeEventHeader: SalesforceChangeEventHeader }),
});
export type SalesforceCdcEvent = z.infer<typeof SalesforceCdcEvent>;

/**
 * Outbound Message, after XML parsing with namespace prefixes removed
 * (https://developer.salesforce.com/docs/platform/api/guide/sforce-api-om-outboundmessaging-wsdl.html).
 */
export const SalesforceOutboundNotification = z.object({
  Id: z.string().min(1),
  sObject: z.looseObject({ '@_type': z.string().regex(/^(\w+:)?\w+$/), Id: SalesforceId }),
});
export type SalesforceOutboundNotification = z.infer<typeof SalesforceOutboundNotification>;
export const SalesforceOutboundMessage = z.object({
  Envelope: z.object({
    Body: z.object({
      notifications: z.object({
        OrganizationId: z.string().regex(/^00D[a-zA-Z0-9]{12}([a-zA-Z0-9]{3})?$/),
        ActionId: z.string().nullish(),
        // Required by the WSDL (no minOccurs="0"): they carry the org's host, the only tie of an unsigned message to
        // the installed connection (webhooks.ts originOf).
        EnterpriseUrl: z.string().min(1),
        PartnerUrl: z.string().min(1),
        // Each checked on its own (webhooks.ts): one malformed notification is quarantined, not the whole message
        // refused (Salesforce would retry it for 24 hours, then drop the good ones with it).
        Notification: z.array(z.unknown()).min(1).max(100),
      }),
    }),
  }),
});
export type SalesforceOutboundMessage = z.infer<typeof SalesforceOutboundMessage>;

/** Parses `value` or throws InvalidPayloadError naming where it came from (endpoint, channel, webhook). */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new InvalidPayloadError(`${where}: unexpected Salesforce payload (${issues})`, {
      provider: 'salesforce',
      where,
    });
  }
  return result.data;
}

/** The part of GET /sobjects/Opportunity/describe we read: StageName's picklist values and labels. */
export const SalesforceDescribeStages = z.looseObject({
  fields: z.array(
    z.looseObject({
      name: z.string(),
      picklistValues: z
        .array(z.looseObject({ value: z.string(), label: z.string().nullish(), active: z.boolean().optional() }))
        .optional(),
    }),
  ),
});
