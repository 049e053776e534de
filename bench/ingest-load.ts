/**
 * The load of the ingest benchmark (bench/webhook-ingest.ts): signed HubSpot-style batches, and the open-loop
 * sender, which runs in a process of its own (bench/ingest-sender.ts) so its timers and sockets do not share
 * the service's event loop (they still share the machine's cores).
 */
import { createHmac } from 'node:crypto';
import { Agent, request } from 'undici';

export const SECRET = 'bench-secret';
export const PORTAL = 424242;

/** A HubSpot-style batch of `n` events, as the sandbox would deliver it. */
export function batch(n: number, seq: number): string {
  const now = Date.now();
  return JSON.stringify(
    Array.from({ length: n }, (_, i) => ({
      eventId: seq * 1000 + i,
      subscriptionId: 2001,
      portalId: PORTAL,
      appId: 1,
      occurredAt: now,
      subscriptionType: 'deal.propertyChange',
      attemptNumber: 0,
      objectId: 1000 + (i % 50),
      propertyName: 'dealstage',
      propertyValue: 'contractsent',
      changeSource: 'CRM_UI',
    })),
  );
}

/** Bodies (and, for closeloop, v3 signatures stamped `stampAt(k)`) prepared before any clock starts. */
export function prepare(
  url: string,
  sign: boolean,
  requests: number,
  startSeq: number,
  stampAt: (k: number) => number = () => Date.now(),
): { body: string; headers: Record<string, string> }[] {
  return Array.from({ length: requests }, (_, k) => {
    const body = batch(100, startSeq + k);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (sign) {
      const ts = String(Math.round(stampAt(k)));
      headers['x-hubspot-request-timestamp'] = ts;
      headers['x-hubspot-signature-v3'] = createHmac('sha256', SECRET)
        .update(`POST${url}${body}${ts}`)
        .digest('base64');
    }
    return { body, headers };
  });
}

/**
 * Open-loop load: requests sent on a fixed schedule at `rate` per second (a late answer does not delay the next
 * send, so queueing shows in the latency), each request's time from its scheduled send to its answer (a send the
 * sender itself made late counts against the endpoint: the figure can only be pessimistic).
 */
export async function paced(
  url: string,
  sign: boolean,
  requests: number,
  rate: number,
  startSeq: number,
): Promise<number[]> {
  const prepared = prepare(url, sign, requests, startSeq, (k) => Date.now() + (k / rate) * 1000);
  const agent = new Agent({ connections: 64 });
  const latencies: number[] = [];
  const t0 = performance.now() + 20;
  await Promise.all(
    prepared.map(async ({ body, headers }, k) => {
      const at = t0 + (k * 1000) / rate;
      const wait = at - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const res = await request(url, { method: 'POST', body, headers, dispatcher: agent });
      const text = await res.body.text();
      if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}: ${text.slice(0, 200)}`);
      latencies.push(performance.now() - at);
    }),
  );
  await agent.close();
  return latencies.sort((a, b) => a - b);
}
