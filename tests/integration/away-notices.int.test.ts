import { Client } from '@hubspot/api-client';
import { browse } from '../../src/lib/browser-fetch.js';
import type { HubspotSandbox } from '../../connectors/hubspot/sandbox/index.js';
import type { Closeloop } from '../../src/main.js';
import { startHubspotLoop, waitFor } from '../helpers/closeloop.js';
import { hubspotFixtures, taskText as text } from '../helpers/hubspot-fixtures.js';

const DAY = 86_400_000;
const ZONE = 'Europe/Berlin';

/** The calendar day of instant `t` in the rep's zone, read with Intl (not the code under test). */
const dayIn = (t: number): { iso: string; weekday: string; de: string; long: string } => {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: ZONE,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
    })
      .formatToParts(new Date(t))
      .map((x) => [x.type, x.value]),
  );
  return {
    iso: `${p.year}-${p.month}-${p.day}`,
    weekday: p.weekday!,
    de: `${p.day}.${p.month}.${p.year}`,
    long: new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, day: 'numeric', month: 'long', year: 'numeric' }).format(
      new Date(t),
    ),
  };
};
/** The first working day after the day of `t` (a weekend moves to the Monday). */
const workingDayAfter = (t: number): string => {
  let at = t + DAY;
  while (['Sat', 'Sun'].includes(dayIn(at).weekday)) at += DAY;
  return dayIn(at).iso;
};

describe('HubSpot: away notices and calendar notices lead to the task a sales manager expects', () => {
  let hs: HubspotSandbox;
  let cl: Closeloop;
  let stop: () => Promise<void>;
  let portalId: number;
  let client: Client;
  const D: Record<string, string> = {};
  const C: Record<string, string> = {};
  let contact: ReturnType<typeof hubspotFixtures>['contact'];
  let deal: ReturnType<typeof hubspotFixtures>['deal'];
  let email: ReturnType<typeof hubspotFixtures>['email'];
  let tasksOn: ReturnType<typeof hubspotFixtures>['tasksOn'];
  // Away from tomorrow, back three weeks from now (both named in German, the way the customer's notice names them).
  const start = Date.now();
  const awayFrom = dayIn(start + DAY);
  const backOn = dayIn(start + 21 * DAY);
  const meeting = dayIn(start + 9 * DAY);

  beforeAll(async () => {
    ({ hs, cl, stop } = await startHubspotLoop());
    portalId = hs.defaultPortalId;
    hs.store.portal(portalId).info.timeZone = ZONE;
    hs.store
      .portal(portalId)
      .addOwner({ id: '9001', userId: 7001, email: 'morgan@vendorly.example', firstName: 'Morgan', lastName: 'Reyes' });
    ({ contact, deal, email, tasksOn } = hubspotFixtures(hs, portalId, '9001', () => Date.now()));
    // The test's reads share the portal's rate limits with closeloop's calls: the client waits out a 429 as told.
    client = new Client({
      accessToken: hs.issueTokens(portalId).accessToken,
      basePath: hs.url,
      numberOfApiCallRetries: 6,
    });

    // 1. A quiet deal: closeloop writes its follow-up; the customer's auto-reply comes after it.
    C.late = contact('Jonas', 'Keller', 'jonas@alpenlogistik.example');
    D.late = deal('Alpen Logistik Flottenportal', 'qualifiedtobuy', [C.late], 70 * DAY);
    email(
      D.late,
      C.late,
      40 * DAY,
      'EMAIL',
      'Angebot Flottenportal',
      'Hallo Jonas, anbei unser Angebot. Passt das so?',
    );

    // 2. A quiet deal whose latest customer mail is already an auto-reply: the follow-up and its draft are for the return.
    C.away = contact('Claire', 'Martin', 'claire@rivegauche.example');
    D.away = deal('Rive Gauche analytics', 'qualifiedtobuy', [C.away], 70 * DAY);
    email(
      D.away,
      C.away,
      40 * DAY,
      'EMAIL',
      'Proposal',
      'Hi Claire, here is the proposal we discussed. Any questions?',
    );
    email(
      D.away,
      C.away,
      2 * DAY,
      'INCOMING_EMAIL',
      'Réponse automatique : Proposal',
      `Bonjour, je suis absente à partir du ${awayFrom.de}. Je serai de retour le ${backOn.de}. En cas d'urgence, merci de contacter support@rivegauche.example.`,
    );

    // 3. A quiet deal with a German invitation for a meeting ahead: a next step is in place.
    C.cal = contact('Lena', 'Fischer', 'lena@tailspin.example');
    D.cal = deal('Tailspin Onboarding', 'presentationscheduled', [C.cal], 70 * DAY);
    email(D.cal, C.cal, 40 * DAY, 'INCOMING_EMAIL', 'Re: Onboarding', 'Danke, wir schauen uns das intern an.');
    email(
      D.cal,
      C.cal,
      2 * DAY,
      'EMAIL',
      `Einladung: Onboarding-Workshop @ ${meeting.de} 14:00 - 15:00 (MEZ) (morgan@vendorly.example)`,
      'Sie wurden zu folgendem Termin eingeladen.\nGäste\nmorgan@vendorly.example - Organisator\nlena@tailspin.example\nmax@tailspin.example\nEinladung von Google Kalender',
      { hs_email_headers: JSON.stringify({ from: { email: 'morgan@vendorly.example' } }) },
    );
    // One of the two customers declines; the other is still coming.
    email(
      D.cal,
      C.cal,
      DAY,
      'INCOMING_EMAIL',
      `Abgelehnt: Onboarding-Workshop @ ${meeting.de} 14:00 - 15:00 (MEZ)`,
      'Max Braun hat diese Einladung abgelehnt.',
      { hs_email_headers: JSON.stringify({ from: { email: 'max@tailspin.example' } }) },
    );

    expect((await browse(`${cl.url}/install/hubspot`)).status).toBe(200);
    await waitFor(
      async () => (await cl.store.connections.byAccount('hubspot', String(portalId)))?.backfill_done_at,
      30_000,
      'backfill',
    );
    await waitFor(
      () => (tasksOn(D.late!).length >= 1 && tasksOn(D.away!).length >= 2) || null,
      120_000,
      'the follow-ups',
    );
  }, 180_000);
  afterAll(async () => {
    await stop();
  }, 120_000);

  const read = async (id: string) =>
    (
      await client.crm.objects.tasks.basicApi.getById(id, [
        'hs_task_subject',
        'hs_task_body',
        'hs_timestamp',
        'hs_task_type',
        'hs_task_status',
      ])
    ).properties;

  test("an open follow-up moves to the customer's return when their auto-reply arrives after it, and says why", async () => {
    const todo = tasksOn(D.late!).find((t) => t.properties.hs_task_type === 'TODO')!;
    const before = await read(todo.id);
    // Written the day after (in the rep's working day), before any auto-reply.
    expect(dayIn(Date.parse(before.hs_timestamp!)).iso <= workingDayAfter(Date.now())).toBe(true);
    email(
      D.late!,
      C.late!,
      0,
      'INCOMING_EMAIL',
      'Automatische Antwort: Angebot Flottenportal',
      `Vielen Dank für Ihre Nachricht. Ich bin ab ${awayFrom.de} im Urlaub und ab dem ${backOn.de} wieder im Büro. In dringenden Fällen wenden Sie sich bitte an info@alpenlogistik.example.`,
    );
    await hs.flushWebhooks();
    // Watched in the sandbox's store (no API calls while waiting), then read back once through the official client.
    await waitFor(
      () => {
        const t = tasksOn(D.late!).find((x) => x.id === todo.id);
        const at = t?.properties.hs_timestamp;
        const ms = at && /^\d+$/.test(at) ? Number(at) : Date.parse(at ?? '');
        return Number.isFinite(ms) && dayIn(ms).iso !== dayIn(Date.parse(before.hs_timestamp!)).iso ? t : null;
      },
      60_000,
      'the follow-up moved',
    );
    const moved = await read(todo.id);
    // "ab dem <day> wieder im Büro": back that day; due the first working day after it, 09:00 in the rep's zone.
    expect(dayIn(Date.parse(moved.hs_timestamp!)).iso).toBe(workingDayAfter(start + 21 * DAY));
    expect(new Date(moved.hs_timestamp!).toLocaleTimeString('en-GB', { timeZone: ZONE })).toBe('09:00:00');
    expect(text(moved.hs_task_body)).toContain(`back on ${backOn.long}`);
    // "ab <day>" is the day the absence starts, never read as the return.
    expect(text(moved.hs_task_body)).not.toContain(`until ${awayFrom.long}`);
    expect(text(moved.hs_task_body)).not.toContain(`back on ${awayFrom.long}`);
    expect(moved.hs_task_status).not.toBe('COMPLETED');
  }, 90_000);

  test('a follow-up and its draft written during the absence: due after the return, the draft welcomes them back', async () => {
    const all = await Promise.all(tasksOn(D.away!).map((t) => read(t.id)));
    const todo = all.find((t) => t.hs_task_type === 'TODO')!;
    const draft = all.find((t) => t.hs_task_type === 'EMAIL')!;
    const due = workingDayAfter(start + 21 * DAY);
    expect(dayIn(Date.parse(todo.hs_timestamp!)).iso).toBe(due);
    expect(dayIn(Date.parse(draft.hs_timestamp!)).iso).toBe(due);
    expect(text(todo.hs_task_body)).toContain(`back on ${backOn.long}`);
    expect(text(todo.hs_task_body)).toContain('The draft email is for their return: send it then, not before.');
    const words = text(draft.hs_task_body);
    expect(words).toContain('I hope all went well while you were away.');
    expect(words).not.toMatch(/It has been a while/);
  });

  test('a German invitation with one declined guest out of two is a meeting ahead: no quiet-deal task', () => {
    expect(
      tasksOn(D.cal!)
        .filter((t) => t.properties.hs_task_status !== 'COMPLETED')
        .map((t) => t.properties.hs_task_subject),
    ).toEqual([]);
  });
});
