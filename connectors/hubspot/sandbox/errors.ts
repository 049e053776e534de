/**
 * HubSpot error bodies, shaped as documented in connectors/hubspot/BEHAVIOR.md, "Rate limits and errors"
 * (https://developers.hubspot.com/docs/api-reference/latest/error-handling). Route handlers throw
 * `HubspotApiError`; the error middleware in server.ts writes it out unchanged.
 */
import { randomUUID } from 'node:crypto';

export type HubspotErrorCategory =
  | 'VALIDATION_ERROR'
  | 'OBJECT_NOT_FOUND'
  | 'EXPIRED_AUTHENTICATION'
  | 'INVALID_AUTHENTICATION'
  | 'MISSING_SCOPES'
  | 'RATE_LIMITS'
  | 'CONFLICT'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'INVALID_PARAMETER';

export interface HubspotErrorDetail {
  message: string;
  in?: string;
  code?: string;
  subCategory?: string;
  context?: Record<string, string[]>;
}

export type HubspotErrorBody = Record<string, unknown> & { message: string; correlationId: string };

/** A response the sandbox sends instead of a success: status plus the exact JSON body and extra headers. */
export class HubspotApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: HubspotErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.message);
    this.name = 'HubspotApiError';
  }
}

export function correlationId(): string {
  return randomUUID();
}

interface CrmErrorOptions {
  subCategory?: string;
  context?: Record<string, string[]>;
  errors?: HubspotErrorDetail[];
  links?: Record<string, string>;
}

/** The standard CRM error: `{status:"error", message, correlationId, category, ...}`. */
export function crmError(
  status: number,
  category: HubspotErrorCategory,
  message: string,
  opts: CrmErrorOptions = {},
): HubspotApiError {
  const body: HubspotErrorBody = { status: 'error', message, correlationId: correlationId(), category };
  if (opts.subCategory !== undefined) body.subCategory = opts.subCategory;
  if (opts.context !== undefined) body.context = opts.context;
  if (opts.errors !== undefined) body.errors = opts.errors;
  if (opts.links !== undefined) body.links = opts.links;
  return new HubspotApiError(status, body);
}

export const validationError = (message: string, opts?: CrmErrorOptions) =>
  crmError(400, 'VALIDATION_ERROR', message, opts);

export function objectNotFound(id: string): HubspotApiError {
  // Wording of HubSpot's 404 for an unknown object id, as the official client receives it.
  return crmError(404, 'OBJECT_NOT_FOUND', 'Object not found.  objectId are usually numeric.', {
    context: { id: [id] },
  });
}

export function unknownObjectType(name: string): HubspotApiError {
  return crmError(400, 'VALIDATION_ERROR', `Unable to infer object type from: ${name}`);
}

export interface PropertyProblem {
  name: string;
  error:
    | 'INVALID_OPTION'
    | 'INVALID_INTEGER'
    | 'INVALID_DATE'
    | 'PROPERTY_DOESNT_EXIST'
    | 'READ_ONLY_VALUE'
    | 'REQUIRED'
    | 'INVALID_EMAIL'
    | 'INVALID_STRING_LENGTH';
  message: string;
}

/** 400 for bad property values; message format as in tests/fixtures/hubspot/http/error-400-validation.json. */
export function invalidProperties(problems: PropertyProblem[]): HubspotApiError {
  const list = problems.map((p) => ({ isValid: false, message: p.message, error: p.error, name: p.name }));
  return validationError(`Property values were not valid: ${JSON.stringify(list)}`, {
    errors: problems.map((p) => ({ message: p.message, code: p.error, context: { propertyName: [p.name] } })),
  });
}

/** OAuth endpoints use their own flat shape: `{status:"BAD_AUTH_CODE", message, correlationId}`. */
export type OAuthErrorStatus =
  | 'BAD_AUTH_CODE'
  | 'BAD_REFRESH_TOKEN'
  | 'BAD_CLIENT_ID'
  | 'BAD_CLIENT_SECRET'
  | 'BAD_GRANT_TYPE'
  | 'BAD_REDIRECT_URI'
  | 'MISMATCH_REDIRECT_URI_AUTH_CODE';

/** RFC 6749 §5.2 `error` for each HubSpot OAuth status (the date-versioned API sends both). */
export const RFC6749_ERROR: Record<OAuthErrorStatus, string> = {
  BAD_AUTH_CODE: 'invalid_grant',
  BAD_REFRESH_TOKEN: 'invalid_grant',
  MISMATCH_REDIRECT_URI_AUTH_CODE: 'invalid_grant',
  BAD_CLIENT_ID: 'invalid_client',
  BAD_CLIENT_SECRET: 'invalid_client',
  BAD_GRANT_TYPE: 'unsupported_grant_type',
  BAD_REDIRECT_URI: 'invalid_request',
};

export function oauthError(status: OAuthErrorStatus, message: string, httpStatus = 400): HubspotApiError {
  return new HubspotApiError(httpStatus, { status, message, correlationId: correlationId() });
}

export function missingScopes(required: readonly string[]): HubspotApiError {
  return crmError(
    403,
    'MISSING_SCOPES',
    "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
    {
      errors: [
        {
          message: 'One or more of the following scopes are required.',
          context: { requiredGranularScopes: [...required] },
        },
      ],
      links: { scopes: 'https://developers.hubspot.com/scopes' },
    },
  );
}
