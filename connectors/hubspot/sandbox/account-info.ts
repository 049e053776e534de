/**
 * Account information (https://developers.hubspot.com/docs/api-reference/latest/account/account-information/guide):
 * `GET /account-info/v3/details`, scope `oauth` (every app token has it), the account's settings: its time zone,
 * currencies and hosting. HubSpot owners carry no time zone of their own; this is the one reps' dates are shown in.
 */
import { Router, type Request, type Response } from 'express';
import { utcOffsetMs } from '../../../src/core/time-zone.js';
import { PORTAL_CURRENCIES } from './object-types.js';
import { portalOf, type SandboxContext } from './context.js';
import { authOf, requireScopes } from './oauth.js';

const hhmm = (ms: number): string => {
  const m = Math.round(Math.abs(ms) / 60_000);
  return `${ms < 0 ? '-' : '+'}${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
};

export function accountInfoRouter(ctx: SandboxContext): Router {
  const router = Router();
  router.get('/account-info/v3/details', (_req: Request, res: Response) => {
    requireScopes(authOf(res), ['oauth']);
    const portal = portalOf(ctx, res);
    const offset = utcOffsetMs(portal.now(), portal.info.timeZone);
    const [companyCurrency, ...additionalCurrencies] = PORTAL_CURRENCIES;
    res.json({
      portalId: portal.id,
      accountType: 'STANDARD',
      timeZone: portal.info.timeZone,
      companyCurrency,
      additionalCurrencies,
      utcOffset: hhmm(offset),
      utcOffsetMilliseconds: offset,
      uiDomain: 'app.hubspot.com',
      dataHostingLocation: 'na1',
    });
  });
  return router;
}
