import { Client } from '@hubspot/api-client';
import { Connection } from 'jsforce';
import { browse } from '../../src/lib/browser-fetch.js';
import { TokenCipher } from '../../src/lib/crypto.js';
import type { HubspotSandbox } from '../../connectors/hubspot/sandbox/index.js';
import type { Closeloop } from '../../src/main.js';
import { startHubspotLoop, TEST_KEY, waitFor } from '../helpers/closeloop.js';
import { hubspotFixtures } from '../helpers/hubspot-fixtures.js';
import {
  backfilled,
  installSalesforce,
  quietOpportunity,
  salesRep,
  startSalesforceLoop,
  subscribed,
  type SalesforceLoop,
} from '../helpers/salesforce.js';

const ENGINE = process.env.DATABASE_URL ? 'postgres' : 'pglite';
const DAY = 86_400_000;
const HOUR = 3_600_000;

/** Zones a rep may work in, one per hour of offset and more (all valid Salesforce TimeZoneSidKey values). */
const ZONES = [
  'Pacific/Pago_Pago',
  'Pacific/Honolulu',
  'America/Anchorage',
  'America/Los_Angeles',
  'America/Denver',
  'America/Chicago',
  'America/New_York',
  'America/Halifax',
  'America/Sao_Paulo',
  'Atlantic/South_Georgia',
  'Atlantic/Cape_Verde',
  'Europe/London',
  'Europe/Paris',
  'Europe/Athens',
  'Europe/Moscow',
  'Asia/Dubai',
  'Asia/Karachi',
  'Asia/Dhaka',
  'Asia/Bangkok',
  'Asia/Shanghai',
  'Asia/Tokyo',
  'Australia/Brisbane',
  'Pacific/Noumea',
  'Pacific/Tongatapu',
  'Pacific/Kiritimati',
];

/** Wall clock of instant `t` in `zone`, read with Intl directly (not the code under test). */
function wall(t: number, zone: string): { date: string; minutes: number; weekday: string } {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
    })
      .formatToParts(new Date(t))
      .map((x) => [x.type, x.value]),
  );
  return {
    date: `${p.year}-${p.month}-${p.day}`,
    minutes: Number(p.hour) * 60 + Number(p.minute),
    weekday: p.weekday!,
  };
}

/** The working day a task made at `t` and due a day later falls on in `zone` (a weekend moves to the Monday). */
function expectedDay(t: number, zone: string): string {
  let at = t + DAY;
  while (['Sat', 'Sun'].includes(wall(at, zone).weekday)) at += DAY;
  return wall(at, zone).date;
}

/**
 * A task falls due in its rep's working day, in the rep's own time zone as the CRM tells it (a Salesforce user's
 * TimeZoneSidKey; HubSpot owners have none, so the account's time zone from account-info): not at 03:00 their time
 * because the analysis ran then, and, where the CRM keeps a date without time (Salesforce's ActivityDate), on the date
 * the rep lives in, not the UTC one.
 */
describe(`tasks fall due in the rep's own working day (${ENGINE})`, () => {
  describe('HubSpot: the account time zone', () => {
    let hs: HubspotSandbox;
    let cl: Closeloop;
    let stop: () => Promise<void>;
    let portalId: number;
    // A zone where the analysis's time a day later is outside working hours, with room for the test's own minutes.
    const start = Date.now();
    const zone = ZONES.find((z) => {
      const m = wall(start + DAY, z).minutes;
      return (m >= 60 && m <= 7 * 60) || (m >= 18 * 60 && m <= 22 * 60);
    })!;

    beforeAll(async () => {
      ({ hs, cl, stop } = await startHubspotLoop());
      portalId = hs.defaultPortalId;
      hs.store.portal(portalId).info.timeZone = zone;
      hs.store
        .portal(portalId)
        .addOwner({ id: '9101', userId: 7101, email: 'kai@vendorly.example', firstName: 'Kai', lastName: 'Mori' });
      expect((await browse(`${cl.url}/install/hubspot`)).status).toBe(200);
      await waitFor(
        async () => (await cl.store.connections.byAccount('hubspot', String(portalId)))?.backfill_done_at,
        60_000,
        'backfill',
      );
    }, 90_000);
    afterAll(async () => {
      await stop();
    });

    test(`a follow-up made outside working hours in ${zone} is due inside them, on a weekday there`, async () => {
      expect(zone).toBeDefined();
      const fx = hubspotFixtures(hs, portalId, '9101', () => Date.now());
      const c = fx.contact('Noa', 'Quiet', 'noa@quiet-zone.example');
      const deal = fx.deal('Noa fleet', 'qualifiedtobuy', [c], 40 * DAY);
      fx.email(deal, c, 20 * DAY, 'EMAIL', 'Pricing', 'Hi Noa, here is the pricing sheet we discussed.');
      await hs.flushWebhooks();
      // The follow-up itself (a draft email is a task of type EMAIL in HubSpot, with a due time of its own).
      const task = await waitFor(
        () => fx.tasksOn(deal).find((t) => t.properties.hs_task_type !== 'EMAIL') ?? null,
        90_000,
        'the follow-up task',
      );
      // Read back through the official client, as the rep's HubSpot shows it.
      const client = new Client({ accessToken: hs.issueTokens(portalId).accessToken, basePath: hs.url });
      const read = await client.crm.objects.tasks.basicApi.getById(task.id, ['hs_timestamp', 'hs_createdate']);
      const due = Date.parse(read.properties.hs_timestamp!);
      const made = Date.parse(read.properties.hs_createdate!);
      const local = wall(due, zone);
      expect(local.minutes).toBeGreaterThanOrEqual(9 * 60);
      expect(local.minutes).toBeLessThanOrEqual(17 * 60);
      expect(['Sat', 'Sun']).not.toContain(local.weekday);
      expect(local.date).toBe(expectedDay(made, zone));
      expect(due - made).toBeGreaterThan(6 * HOUR);
    }, 150_000);

    test(`a draft reply (an EMAIL task in HubSpot) is due with its follow-up, inside working hours in ${zone}; the task names the email's day there`, async () => {
      const fx = hubspotFixtures(hs, portalId, '9101', () => Date.now());
      const c = fx.contact('Ines', 'Duarte', 'ines@tagus-zone.example');
      const deal = fx.deal('Tagus fleet', 'contractsent', [c], 40 * DAY);
      // The email at an hour whose day in the zone is not its UTC day (00:30 UTC west of UTC, 23:30 UTC east of it).
      const utcMidnight = Math.floor(Date.now() / DAY) * DAY;
      const west = wall(utcMidnight, zone).date !== new Date(utcMidnight).toISOString().slice(0, 10);
      const sentAt = west ? utcMidnight - 2 * DAY + 30 * 60_000 : utcMidnight - 2 * DAY - 30 * 60_000;
      fx.email(
        deal,
        c,
        Date.now() - sentAt,
        'INCOMING_EMAIL',
        'Re: Contract',
        'Kai, our budget was cut this quarter, so we cannot sign the Tagus contract at this price.',
      );
      await hs.flushWebhooks();
      const [task, draft] = await waitFor(
        () => {
          const all = fx.tasksOn(deal);
          const t = all.find((x) => x.properties.hs_task_type !== 'EMAIL');
          const d = all.find((x) => x.properties.hs_task_type === 'EMAIL');
          return t && d ? [t, d] : null;
        },
        90_000,
        'the task and its draft',
      );
      const client = new Client({ accessToken: hs.issueTokens(portalId).accessToken, basePath: hs.url });
      const [t, d] = await Promise.all(
        [task, draft].map((x) => client.crm.objects.tasks.basicApi.getById(x.id, ['hs_timestamp', 'hs_task_type'])),
      );
      expect(d!.properties.hs_task_type).toBe('EMAIL');
      expect(d!.properties.hs_timestamp).toBe(t!.properties.hs_timestamp);
      // "raised a budget problem on <day>": the day the rep lived the email on.
      const body = (await client.crm.objects.tasks.basicApi.getById(task.id, ['hs_task_body'])).properties
        .hs_task_body!;
      const day = new Intl.DateTimeFormat('en-GB', { timeZone: zone, day: 'numeric', month: 'long', year: 'numeric' });
      expect(body).toContain(`on ${day.format(sentAt)}`);
      const local = wall(Date.parse(d!.properties.hs_timestamp!), zone);
      expect(local.minutes).toBeGreaterThanOrEqual(9 * 60);
      expect(local.minutes).toBeLessThanOrEqual(17 * 60);
      expect(['Sat', 'Sun']).not.toContain(local.weekday);
    }, 150_000);
  });

  describe("Salesforce: the owner's TimeZoneSidKey", () => {
    let loop: SalesforceLoop;
    let conn: Connection;
    let opp: string;
    // A zone whose date a day from now is not the UTC date (so a UTC ActivityDate would name the wrong day).
    const start = Date.now();
    // (the Task is made within minutes of the start: a window of 20 minutes; Pacific/Pago_Pago at UTC-11 and
    // Pacific/Kiritimati at UTC+14 leave one such zone at any hour).
    const zone = ZONES.find((z) =>
      [-5, 0, 5, 10, 15].every((m) => {
        const t = start + DAY + m * 60_000;
        return wall(t, z).date !== new Date(t).toISOString().slice(0, 10);
      }),
    )!;

    beforeAll(async () => {
      loop = await startSalesforceLoop({ env: { STALE_DEAL_DAYS: '14' } });
      const { sf, orgId } = loop;
      const owner = salesRep(sf, orgId, {
        FirstName: 'Ana',
        LastName: 'Rep',
        Email: 'ana@sellerco.example',
        Alias: 'arep',
      });
      sf.store.update(orgId, 'User', owner, { TimeZoneSidKey: zone });
      ({ opp } = quietOpportunity(sf, orgId, {
        owner,
        company: 'Umbrella',
        domain: 'umbrella.example',
        contact: ['Alice', 'Abernathy'],
      }));
      await installSalesforce(loop.cl);
      const row = await backfilled(loop.cl, orgId, 60_000);
      await subscribed(loop, row.id);
      conn = new Connection({
        instanceUrl: sf.url,
        accessToken: new TokenCipher(TEST_KEY).decrypt(row.access_token_enc),
        version: '62.0',
      });
    }, 180_000);
    afterAll(async () => {
      await loop.stop();
    });

    test(`ActivityDate is the due day in ${zone}, not in UTC`, async () => {
      expect(zone).toBeDefined();
      // Read back through jsforce, as the rep's Salesforce shows it.
      const t = await waitFor(
        async () =>
          (await conn.query<any>(`SELECT Id, ActivityDate, CreatedDate FROM Task WHERE WhatId = '${opp}'`))
            .records[0] ?? null,
        90_000,
        'the follow-up Task',
      );
      expect(t.ActivityDate).toBe(expectedDay(Date.parse(t.CreatedDate), zone));
    }, 150_000);
  });
});
