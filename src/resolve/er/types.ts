/** Entity-resolution data model: generic records with named string attributes. */
import type { ConflictOptions } from './distinctive.js';

/**
 * How a field is compared. Inferred from the data by `inferFieldSpecs` unless given:
 * - `text`: several words per value (titles, affiliations): TF-IDF cosine with IDF from the data.
 * - `name`: one or two words (person names, streets, towns): Jaro-Winkler.
 * - `code`: digit strings (postcodes, dates, ids, years): exact / one edit / two edits.
 * - `numeric`: decimal quantities (prices): relative closeness.
 * - `exact`: normalized identifiers (email, domain, E.164 phone): agree / disagree.
 */
export type FieldKind = 'text' | 'name' | 'code' | 'numeric' | 'exact';

export interface FieldSpec {
  name: string;
  kind: FieldKind;
}

export interface ErRecord {
  id: string;
  /** Data source for two-source linkage; null (or all equal) means deduplication within one set. */
  source: string | null;
  values: Record<string, string | null>;
}

/** One field's contribution to a pair's score: similarity in [0,1] and its log2 likelihood-ratio weight. */
export interface Reason {
  field: string;
  similarity: number;
  weight: number;
}

export interface ScoredPair {
  a: string;
  b: string;
  /** Posterior match probability under the learned Fellegi-Sunter model. */
  score: number;
  reasons: Reason[];
}

/** A resolved entity: which records were joined and the accepted pairs that joined them. */
export interface MergeRecord {
  clusterId: string;
  recordIds: string[];
  pairs: ScoredPair[];
}

/** How many matches a record may have in the other source (two-source linkage only). */
export type LinkConstraint = 'best' | 'auto' | 'one-to-one' | 'one-to-many' | 'many-to-one' | 'none';

export interface ResolveOptions {
  /** Fields to compare; default: inferred from all attribute names present in the records. */
  fields?: FieldSpec[];
  /** Neighbours kept per record by the inverted-index blocker (meta-blocking top-k). Default 15. */
  neighbours?: number;
  /** Blocking keys shared by more records than this are dropped (stop-keys). Default 100. */
  keyCap?: number;
  /** Sorted-neighbourhood window. Default 4. */
  window?: number;
  /** Posterior probability a pair must reach to be accepted. Default 0.5 (Bayes decision rule). */
  threshold?: number;
  /**
   * Two-source constraint. `one-to-one` (default): greedy assignment by descending score, each
   * record keeps at most one partner. `best`: keep an accepted pair only if it is the best-scoring
   * accepted partner of at least one of its records (allows 1:n and n:1, removes second-best noise).
   * `one-to-many` / `many-to-one`: only one side limited. `auto`: estimates per source whether it holds
   * internal duplicates and limits the clean side to one partner.
   */
  linkConstraint?: LinkConstraint;
  /** Prior strength (pairs) of the reciprocal-best seed for m; default SEED_PRIOR_STRENGTH. */
  seedPriorStrength?: number;
  /**
   * Deduplication with free-text fields: keep two clusters apart when each has a characteristic rare
   * word the other lacks (`distinctive.ts`); `false` turns it off, an object overrides its settings.
   */
  conflict?: ConflictOptions | false;
  /** Seed for the random pairs used to estimate u-probabilities. */
  seed?: number;
}
