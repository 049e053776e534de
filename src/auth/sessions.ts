import { randomBytes } from 'node:crypto';
import type { SessionRow, Store } from '../store/index.js';
import { hashSecret, newSecret, type Principal } from './principal.js';

/**
 * `__Host-`: the browser only accepts it Secure, on Path=/ and without Domain, so no subdomain can plant or read it.
 */
export const SESSION_COOKIE = '__Host-closeloop_session';

export interface NewSession {
  tenantId: string | null;
  role: SessionRow['role'];
  provider: string;
  accountId: string;
  userId: string;
  userLabel: string | null;
}

/** A session row (only the hash of the cookie value is stored) and its CSRF token; returns the cookie value. */
export async function createSession(
  store: Pick<Store, 'access'>,
  s: NewSession,
  ttlMs: number,
  now: number,
): Promise<{ cookieValue: string; csrfToken: string; expiresAt: Date }> {
  const cookieValue = newSecret('cls_');
  const csrfToken = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now + ttlMs);
  await store.access.createSession({ idHash: hashSecret(cookieValue), ...s, csrfToken, expiresAt });
  return { cookieValue, csrfToken, expiresAt };
}

/** Set-Cookie for a session: secure, http-only, SameSite=Lax (the OAuth callback is a top-level navigation). */
export function sessionCookie(value: string, maxAgeMs: number): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=${Math.max(0, Math.floor(maxAgeMs / 1000))}`;
}

/** Sign out: a session principal's row is revoked (API tokens and operator tokens have no session to end). */
export async function signOut(store: Pick<Store, 'access'>, p: Principal): Promise<void> {
  if (p.kind === 'session') await store.access.revokeSession(p.sessionHash);
}

export const clearedSessionCookie = (): string =>
  `${SESSION_COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=0`;

/** The session cookie's value from a Cookie header, if well-formed. */
export function readSessionCookie(header: string | undefined): string | null {
  if (!header || header.length > 8192) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const v = part.slice(eq + 1).trim();
    return /^cls_[A-Za-z0-9_-]{43}$/.test(v) ? v : null;
  }
  return null;
}
