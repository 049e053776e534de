import { Connection } from 'jsforce';
import type { SalesforceSandbox } from '../../connectors/salesforce/sandbox/index.js';
import { TokenCipher } from '../../src/lib/crypto.js';
import type { Closeloop } from '../../src/main.js';
import { TEST_KEY } from '../helpers/closeloop.js';
import {
  backfilled,
  installSalesforce,
  quietOpportunity,
  startSalesforceLoop,
  subscribed,
  waitFor,
  type SalesforceLoop,
} from '../helpers/salesforce.js';

const DAY = 86_400_000;
const ZONE = 'Europe/Madrid';
const part = (t: number, o: Intl.DateTimeFormatOptions) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, ...o }).format(new Date(t));
/** The day of `t` in the rep's zone as YYYY-MM-DD, DD/MM/YYYY and "5 January 2027" (Intl, not the code under test). */
const dayIn = (t: number) => {
  const [d, m, y] = part(t, { day: '2-digit', month: '2-digit', year: 'numeric' }).split('/');
  return {
    iso: `${y}-${m}-${d}`,
    es: `${d}/${m}/${y}`,
    long: part(t, { day: 'numeric', month: 'long', year: 'numeric' }),
  };
};
const workingDayAfter = (t: number): string => {
  let at = t + DAY;
  while (['Sat', 'Sun'].includes(part(at, { weekday: 'short' }))) at += DAY;
  return dayIn(at).iso;
};

describe("Salesforce: an open follow-up moves to the customer's return when their Spanish auto-reply arrives", () => {
  let loop: SalesforceLoop;
  let sf: SalesforceSandbox;
  let cl: Closeloop;
  let orgId: string;
  let conn: Connection;
  let opp: string;
  let contact: string;
  const start = Date.now();
  const back = start + 18 * DAY;

  beforeAll(async () => {
    loop = await startSalesforceLoop({ env: { STALE_DEAL_DAYS: '14' } });
    ({ sf, cl, orgId } = loop);
    const owner = sf.store.create(
      orgId,
      'User',
      {
        FirstName: 'Lucía',
        LastName: 'Romero',
        Email: 'lucia@vendorly.example',
        Alias: 'lromero',
        Username: 'lucia@vendorly.example',
        TimeZoneSidKey: ZONE,
      },
      { userId: sf.store.adminUserId(orgId) },
    );
    ({ opp, contact } = quietOpportunity(sf, orgId, {
      owner,
      company: 'Iberia Cargo',
      domain: 'iberiacargo.example',
      contact: ['Pablo', 'Ortega'],
      quietDays: 30,
    }));
    const { connectionId } = await installSalesforce(cl);
    const row = await backfilled(cl, orgId, 60_000);
    await subscribed(loop, connectionId);
    conn = new Connection({
      instanceUrl: sf.url,
      accessToken: new TokenCipher(TEST_KEY).decrypt(row.access_token_enc),
      version: '62.0',
    });
  }, 150_000);
  afterAll(async () => {
    await loop.stop();
  });

  const tasks = async () =>
    (
      await conn.query<{ Id: string; Subject: string; Description: string; ActivityDate: string; Status: string }>(
        `SELECT Id, Subject, Description, ActivityDate, Status FROM Task WHERE WhatId = '${opp}'`,
      )
    ).records;

  test('the follow-up is due the first working day after the return, in the rep’s zone, and says why', async () => {
    const [before] = await waitFor(async () => ((await tasks()).length ? tasks() : null), 90_000, 'the follow-up');
    expect(before!.ActivityDate <= workingDayAfter(Date.now())).toBe(true);
    sf.store.create(orgId, 'EmailMessage', {
      Subject: 'Respuesta automática: Pilot intro',
      TextBody: `Gracias por su mensaje. Estoy fuera de la oficina hasta el ${dayIn(back).es}, con acceso limitado al correo. Para asuntos urgentes, escriba a soporte@iberiacargo.example.`,
      Status: '3',
      Incoming: true,
      FromAddress: 'pablo@iberiacargo.example',
      FromName: 'Pablo Ortega',
      MessageDate: new Date().toISOString(),
      RelatedToId: opp,
      ToIds: [contact],
    });
    const moved = await waitFor(
      async () => (await tasks()).find((t) => t.Id === before!.Id && t.ActivityDate !== before!.ActivityDate) ?? null,
      90_000,
      'the follow-up moved',
    );
    expect(moved.ActivityDate).toBe(workingDayAfter(back));
    expect(moved.Description).toContain(`out of the office until ${dayIn(back).long}`);
    expect(moved.Status).not.toBe('Completed');
    expect((await tasks()).length).toBe(1);
  }, 200_000);
});
