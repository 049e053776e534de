import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * closeloop's version: `version` of the nearest package.json named "closeloop" above this file, so the same answer
 * comes from the TypeScript source (src/lib) and from the build (dist/src/lib) in the container image.
 */
export function closeloopVersion(from: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(from));
  for (;;) {
    try {
      const p = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (p.name === 'closeloop' && typeof p.version === 'string') return p.version;
    } catch {
      // No package.json here (or not one we can read): look further up.
    }
    const up = dirname(dir);
    if (up === dir) return 'unknown';
    dir = up;
  }
}
