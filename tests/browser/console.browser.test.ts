import { browse } from '../../src/lib/browser-fetch.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startHubspotLoop, waitFor } from '../helpers/closeloop.js';
import { chromiumAvailable, CHROMIUM, openBrowser, step } from './chromium.js';

type Loop = Awaited<ReturnType<typeof startHubspotLoop>>;

// Skipped only when Chromium is truly missing (.ci/run installs it with apt-get first).
const run = chromiumAvailable() ? describe : describe.skip;
if (!chromiumAvailable())
  console.warn(`browser tests SKIPPED: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);

run('admin console in a real browser (Chromium, headless)', () => {
  let loop: Loop;
  let browser: Awaited<ReturnType<typeof openBrowser>>;
  let page: Page;
  let base: string;

  beforeAll(async () => {
    loop = await startHubspotLoop({ sandbox: { seed: 'demo' }, env: { RATE_LIMIT_PER_MINUTE: '1000' } });
    // 127.0.0.1 is PUBLIC_URL here (the sign-in callback lands there); Chromium treats it as a secure context, so it
    // keeps the __Host- (Secure) session cookie over plain http.
    base = loop.cl.url;
    const installed = await browse(`${loop.cl.url}/install/hubspot`, { headers: { accept: 'application/json' } });
    expect(installed.status).toBe(200);
    browser = await openBrowser();
    page = browser.page;
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await loop?.stop();
  });

  test('sign in with the CRM, then see the connection and its backfill progress per object type', async () => {
    await step(page, 'sign-in', async () => {
      await page.goto(`${base}/admin`);
      expect(await page.title()).toContain('sign in');
      await page.getByRole('link', { name: 'Sign in with hubspot' }).click();
      await page.waitForURL(`${base}/`);
      await page.goto(`${base}/admin`);
      await page.getByRole('heading', { level: 1, name: 'Connections' }).waitFor();
    });
    await step(page, 'connection-progress', async () => {
      const card = page.locator('section.connection').first();
      await card.waitFor();
      expect(await card.getByRole('heading', { level: 2 }).textContent()).toContain('hubspot');
      // The backfill of the demo portal finishes: reload until every object type says done.
      await waitFor(
        async () => {
          await page.reload();
          return (await page.locator('section.connection h3').first().textContent())?.includes('done') ?? false;
        },
        60_000,
        'backfill done on the console',
      );
      const deals = page.locator('section.connection tr[data-kind="deal"]');
      expect(await deals.locator('.state').textContent()).toBe('done');
      expect(Number(await deals.locator('td.records').textContent())).toBeGreaterThan(0);
      expect(await deals.locator('progress').getAttribute('value')).toBe('1');
      // Reachable by keyboard: the skip link is the first stop.
      await page.keyboard.press('Tab');
      expect(await page.locator(':focus').textContent()).toBe('Skip to content');
    });
  });

  test('the suggestions feed shows what closeloop suggested, with evidence and rule verdicts', async () => {
    await step(page, 'suggestions-feed', async () => {
      // A live system: wait until the demo's suggestions are written back (none still on their way), so the
      // statuses the filter offers hold still while the test uses them.
      await waitFor(
        async () => {
          const r = (
            await loop.cl.store.db.query<{ total: number; moving: number }>(
              "SELECT count(*)::int AS total, count(*) FILTER (WHERE status = 'allowed')::int AS moving FROM suggestions",
            )
          ).rows[0];
          return r !== undefined && r.total > 0 && r.moving === 0;
        },
        90_000,
        "the demo portal's suggestions written back",
      );
      await page.goto(`${base}/admin/suggestions`);
      const first = page.locator('article.suggestion').first();
      await first.waitFor();
      await first.locator('summary', { hasText: 'Why:' }).click();
      await first.getByRole('columnheader', { name: 'Rule' }).waitFor();
      const picked = await page.getByLabel('Status', { exact: true }).selectOption('written');
      await page.getByRole('button', { name: 'Filter' }).click();
      await page.waitForURL(/status=/);
      const status = new URL(page.url()).searchParams.get('status');
      const shown = await page
        .locator('article.suggestion')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
      expect([picked, page.url(), shown.length > 0]).toEqual([[status], page.url(), true]);
      expect(new Set(shown)).toEqual(new Set([status]));
    });
  });

  test('lint a broken rule: the problem is shown with file:line:column, and nothing is saved', async () => {
    await step(page, 'lint-broken-rule', async () => {
      await page.goto(`${base}/admin/rules`);
      const file = await page.getByLabel('File', { exact: true }).inputValue();
      const editor = page.getByLabel('Content', { exact: true });
      const original = await editor.inputValue();
      const onDisk = path.resolve('rules', file);
      expect(readFileSync(onDisk, 'utf8')).toBe(original);
      await editor.fill(original.replace('"rules"', '"rulez"'));
      await page.getByRole('button', { name: 'Lint' }).click();
      const result = page.locator('#rule-result');
      await result.locator('.lint-result').waitFor();
      expect(await result.locator('.lint-result').textContent()).toMatch(/problem\(s\)/);
      expect(await result.locator('.problems li').first().textContent()).toMatch(
        new RegExp(`^${file.replace('.', '\\.')}:\\d+:\\d+: `),
      );
      // The valid original lints clean and replays on the last 7 days.
      await editor.fill(original);
      await page.getByRole('button', { name: 'Lint' }).click();
      await result.getByText(/No problems/).waitFor();
      await page.getByRole('button', { name: 'Replay last 7 days' }).click();
      await result.locator('.replay-result').waitFor();
      expect(await result.locator('.replay-result').textContent()).toMatch(/^Replayed \d+ suggestion/);
      expect(readFileSync(onDisk, 'utf8')).toBe(original);
    });
  });
});
