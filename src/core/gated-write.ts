/**
 * A write-back that passed the output gate (src/guardrails/output-gate.ts). The outbox accepts only
 * sealed writes, so no path (template, small model, large model, repair, a future task update) can queue
 * text for the CRM without the gate having seen exactly that payload. The seal is an object identity
 * kept in a WeakSet: a copy, a JSON round trip or an edit after sealing is not sealed.
 */
/** Creates, and the changes closeloop makes to what it created: new evidence on its task, its withdrawal. */
export type WriteAction =
  'create_task' | 'create_draft_email' | 'update_task' | 'close_task' | 'withdraw_draft' | 'update_draft';

declare const sealed: unique symbol;
export interface SealedWrite {
  readonly action: WriteAction;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly [sealed]: true;
}

const SEALS = new WeakSet<object>();

/** Only the output gate calls this, after checking the payload. */
export function sealWrite(w: { action: WriteAction; payload: Record<string, unknown> }): SealedWrite {
  const frozen = Object.freeze({ action: w.action, payload: deepFreeze(structuredClone(w.payload)) });
  SEALS.add(frozen);
  return frozen as unknown as SealedWrite;
}

export const isSealed = (w: unknown): w is SealedWrite => typeof w === 'object' && w !== null && SEALS.has(w);

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object') {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}
