import type { CountryCode } from 'libphonenumber-js';
import { isCloseloopError } from '../core/errors.js';
import { silentLogger, type Logger } from '../lib/logger.js';
import { DATA_CLOSE, DATA_OPEN, encodeCrmData } from '../inference/drafting/crm-data.js';
import type { ChatMessage, Completion, CompletionRequest, LlmClient } from '../llm/client.js';
import { LlmOutputError } from '../llm/errors.js';
import { recordCost, type PriceTable, type Usage } from '../llm/cost.js';
import type { Tier } from '../inference/router/tasks.js';
import type { ModelCallAudit } from '../store/audit.js';
import type { KnownPerson } from './detect.js';
import { createMasker, mapStrings, type Masker } from './masker.js';

/** Where audit rows go (AuditRepo satisfies it). */
export interface AuditSink {
  recordCall(c: ModelCallAudit): Promise<string>;
}

export interface PrivacyOptions {
  /** CRM people whose names are masked: contacts' and owners' first and last names. */
  knownPeople?: readonly KnownPerson[];
  /** Also mask the names in `firstName` / `lastName` / `ownerName` fields of the crm_data block. Default true. */
  harvestNames?: boolean;
  defaultCountry?: CountryCode;
  /** Record every call (masked texts only). Omit only where no tenant data is involved. */
  audit?: {
    sink: AuditSink;
    tenantId: string;
    connectionId: string | null;
    suggestionId?: string | null;
    /** The CRM records the prompt is built from (so deleting one finds its audit copies). */
    records?: { kind: string; externalId: string }[];
  };
  /** Tier recorded in the audit and used to price the call. Default large. */
  tier?: Tier;
  prices?: PriceTable;
  logger?: Logger;
}

/** A completion whose strings are unmasked, with what the privacy layer saw. */
export interface PrivateCompletion<T> extends Completion<T> {
  privacy: {
    /** Placeholders issued for this call. */
    placeholders: number;
    /** Placeholders in the answer that were never issued: left as written, never resolved. */
    invented: string[];
  };
  /** Id of the audit row, null without an audit sink. */
  auditId: string | null;
}

export interface PrivateLlmClient extends LlmClient {
  complete<T>(req: CompletionRequest<T>): Promise<PrivateCompletion<T>>;
  /**
   * Ids of the audit rows written by this client so far, in call order (link them to the suggestion with
   * AuditRepo.setOutcome).
   */
  readonly auditIds: readonly string[];
}

const NAME_KEYS = new Set(['firstName', 'lastName', 'ownerName', 'fullName']);

/**
 * CRM people named in the data block: objects with firstName / lastName (kept together, so the full name is one unit)
 * or ownerName / fullName.
 */
function harvest(value: unknown, out: KnownPerson[]): void {
  if (Array.isArray(value)) {
    for (const v of value) harvest(v, out);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const o = value as Record<string, unknown>;
  const str = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : null);
  if (str('firstName') !== null || str('lastName') !== null)
    out.push({ firstName: str('firstName'), lastName: str('lastName') });
  for (const [k, v] of Object.entries(o)) {
    if (NAME_KEYS.has(k)) {
      if (typeof v === 'string' && (k === 'ownerName' || k === 'fullName')) out.push(v);
    } else harvest(v, out);
  }
}

interface Split {
  before: string;
  data: unknown;
  after: string;
}
/** The message around its crm_data block, with the block decoded; null when there is no parsable block. */
function splitBlock(content: string): Split | null {
  const start = content.indexOf(DATA_OPEN);
  const end = content.lastIndexOf(DATA_CLOSE);
  if (start < 0 || end < start) return null;
  try {
    const data: unknown = JSON.parse(content.slice(start + DATA_OPEN.length, end));
    return { before: content.slice(0, start), data, after: content.slice(end + DATA_CLOSE.length) };
  } catch {
    return null;
  }
}

/**
 * Mask one message: free text as text; the crm_data block string by string, re-encoded so it stays valid, escaped JSON.
 */
export function maskMessage(m: ChatMessage, masker: Masker): ChatMessage {
  const split = splitBlock(m.content);
  if (!split) return { ...m, content: masker.mask(m.content) };
  const data = mapStrings(split.data, (s) => masker.mask(s));
  return {
    ...m,
    content: `${masker.mask(split.before)}${DATA_OPEN}\n${encodeCrmData(data)}\n${DATA_CLOSE}${masker.mask(split.after)}`,
  };
}

/** A model's answer for the audit: masked again (it may echo personal data it was never given), JSON kept valid. */
function maskAnswer(raw: string, masker: Masker): string {
  try {
    return JSON.stringify(mapStrings(JSON.parse(raw) as unknown, (s) => masker.mask(s, { keepPlaceholders: true })));
  } catch {
    return masker.mask(raw, { keepPlaceholders: true });
  }
}

/**
 * The messages as the model will see them, with the masker that holds the mapping back. One masker per call:
 * a value keeps its placeholder across messages. Deterministic, so a test can see what a model is shown.
 */
export function maskMessages(
  input: readonly ChatMessage[],
  o: Pick<PrivacyOptions, 'knownPeople' | 'harvestNames' | 'defaultCountry'> = {},
): { messages: ChatMessage[]; masker: Masker } {
  const people: KnownPerson[] = [...(o.knownPeople ?? [])];
  if (o.harvestNames !== false)
    for (const m of input) {
      const s = splitBlock(m.content);
      if (s) harvest(s.data, people);
    }
  const masker = createMasker(people, { defaultCountry: o.defaultCountry });
  return { messages: input.map((m) => maskMessage(m, masker)), masker };
}

const renderPrompt = (messages: ChatMessage[]): string => messages.map((m) => `[${m.role}]\n${m.content}`).join('\n\n');
const taskKindOf = (schemaName: string): string => schemaName.replace(/^closeloop_/, '');

/**
 * Wrap a model client so that no personal data reaches the model: every message is masked before the call
 * (one masker per call, so a value keeps its placeholder across messages), the parsed answer's strings are
 * unmasked, and the call is audited with the masked prompt and answer. Errors pass through unchanged
 * (their `raw` is the masked answer) after being audited.
 */
export function withPrivacy(llm: LlmClient, o: PrivacyOptions = {}): PrivateLlmClient {
  const logger = o.logger ?? silentLogger();
  const tier = o.tier ?? 'large';
  const auditIds: string[] = [];

  const audit = async (
    row: Omit<
      ModelCallAudit,
      'tenantId' | 'connectionId' | 'suggestionId' | 'tier' | 'recordRefs' | 'costUsd' | 'inputTokens' | 'outputTokens'
    > & { usage: Usage },
  ): Promise<string | null> => {
    if (!o.audit) return null;
    const { usage, ...rest } = row;
    const cost = recordCost({ model: row.model, tier, ...usage }, o.prices);
    const id = await o.audit.sink.recordCall({
      ...rest,
      tenantId: o.audit.tenantId,
      connectionId: o.audit.connectionId,
      suggestionId: o.audit.suggestionId ?? null,
      tier,
      recordRefs: o.audit.records ?? [],
      costUsd: cost.usd,
      inputTokens: cost.inputTokens,
      outputTokens: cost.outputTokens,
    });
    auditIds.push(id);
    return id;
  };

  return {
    model: llm.model,
    auditIds,
    async complete<T>(req: CompletionRequest<T>): Promise<PrivateCompletion<T>> {
      const { messages, masker } = maskMessages(req.messages, o);
      const maskedPrompt = renderPrompt(messages);
      const taskKind = taskKindOf(req.schema.name);

      let c: Completion<T>;
      try {
        c = await llm.complete({ ...req, messages });
      } catch (e) {
        if (isCloseloopError(e)) {
          const out = e instanceof LlmOutputError ? e : null;
          await audit({
            taskKind,
            model: out?.model ?? llm.model,
            maskedPrompt,
            maskedResponse: out?.raw == null ? null : maskAnswer(out.raw, masker),
            usage: out?.usage ?? { inputTokens: 0, outputTokens: 0 },
            errorCode: e.code,
            providerRequestId: e.providerRequestId ?? null,
            privacyFlags: [],
          });
        }
        throw e;
      }
      const value = mapStrings(c.value, (s) => masker.unmask(s));
      const invented = [...masker.flagged];
      const placeholders = masker.mapping.size;
      if (invented.length)
        logger.warn(
          { task: taskKind, invented },
          'model answer contains placeholders that were never issued; left unresolved',
        );
      const auditId = await audit({
        taskKind,
        model: c.model,
        maskedPrompt,
        maskedResponse: maskAnswer(c.raw, masker),
        usage: c.usage,
        errorCode: null,
        providerRequestId: c.requestId,
        privacyFlags: invented.map((p) => `invented placeholder ${p}`),
      });
      return { ...c, value, privacy: { placeholders, invented }, auditId };
    },
  };
}
