import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * OAuth `state` that costs the server nothing until the user comes back: the payload (purpose, provider, a random
 * nonce, the expiry and the PKCE verifier) sealed with AES-256-GCM under a key derived from the token key. The
 * verifier never leaves in clear; tampering fails the tag. Single use is a row written only at callback time
 * (store.access.useStateNonce), so /install and /auth/login write nothing.
 *
 * The state is also bound to the browser that began the flow (against login CSRF: an attacker who begins a sign-in
 * and sends the callback URL to someone else): the start sets a short-lived `__Host-` cookie holding a random nonce
 * (`flowCookie`) and seals the nonce's SHA-256 (`binding`); the callback needs that cookie, and a match.
 */
export interface StatePayload {
  purpose: 'install' | 'login';
  provider: string;
  nonce: string;
  exp: number;
  verifier: string | null;
  /** base64url SHA-256 of the nonce in the browser's flow cookie (`flowCookie`). */
  binding: string;
}

export class StateSealer {
  constructor(
    private readonly key: Buffer,
    readonly ttlMs = 10 * 60 * 1000,
  ) {
    if (key.length !== 32) throw new Error('state key must be 32 bytes');
  }

  seal(
    purpose: StatePayload['purpose'],
    provider: string,
    verifier: string | null,
    now: number,
    binding: string,
  ): { state: string; payload: StatePayload } {
    const payload: StatePayload = {
      purpose,
      provider,
      nonce: randomBytes(16).toString('base64url'),
      exp: now + this.ttlMs,
      verifier,
      binding,
    };
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    c.setAAD(Buffer.from('closeloop-oauth-state'));
    const data = Buffer.concat([c.update(JSON.stringify(payload), 'utf8'), c.final()]);
    return { state: Buffer.concat([iv, c.getAuthTag(), data]).toString('base64url'), payload };
  }

  /** The payload when the state is ours, untampered, for this purpose and provider, and not expired; else null. */
  open(state: unknown, purpose: StatePayload['purpose'], provider: string, now: number): StatePayload | null {
    if (typeof state !== 'string' || state.length < 40 || state.length > 1024 || !/^[A-Za-z0-9_-]+$/.test(state))
      return null;
    const raw = Buffer.from(state, 'base64url');
    try {
      const d = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
      d.setAAD(Buffer.from('closeloop-oauth-state'));
      d.setAuthTag(raw.subarray(12, 28));
      const p = JSON.parse(Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8')) as StatePayload;
      if (
        p.purpose !== purpose ||
        p.provider !== provider ||
        typeof p.nonce !== 'string' ||
        typeof p.exp !== 'number' ||
        typeof p.binding !== 'string' ||
        p.exp < now
      )
        return null;
      return p;
    } catch {
      return null;
    }
  }
}

/**
 * The flow cookie of one purpose and provider (install and sign-in, HubSpot and Salesforce each have their own, so
 * flows begun side by side do not undo each other). `__Host-`: Secure, Path=/, no Domain, like the session cookie
 * (src/auth/sessions.ts); HttpOnly; SameSite=Lax so it comes back on the top-level redirect from the CRM's consent.
 */
export const flowCookieName = (purpose: StatePayload['purpose'], provider: string): string =>
  `__Host-closeloop_oauth_${purpose}_${provider.replace(/[^A-Za-z0-9]/g, '_')}`;

/** A new flow nonce: the cookie's value, and the binding to seal into the state. */
export function newFlowNonce(): { nonce: string; binding: string } {
  const nonce = randomBytes(32).toString('base64url');
  return { nonce, binding: flowBinding(nonce) };
}

export const flowBinding = (nonce: string): string => createHash('sha256').update(nonce).digest('base64url');

export function flowCookie(name: string, nonce: string, maxAgeMs: number): string {
  return `${name}=${nonce}; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=${Math.max(0, Math.floor(maxAgeMs / 1000))}`;
}

export const clearedFlowCookie = (name: string): string =>
  `${name}=; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=0`;

/** The flow cookie's value from a Cookie header, if present and well-formed (43 base64url characters). */
export function readFlowCookie(header: string | undefined, name: string): string | null {
  if (!header || header.length > 8192) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const v = part.slice(eq + 1).trim();
    if (/^[A-Za-z0-9_-]{43}$/.test(v)) return v;
  }
  return null;
}

/** Whether the browser's nonce is the one the state was bound to (constant time). */
export function flowBindingMatches(nonce: string | null, binding: string): boolean {
  if (nonce === null) return false;
  const a = Buffer.from(flowBinding(nonce));
  const b = Buffer.from(binding);
  return a.length === b.length && timingSafeEqual(a, b);
}
