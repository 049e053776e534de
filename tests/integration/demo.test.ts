import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../helpers/db.js';
import { signInWithCrm } from '../../src/demo/run-demo.js';
import { waitFor } from '../helpers/closeloop.js';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as any).port;
      s.close(() => resolve(p));
    });
  });

/** `npm start` with no configuration: sandbox, OAuth install, backfill, signed webhooks, tasks written. */
test('the embedded-default demo runs the whole loop with no configuration', async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cl-demo-'));
  const port = await freePort();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    DATA_DIR: dataDir,
    PORT: String(port),
    DEMO_EVENTS: '8',
    DEMO_EVENT_INTERVAL_MS: '100',
  };
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main.ts')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += String(d);
  });
  child.stderr.on('data', (d) => {
    out += String(d);
  });
  try {
    await waitFor(() => out.includes('backfill done'), 60000, `backfill in the demo output:\n${out}`);
    await waitFor(() => out.includes('demo stream finished'), 60000, 'the demo stream');
    const url = `http://127.0.0.1:${port}`;
    expect(out).toContain('role operator');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    // Not signed in: the summary and the metrics stay closed; a browser gets the sign-in page.
    expect((await fetch(`${url}/`, { headers: { accept: 'application/json' } })).status).toBe(401);
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    expect(await (await fetch(`${url}/`)).text()).toContain('/auth/login/hubspot');
    // Sign in the way the demo does (the sandbox consents as the portal's super admin, the demo's operator).
    const { cookie } = await signInWithCrm(url, 'hubspot');
    const s = await waitFor(
      async () => {
        const x = (await (await fetch(`${url}/`, { headers: { accept: 'application/json', cookie } })).json()) as any;
        return x.recentTasks.length > 0 ? x : null;
      },
      30000,
      'a written task',
    );
    expect(s.connections.some((c: any) => c.provider === 'hubspot' && c.backfillDone)).toBe(true);
    expect(s.inbox.total).toBeGreaterThan(0);
    const html = await (await fetch(`${url}/`, { headers: { cookie } })).text();
    expect(html).toContain('Tasks written');
    const metrics = await (await fetch(`${url}/metrics`, { headers: { cookie } })).text();
    expect(metrics).toMatch(/closeloop_writebacks_total\{crm="hubspot",kind="task"\} [1-9]/);
    // Every tier that exists without an external endpoint served a suggestion, and the demo names the one that
    // would take over with one.
    await waitFor(() => out.includes('inference tiers — large'), 120000, `the tier report in the demo output:\n${out}`);
    expect(out).toMatch(/inference tiers — rules: \d+ steps? \(.*score_deal/);
    expect(out).toMatch(
      /inference tiers — small: \d+ steps? \(.*extract_signals.*\); e\.g\. extract_signals .* by signals-tfidf\+use-lite-logreg-v1:signals-v2-fused@/,
    );
    expect(out).toContain('inference tiers — large: not used (no model endpoint configured); with OPENAI_API_KEY');
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 280000);
