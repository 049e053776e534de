import { Client } from '@hubspot/api-client';
import type { HubspotSandbox } from '../../connectors/hubspot/sandbox/index.js';
import { browse } from '../../src/lib/browser-fetch.js';
import type { Closeloop } from '../../src/main.js';
import { startHubspotLoop, waitFor } from '../helpers/closeloop.js';
import { hubspotFixtures, taskText } from '../helpers/hubspot-fixtures.js';

const DAY = 86_400_000;

/**
 * A customer writes again on a situation whose task is already in HubSpot: the task is updated ("Updated on …: new
 * evidence below") with the new email quoted, and a card number, passport or national id number in it masked exactly
 * as on the task's first write. Read back through @hubspot/api-client.
 */
describe(`the customer writes again on a live task (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  let hs: HubspotSandbox;
  let cl: Closeloop;
  let stop: () => Promise<void>;
  let portalId: number;
  let client: Client;
  let fx: ReturnType<typeof hubspotFixtures>;

  beforeAll(async () => {
    ({ hs, cl, stop } = await startHubspotLoop());
    portalId = hs.defaultPortalId;
    hs.store
      .portal(portalId)
      .addOwner({ id: '9001', userId: 7001, email: 'dana@seller.example', firstName: 'Dana', lastName: 'Seller' });
    fx = hubspotFixtures(hs, portalId, '9001', () => Date.now());
    expect((await browse(`${cl.url}/install/hubspot`)).status).toBe(200);
    await waitFor(
      async () => (await cl.store.connections.byAccount('hubspot', String(portalId)))?.backfill_done_at,
      30_000,
      'backfill',
    );
    client = new Client({ accessToken: hs.issueTokens(portalId).accessToken, basePath: hs.url });
  }, 60_000);
  afterAll(async () => {
    await stop();
  });

  const todoOn = (deal: string) => fx.tasksOn(deal).find((t) => t.properties.hs_task_type === 'TODO');

  /** The deal's one to-do task once its body opens with the update line (the update written back). */
  const updatedTodo = (deal: string) =>
    waitFor(
      () => {
        const t = todoOn(deal);
        return t && taskText(t.properties.hs_task_body).startsWith('Updated on') ? t : null;
      },
      60_000,
      'the task updated with the second email',
    );
  const readBack = async (id: string) =>
    taskText(
      (await client.crm.objects.tasks.basicApi.getById(id, ['hs_task_subject', 'hs_task_body'])).properties
        .hs_task_body,
    );

  test('a follow-up budget email a day later updates the task: "Updated on …: new evidence below", both emails quoted', async () => {
    const contact = fx.contact('Tomas', 'Berg', 'tomas@nordkap.example');
    const deal = fx.deal('Nordkap rollout', 'contractsent', [contact], 30 * DAY);
    fx.email(
      deal,
      contact,
      2 * DAY,
      'INCOMING_EMAIL',
      'Re: Order form',
      'Hi Dana, finance cut our budget for this quarter, so we cannot sign at the current price.',
    );
    await hs.flushWebhooks();
    // The suite's first analysis also loads the signal models (tens of seconds on a loaded machine).
    const first = await waitFor(() => todoOn(deal), 150_000, 'the budget task');
    expect(taskText(first.properties.hs_task_body)).not.toMatch(/^Updated on/);
    // Written yesterday, logged today: today's date (the update's) is in no email of the thread.
    fx.email(
      deal,
      contact,
      DAY,
      'INCOMING_EMAIL',
      'Re: Order form',
      'Hi Dana, I checked again with our CFO: the budget is frozen until March, so we cannot go ahead at this price. Could you send a phased proposal?',
    );
    await hs.flushWebhooks();
    const task = await updatedTodo(deal);
    const body = await readBack(task.id);
    expect(body).toMatch(/^Updated on .*: new evidence below\./);
    expect(body).toMatch(/Tomas Berg raised a budget problem \(2 times/);
    expect(body).toMatch(/Quote from Tomas Berg's email of .*: ".*the budget is frozen until March/);
    expect(body).toContain('finance cut our budget for this quarter');
    expect(fx.tasksOn(deal).filter((t) => t.properties.hs_task_type === 'TODO')).toHaveLength(1);
  }, 240_000);

  test('a second budget email with a card, a bank account and a codice fiscale: the update lands, every number masked as on the first write', async () => {
    const contact = fx.contact('Priya', 'Natarajan', 'priya@acme.example');
    const deal = fx.deal('Acme platform', 'contractsent', [contact], 30 * DAY);
    fx.email(
      deal,
      contact,
      2 * DAY,
      'INCOMING_EMAIL',
      'Re: Proposal',
      'Hi Dana, finance cut our budget after checking my passport number C03005988 for the vendor form, so we cannot sign at the current price.',
    );
    await hs.flushWebhooks();
    const first = await waitFor(() => todoOn(deal), 150_000, 'the budget task');
    expect(taskText(first.properties.hs_task_body)).toContain('my passport number [ID number removed]');
    fx.email(
      deal,
      contact,
      DAY,
      'INCOMING_EMAIL',
      'Re: Proposal',
      'Hi Dana, the budget is now frozen after your form charged my card 4111 1111 1111 1111 (refund to DE89 3704 0044 0532 0130 00, codice fiscale RSSMRA85T10A562S), so we cannot sign at this price.',
    );
    await hs.flushWebhooks();
    const task = await updatedTodo(deal);
    const body = await readBack(task.id);
    expect(body).toMatch(/^Updated on .*: new evidence below\./);
    expect(body).toMatch(
      /Quote from Priya Natarajan's email of .*: ".*the budget is now frozen after your form charged my card •••• 1111 \(refund to \[bank account removed\], codice fiscale \[ID number removed\]\), so we cannot sign at this price\."/,
    );
    // The first quote stays masked too (it is not "edited" back to the raw words).
    expect(body).toContain('checking my passport number [ID number removed] for the vendor form');
    expect(body).not.toMatch(/edited in the CRM/);
    expect(body).not.toMatch(/4111 1111|DE89|3704|0130|RSSMRA|A562S|C03005988|03005988/);
  }, 240_000);

  test('a second email the same day with only national ids (passport, DNI, PESEL): masked, never written as sent', async () => {
    const contact = fx.contact('Lucia', 'Ferrer', 'lucia@iberia-parts.example');
    const deal = fx.deal('Iberia parts portal', 'contractsent', [contact], 30 * DAY);
    fx.email(
      deal,
      contact,
      0,
      'INCOMING_EMAIL',
      'Presupuesto',
      'Hi Dana, finance cut our budget for this quarter, so we cannot sign at the current price.',
    );
    await hs.flushWebhooks();
    await waitFor(() => todoOn(deal), 150_000, 'the budget task');
    fx.email(
      deal,
      contact,
      0,
      'INCOMING_EMAIL',
      'Presupuesto',
      'Hi Dana, the budget was frozen after legal asked for my passport number X4821937 and DNI 12345678Z and PESEL 44051401359 for our CFO, so we cannot sign at this price.',
    );
    await hs.flushWebhooks();
    const task = await updatedTodo(deal);
    const body = await readBack(task.id);
    expect(body).toMatch(
      /".*the budget was frozen after legal asked for my passport number \[ID number removed\] and DNI \[ID number removed\] and PESEL \[ID number removed\] for our CFO, so we cannot sign at this price\."/,
    );
    expect(body).not.toMatch(/X4821937|4821937|12345678Z|44051401359/);
  }, 240_000);
});
