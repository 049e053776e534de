export type {
  Embedder,
  VectorStore,
  VectorChunk,
  Metadata,
  MetadataValue,
  Filter,
  FieldOps,
  QueryOptions,
  QueryMatch,
} from './types.js';
export { HashingEmbedder, DEFAULT_HASHING, type HashingEmbedderOptions } from './hashing-embedder.js';
export { OpenAIEmbedder, type OpenAIEmbedderOptions } from './openai-embedder.js';
export { PineconeVectorStore, mapPineconeError, type PineconeStoreOptions } from './pinecone-store.js';
export { validateFilter, matchesFilter } from './filter.js';
export {
  ContextIndexer,
  chunkActivity,
  chunkId,
  trimQuotedReply,
  type RetrievedChunk,
  type RecordRef,
  type ActivityContext,
  type ActivityChunk,
} from './indexer.js';
