import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';

/**
 * The shipped signal weights are gzipped JSON files beside this module (weights/*.json.gz): about a quarter of the
 * JSON's size in the repository, the package and the image. `npm run build` copies them into dist/.
 */
export const SIGNAL_WEIGHT_FILES = { ngram: 'signals-v2.json.gz', fused: 'signals-v2-fused.json.gz' } as const;
export type SignalWeightFile = keyof typeof SIGNAL_WEIGHT_FILES;

const weightsUrl = (file: SignalWeightFile): URL => new URL(`./weights/${SIGNAL_WEIGHT_FILES[file]}`, import.meta.url);

/** Reads one weights file (synchronously: the models are part of the module, as a JSON import would be). */
export function readSignalWeights(file: SignalWeightFile): unknown {
  return JSON.parse(gunzipSync(readFileSync(weightsUrl(file))).toString('utf8'));
}

/** Writes one weights file (the training script). Same bytes for the same weights: gzip's header carries no time. */
export function writeSignalWeights(file: SignalWeightFile, weights: unknown): string {
  const url = weightsUrl(file);
  writeFileSync(url, gzipSync(JSON.stringify(weights) + '\n', { level: 9 }));
  return url.pathname;
}
