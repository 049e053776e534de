/**
 * Credentials in outgoing text: what no task or draft should carry, whoever wrote it first. A customer who pastes an
 * API key or a password into an email has made a mistake; a model (or a template quoting them) that copies it into
 * the CRM spreads it to everyone who can read the record. Two shapes, both independent of grounding:
 *
 * - tokens whose format says what they are (provider prefixes: OpenAI/Stripe `sk-…`, AWS `AKIA…`, GitHub `ghp_…`,
 *   Slack `xox…-`, Google `AIza…`, GitLab `glpat-`, HubSpot private apps `pat-na1-…`, closeloop's own `clt_…`,
 *   PEM private keys);
 * - a password, passcode, PIN, secret or key named and followed by its value ("the admin password is Tr0ub4dor&3",
 *   "Passwort: …", "パスワード：…"), in the languages of the instruction lexicon and the common others. The value must
 *   look like one (a digit or a symbol in it), so "the password is required" or "password: see the vault" is not one.
 */

const TOKEN =
  /(?<![A-Za-z0-9])(?:sk|rk|pk)[-_](?:live|test|proj|prod|ant|svcacct)?[-_]?[A-Za-z0-9_-]{16,}|(?<![A-Za-z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![0-9A-Z])|(?<![A-Za-z0-9])(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|(?<![A-Za-z0-9])xox[abprs]-[A-Za-z0-9-]{10,}|(?<![A-Za-z0-9])AIza[0-9A-Za-z_-]{35}|(?<![A-Za-z0-9])glpat-[A-Za-z0-9_-]{20,}|(?<![A-Za-z0-9])pat-(?:na|eu|ap)\d-[0-9a-f]{8}-[0-9a-f-]{20,}|(?<![A-Za-z0-9])clt_[A-Za-z0-9_-]{20,}|-----BEGIN [A-Z ]{0,20}PRIVATE KEY-----/g;

const SECRET_WORD = String.raw`passwords?|passwort|kennwort|passcodes?|pass ?phrase|pwd|pins?|pin[- ]code|api[- ]?keys?|secret(?: key)?|client secret|access token|auth(?:entication)? token|contraseña|clave|mot de passe|mdp|senha|wachtwoord|parola d'ordine|пароль|парол[ья]|hasło|heslo|jelszó|şifre|parola|salasana|adgangskode|lösenord|passord|κωδικός|סיסמה|كلمة (?:المرور|السر)|पासवर्ड|パスワード|暗証番号|密码|密碼|口令|비밀번호|암호`;
const LINK = String.raw`\s*(?:is|was|ist|lautet|es|est|è|é|é:|is now|=|:|：|は|为|是|는|은)?\s*[:：=]?\s*`;
const NAMED_SECRET = new RegExp(
  String.raw`(?<![\p{L}])(?:${SECRET_WORD})(?:\s+(?:for|to|of|für|de|du|di|del|da|van|для)\s+[\p{L}\p{N} ._-]{1,30}?)?${LINK}["'“«]?([^\s"'”»<>]{6,64})`,
  'giu',
);
/** A value that looks like a secret: a digit or a symbol in it, not a plain word ("required", "vault"). */
const SECRET_VALUE = /[\d!@#$%^&*()_+=[\]{};:,.?/\\|~-]/;

export interface CredentialFinding {
  /** What was found. */
  text: string;
  /** What may be shown of it: the token's prefix or the word that named the secret, never the value. */
  label: string;
}

export function findCredentials(text: string): CredentialFinding[] {
  const out: CredentialFinding[] = [];
  for (const m of text.matchAll(TOKEN))
    out.push({ text: m[0], label: `${m[0].startsWith('-----') ? 'PRIVATE KEY' : m[0].slice(0, 4)}…` });
  for (const m of text.matchAll(NAMED_SECRET)) {
    const value = m[1]!;
    if (!SECRET_VALUE.test(value) || /^(?:https?:|www\.)/i.test(value)) continue;
    out.push({ text: m[0], label: `${m[0].slice(0, m[0].length - value.length).replace(/[\s:：=]+$/u, '')} …` });
  }
  return out;
}
