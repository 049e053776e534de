import { z } from 'zod';

/**
 * The canonical model every connector emits. Both connectors produce exactly these shapes:
 * camelCase keys, `null` for "known to be empty or missing" (never `undefined`, never ""),
 * ISO-8601 UTC timestamps, ids as strings, and associations as arrays of external ids.
 */
export const ObjectKind = z.enum(['contact', 'company', 'deal', 'email', 'call', 'meeting', 'note', 'task']);
export type ObjectKind = z.infer<typeof ObjectKind>;
export const ACTIVITY_KINDS = ['email', 'call', 'meeting', 'note', 'task'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];
export const isActivityKind = (k: ObjectKind): k is ActivityKind => (ACTIVITY_KINDS as readonly string[]).includes(k);

/** Canonical deal stages; the provider's own stage label is kept beside it in `providerStage`. */
export const DealStage = z.enum([
  'prospecting',
  'qualification',
  'proposal',
  'negotiation',
  'closed_won',
  'closed_lost',
]);
export type DealStage = z.infer<typeof DealStage>;
/** Ordinal used by rules such as "Negotiation or later". closed_won/closed_lost are terminal. */
export const DEAL_STAGE_ORDER: Record<DealStage, number> = {
  prospecting: 1,
  qualification: 2,
  proposal: 3,
  negotiation: 4,
  closed_won: 5,
  closed_lost: 5,
};

const Iso = z.string().datetime({ offset: true });
const Nullable = <T extends z.ZodTypeAny>(t: T) => t.nullable();

export const Associations = z.object({
  contacts: z.array(z.string()),
  companies: z.array(z.string()),
  deals: z.array(z.string()),
});
export type Associations = z.infer<typeof Associations>;
export const emptyAssociations = (): Associations => ({ contacts: [], companies: [], deals: [] });

const Base = {
  provider: z.string().min(1),
  externalId: z.string().min(1),
  createdAt: Nullable(Iso),
  updatedAt: Iso,
  archived: z.boolean(),
  ownerId: Nullable(z.string()),
  associations: Associations,
  /** Deep link into the host CRM's UI, when the connector can build one. */
  url: Nullable(z.string()),
};

export const Contact = z.object({
  kind: z.literal('contact'),
  ...Base,
  firstName: Nullable(z.string()),
  lastName: Nullable(z.string()),
  email: Nullable(z.string()),
  phone: Nullable(z.string()),
  title: Nullable(z.string()),
  /**
   * Why no sales email may go to this contact, as the CRM records it: `opted_out` (unsubscribed from all email) or
   * `bounced` (mail to the address bounced). Absent or null: nothing recorded.
   */
  emailBlocked: Nullable(z.enum(['opted_out', 'bounced'])).optional(),
});
export const Company = z.object({
  kind: z.literal('company'),
  ...Base,
  name: Nullable(z.string()),
  domain: Nullable(z.string()),
  website: Nullable(z.string()),
  industry: Nullable(z.string()),
  phone: Nullable(z.string()),
});
export const Deal = z.object({
  kind: z.literal('deal'),
  ...Base,
  name: Nullable(z.string()),
  amount: Nullable(z.number()),
  currency: Nullable(z.string()),
  stage: Nullable(DealStage),
  providerStage: Nullable(z.string()),
  closeDate: Nullable(Iso),
  isClosed: z.boolean(),
  isWon: z.boolean(),
});
export const Activity = z.object({
  kind: z.enum(ACTIVITY_KINDS),
  ...Base,
  subject: Nullable(z.string()),
  /** Plain text (HTML stripped by the mapper). */
  body: Nullable(z.string()),
  occurredAt: Iso,
  direction: Nullable(z.enum(['inbound', 'outbound'])),
  /** Task: NOT_STARTED | IN_PROGRESS | COMPLETED | ...; email: SENT | DRAFT | ...; free text otherwise. */
  status: Nullable(z.string()),
  /** Tasks only: due time. */
  dueAt: Nullable(Iso),
  /** Emails: the sender's address when the CRM gives it (auto-replies, bounces and bulk mail are told by it too). */
  from: Nullable(z.string()).optional(),
});
export type Contact = z.infer<typeof Contact>;
export type Company = z.infer<typeof Company>;
export type Deal = z.infer<typeof Deal>;
export type Activity = z.infer<typeof Activity>;

export const CanonicalRecord = z.discriminatedUnion('kind', [Contact, Company, Deal, Activity]);
export type CanonicalRecord = Contact | Company | Deal | Activity;
