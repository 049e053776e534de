import { isBlank, type Normalized } from './text.js';

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * "  Jane.Doe+crm@GoogleMail.com " → "janedoe@gmail.com"; "Jane.Doe+x@acme.com" → "jane.doe+x@acme.com".
 * Lowercase and trim everywhere (strips a "mailto:" prefix and <angle brackets>); Gmail's
 * dot-insensitivity and +tags are only folded for gmail.com / googlemail.com, where they are documented
 * behaviour. Invalid shapes → null.
 */
export function normalizeEmail(value: string | null | undefined): Normalized {
  const original = value ?? null;
  if (isBlank(value)) return { original, normalized: null };
  let s = value
    .trim()
    .toLowerCase()
    .replace(/^mailto:/, '');
  const angle = /<([^>]+)>/.exec(s);
  if (angle?.[1]) s = angle[1].trim();
  if (!EMAIL_RE.test(s)) return { original, normalized: null };
  const at = s.lastIndexOf('@');
  let local = s.slice(0, at);
  let domain = s.slice(at + 1).replace(/\.+$/, '');
  if (domain === 'gmail.com' || domain === 'googlemail.com') {
    domain = 'gmail.com';
    local = (local.split('+')[0] ?? '').replace(/\./g, '');
    if (local === '') return { original, normalized: null };
  }
  return { original, normalized: `${local}@${domain}` };
}
