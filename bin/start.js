#!/usr/bin/env node
// `npm start`: the service (demo mode without app credentials). Source through tsx when it is installed
// (development), else the compiled dist/ (production dependencies only; run `npm run build` first).
import { runEntry } from './entry.js';
await runEntry('src/main', (mod) => mod.cli());
