import type { Activity } from '../core/canonical.js';
import type { Metadata } from './types.js';

/**
 * Activity -> retrieval chunks. Subject + body, windows of ~500 tokens with overlap, quoted replies cut
 * from emails (the quoted thread is indexed once, with the message that wrote it), deterministic ids
 * `${provider}:${kind}:${externalId}:${n}` so re-indexing a record overwrites its chunks.
 *
 * Tokens are estimated without a tokenizer: a whitespace-separated word costs ceil(length / 4), which
 * tracks BPE counts for English prose closely enough to size windows (the limit that matters, 8,192
 * tokens per OpenAI input, is 16x away).
 */
export interface ActivityContext {
  tenantId: string;
  connectionId: string;
}
export interface ChunkOptions {
  maxTokens?: number;
  overlapTokens?: number;
}
export interface ActivityChunk {
  id: string;
  text: string;
  metadata: Metadata;
}

export const chunkId = (provider: string, kind: string, externalId: string, n: number) =>
  `${provider}:${kind}:${externalId}:${n}`;

const QUOTE_HEADERS: RegExp[] = [
  /^\s*On\b.{0,300}\bwrote:\s*$/i,
  /^\s*-{2,}\s*Original Message\s*-{2,}/i,
  /^\s*Le\b.{0,300}\ba écrit\s*:\s*$/i,
  /^\s*Am\b.{0,300}\bschrieb\b.{0,200}:\s*$/i,
  /^\s*El\b.{0,300}\bescribió:\s*$/i,
];

/**
 * Remove the quoted part of an email reply: everything from the first reply header ("On ... wrote:",
 * "-----Original Message-----", an Outlook "From:/Sent:" block, localized variants) and every line
 * starting with ">". Forwarded messages are content and are kept. If nothing would remain, the body is
 * returned unchanged (a bare forward or a quote-only message is better indexed than lost).
 */
export function trimQuotedReply(body: string): string {
  const lines = body.replace(/\r\n?/g, '\n').split('\n');
  let cut = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const next = lines[i + 1] ?? '';
    const joined = `${line} ${next}`; // "On <date>, <name>\nwrote:" wraps in many clients
    const header = (t: string) => QUOTE_HEADERS.some((re) => re.test(t));
    if (header(line) || (next && !header(next) && header(joined))) {
      cut = i;
      break;
    }
    if (/^\s*_{8,}\s*$/.test(line) && /^\s*From:/i.test(lines[i + 1] ?? '')) {
      cut = i;
      break;
    }
    if (
      /^\s*\*?From:\*?\s+\S/i.test(line) &&
      lines.slice(i + 1, i + 5).some((l) => /^\s*\*?(Sent|Date):\*?\s/i.test(l)) &&
      lines.slice(i + 1, i + 6).some((l) => /^\s*\*?(To|Subject):\*?\s/i.test(l))
    ) {
      if (!lines.slice(Math.max(0, i - 2), i).some((l) => /forwarded message|^\s*Begin forwarded/i.test(l))) {
        cut = i;
        break;
      }
    }
  }
  const kept = lines
    .slice(0, cut)
    .filter((l) => !/^\s*>/.test(l))
    .join('\n')
    .replace(/\s+$/, '');
  return kept.trim().length > 0 ? kept : body.trim();
}

const wordCost = (w: string) => Math.max(1, Math.ceil(w.length / 4));
export const estimateTokens = (text: string) => (text.match(/\S+/g) ?? []).reduce((n, w) => n + wordCost(w), 0);

/** Token windows over `text` with `overlap` tokens repeated between neighbours; slices keep original spacing. */
export function windows(text: string, maxTokens: number, overlap: number): string[] {
  const words = [...text.matchAll(/\S+/g)].map((m) => ({
    start: m.index!,
    end: m.index! + m[0].length,
    cost: wordCost(m[0]),
  }));
  if (words.length === 0) return [];
  const out: string[] = [];
  let i = 0;
  while (i < words.length) {
    let j = i;
    let cost = 0;
    while (j < words.length && (j === i || cost + words[j]!.cost <= maxTokens)) cost += words[j++]!.cost;
    out.push(text.slice(words[i]!.start, words[j - 1]!.end));
    if (j >= words.length) break;
    // step back from j until `overlap` tokens are covered, but always move forward
    let k = j;
    let back = 0;
    while (k - 1 > i && back + words[k - 1]!.cost <= overlap) back += words[--k]!.cost;
    i = Math.max(k, i + 1);
  }
  return out;
}

const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

export function chunkActivity(activity: Activity, ctx: ActivityContext, o: ChunkOptions = {}): ActivityChunk[] {
  const maxTokens = o.maxTokens ?? 500;
  const overlap = Math.min(o.overlapTokens ?? 64, Math.floor(maxTokens / 2));
  const subject = activity.subject?.trim() || null;
  let body = activity.body?.trim() || '';
  if (activity.kind === 'email' && body) body = trimQuotedReply(body);
  const header = subject ? `Subject: ${subject}\n` : '';
  const budget = Math.max(32, maxTokens - estimateTokens(header));
  const parts = body ? windows(body, budget, Math.min(overlap, Math.floor(budget / 2))) : [];
  const texts = parts.length ? parts.map((p) => header + p) : subject ? [header.trimEnd()] : [];

  const base: Metadata = {
    tenantId: ctx.tenantId,
    connectionId: ctx.connectionId,
    provider: activity.provider,
    kind: activity.kind,
    recordId: activity.externalId,
    occurredAt: epochSeconds(activity.occurredAt),
  };
  const opt = (k: string, v: string | string[] | null | undefined) => {
    if (v === null || v === undefined || (Array.isArray(v) && v.length === 0)) return;
    base[k] = v;
  };
  opt('dealIds', activity.associations.deals);
  opt('contactIds', activity.associations.contacts);
  opt('companyIds', activity.associations.companies);
  opt('url', activity.url);
  opt('ownerId', activity.ownerId);
  opt('direction', activity.direction);
  if (subject) base.subject = subject.slice(0, 300);

  return texts.map((text, n) => ({
    id: chunkId(activity.provider, activity.kind, activity.externalId, n),
    text,
    metadata: { ...base, chunkIndex: n, chunkCount: texts.length },
  }));
}
