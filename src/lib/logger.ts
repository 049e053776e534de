import { pino, type Logger } from 'pino';
import { logContextFields } from './log-context.js';

/**
 * Structured logger: one JSON object per line. Lines written while handling a request or a job carry its ids
 * (requestId; queue and jobId; traceId and spanId when tracing is on), from src/lib/log-context.ts.
 * Secrets and personal data are redacted here, not by each caller: any key named like a token/secret, and
 * email bodies / contact fields.
 */
const REDACT_KEYS = [
  'accessToken',
  'refreshToken',
  'access_token',
  'refresh_token',
  'clientSecret',
  'client_secret',
  'password',
  'authorization',
  'Authorization',
  'apiKey',
  'secret',
  'token',
  'encryptionKey',
  'body',
  'email',
  'phone',
  'firstName',
  'lastName',
  'html',
  'text',
];
const paths = REDACT_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);

export type { Logger };

export function createLogger(
  opts: { level?: string; name?: string; destination?: NodeJS.WritableStream } = {},
): Logger {
  return pino(
    {
      name: opts.name ?? 'closeloop',
      level: opts.level ?? 'info',
      redact: { paths, censor: '[redacted]' },
      base: undefined,
      mixin: logContextFields,
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    opts.destination as any,
  );
}

/** A logger that drops everything (tests, benchmarks). */
export const silentLogger = (): Logger => pino({ level: 'silent' });
