import type { CardAction, CardFeedbackResponse, CardSuggestion, CardSuggestionsResponse } from '../core/api.js';
import type { AppRequestIdentity, Connector, RawWebhookRequest } from '../core/connector.js';
import { CloseloopError, ErrorCode, NotFoundError, WebhookSignatureError } from '../core/errors.js';
import { REP_VISIBLE_STATUSES } from '../store/record-suggestions.js';
import type { CardRecordKind, RecordSuggestionRow, Store } from '../store/index.js';

/**
 * What a CRM record's card shows (closeloop's open suggestions for the record, with their reasons) and what the rep
 * says back (Useful / Not useful / Done, stored as outcomes the feedback loop learns from). The callers are the
 * HubSpot app card (hubspot.fetch, signed by HubSpot) and the Salesforce component (Apex + Named Credential holding
 * the tenant's API token); both resolve to a CardCaller before anything is read.
 */
export interface CardCaller {
  tenantId: string;
  connectionId: string;
  provider: string;
  /** The CRM user looking at the record (HubSpot user id, Salesforce 005... id). */
  userId: string;
}

const OUTCOME_OF: Record<CardAction, string> = {
  useful: 'card_useful',
  not_useful: 'card_not_useful',
  done: 'card_done',
};
const ACTION_OF: Record<string, CardAction> = Object.fromEntries(
  Object.entries(OUTCOME_OF).map(([a, o]) => [o, a as CardAction]),
);

const userTarget = (c: CardCaller): string => `user:${c.userId}`;

/** Refused: a CRM account closeloop is not installed in (or no longer active in), or one the caller does not own. */
function notInstalled(what: string): CloseloopError {
  return new CloseloopError(ErrorCode.UNKNOWN_ACCOUNT, `${what} has no closeloop installation`, { status: 403 });
}

/**
 * A HubSpot app-card request: the connector verifies HubSpot's v3 signature over the raw request and reads the
 * portal and user it names; the portal must be an installed, connected account.
 */
export async function hubspotCardCaller(
  store: Pick<Store, 'connections'>,
  connector: Connector,
  req: RawWebhookRequest,
  secrets: { clientSecret: string; toleranceMs: number },
): Promise<CardCaller & { identity: AppRequestIdentity }> {
  if (!connector.verifyAppRequest)
    throw new WebhookSignatureError(`${connector.manifest.id} has no signed app requests`);
  const identity = connector.verifyAppRequest(req, { ...secrets, now: req.receivedAt });
  const conn = await store.connections.byAccount(connector.manifest.id, identity.accountId);
  if (!conn || conn.status === 'failed') throw notInstalled(`portal ${identity.accountId}`);
  return {
    tenantId: conn.tenant_id,
    connectionId: conn.id,
    provider: conn.provider,
    userId: identity.userId,
    identity,
  };
}

/**
 * A Salesforce component request: the API token already fixed the tenant; the org it names must be one of that
 * tenant's installed connections (a token of tenant A never reads org B, whatever the request says).
 */
export async function salesforceCardCaller(
  store: Pick<Store, 'connections'>,
  tenantId: string | null,
  orgId: string,
  userId: string,
): Promise<CardCaller> {
  // Apex's UserInfo.getOrganizationId() gives the 18-character id; installs may have stored the 15-character one.
  const conn =
    (await store.connections.byAccount('salesforce', orgId)) ??
    (orgId.length === 18 ? await store.connections.byAccount('salesforce', orgId.slice(0, 15)) : null);
  if (!conn || conn.status === 'failed' || (tenantId !== null && conn.tenant_id !== tenantId))
    throw notInstalled(`org ${orgId}`);
  return { tenantId: conn.tenant_id, connectionId: conn.id, provider: conn.provider, userId };
}

function toCardSuggestion(r: RecordSuggestionRow): CardSuggestion {
  const p = r.payload;
  return {
    id: r.id,
    type: p.type,
    title: p.task?.subject ?? p.draft?.subject ?? p.reason,
    reason: p.reason,
    status: r.status,
    createdAt: new Date(r.created_at).toISOString(),
    dueAt: p.task?.dueAt ?? null,
    evidence: p.evidence,
    explanation: p.explanation,
    feedback: r.mine.filter((o) => Object.hasOwn(ACTION_OF, o)).map((o) => ACTION_OF[o]!),
  };
}

/** The record's open suggestions for the card, newest first. */
export async function listCardSuggestions(
  store: Pick<Store, 'recordSuggestions'>,
  caller: CardCaller,
  kind: CardRecordKind,
  externalId: string,
): Promise<CardSuggestionsResponse> {
  const rows = await store.recordSuggestions.openForRecord(caller.connectionId, kind, externalId, userTarget(caller));
  return { record: { kind, externalId }, suggestions: rows.map(toCardSuggestion) };
}

/** Record Useful / Not useful / Done from the card as an outcome of the suggestion (idempotent per user and action). */
export async function recordCardFeedback(
  store: Pick<Store, 'suggestions' | 'feedback'>,
  caller: CardCaller,
  suggestionId: string,
  action: CardAction,
  now: number,
): Promise<CardFeedbackResponse> {
  const s = await store.suggestions.get(suggestionId);
  // Same answer for no such suggestion, another account's, or one held for an admin: ids are not an oracle.
  const visible = s !== null && (REP_VISIBLE_STATUSES as readonly string[]).includes(s.status);
  if (!s || !visible || s.connection_id !== caller.connectionId)
    throw new NotFoundError('no such suggestion on this account');
  const recorded = await store.feedback.record({
    suggestionId: s.id,
    tenantId: s.tenant_id,
    connectionId: s.connection_id,
    outboxId: null,
    target: userTarget(caller),
    outcome: OUTCOME_OF[action],
    editDistance: null,
    detail: { source: 'card', provider: caller.provider, userId: caller.userId },
    occurredAt: new Date(now),
  });
  return { suggestionId: s.id, action, recorded };
}
