import type { NextFunction, Request, Response } from 'express';
import { ErrorCode, isCloseloopError } from '../core/errors.js';
import type { Logger } from '../lib/logger.js';
import type { LogSampler } from './log-sampler.js';

export interface HttpError {
  status: number;
  code: string;
  message: string;
}

const GENERIC: Record<number, string> = {
  400: 'bad request',
  404: 'no such route',
  405: 'method not allowed',
  408: 'request timeout',
  413: 'request body too large',
  414: 'URI too long',
  415: 'unsupported media type',
  431: 'request headers too large',
};

/**
 * Every failure as a stable body `{ error: CODE, message }`. closeloop's own errors keep their status and code;
 * a 4xx raised by express or body-parser (413 too large, 400 unparsable, 400 malformed %-encoding, 415 charset)
 * keeps its status with a generic message; anything else is a 500 without details.
 */
export function toHttpError(err: unknown): HttpError {
  if (isCloseloopError(err)) {
    const status = err.status && err.status >= 400 && err.status < 600 ? err.status : 500;
    return { status, code: err.code, message: status >= 500 ? 'internal error' : err.message };
  }
  const e = err as { status?: unknown; statusCode?: unknown; expose?: unknown; type?: unknown } | null;
  const status = Number(e?.status ?? e?.statusCode);
  if (Number.isInteger(status) && status >= 400 && status < 500 && e?.expose !== false) {
    const code =
      status === 404
        ? ErrorCode.NOT_FOUND
        : status === 429
          ? ErrorCode.RATE_LIMITED
          : status === 415
            ? ErrorCode.UNSUPPORTED_MEDIA_TYPE
            : status === 405
              ? ErrorCode.METHOD_NOT_ALLOWED
              : ErrorCode.INVALID_PAYLOAD;
    const message =
      e?.type === 'entity.parse.failed' ? 'request body is not valid' : (GENERIC[status] ?? 'bad request');
    return { status, code, message };
  }
  if (err instanceof URIError)
    return { status: 400, code: ErrorCode.INVALID_PAYLOAD, message: 'malformed percent-encoding in the URL' };
  return { status: 500, code: ErrorCode.INTERNAL, message: 'internal error' };
}

/** The one error handler: stable body, 5xx logged in full, repeated 4xx sampled. */
export function errorHandler(logger: Logger, sampler: LogSampler, now: () => number) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const h = toHttpError(err);
    const requestId = (req as { id?: string }).id;
    if (h.status >= 500) {
      logger.error({ code: h.code, path: req.path, requestId, err }, 'request failed');
    } else {
      const s = sampler.take(`${h.status}:${h.code}:${routeGroup(req.path)}`, now());
      if (s.suppressed)
        logger.warn(
          { code: h.code, status: h.status, group: routeGroup(req.path), suppressed: s.suppressed },
          'repeated rejections suppressed from the log',
        );
      if (s.log)
        logger.warn(
          {
            code: h.code,
            status: h.status,
            path: req.path.slice(0, 200),
            requestId,
            msg2: isCloseloopError(err) ? err.message : undefined,
          },
          'request rejected',
        );
    }
    if (res.headersSent) return;
    if (h.status === 401 && !res.getHeader('WWW-Authenticate'))
      res.setHeader('WWW-Authenticate', 'Bearer realm="closeloop"');
    res.status(h.status).json({ error: h.code, message: h.message });
  };
}

/** First path segment, bounded: the sampling key and a log field that an attacker cannot blow up. */
export const routeGroup = (path: string): string => /^\/([A-Za-z0-9_-]{1,32})/.exec(path)?.[1] ?? '-';

/** Unknown routes: 404 with the same body as every other error. */
export function notFound(_req: Request, res: Response): void {
  res.status(404).json({ error: ErrorCode.NOT_FOUND, message: 'no such route' });
}
