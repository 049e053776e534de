import { startHubspotSandbox, type HubspotSandbox } from '../../../../connectors/hubspot/sandbox/index.js';
import { createHubspotConnector } from '../../../../connectors/hubspot/index.js';
import { clearOwnerCache } from '../../../../connectors/hubspot/owners.js';
import { visibleText } from '../../../../connectors/kit/html-to-text.js';
import type { ConnectionContext, DraftEmailWrite, TaskWrite } from '../../../../src/core/index.js';

const MAX = 65_536;

/**
 * HubSpot text property values hold at most 65,536 characters, and a longer one refuses the whole write (BEHAVIOR.md
 * "Writing back"). The sandbox refuses it like that; the connector keeps every body it writes within the limit
 * (cut, and said so), and never cuts a rep's own text to append an update below it.
 */
describe('HubSpot task bodies and the 65,536-character limit', () => {
  let hs: HubspotSandbox;
  let ctx: ConnectionContext;
  let token: string;
  let pid: number;
  let dealId: string;
  const connector = createHubspotConnector();
  beforeAll(async () => {
    hs = await startHubspotSandbox({
      clientId: 'len-app',
      clientSecret: 'len-secret',
      seed: 'empty',
      webhookTargetUrl: null,
    });
    pid = hs.defaultPortalId;
    token = hs.issueTokens(pid).accessToken;
    ctx = {
      connectionId: 'c-len',
      accountId: String(pid),
      apiBase: hs.url,
      getAccessToken: async () => token,
      forceRefresh: async () => token,
    };
    dealId = hs.store.create(pid, 'deals', { dealname: 'Long', pipeline: 'default', dealstage: 'qualifiedtobuy' }).id;
  });
  afterAll(async () => {
    await hs.close();
  });
  beforeEach(() => clearOwnerCache());

  // Quoted customer text with characters HTML escaping lengthens (& < > " ') and paragraphs.
  const longText = (n: number) =>
    Array.from({ length: n }, (_, i) => `Evidence ${i}: "we <can't> sign & the budget was cut" (email ${i})`).join(
      '\n\n',
    );
  const task = (key: string, body: string): TaskWrite => ({
    subject: `Follow up ${key}`,
    body,
    dueAt: '2026-12-08T09:00:00.000Z',
    priority: 'HIGH',
    taskType: 'TODO',
    ownerId: null,
    idempotencyKey: key,
    dealId,
    contactIds: [],
    companyId: null,
  });
  const bodyOf = (id: string) => hs.store.get(pid, 'tasks', id)!.properties.hs_task_body ?? '';

  test('the sandbox refuses a task body over 65,536 characters with a 400, and takes one at the limit', async () => {
    const create = (body: string) =>
      fetch(`${hs.url}/crm/v3/objects/tasks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ properties: { hs_timestamp: '2026-12-08T09:00:00.000Z', hs_task_body: body } }),
      });
    const tooLong = await create('x'.repeat(MAX + 1));
    expect(tooLong.status).toBe(400);
    expect(JSON.stringify(await tooLong.json())).toMatch(/hs_task_body/);
    expect((await create('x'.repeat(MAX))).status).toBe(201);
  });

  test('createTask, createTasks and createDraftEmail write a too-long body cut to the limit, its start intact', async () => {
    const text = longText(2_000); // ~160,000 characters once escaped
    const one = await connector.createTask(ctx, task('len-1', text));
    const batch = await connector.createTasks!(ctx, [task('len-2', text), task('len-3', 'Short and sweet.')]);
    const draft: DraftEmailWrite = {
      subject: 'Budget',
      body: text,
      toContactIds: [],
      ownerId: null,
      idempotencyKey: 'len-4',
      dealId,
      companyId: null,
    };
    const d = await connector.createDraftEmail!(ctx, draft);
    expect(batch.every((r) => r.ok)).toBe(true);
    const ids = [one.externalId, d.externalId, ...batch.flatMap((r) => (r.ok ? [r.record.externalId] : []))];
    for (const id of ids.slice(0, 3)) {
      const body = bodyOf(id);
      expect(body.length).toBeLessThanOrEqual(MAX);
      expect(visibleText(body)).toContain('Evidence 0: "we <can\'t> sign & the budget was cut" (email 0)');
      expect(visibleText(body)).toMatch(/Shortened here: a HubSpot task holds at most 65,536 characters/);
      // Cut at a boundary: no half tag or entity before the note.
      expect(body).not.toMatch(/<[^>]*<p><i>\(Shortened/);
      expect(body).not.toMatch(/&[#a-z0-9]*<p><i>\(Shortened/);
    }
    expect(visibleText(bodyOf(ids[3]!))).toBe('Short and sweet.');
  });

  test("an update below a rep's long text never cuts the rep's text, and never fails the write", async () => {
    const created = await connector.createTask(ctx, task('len-5', 'Closeloop wrote this.'));
    // The rep pasted a long transcript into the task: 65,237 characters of their own, too little room for an update.
    const repText = `<p>${'Rep notes. '.repeat(5_930)}</p>`;
    hs.store.update(pid, 'tasks', created.externalId, { hs_task_body: repText });
    const change = (n: number) => ({
      body: `Closeloop wrote this.\n\nUpdated: ${longText(n)}`,
      append: `Updated by closeloop: ${longText(n)}`,
      previous: { body: 'Closeloop wrote this.' },
      idempotencyKey: 'len-5',
    });
    await expect(connector.updateTask!(ctx, created.externalId, change(50))).resolves.toMatchObject({
      state: 'updated',
      keptForRep: ['body'],
    });
    expect(bodyOf(created.externalId) === repText).toBe(true);

    // With room below the rep's text, the update goes there, cut to what fits.
    const shorter = `<p>${'Rep notes. '.repeat(3_000)}</p>`;
    hs.store.update(pid, 'tasks', created.externalId, { hs_task_body: shorter });
    await connector.updateTask!(ctx, created.externalId, change(2_000));
    const body = bodyOf(created.externalId);
    expect(body.startsWith(shorter)).toBe(true);
    expect(body.length).toBeLessThanOrEqual(MAX);
    expect(visibleText(body)).toContain('Updated by closeloop: Evidence 0:');
  });
});
