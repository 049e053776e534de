/**
 * Worker-thread entry of the threaded embedder (src/context/threaded-embedder.ts): the local embedders' CPU work
 * (hashing's tokens and n-grams, the sentence model's inference) runs here, off the event loop that serves webhooks
 * and job leases. The sentence model loads here, once per thread, on the first request that needs it.
 */
import { serveRequests } from '../lib/thread-entry.js';
import { LocalEmbedder, type LocalEmbedderSpec } from './local-embedder.js';

export interface EmbedRequest {
  spec: LocalEmbedderSpec;
  texts: string[];
}
export interface EmbedResponse {
  vectors: Float32Array[];
  /** The vector space the vectors are in (hashing's after a fallback). */
  space: string;
  dimensions: number;
  fallback: string | null;
  modelLoadMs: number | null;
}

const embedders = new Map<string, LocalEmbedder>();

serveRequests(async (r: EmbedRequest) => {
  const key = JSON.stringify(r.spec);
  let e = embedders.get(key);
  if (!e) {
    e = new LocalEmbedder(r.spec);
    embedders.set(key, e);
  }
  const vectors = await e.embed(r.texts);
  const result: EmbedResponse = {
    vectors,
    space: e.id,
    dimensions: e.dimensions,
    fallback: e.fallbackReason,
    modelLoadMs: e.modelLoadMs,
  };
  return { result, transfer: vectors.map((v) => v.buffer as ArrayBuffer) };
});
