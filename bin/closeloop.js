#!/usr/bin/env node
// `npx closeloop ...`. In a checkout with devDependencies, the TypeScript source runs through tsx (no build
// step); in a production install (`npm ci --omit=dev`, the container image) the compiled dist/ runs on plain Node.
import { runEntry } from './entry.js';
await runEntry('src/cli/main', () => undefined);
