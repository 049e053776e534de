/**
 * Worker-thread entry of the threaded embedder (src/context/threaded-embedder.ts): the local hashing embedder's
 * CPU work (tokens, n-grams, hashing) runs here, off the event loop that serves webhooks and job leases.
 */
import { serveRequests } from '../lib/thread-entry.js';
import { HashingEmbedder, type HashingEmbedderOptions } from './hashing-embedder.js';

const embedders = new Map<string, HashingEmbedder>();

serveRequests(async (r: { options: HashingEmbedderOptions; texts: string[] }) => {
  const key = JSON.stringify(r.options);
  let e = embedders.get(key);
  if (!e) {
    e = new HashingEmbedder(r.options);
    embedders.set(key, e);
  }
  const vectors = await e.embed(r.texts);
  return { result: vectors, transfer: vectors.map((v) => v.buffer as ArrayBuffer) };
});
