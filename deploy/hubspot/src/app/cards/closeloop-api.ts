/**
 * The closeloop endpoints this card calls through hubspot.fetch (which signs every request with HubSpot's v3
 * signature and appends portalId, userId, userEmail and appId). Set CLOSELOOP_API_BASE to your closeloop's
 * PUBLIC_URL and list it under permittedUrls.fetch in the app's *-hsmeta.json.
 * Contract: /api/v1/openapi.json (CardSuggestionsResponse, CardFeedbackRequest, CardFeedbackResponse).
 */
export const CLOSELOOP_API_BASE = 'https://closeloop.example.com';

export type CardAction = 'useful' | 'not_useful' | 'done';

export interface Evidence {
  recordKind: string;
  externalId: string;
  quote: string;
  url: string | null;
  field: string | null;
}
export interface CardSuggestion {
  id: string;
  type: string;
  title: string;
  reason: string;
  status: string;
  createdAt: string;
  dueAt: string | null;
  evidence: Evidence[];
  explanation: {
    model: string;
    tier: string;
    confidence: number;
    costUsd: number;
    factors: { name: string; direction: '+' | '-'; weight: number }[];
  };
  feedback: CardAction[];
}

/** What the card needs from hubspot.fetch; injected so the component is testable without HubSpot's worker. */
export type Fetcher = (
  url: string,
  init: { method: 'GET' | 'POST'; body?: { [key: string]: unknown }; timeout?: number },
) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

export class CloseloopApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | null,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(fetcher: Fetcher, url: string, init: Parameters<Fetcher>[1]): Promise<T> {
  const res = await fetcher(url, { timeout: 10_000, ...init });
  const body = (await res.json().catch(() => null)) as { error?: string; message?: string } | null;
  if (!res.ok)
    throw new CloseloopApiError(res.status, body?.error ?? null, body?.message ?? `closeloop answered ${res.status}`);
  return body as T;
}

export function listSuggestions(
  fetcher: Fetcher,
  objectTypeId: string,
  objectId: string,
): Promise<{ suggestions: CardSuggestion[] }> {
  const q = new URLSearchParams({ objectType: objectTypeId, objectId });
  return call(fetcher, `${CLOSELOOP_API_BASE}/api/v1/cards/hubspot/suggestions?${q.toString()}`, { method: 'GET' });
}

export function sendFeedback(
  fetcher: Fetcher,
  suggestionId: string,
  action: CardAction,
): Promise<{ suggestionId: string; action: CardAction; recorded: boolean }> {
  return call(
    fetcher,
    `${CLOSELOOP_API_BASE}/api/v1/cards/hubspot/suggestions/${encodeURIComponent(suggestionId)}/feedback`,
    { method: 'POST', body: { action } },
  );
}
