import type { Associations, Company, Contact, Deal } from '../core/canonical.js';
import {
  basicFold,
  foldGermanTransliteration,
  normalizeCompanyName,
  normalizeDomain,
  normalizeEmail,
} from '../resolve/index.js';
import type { SourcesRepo } from '../store/sources.js';

export interface Participant {
  email?: string | null;
  name?: string | null;
  phone?: string | null;
}
export interface CrmHints {
  dealId?: string | null;
  companyId?: string | null;
  contactIds?: string[] | null;
}

export interface LinkInput {
  participants: Participant[];
  /** Ids the source says the interaction belongs to. Each kind given and found wins over inference for that kind. */
  crm?: CrmHints | null;
  /** Web domains mentioned (Slack text): matched to companies like unmatched participants' email domains. */
  domains?: string[];
  /** Companies found by other means (a name mentioned in a message). */
  companyIds?: string[];
}

export interface LinkResult {
  associations: Associations;
  /** Explicit ids that do not exist (or are archived) in this connection: ignored. */
  unknownCrmIds: string[];
}

/**
 * Loose email key, also computed in SQL by the `records_contact_email_loose` index: lowercased, local part
 * without "+tag" and dots, googlemail.com → gmail.com. Equal normalized emails always have equal keys.
 */
export function looseEmailKey(normalized: string): string {
  const at = normalized.lastIndexOf('@');
  const local = (normalized.slice(0, at).split('+')[0] ?? '').replace(/\./g, '');
  const domain = normalized.slice(at + 1);
  return `${local}@${domain === 'googlemail.com' ? 'gmail.com' : domain}`;
}

/** Registrable company domain of an email or a URL, or null (unparsable, or a free-mail provider). */
export function companyDomain(value: string | null | undefined): string | null {
  return normalizeDomain(value).registrable;
}

const uniq = <T>(xs: Iterable<T>): T[] => [...new Set(xs)];
const sorted = (xs: Iterable<string>) => uniq(xs).sort();

/**
 * Link interactions to CRM records of one connection, batched (one query per lookup for the whole batch):
 * explicit ids that exist win, kind by kind; otherwise participant emails → contacts (normalized email
 * match), contact → their companies and open deals; unmatched participants' email domains (free mail
 * excluded) and mentioned domains → companies by domain.
 */
export async function linkInteractions(
  repo: SourcesRepo,
  connectionId: string,
  inputs: LinkInput[],
): Promise<LinkResult[]> {
  const emailsOf = inputs.map((i) =>
    uniq(i.participants.map((p) => normalizeEmail(p.email).normalized).filter((e): e is string => e !== null)),
  );
  const allEmails = uniq(emailsOf.flat());
  const contacts = await repo.contactsByEmailKeys(connectionId, uniq(allEmails.map(looseEmailKey)));
  const contactsByEmail = new Map<string, Contact[]>();
  for (const c of contacts) {
    const e = normalizeEmail(c.email).normalized;
    if (e) contactsByEmail.set(e, [...(contactsByEmail.get(e) ?? []), c]);
  }

  const explicit = {
    contacts: uniq(inputs.flatMap((i) => i.crm?.contactIds ?? [])),
    companies: uniq(inputs.flatMap((i) => (i.crm?.companyId ? [i.crm.companyId] : []))),
    deals: uniq(inputs.flatMap((i) => (i.crm?.dealId ? [i.crm.dealId] : []))),
  };
  const domainsOf = inputs.map((input, n) =>
    uniq(
      [
        ...emailsOf[n]!.filter((e) => !contactsByEmail.has(e)).map(companyDomain),
        ...(input.domains ?? []).map(companyDomain),
      ].filter((d): d is string => d !== null),
    ),
  );
  const matchedContacts = uniq(contacts);
  const [liveContacts, liveCompanies, liveDeals, domainCompanies, contactCompanies, contactDeals] = await Promise.all([
    repo.existing<Contact>(connectionId, 'contact', explicit.contacts),
    repo.existing<Company>(connectionId, 'company', explicit.companies),
    repo.existing<Deal>(connectionId, 'deal', explicit.deals),
    repo.companiesByDomainHints(connectionId, uniq(domainsOf.flat())),
    repo.existing<Company>(connectionId, 'company', uniq(matchedContacts.flatMap((c) => c.associations.companies))),
    repo.openDealsForContacts(
      connectionId,
      matchedContacts.map((c) => c.externalId),
      uniq(matchedContacts.flatMap((c) => c.associations.deals)),
    ),
  ]);
  const has = (rows: { externalId: string }[]) => new Set(rows.map((r) => r.externalId));
  const live = {
    contacts: has(liveContacts),
    companies: has(liveCompanies),
    deals: has(liveDeals),
    contactCompanies: has(contactCompanies),
  };
  const companiesByDomain = new Map<string, string[]>();
  for (const c of domainCompanies) {
    for (const d of uniq([companyDomain(c.domain), companyDomain(c.website)])) {
      if (d) companiesByDomain.set(d, [...(companiesByDomain.get(d) ?? []), c.externalId]);
    }
  }

  return inputs.map((input, n) => {
    const unknown: string[] = [];
    const given = (ids: string[], set: Set<string>) => ids.filter((id) => set.has(id) || (unknown.push(id), false));
    const gDeals = given(input.crm?.dealId ? [input.crm.dealId] : [], live.deals);
    const gCompanies = given(input.crm?.companyId ? [input.crm.companyId] : [], live.companies);
    const gContacts = given(uniq(input.crm?.contactIds ?? []), live.contacts);

    const mine = emailsOf[n]!.flatMap((e) => contactsByEmail.get(e) ?? []);
    const mineIds = new Set(mine.map((c) => c.externalId));
    const inferredCompanies = [
      ...mine.flatMap((c) => c.associations.companies).filter((id) => live.contactCompanies.has(id)),
      ...domainsOf[n]!.flatMap((d) => companiesByDomain.get(d) ?? []),
      ...(input.companyIds ?? []),
    ];
    const mineDealIds = new Set(mine.flatMap((c) => c.associations.deals));
    const inferredDeals = contactDeals
      .filter((d) => mineDealIds.has(d.externalId) || d.associations.contacts.some((id) => mineIds.has(id)))
      .map((d) => d.externalId);
    return {
      associations: {
        contacts: sorted(gContacts.length ? gContacts : mineIds),
        companies: sorted(gCompanies.length ? gCompanies : inferredCompanies),
        deals: sorted(gDeals.length ? gDeals : inferredDeals),
      },
      unknownCrmIds: unknown,
    };
  });
}

/** Folded tokens of a text with, for each, whether it was written with a capital (single-word names need one). */
function tokens(text: string): { folded: string; capital: boolean }[] {
  const out: { folded: string; capital: boolean }[] = [];
  for (const raw of text.replace(/\s*[&+]\s*/g, ' and ').split(/[^\p{L}\p{N}]+/u)) {
    if (!raw) continue;
    for (const f of basicFold(raw).split(' ')) if (f) out.push({ folded: f, capital: /^\p{Lu}/u.test(raw) });
  }
  return out;
}

/** "globex corp": the words after the match are a legal form, so the match is a company name whatever its case. */
function followedByLegalForm(toks: { folded: string }[], i: number, w: number): boolean {
  const key = keyOf(toks.slice(i, i + w).map((t) => t.folded));
  for (let extra = 1; extra <= 4 && i + w + extra <= toks.length; extra++) {
    const n = normalizeCompanyName(
      toks
        .slice(i, i + w + extra)
        .map((t) => t.folded)
        .join(' '),
    );
    if (n.key === key && n.legalForms.length > 0) return true;
  }
  return false;
}

const keyOf = (folded: string[]) => foldGermanTransliteration(folded.join(' ')).replace(/ /g, '');

/**
 * Companies whose name is mentioned in a text, compared on the company-name matching key
 * (src/resolve/normalize/company-name.ts: legal forms, "the", "&", diacritics folded). Names of one word
 * must be at least 4 letters long and written with a capital or followed by a legal form ("Acme", "acme inc"
 * yes; "acme", "Box" no) to keep ordinary words from matching.
 */
export function findCompanyMentions(text: string, companies: { id: string; name: string }[], limit = 10): string[] {
  const byKey = new Map<string, { ids: string[]; words: number }>();
  let maxWords = 1;
  for (const c of companies) {
    const n = normalizeCompanyName(c.name);
    if (!n.key || !n.normalized) continue;
    const words = n.normalized.split(' ').length;
    if (words === 1 && n.key.length < 4) continue;
    maxWords = Math.max(maxWords, Math.min(words, 8));
    const e = byKey.get(n.key) ?? { ids: [], words };
    e.ids.push(c.id);
    byKey.set(n.key, e);
  }
  const toks = tokens(text);
  const found = new Set<string>();
  for (let i = 0; i < toks.length && found.size < limit; i++) {
    for (let w = 1; w <= maxWords && i + w <= toks.length; w++) {
      const hit = byKey.get(keyOf(toks.slice(i, i + w).map((t) => t.folded)));
      if (!hit) continue;
      if (hit.words === 1 && !toks[i]!.capital && !followedByLegalForm(toks, i, w)) continue;
      hit.ids.forEach((id) => found.add(id));
    }
  }
  return [...found].sort().slice(0, limit);
}
