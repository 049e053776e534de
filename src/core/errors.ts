/**
 * One error catalog. Codes are UPPER_SNAKE and never renamed once shipped: they appear in logs,
 * metrics and admin messages. Loops switch on `code` (see src/lib/failure-action.ts), never on message text.
 */
export const ErrorCode = {
  CONFIG_INVALID: 'CONFIG_INVALID',
  MIGRATIONS_PENDING: 'MIGRATIONS_PENDING',
  AUTH_EXPIRED: 'AUTH_EXPIRED',
  AUTH_REVOKED: 'AUTH_REVOKED',
  PERMISSION_MISSING: 'PERMISSION_MISSING',
  RATE_LIMITED: 'RATE_LIMITED',
  QUOTA_EXHAUSTED: 'QUOTA_EXHAUSTED',
  PROVIDER_UNAVAILABLE: 'PROVIDER_UNAVAILABLE',
  PROVIDER_REJECTED: 'PROVIDER_REJECTED',
  NOT_FOUND: 'NOT_FOUND',
  INVALID_PAYLOAD: 'INVALID_PAYLOAD',
  INVALID_CURSOR: 'INVALID_CURSOR',
  WEBHOOK_SIGNATURE_INVALID: 'WEBHOOK_SIGNATURE_INVALID',
  WEBHOOK_TIMESTAMP_INVALID: 'WEBHOOK_TIMESTAMP_INVALID',
  UNKNOWN_ACCOUNT: 'UNKNOWN_ACCOUNT',
  OAUTH_STATE_INVALID: 'OAUTH_STATE_INVALID',
  INSTALL_FAILED: 'INSTALL_FAILED',
  RULE_FILE_INVALID: 'RULE_FILE_INVALID',
  RULE_VIOLATION: 'RULE_VIOLATION',
  MODEL_OUTPUT_INVALID: 'MODEL_OUTPUT_INVALID',
  MODEL_OUTPUT_TRUNCATED: 'MODEL_OUTPUT_TRUNCATED',
  MODEL_REFUSED: 'MODEL_REFUSED',
  BUDGET_EXCEEDED: 'BUDGET_EXCEEDED',
  /**
   * The account's own setup refuses every write of this kind (a Salesforce validation rule, an org-required field):
   * only an admin can change that. The write waits, nothing is dropped.
   */
  SETUP_REQUIRED: 'SETUP_REQUIRED',
  /** No valid session or token on a route that needs one (401). */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** Authenticated, but not allowed: another tenant, missing role, missing CSRF token (403). */
  FORBIDDEN: 'FORBIDDEN',
  /** The path exists but does not take this method (405, with Allow). */
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  /** A request body in a media type the route does not read (415). */
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  /** A port or the embedded database is held by another process. */
  RESOURCE_IN_USE: 'RESOURCE_IN_USE',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ErrorDetails {
  status?: number;
  provider?: string;
  providerRequestId?: string;
  /** When the provider says to come back (Retry-After, quota reset). ms since epoch. */
  retryAt?: number;
  /** The endpoint or file involved, for messages like "GET /crm/v3/objects/deals: ...". */
  where?: string;
  cause?: unknown;
}

export class CloseloopError extends Error {
  readonly code: ErrorCode;
  readonly status?: number;
  readonly provider?: string;
  readonly providerRequestId?: string;
  readonly retryAt?: number;
  readonly where?: string;
  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = details.status;
    this.provider = details.provider;
    this.providerRequestId = details.providerRequestId;
    this.retryAt = details.retryAt;
    this.where = details.where;
  }
}

export class ConfigError extends CloseloopError {
  constructor(readonly problems: string[]) {
    super(ErrorCode.CONFIG_INVALID, `Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}
/** The database lacks migrations this version needs, and this process was not told to apply them. */
export class MigrationsPendingError extends CloseloopError {
  constructor(readonly pending: string[]) {
    super(
      ErrorCode.MIGRATIONS_PENDING,
      `The database has ${pending.length} pending migration(s) (${pending.join(', ')}). Run \`npx closeloop migrate\` first, or set MIGRATE_ON_START=true.`,
    );
  }
}
/** Something this process needs is held by another one (the HTTP port, the embedded database). */
export class ResourceInUseError extends CloseloopError {
  constructor(message: string) {
    super(ErrorCode.RESOURCE_IN_USE, message);
  }
}
export class AuthExpiredError extends CloseloopError {
  constructor(message: string, d: ErrorDetails = {}) {
    super(ErrorCode.AUTH_EXPIRED, message, { status: 401, ...d });
  }
}
export class AuthRevokedError extends CloseloopError {
  constructor(message: string, d: ErrorDetails = {}) {
    super(ErrorCode.AUTH_REVOKED, message, { status: 401, ...d });
  }
}
export class PermissionMissingError extends CloseloopError {
  constructor(message: string, d: ErrorDetails = {}) {
    super(ErrorCode.PERMISSION_MISSING, message, { status: 403, ...d });
  }
}
export class RateLimitedError extends CloseloopError {
  constructor(message: string, d: ErrorDetails = {}) {
    super(ErrorCode.RATE_LIMITED, message, { status: 429, ...d });
  }
}
export class QuotaExhaustedError extends CloseloopError {
  constructor(message: string, d: ErrorDetails = {}) {
    super(ErrorCode.QUOTA_EXHAUSTED, message, d);
  }
}
export class ProviderUnavailableError extends CloseloopError {
  constructor(message: string, d: ErrorDetails = {}) {
    super(ErrorCode.PROVIDER_UNAVAILABLE, message, d);
  }
}
export class ProviderRejectedError extends CloseloopError {
  constructor(message: string, d: ErrorDetails = {}) {
    super(ErrorCode.PROVIDER_REJECTED, message, { status: 400, ...d });
  }
}
/**
 * A write the account's setup refuses (a validation rule, a field the org requires that closeloop does not fill):
 * `issue` is the sentence RevOps reads in /admin/connections, with the account's own message and the fix.
 */
export class SetupRequiredError extends CloseloopError {
  constructor(
    message: string,
    readonly issue: string,
    d: ErrorDetails = {},
  ) {
    super(ErrorCode.SETUP_REQUIRED, message, { status: 400, ...d });
  }
}
export class NotFoundError extends CloseloopError {
  constructor(message: string, d: ErrorDetails = {}) {
    super(ErrorCode.NOT_FOUND, message, { status: 404, ...d });
  }
}
export class InvalidPayloadError extends CloseloopError {
  constructor(message: string, d: ErrorDetails = {}) {
    super(ErrorCode.INVALID_PAYLOAD, message, { status: 400, ...d });
  }
}
export class InvalidCursorError extends CloseloopError {
  constructor(message: string, d: ErrorDetails = {}) {
    super(ErrorCode.INVALID_CURSOR, message, d);
  }
}
export class WebhookSignatureError extends CloseloopError {
  constructor(
    message: string,
    code: 'WEBHOOK_SIGNATURE_INVALID' | 'WEBHOOK_TIMESTAMP_INVALID' = 'WEBHOOK_SIGNATURE_INVALID',
  ) {
    super(code, message, { status: 401 });
  }
}
export class UnknownAccountError extends CloseloopError {
  constructor(message: string, d: ErrorDetails = {}) {
    super(ErrorCode.UNKNOWN_ACCOUNT, message, { status: 404, ...d });
  }
}
export class OAuthStateError extends CloseloopError {
  constructor(message: string) {
    super(ErrorCode.OAUTH_STATE_INVALID, message, { status: 400 });
  }
}
export class InstallFailedError extends CloseloopError {
  constructor(message: string, d: ErrorDetails = {}) {
    super(ErrorCode.INSTALL_FAILED, message, { status: 502, ...d });
  }
}
export class RuleFileError extends CloseloopError {
  constructor(readonly problems: { file: string; line: number; column: number; message: string }[]) {
    super(ErrorCode.RULE_FILE_INVALID, problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`).join('\n'));
  }
}
export class ModelOutputError extends CloseloopError {
  constructor(
    code: 'MODEL_OUTPUT_INVALID' | 'MODEL_OUTPUT_TRUNCATED' | 'MODEL_REFUSED',
    message: string,
    d: ErrorDetails = {},
  ) {
    super(code, message, d);
  }
}

export const isCloseloopError = (e: unknown): e is CloseloopError => e instanceof CloseloopError;
