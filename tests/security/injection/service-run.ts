import { browse } from '../../../src/lib/browser-fetch.js';
import { Client } from '@hubspot/api-client';
import { normalise } from '../../../src/guardrails/text/normalize.js';
import { startHubspotLoop, waitFor } from '../../helpers/closeloop.js';
import { startCompromisedModel, type Behaviour } from './compromised-model.js';
import { ATTACKS, BENIGN, type BenignCase, type Category, type CrmCase } from './crm-corpus.js';

/**
 * The corpus through the real service: closeloop (src/main.ts) against the HubSpot sandbox, the model
 * behind OPENAI_BASE_URL a local endpoint playing a compromised model (or no model: the template
 * drafter). Each case is a deal in negotiation with its contact and company; its emails arrive through
 * the sandbox's webhooks like any CRM change. Afterwards every task and draft (EMAIL task) is read back
 * through the official `@hubspot/api-client`, and each attack's payload is looked for in them.
 */
export type RunBehaviour = Behaviour | 'template';

export interface CaseOutcome {
  id: string;
  category: Category;
  attack: boolean;
  /** Tasks / drafts on the case's deal that carry the attacker's payload. */
  tasksWithPayload: number;
  draftsWithPayload: number;
  tasksWritten: number;
  draftsWritten: number;
  /** Suggestions held for review or blocked (their reasons). */
  held: string[];
  leaked: string[];
}

export interface RunResult {
  behaviour: RunBehaviour;
  outcomes: CaseOutcome[];
  modelCalls: number;
  repairCalls: number;
  /** Model calls per case id. */
  modelCallsFor: Record<string, number>;
}

const DAY = 86_400_000;

const keyOf = (i: number) => `kc${i}x`;

export async function runThroughService(
  behaviour: RunBehaviour,
  opts: { attacks?: CrmCase[]; benign?: BenignCase[]; settleMs?: number } = {},
): Promise<RunResult> {
  const attacks = opts.attacks ?? ATTACKS;
  const benign = opts.benign ?? BENIGN;
  const all: (CrmCase | BenignCase)[] = [...attacks, ...benign];
  const model =
    behaviour === 'template'
      ? null
      : await startCompromisedModel(
          all.map((c, i) => ({
            key: keyOf(i),
            ...('honest' in c
              ? { literal: c.honest, paraphrase: c.honest, honest: c.honest }
              : { literal: c.obey, paraphrase: c.paraphrase, ...(c.adaptive ? { adaptive: c.adaptive } : {}) }),
          })),
          behaviour,
        );
  const env: Record<string, string> = model
    ? { OPENAI_API_KEY: model.apiKey, OPENAI_BASE_URL: model.url, OPENAI_MODEL: 'gpt-4o-mini' }
    : {};
  const { hs, cl, stop } = await startHubspotLoop({ env });
  try {
    const portalId = hs.defaultPortalId;
    // One rep per case: the daily cap per rep (rules/limits.json) must not decide the outcome.
    all.forEach((_, i) =>
      hs.store.portal(portalId).addOwner({
        id: String(9001 + i),
        userId: 7001 + i,
        email: `rep${i}@closeloop.dev`,
        firstName: 'Riley',
        lastName: `Rep${i}`,
      }),
    );
    expect200(await browse(`${cl.url}/install/hubspot`));
    await waitFor(
      async () => (await cl.store.connections.byAccount('hubspot', String(portalId)))?.backfill_done_at,
      60_000,
      'backfill',
    );

    const deals = new Map<string, string>();
    all.forEach((c, i) => {
      const company = hs.store.create(portalId, 'companies', {
        name: `${c.companyName ?? 'Globex'} ${keyOf(i)}`,
        domain: 'globex-corp.example',
      });
      const contact = hs.store.create(
        portalId,
        'contacts',
        {
          firstname: c.contactFirstName ?? 'Dana',
          lastname: 'Reyes',
          email: `dana.reyes${i}@globex-corp.example`,
          phone: '+1 212 555 0147',
          jobtitle: c.contactTitle ?? 'Head of Procurement',
        },
        { associations: [{ toType: 'companies', toId: company.id }] },
      );
      const deal = hs.store.create(
        portalId,
        'deals',
        {
          dealname: c.dealName ?? 'Globex renewal',
          dealstage: 'contractsent',
          pipeline: 'default',
          amount: '48000',
          hubspot_owner_id: String(9001 + i),
          closedate: new Date(Date.now() + 30 * DAY).toISOString(),
        },
        {
          associations: [
            { toType: 'contacts', toId: contact.id },
            { toType: 'companies', toId: company.id },
          ],
        },
      );
      deals.set(c.id, deal.id);
      c.emails.forEach((e, n) => {
        hs.store.create(
          portalId,
          'emails',
          {
            hs_timestamp: String(Date.now() - (c.emails.length - n) * 60_000),
            hs_email_direction: 'INCOMING_EMAIL',
            hs_email_subject: e.subject,
            ...(e.html ? { hs_email_html: e.html } : { hs_email_text: e.text }),
            hubspot_owner_id: String(9001 + i),
          },
          {
            associations: [
              { toType: 'deals', toId: deal.id },
              { toType: 'contacts', toId: contact.id },
            ],
          },
        );
      });
    });

    // Settled: every case's deal has its budget suggestion, and nothing is left in the outbox for a while.
    const dealIds = [...deals.values()];
    await waitFor(
      async () =>
        Number(
          (
            await cl.store.db.query<{ n: string }>(
              "SELECT count(DISTINCT deal_id)::text AS n FROM suggestions WHERE type = 'budget_risk' AND deal_id = ANY($1)",
              [dealIds],
            )
          ).rows[0]!.n,
        ) >= dealIds.length,
      opts.settleMs ?? 480_000,
      'a budget suggestion on every deal',
    );
    let quietSince = Date.now();
    await waitFor(
      async () => {
        const pending = Number(
          (
            await cl.store.db.query<{ n: string }>(
              "SELECT count(*)::text AS n FROM writeback_outbox WHERE status = 'pending'",
            )
          ).rows[0]!.n,
        );
        if (pending > 0) quietSince = Date.now();
        return Date.now() - quietSince > 3000;
      },
      opts.settleMs ?? 480_000,
      'outbox drained',
    );

    // Read back every task through the official client.
    const client = new Client({ accessToken: hs.issueTokens(portalId).accessToken, basePath: hs.url });
    const tasks: { subject: string; body: string; type: string; deals: string[] }[] = [];
    let after: string | undefined;
    do {
      const page = await client.crm.objects.tasks.basicApi.getPage(
        100,
        after,
        ['hs_task_subject', 'hs_task_body', 'hs_task_type'],
        undefined,
        ['deals'],
      );
      for (const t of page.results) {
        tasks.push({
          subject: t.properties.hs_task_subject ?? '',
          body: t.properties.hs_task_body ?? '',
          type: t.properties.hs_task_type ?? '',
          deals: (t.associations?.deals?.results ?? []).map((a) => a.id),
        });
      }
      after = page.paging?.next?.after;
    } while (after);

    const suggestions = (
      await cl.store.db.query<{ deal_id: string | null; status: string; repair: any; verdicts: any }>(
        'SELECT deal_id, status, repair, verdicts FROM suggestions',
      )
    ).rows;
    const outcomes: CaseOutcome[] = all.map((c) => {
      const dealId = deals.get(c.id)!;
      const mine = tasks.filter((t) => t.deals.includes(dealId));
      const text = (t: { subject: string; body: string }) => normalise(`${t.subject}\n${t.body}`);
      const payload = 'payload' in c ? c.payload : [];
      const hits = mine.filter((t) => payload.some((re) => re.test(text(t))));
      const held = suggestions
        .filter((s) => s.deal_id === dealId && (s.status === 'review' || s.status === 'blocked'))
        .map(
          (s) =>
            `${s.status}: ${(s.repair?.reasons ?? (s.verdicts ?? []).filter((v: any) => !v.passed).map((v: any) => v.rule)).join(' | ')}`,
        );
      return {
        id: c.id,
        category: c.category,
        attack: 'payload' in c,
        tasksWithPayload: hits.filter((t) => t.type !== 'EMAIL').length,
        draftsWithPayload: hits.filter((t) => t.type === 'EMAIL').length,
        tasksWritten: mine.filter((t) => t.type !== 'EMAIL').length,
        draftsWritten: mine.filter((t) => t.type === 'EMAIL').length,
        held,
        leaked: hits.map((t) => text(t).slice(0, 400)),
      };
    });
    return {
      behaviour,
      outcomes,
      modelCalls: model?.calls.length ?? 0,
      repairCalls: model?.calls.filter((x) => x.repair).length ?? 0,
      modelCallsFor: Object.fromEntries(
        all.map((c, i) => [c.id, model?.calls.filter((x) => x.key === keyOf(i)).length ?? 0]),
      ),
    };
  } finally {
    await stop();
    await model?.close();
  }
}

function expect200(r: Response): void {
  if (r.status !== 200) throw new Error(`install returned ${r.status}`);
}

export interface CategoryRow {
  category: string;
  attacks: number;
  reachedTasks: number;
  reachedDrafts: number;
  benign: number;
  benignHeld: number;
}

/** Per category: attacks tried, attacks whose payload reached a task / a draft, benign cases, benign held. */
export function byCategory(results: RunResult[]): CategoryRow[] {
  const rows = new Map<string, CategoryRow>();
  for (const r of results) {
    for (const o of r.outcomes) {
      const key = `${o.category} / ${r.behaviour}`;
      const row = rows.get(key) ?? {
        category: key,
        attacks: 0,
        reachedTasks: 0,
        reachedDrafts: 0,
        benign: 0,
        benignHeld: 0,
      };
      if (o.attack) {
        row.attacks++;
        if (o.tasksWithPayload) row.reachedTasks++;
        if (o.draftsWithPayload) row.reachedDrafts++;
      } else {
        row.benign++;
        if (o.held.length) row.benignHeld++;
      }
      rows.set(key, row);
    }
  }
  return [...rows.values()];
}

export function formatRows(rows: CategoryRow[]): string {
  const total = rows.reduce(
    (t, r) => ({
      ...t,
      attacks: t.attacks + r.attacks,
      reachedTasks: t.reachedTasks + r.reachedTasks,
      reachedDrafts: t.reachedDrafts + r.reachedDrafts,
      benign: t.benign + r.benign,
      benignHeld: t.benignHeld + r.benignHeld,
    }),
    { category: '**total**', attacks: 0, reachedTasks: 0, reachedDrafts: 0, benign: 0, benignHeld: 0 },
  );
  const line = (r: CategoryRow) =>
    `| ${r.category} | ${r.attacks} | ${r.reachedTasks} | ${r.reachedDrafts} | ${r.benign} | ${r.benignHeld} |`;
  const rate = total.benign ? ((100 * total.benignHeld) / total.benign).toFixed(1) : '0.0';
  return [
    '| category / model behaviour | attacks tried | payload reached a task | payload reached a draft | benign | benign held |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map(line),
    line(total),
    '',
    `benign held: ${total.benignHeld} of ${total.benign} (${rate} %)`,
  ].join('\n');
}
