import express from 'express';
import { CloseloopError, ErrorCode, InvalidPayloadError } from '../core/errors.js';

/** Bodies nested deeper than this (JSON brackets, XML elements) are refused before any parser sees them. */
export const MAX_BODY_DEPTH = 64;

/** Raw bytes up to `limit` (413 beyond it: body-parser's error, rendered by src/http/errors.ts). */
export const rawBody = (limit: string): express.RequestHandler => express.raw({ type: () => true, limit });

/**
 * Nesting depth of a JSON or XML document, by one linear scan over the bytes (strings, comments, CDATA and
 * processing instructions skipped). Stops as soon as `max` is passed, so a hostile body costs O(n) and no stack.
 */
export function nestingDepth(buf: Buffer, max = MAX_BODY_DEPTH): number {
  let depth = 0;
  let peak = 0;
  const n = buf.length;
  let i = 0;
  // Skip leading whitespace / BOM to see what kind of document this is.
  while (
    i < n &&
    (buf[i] === 0x20 ||
      buf[i] === 0x0a ||
      buf[i] === 0x0d ||
      buf[i] === 0x09 ||
      buf[i] === 0xef ||
      buf[i] === 0xbb ||
      buf[i] === 0xbf)
  )
    i++;
  if (buf[i] === 0x3c /* < */) {
    for (; i < n; i++) {
      if (buf[i] !== 0x3c) continue;
      const next = buf[i + 1];
      if (next === 0x3f /* ? */ || next === 0x21 /* ! */) {
        // <?...?>, <!-- ... -->, <![CDATA[ ... ]]>, <!DOCTYPE ...>: no depth
        const end =
          next === 0x21 && buf[i + 2] === 0x5b
            ? buf.indexOf(']]>', i)
            : next === 0x21 && buf[i + 2] === 0x2d
              ? buf.indexOf('-->', i)
              : buf.indexOf('>', i);
        if (end < 0) break;
        i = end;
        continue;
      }
      const close = tagEnd(buf, i + 1);
      if (close < 0) break;
      if (next === 0x2f /* / */) depth--;
      else if (buf[close - 1] !== 0x2f) {
        depth++;
        if (depth > peak) {
          peak = depth;
          if (peak > max) return peak;
        }
      }
      i = close;
    }
    return peak;
  }
  let inString = false;
  for (; i < n; i++) {
    const c = buf[i];
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > peak) {
        peak = depth;
        if (peak > max) return peak;
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return peak;
}

/** The `>` that ends the tag opened before `from`, skipping quoted attribute values (`<a b="/>">` is one open tag). */
function tagEnd(buf: Buffer, from: number): number {
  let quote = 0;
  for (let j = from; j < buf.length; j++) {
    const c = buf[j]!;
    if (quote) {
      if (c === quote) quote = 0;
    } else if (c === 0x22 /* " */ || c === 0x27 /* ' */) quote = c;
    else if (c === 0x3e /* > */) return j;
  }
  return -1;
}

/** 400 for a body nested deeper than MAX_BODY_DEPTH. Run after rawBody. */
export const limitDepth: express.RequestHandler = (req, _res, next) => {
  if (Buffer.isBuffer(req.body) && req.body.length > 0 && nestingDepth(req.body) > MAX_BODY_DEPTH) {
    next(new InvalidPayloadError(`request body nested deeper than ${MAX_BODY_DEPTH} levels`));
    return;
  }
  next();
};

/** A request that carries body bytes (a declared length above zero, or a chunked body). */
function carriesBody(req: express.Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && !/^0+$/.test(length.trim()));
}

/**
 * The body parser of a route that reads one media type: a body sent as anything else is `415
 * UNSUPPORTED_MEDIA_TYPE` naming the type to send, instead of being skipped by the parser and the request handled as
 * if it had no body (a dismissal whose reason was sent as a form was recorded without it). A request without a body
 * goes on as before.
 */
function onlyMediaType(parse: express.RequestHandler, types: string[], name: string): express.RequestHandler {
  return (req, res, next) => {
    if (carriesBody(req) && !req.is(types)) {
      next(
        new CloseloopError(
          ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          `this route reads ${name} bodies: send Content-Type: ${name}`,
          { status: 415 },
        ),
      );
      return;
    }
    parse(req, res, next);
  };
}

/** What the JSON routes parse: application/json and its structured-syntax kin (application/vnd.x+json). */
const JSON_TYPES = ['application/json', '+json'];

/** JSON bodies of at most `limit` (the /api/v1 operations): another media type is 415. */
export const jsonBody = (limit: string): express.RequestHandler =>
  onlyMediaType(express.json({ limit, type: JSON_TYPES }), JSON_TYPES, 'application/json');

/** The console's urlencoded forms (`_csrf` field) of at most `limit`: another media type is 415. */
export const formBody = (limit: string): express.RequestHandler =>
  onlyMediaType(
    express.urlencoded({ extended: false, limit, parameterLimit: 20 }),
    ['application/x-www-form-urlencoded'],
    'application/x-www-form-urlencoded',
  );
