/** Normalization and entity resolution (closeloop issue 4). */
export * from './normalize/index.js';
export * from './er/types.js';
export * from './er/similarity.js';
export { inferFieldSpecs } from './er/fields.js';
export { candidatePairs, blockingKeys } from './er/blocking.js';
export { trainFellegiSunter, posterior, monotoneRatio, type FsModel } from './er/fellegi-sunter.js';
export { clusterWithGuard, assignLinks, bestOfEither, components, type Edge } from './er/cluster.js';
export { resolveRecords, type ResolveResult } from './er/resolve.js';
export {
  findDuplicateCandidates,
  type DuplicateCandidateGroup,
  type FindDuplicateOptions,
} from './er/crm-duplicates.js';
