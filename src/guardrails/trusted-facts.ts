import { z } from 'zod';

/**
 * The facts the company itself vouches for, kept by admins in a rule file's `trusted` section
 * (`rules/trusted-facts.json`). Actionable content closeloop writes (a link, an address, a price, a
 * discount, a code, a concession) must be one of these or come from the deal's own CRM data; anything
 * else was learnt from text someone outside wrote, and is not advice.
 */
export const TrustedFactsSchema = z.strictObject({
  /** Domains the company owns: links and addresses on them (and their subdomains) are ours. */
  ownDomains: z
    .array(z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'a domain such as "example.com" (no scheme, no path)'))
    .default([]),
  /** Other domains a draft may link to (documentation, trust centre, booking page). */
  linkDomains: z
    .array(z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'a domain such as "example.com" (no scheme, no path)'))
    .default([]),
  /** E-mail addresses a draft may mention (billing@, support@). */
  emails: z.array(z.string().email()).default([]),
  /** Phone numbers a draft may mention (the company's switchboard, support line). */
  phones: z.array(z.string().regex(/\d{6,}/, 'a phone number with at least six digits')).default([]),
  /** The price book: amounts a draft may quote. */
  priceBook: z
    .array(
      z.strictObject({ item: z.string().min(1), amount: z.number().nonnegative(), currency: z.string().length(3) }),
    )
    .default([]),
  /** The discount policy: the largest discount (in percent) a rep may offer without a manager. */
  discountPolicy: z.strictObject({ maxPercent: z.number().min(0).max(100) }).default({ maxPercent: 0 }),
  /** Promotion codes the company runs. */
  promoCodes: z.array(z.string().min(3)).default([]),
  /** Concessions a draft may mention, as phrases (e.g. "free trial", "30-day money-back guarantee"). */
  concessions: z.array(z.string().min(3)).default([]),
  /** Payment details finance publishes on invoices (IBAN, account number); empty: drafts never carry any. */
  paymentDetails: z.array(z.string().min(6)).default([]),
});
export type TrustedFacts = z.infer<typeof TrustedFactsSchema>;
export const TRUSTED_KEYS: readonly string[] = Object.keys(TrustedFactsSchema.shape);

export const EMPTY_TRUSTED: TrustedFacts = TrustedFactsSchema.parse({});

/** Several files' trusted sections as one (lists are concatenated, the strictest discount policy wins). */
export function mergeTrusted(parts: readonly TrustedFacts[]): TrustedFacts {
  if (parts.length === 0) return EMPTY_TRUSTED;
  return {
    ownDomains: parts.flatMap((p) => p.ownDomains.map((d) => d.toLowerCase())),
    linkDomains: parts.flatMap((p) => p.linkDomains.map((d) => d.toLowerCase())),
    emails: parts.flatMap((p) => p.emails.map((e) => e.toLowerCase())),
    phones: parts.flatMap((p) => p.phones),
    priceBook: parts.flatMap((p) => p.priceBook),
    discountPolicy: { maxPercent: Math.min(...parts.map((p) => p.discountPolicy.maxPercent)) },
    promoCodes: parts.flatMap((p) => p.promoCodes.map((c) => c.toUpperCase())),
    concessions: parts.flatMap((p) => p.concessions.map((c) => c.toLowerCase())),
    paymentDetails: parts.flatMap((p) => p.paymentDetails.map((x) => x.replace(/[\s-]/g, '').toUpperCase())),
  };
}
