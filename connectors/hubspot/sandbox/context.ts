/** What the route modules need from the running sandbox, passed in rather than imported. */
import type { Request, Response } from 'express';
import type { ZodType } from 'zod';
import { crmError, unknownObjectType, validationError } from './errors.js';
import { resolveObjectType, type ObjectTypeDef } from './object-types.js';
import { authOf, requireScopes } from './oauth.js';
import type { ChangeActor, Portal } from './store.js';

export interface SandboxContext {
  appId: number;
  portal(portalId: number): Portal | undefined;
}

/** Changes made through the API by our app: `changeSource: API`, `sourceId` = app id. */
export function apiActor(ctx: SandboxContext): ChangeActor {
  return { changeSource: 'API', sourceId: String(ctx.appId) };
}

export function portalOf(ctx: SandboxContext, res: Response): Portal {
  const portal = ctx.portal(authOf(res).portalId);
  if (portal === undefined)
    throw crmError(401, 'INVALID_AUTHENTICATION', 'The portal this token belongs to no longer exists.');
  return portal;
}

/** Resolves the `{objectType}` path segment and checks the token's read or write scopes for it. */
export function objectTypeOf(
  req: Request,
  res: Response,
  access: 'read' | 'write',
  param = 'objectType',
): ObjectTypeDef {
  const raw = req.params[param] as string;
  const def = resolveObjectType(raw);
  if (def === undefined) throw unknownObjectType(raw);
  requireScopes(authOf(res), access === 'read' ? def.readScopes : def.writeScopes);
  return def;
}

/** Parses a JSON body with a zod schema; failures become HubSpot's 400 VALIDATION_ERROR. */
export function parseBody<T>(schema: ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
    throw validationError(`Invalid input JSON: ${details.join('; ')}`, {
      errors: parsed.error.issues.map((i) => ({ message: i.message, in: i.path.join('.') })),
    });
  }
  return parsed.data;
}

export function baseUrlOf(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}
