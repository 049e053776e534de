import { getDomain } from 'tldts';
import { isBlank, type Normalized } from './text.js';

/**
 * Consumer mail providers: an address there says nothing about the employer, so its domain is not
 * a company domain. Entries ending in "." match any top-level domain ("yahoo." → yahoo.com, yahoo.co.uk).
 */
const FREE_MAIL = new Set([
  'gmail.com',
  'googlemail.com',
  'outlook.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'msn.com',
  'aol.com',
  'web.de',
  'proton.me',
  'protonmail.com',
  'protonmail.ch',
  'pm.me',
  'mail.com',
  'email.com',
  'ymail.com',
  'rocketmail.com',
  'mail.ru',
  'inbox.ru',
  'list.ru',
  'bk.ru',
  'yandex.ru',
  'yandex.com',
  'zoho.com',
  'zohomail.com',
  't-online.de',
  'freenet.de',
  'posteo.de',
  'mailbox.org',
  'qq.com',
  '163.com',
  '126.com',
  'sina.com',
  'fastmail.com',
  'fastmail.fm',
  'tutanota.com',
  'tuta.io',
  'hey.com',
  'hushmail.com',
  'comcast.net',
  'verizon.net',
  'att.net',
  'sbcglobal.net',
  'orange.fr',
  'wanadoo.fr',
  'free.fr',
  'laposte.net',
  'libero.it',
  'virgilio.it',
  'seznam.cz',
  'wp.pl',
  'o2.pl',
  'interia.pl',
  'naver.com',
  'daum.net',
  'rediffmail.com',
]);
const FREE_MAIL_ANY_TLD = ['yahoo', 'hotmail', 'outlook', 'live', 'gmx', 'aol', 'yandex'];
export function isFreeMailDomain(host: string): boolean {
  const h = host.toLowerCase();
  if (FREE_MAIL.has(h)) return true;
  const labels = h.split('.');
  // yahoo.com, yahoo.co.uk, mail.yahoo.com, hotmail.fr, gmx.de, gmx.net ...
  const reg = registrableDomain(h).split('.');
  return FREE_MAIL_ANY_TLD.includes(reg[0] ?? '') || (labels.length > 2 && FREE_MAIL.has(reg.join('.')));
}

/**
 * "eu.shop.acme.co.uk" → "acme.co.uk", "shop.acme.com.br" → "acme.com.br", "x.acme.gov.uk" → "acme.gov.uk":
 * the registrable domain by the public suffix list (ICANN section, via `tldts`, which ships the list); the host
 * itself when the list knows no suffix for it.
 */
export function registrableDomain(host: string): string {
  return getDomain(host, { allowPrivateDomains: false, validateHostname: false }) ?? host;
}

export interface NormalizedDomain extends Normalized {
  /** Host without scheme, "www.", port, path; lowercased. Null for free-mail or unparsable input. */
  normalized: string | null;
  /** Registrable part of the host ("eu.acme.com" → "acme.com"); null when `normalized` is null. */
  registrable: string | null;
  isFreeMail: boolean;
}

const HOST_RE = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/;

/**
 * Company web domain from a website or an email address:
 * "https://www.Acme.com/about?x=1" → "acme.com"; "jane@sales.acme.com" → "sales.acme.com";
 * "bob@gmail.com" → null (free mail, `isFreeMail: true`).
 */
export function normalizeDomain(value: string | null | undefined): NormalizedDomain {
  const original = value ?? null;
  const none = { original, normalized: null, registrable: null, isFreeMail: false };
  if (isBlank(value)) return none;
  let s = value.trim().toLowerCase();
  const at = s.lastIndexOf('@');
  if (at >= 0) s = s.slice(at + 1);
  s = s.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/^\/\//, '');
  s = s.split(/[/?#\s]/)[0] ?? '';
  s = s
    .replace(/^[^@]*@/, '')
    .replace(/:\d+$/, '')
    .replace(/\.+$/, '');
  if (/[^ -~]/.test(s)) {
    try {
      s = new URL(`http://${s}`).hostname;
    } catch {
      return none;
    }
  }
  s = s.replace(/^www\d*\./, '');
  if (!HOST_RE.test(s)) return none;
  if (isFreeMailDomain(s)) return { original, normalized: null, registrable: null, isFreeMail: true };
  return { original, normalized: s, registrable: registrableDomain(s), isFreeMail: false };
}
