/**
 * Errors the sandbox answers with, in Salesforce's wire shapes.
 * REST: a JSON array `[{message, errorCode, fields?}]`; per-record results in collections use `statusCode` instead.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm
 */

export type SalesforceErrorCode =
  | 'MALFORMED_QUERY'
  | 'INVALID_FIELD'
  | 'INVALID_TYPE'
  | 'INVALID_QUERY_LOCATOR'
  | 'INVALID_QUERY_FILTER_OPERATOR'
  | 'NUMBER_OUTSIDE_VALID_RANGE'
  | 'REQUIRED_FIELD_MISSING'
  | 'INVALID_FIELD_FOR_INSERT_UPDATE'
  | 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST'
  | 'INVALID_CROSS_REFERENCE_KEY'
  | 'MALFORMED_ID'
  | 'INVALID_ID_FIELD'
  | 'FIELD_INTEGRITY_EXCEPTION'
  | 'FIELD_CUSTOM_VALIDATION_EXCEPTION'
  | 'STRING_TOO_LONG'
  | 'UNABLE_TO_LOCK_ROW'
  | 'INACTIVE_OWNER_OR_USER'
  | 'DUPLICATE_VALUE'
  | 'JSON_PARSER_ERROR'
  | 'INVALID_SESSION_ID'
  | 'REQUEST_LIMIT_EXCEEDED'
  | 'INSUFFICIENT_ACCESS_OR_READONLY'
  | 'NOT_FOUND'
  | 'ENTITY_IS_DELETED'
  | 'METHOD_NOT_ALLOWED'
  | 'INVALID_REPLICATION_DATE'
  | 'EXCEEDED_ID_LIMIT'
  | 'ALL_OR_NONE_OPERATION_ROLLED_BACK'
  | 'INVALIDJOB'
  | 'MISSING_ARGUMENT'
  | 'INVALID_TYPE_ON_FIELD_IN_RECORD'
  | 'API_ERROR'
  | 'MALFORMED_SEARCH'
  | 'MULTIPLE_CHOICES'
  | 'UNKNOWN_EXCEPTION';

export interface SalesforceRestError {
  message: string;
  errorCode: SalesforceErrorCode;
  fields?: string[];
}

export interface SalesforceRecordError {
  statusCode: SalesforceErrorCode;
  message: string;
  fields: string[];
}

/** A failure that maps to one HTTP status and one Salesforce error code. */
export class SalesforceApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: SalesforceErrorCode,
    message: string,
    readonly fields?: string[],
  ) {
    super(message);
    this.name = 'SalesforceApiError';
  }

  toRestBody(): SalesforceRestError[] {
    return [{ message: this.message, errorCode: this.errorCode, ...(this.fields ? { fields: this.fields } : {}) }];
  }

  toRecordError(): SalesforceRecordError {
    return { statusCode: this.errorCode, message: this.message, fields: this.fields ?? [] };
  }
}

export const sessionExpired = (): SalesforceApiError =>
  new SalesforceApiError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');

export const notFound = (message = 'The requested resource does not exist'): SalesforceApiError =>
  new SalesforceApiError(404, 'NOT_FOUND', message);

export const malformedQuery = (message: string): SalesforceApiError =>
  new SalesforceApiError(400, 'MALFORMED_QUERY', message);

export const invalidField = (message: string, fields?: string[]): SalesforceApiError =>
  new SalesforceApiError(400, 'INVALID_FIELD', message, fields);

/** OAuth endpoints answer with `{error, error_description}` instead of the REST array. */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error:
      | 'invalid_grant'
      | 'invalid_request'
      | 'invalid_client'
      | 'invalid_client_id'
      | 'redirect_uri_mismatch'
      | 'unsupported_grant_type'
      | 'unsupported_response_type'
      | 'invalid_token',
    readonly description: string,
  ) {
    super(description);
    this.name = 'OAuthError';
  }

  toBody(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}
