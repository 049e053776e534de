import type express from 'express';
import { CloseloopError, ErrorCode } from '../core/errors.js';
import { escapeRegExp } from '../lib/text.js';
import { ROUTES } from './routes.js';

const ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * A route-table path (`/admin/suggestions/:id/approve`) as express matches it: case-insensitive, one segment per
 * `:param`, an optional trailing slash.
 */
const compiled = new Map<string, RegExp>();
function compile(path: string): RegExp {
  const hit = compiled.get(path);
  if (hit) return hit;
  const body = path
    .split('/')
    .map((seg) => (seg.startsWith(':') ? '[^/]+' : escapeRegExp(seg)))
    .join('/');
  const re = new RegExp(`^${body}/?$`, 'i');
  compiled.set(path, re);
  return re;
}

type Route = { method: string; path: string; guard?: string };

/** The routes of the table whose path is this one (any method). */
export function routesAt(path: string, routes: ReadonlyArray<Route> = ROUTES): Route[] {
  return routes.filter((r) => compile(r.path).test(path));
}

/**
 * The methods a path answers, from the route table (src/http/routes.ts, kept equal to what express mounts by
 * tests/src/http/security.int.test.ts): HEAD with GET, OPTIONS with anything. Empty when no route has this path.
 */
export function allowedMethods(path: string, routes: ReadonlyArray<Route> = ROUTES): string[] {
  const methods = new Set<string>();
  for (const r of routesAt(path, routes)) {
    methods.add(r.method);
    if (r.method === 'GET') methods.add('HEAD');
  }
  if (methods.size === 0) return [];
  methods.add('OPTIONS');
  return [...methods].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
}

/**
 * A path that exists asked with a method it does not take: `405 METHOD_NOT_ALLOWED` with `Allow` (RFC 9110 15.5.6),
 * not the 404 of a path that names nothing; `OPTIONS` answers `204` with `Allow`. `after` leaves the paths it names
 * to a later mount: src/http/app.ts checks the tenant routes after the access guard (a stranger gets the 401
 * first) and the others before their routers (whose own OPTIONS answers would differ).
 */
export function methodNotAllowed(
  o: { routes?: ReadonlyArray<Route>; after?: (r: Route) => boolean } = {},
): express.RequestHandler {
  const routes = o.routes ?? ROUTES;
  return (req, res, next) => {
    const at = routesAt(req.path, routes);
    if (at.length === 0 || (o.after && at.some(o.after))) return next();
    const allowed = allowedMethods(req.path, at);
    if (req.method !== 'OPTIONS' && allowed.includes(req.method)) return next();
    res.setHeader('Allow', allowed.join(', '));
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next(
      new CloseloopError(
        ErrorCode.METHOD_NOT_ALLOWED,
        `${req.method.slice(0, 16)} is not allowed here; this path takes ${allowed.join(', ')}`,
        { status: 405 },
      ),
    );
  };
}
