/**
 * Settings users v3 (https://developers.hubspot.com/docs/api-reference/latest/account/settings/user-provisioning/users/get-user):
 * `GET /settings/v3/users/{userId}` with scope `settings.users.read`; `superAdmin` says whether the user is a super
 * admin of the account. In the sandbox the installing user is the super admin and the owners are plain users.
 */
import { Router, type Request, type Response } from 'express';
import { portalOf, type SandboxContext } from './context.js';
import { crmError } from './errors.js';
import { authOf, requireScopes } from './oauth.js';

const USER_SCOPES = ['settings.users.read'];

export function usersRouter(ctx: SandboxContext): Router {
  const router = Router();
  router.get('/settings/v3/users/:userId', (req: Request, res: Response) => {
    requireScopes(authOf(res), USER_SCOPES);
    const portal = portalOf(ctx, res);
    const wanted = req.params.userId as string;
    const byEmail = req.query.idProperty === 'EMAIL';
    const admin = portal.info.installingUser;
    if (byEmail ? admin.email.toLowerCase() === wanted.toLowerCase() : String(admin.userId) === wanted) {
      res.json({ id: String(admin.userId), email: admin.email, roleIds: [], superAdmin: true });
      return;
    }
    const owner = portal.owners.find((o) =>
      byEmail ? o.email.toLowerCase() === wanted.toLowerCase() : String(o.userId) === wanted,
    );
    if (owner === undefined) throw crmError(404, 'OBJECT_NOT_FOUND', `User ${wanted} not found.`);
    res.json({
      id: String(owner.userId),
      email: owner.email,
      firstName: owner.firstName,
      lastName: owner.lastName,
      roleIds: ['sales-rep'],
      superAdmin: false,
    });
  });
  return router;
}
