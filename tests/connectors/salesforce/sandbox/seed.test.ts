import './no-proxy.js';
import { playDemoActivity } from '../../../../connectors/salesforce/sandbox/index.js';
import { FIXED_NOW, startSandbox } from './helpers.js';

describe('Salesforce sandbox: demo seed and activity stream', () => {
  it('seeds the same messy, signal-rich org every time, relative to now', async () => {
    const a = await startSandbox({ now: () => FIXED_NOW });
    const b = await startSandbox({ now: () => FIXED_NOW });
    try {
      const orgA = a.orgIds()[0]!;
      const orgB = b.orgIds()[0]!;
      expect(orgA).toBe(orgB);
      expect(a.store.list(orgA, 'Opportunity')).toEqual(b.store.list(orgB, 'Opportunity'));

      const names = a.store.list(orgA, 'Account').map((x) => x.Name);
      expect(names).toEqual(expect.arrayContaining(['Acme Corp', 'ACME Corporation', 'Acme, Inc.']));
      const stages = new Set(a.store.list(orgA, 'Opportunity').map((o) => o.StageName));
      expect(stages.size).toBe(10);
      const reps = a.store.users(orgA).filter((u) => u.Title !== 'Salesforce Administrator');
      expect(reps.length).toBeGreaterThanOrEqual(2);

      const emails = a.store.query(orgA, 'SELECT TextBody, RelatedTo.Name FROM EmailMessage WHERE Incoming = true');
      const bodies = emails.map((e) => String(e.TextBody));
      expect(bodies.some((t) => /budget was cut/.test(t))).toBe(true);
      expect(bodies.some((t) => /RivalSoft/.test(t))).toBe(true);
      expect(bodies.some((t) => /considering alternatives/.test(t))).toBe(true);

      const silent = a.store.query(
        orgA,
        'SELECT Name, LastActivityDate FROM Opportunity WHERE IsClosed = false AND LastActivityDate < LAST_N_DAYS:30',
      );
      expect(silent.map((o) => o.Name)).toEqual(['Initech - Renewal 2025']);
      const dupes = a.store.query(orgA, "SELECT Id FROM Contact WHERE Email LIKE 'ada@acme.example'");
      expect(dupes).toHaveLength(2);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('plays demo activity as user changes', async () => {
    const sb = await startSandbox();
    try {
      const orgId = sb.orgIds()[0]!;
      const before = sb.store.latestReplayId(orgId);
      const made = await playDemoActivity(sb, orgId, { count: 5, intervalMs: 1 });
      expect(made).toHaveLength(5);
      expect(sb.store.latestReplayId(orgId)).toBeGreaterThanOrEqual(before + 5);
    } finally {
      await sb.close();
    }
  });
});
