import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * OAuth `state` that costs the server nothing until the user comes back: the payload (purpose, provider, a random
 * nonce, the expiry and the PKCE verifier) sealed with AES-256-GCM under a key derived from the token key. The
 * verifier never leaves in clear; tampering fails the tag. Single use is a row written only at callback time
 * (store.access.useStateNonce), so /install and /auth/login write nothing.
 */
export interface StatePayload {
  purpose: 'install' | 'login';
  provider: string;
  nonce: string;
  exp: number;
  verifier: string | null;
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
  ): { state: string; payload: StatePayload } {
    const payload: StatePayload = {
      purpose,
      provider,
      nonce: randomBytes(16).toString('base64url'),
      exp: now + this.ttlMs,
      verifier,
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
        p.exp < now
      )
        return null;
      return p;
    } catch {
      return null;
    }
  }
}
