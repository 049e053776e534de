import { z } from 'zod';
import { Contact, Deal } from '../core/index.js';

/**
 * What the guardrails know about the world when they judge one suggestion. Built by the caller
 * (inference / writeback) from the store; the CLIs read it from JSON through this schema.
 */
export const GuardrailContextSchema = z.strictObject({
  /** Evaluation time, ISO-8601. Facts such as `dueDateInPast` compare against this, never the wall clock. */
  now: z.string().datetime({ offset: true }),
  /**
   * The deal the suggestion is attached to, as currently stored; null when it does not exist (or none is referenced).
   */
  deal: Deal.nullable(),
  /** The referenced contacts that exist in the store (missing ones are simply absent). */
  contacts: z.array(Contact),
  /** The owner the suggestion is assigned to; `name` (optional) lets a signature in a draft count as grounded. */
  owner: z.strictObject({ id: z.string(), exists: z.boolean(), name: z.string().nullable().optional() }).nullable(),
  /** Suggestions already created today for this owner (not counting this one). */
  repSuggestionsToday: z.number().int().nonnegative(),
  /** The retrieved context the model was given: what a suggestion's claims must be grounded in. */
  retrievedText: z.array(z.string()),
  /** Strings the rules always accept in outgoing text: product names, the standard discount, our own address... */
  allowList: z.array(z.string()),
  /** Signal types detected on the source interaction (e.g. "budget_cut", "competitor"). */
  signals: z.array(z.string()),
  /**
   * Links to CRM records (the deal, the company, the quoted interactions) the connectors built: evidence links the text
   * may show.
   */
  recordLinks: z.array(z.string()).optional(),
  /**
   * The domain on the company record (the customer's own site, as the CRM holds it): it grounds links to that site. A
   * contact's email domain does not (whoever writes in becomes a contact, from any domain).
   */
  companyDomain: z.string().nullable().optional(),
  /**
   * closeloop's own lines in the rendered task (its structure and technical note, such as the model's versioned name):
   * its wording, not a claim. The grounding checks skip them, as the output gate does.
   */
  ownLines: z.array(z.string()).optional(),
});
export type GuardrailContext = z.infer<typeof GuardrailContextSchema>;

/** Parse untrusted JSON (CLI input, stored replay rows) into a context; throws a ZodError. */
export const parseGuardrailContext = (input: unknown): GuardrailContext => GuardrailContextSchema.parse(input);
