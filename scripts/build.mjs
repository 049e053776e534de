// `npm run build`: compile src/ and connectors/ to JavaScript in dist/ (plain Node, production dependencies only),
// and copy the migrations and the signal weights beside them so code that finds them relative to itself works from
// dist/ too.
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write(`usage: npm run build [-- --out-dir DIR]

Compiles src/ and connectors/ to JavaScript (tsconfig.build.json) and copies the migrations and the shipped signal
weights beside them, so the production image runs on plain Node with production dependencies only.
  --out-dir DIR   build into DIR instead of dist/ (emptied first)
  -h, --help      print this help and exit
`);
  process.exit(0);
}
// --out-dir <dir>: build elsewhere (the production-build test builds into a clean folder).
const at = process.argv.indexOf('--out-dir');
const dist = at > 0 && process.argv[at + 1] ? path.resolve(process.argv[at + 1]) : path.join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json'), '--outDir', dist], {
  stdio: 'inherit',
});
if (r.status !== 0) process.exit(r.status ?? 1);
cpSync(path.join(root, 'migrations'), path.join(dist, 'migrations'), { recursive: true });
// The shipped signal weights are gzipped JSON read at run time (src/inference/signals/weights-file.ts), with their
// data card (sources and licences).
const weights = path.join('src', 'inference', 'signals', 'weights');
cpSync(path.join(root, weights), path.join(dist, weights), { recursive: true });
process.stdout.write(`built ${path.relative(process.cwd(), dist) || '.'}\n`);
