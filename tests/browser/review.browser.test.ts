import { browse } from '../../src/lib/browser-fetch.js';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startHubspotLoop, waitFor } from '../helpers/closeloop.js';
import { chromiumAvailable, CHROMIUM, openBrowser, step } from './chromium.js';

type Loop = Awaited<ReturnType<typeof startHubspotLoop>>;

// Skipped only when Chromium is truly missing (.ci/run installs it with apt-get first).
const run = chromiumAvailable() ? describe : describe.skip;
if (!chromiumAvailable())
  console.warn(`browser tests SKIPPED: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);

/** The shipped rules plus one that holds every suggestion for review, so the demo portal fills the review queue. */
function rulesHoldingEverything(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'closeloop-review-rules-'));
  cpSync(path.resolve('rules'), dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'hold-for-review.json'),
    JSON.stringify(
      {
        description: 'Browser test: a person looks at everything before it reaches the CRM.',
        rules: [
          {
            name: 'hold-everything',
            description: 'Every suggestion waits for a reviewer.',
            conditions: { all: [{ fact: 'evidenceCount', operator: 'greaterThanInclusive', value: 0 }] },
            event: { type: 'review', params: { message: 'A reviewer approves every suggestion here.' } },
          },
        ],
      },
      null,
      2,
    ),
  );
  return dir;
}

run('review queue in a real browser: approve writes the task to the CRM, dismiss shows in outcomes', () => {
  let loop: Loop;
  let browser: Awaited<ReturnType<typeof openBrowser>>;
  let page: Page;
  let base: string;
  let rulesDir: string;
  const held = async () =>
    (
      await loop.cl.store.db.query<{ id: string; subject: string | null; deal_id: string | null }>(
        "SELECT id, payload->'task'->>'subject' AS subject, deal_id FROM suggestions WHERE status = 'review' ORDER BY id",
      )
    ).rows;

  beforeAll(async () => {
    rulesDir = rulesHoldingEverything();
    loop = await startHubspotLoop({
      sandbox: { seed: 'demo' },
      env: { RATE_LIMIT_PER_MINUTE: '1000', RULES_DIR: rulesDir },
    });
    base = loop.cl.url;
    const installed = await browse(`${base}/install/hubspot`, { headers: { accept: 'application/json' } });
    expect(installed.status).toBe(200);
    browser = await openBrowser();
    page = browser.page;
    await step(page, 'review-sign-in', async () => {
      await page.goto(`${base}/admin`);
      await page.getByRole('link', { name: 'Sign in with hubspot' }).click();
      await page.waitForURL(`${base}/`);
      // Off the summary page (it refreshes itself) onto the console, which does not.
      await page.goto(`${base}/admin`);
      await page.getByRole('heading', { level: 1, name: 'Connections' }).waitFor();
    });
    // The demo portal's suggestions all land in the review queue, and nothing is on its way to the CRM.
    await waitFor(
      async () => {
        const r = (
          await loop.cl.store.db.query<{ review: number; moving: number }>(
            "SELECT count(*) FILTER (WHERE status = 'review')::int AS review, count(*) FILTER (WHERE status = 'allowed')::int AS moving FROM suggestions",
          )
        ).rows[0];
        return r !== undefined && r.review >= 2 && r.moving === 0;
      },
      90_000,
      'held suggestions from the demo portal',
    );
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await loop?.stop();
    if (rulesDir) rmSync(rulesDir, { recursive: true, force: true });
  });

  test('approve a held suggestion: its task appears in the HubSpot sandbox and the feed links to it', async () => {
    const portalId = loop.hs.defaultPortalId;
    const target = (await held()).find((h) => h.subject !== null);
    expect(target).toBeDefined();
    const tasksBefore = loop.hs.store.list(portalId, 'tasks').length;
    await step(page, 'approve-held', async () => {
      await page.goto(`${base}/admin/suggestions`);
      await page.getByRole('link', { name: /^\d+ held for review$/ }).click();
      await page.waitForURL(/status=review/);
      const card = page.locator(`article[data-suggestion="${target!.id}"]`);
      await card.getByText('Held for review because:').waitFor();
      expect(await card.textContent()).toContain('A reviewer approves every suggestion here.');
      // Keyboard: focus the Approve button and press Enter (a plain form; the guard checks its _csrf field).
      await card.getByRole('button', { name: 'Approve' }).focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(/done=approved/);
      expect(
        await page
          .getByRole('status')
          .filter({ hasText: `Suggestion ${target!.id} approved` })
          .count(),
      ).toBe(1);
      // Back on the same filtered feed: the approved one is no longer held.
      expect(new URL(page.url()).searchParams.get('status')).toBe('review');
      expect(await page.locator(`article[data-suggestion="${target!.id}"]`).count()).toBe(0);
    });
    await step(page, 'task-in-sandbox', async () => {
      // The write-back job creates the task; read it back from the sandbox's own store by the id closeloop recorded.
      const crmId = await waitFor(
        async () =>
          (
            await loop.cl.store.db.query<{ crm_id: string }>(
              "SELECT crm_id FROM writeback_outbox WHERE suggestion_id = $1 AND action = 'create_task' AND status = 'done'",
              [target!.id],
            )
          ).rows[0]?.crm_id,
        60_000,
        'the approved task written back',
      );
      const task = loop.hs.store.get(portalId, 'tasks', crmId);
      expect(task).toBeDefined();
      expect(String(task!.properties.hs_task_subject ?? '')).not.toBe('');
      // Everything new in the portal came from this approval (its task, and its draft email when it has one).
      const writes = await waitFor(
        async () => {
          const r = (
            await loop.cl.store.db.query<{ done: number; open: number }>(
              "SELECT count(*) FILTER (WHERE status = 'done')::int AS done, count(*) FILTER (WHERE status <> 'done')::int AS open FROM writeback_outbox WHERE suggestion_id = $1",
              [target!.id],
            )
          ).rows[0];
          return r && r.open === 0 ? r.done : null;
        },
        60_000,
        'every write of the approved suggestion done',
      );
      expect(loop.hs.store.list(portalId, 'tasks').length).toBe(tasksBefore + writes);
      if (target!.deal_id)
        expect(
          loop.hs.store.associations(portalId, { type: 'tasks', id: crmId }, 'deals').map((a) => a.toId),
        ).toContain(target!.deal_id);
      // The feed shows it written, with a link to the task in HubSpot.
      await page.goto(`${base}/admin/suggestions?status=written`);
      const card = page.locator(`article[data-suggestion="${target!.id}"]`);
      await card.waitFor();
      expect(await card.locator('.writes').textContent()).toContain(`task ${crmId}`);
      // HubSpot tasks have no page of their own: the deal's record, where the rep finds the task, is linked.
      if (target!.deal_id)
        expect(await card.locator('.row a').first().getAttribute('href')).toContain(`/record/0-3/${target!.deal_id}`);
    });
  });

  test('dismiss a held suggestion with a reason: nothing is written, and Outcomes counts it', async () => {
    const portalId = loop.hs.defaultPortalId;
    const target = (await held())[0];
    expect(target).toBeDefined();
    const tasksBefore = loop.hs.store.list(portalId, 'tasks').length;
    await step(page, 'dismiss-held', async () => {
      await page.goto(`${base}/admin/suggestions?status=review`);
      const card = page.locator(`article[data-suggestion="${target!.id}"]`);
      await card.getByLabel('Reason (optional)').fill('we already called them');
      await card.getByRole('button', { name: 'Dismiss' }).click();
      await page.waitForURL(/done=dismissed/);
      expect(
        await page
          .getByRole('status')
          .filter({ hasText: `Suggestion ${target!.id} dismissed` })
          .count(),
      ).toBe(1);
      expect(await page.locator(`article[data-suggestion="${target!.id}"]`).count()).toBe(0);
    });
    await step(page, 'dismissed-in-outcomes', async () => {
      await page.getByRole('link', { name: 'Outcomes' }).click();
      await page.getByRole('heading', { level: 1, name: 'Outcomes' }).waitFor();
      const row = page.locator('tr[data-outcome="review_dismissed"]');
      expect(await row.locator('td').first().textContent()).toBe('1');
      expect(
        await page
          .locator('svg[role="img"][aria-label="Review and card feedback per week"] title')
          .filter({ hasText: 'dismissed in review: 1' })
          .count(),
      ).toBe(1);
      // Dismissed means never written: no task appeared for it.
      expect(loop.hs.store.list(portalId, 'tasks').length).toBe(tasksBefore);
      expect(
        (await loop.cl.store.db.query('SELECT 1 FROM writeback_outbox WHERE suggestion_id = $1', [target!.id])).rows,
      ).toEqual([]);
    });
  });
});
