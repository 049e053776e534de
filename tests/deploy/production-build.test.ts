import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../helpers/db.js';
import { waitFor } from '../helpers/closeloop.js';

/**
 * What deploy/Dockerfile does, minus the container: build to JavaScript, put only the runtime files in a clean
 * folder, install production dependencies only (from the local npm cache: the tests have no network), and run
 * the migrate and service roles on plain Node as a non-root user (uid 65534 when the tests run as root).
 */
const NOBODY = 65534;
const METRICS_TOKEN = 'm'.repeat(40);
const asRoot = process.getuid?.() === 0;
const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as any).port;
      s.close(() => resolve(p));
    });
  });

let work = '';
let app = '';
const baseEnv = (dataDir: string, extra: Record<string, string> = {}): Record<string, string> => ({
  PATH: process.env.PATH ?? '',
  HOME: dataDir,
  NODE_ENV: 'production',
  DATA_DIR: dataDir,
  LOG_LEVEL: 'info',
  HUBSPOT_CLIENT_ID: 'prod-app',
  HUBSPOT_CLIENT_SECRET: 'prod-secret',
  TOKEN_ENCRYPTION_KEY: 'ef'.repeat(32),
  PUBLIC_URL: 'https://closeloop.example.com',
  HOST: '127.0.0.1',
  METRICS_TOKEN: METRICS_TOKEN,
  ...extra,
});
const SCRAPER = 'prometheus-scraper-token-0123456789abcdef';
const user = asRoot ? { uid: NOBODY, gid: NOBODY } : {};
/**
 * The Node the service runs on, where the unprivileged user can reach it: the project's pinned Node may sit in a
 * checkout below a folder only root may enter (a CI clone in a `mktemp -d` folder is mode 0700), so it is copied
 * into the world-readable work folder, as the image has Node in /usr/local/bin.
 */
let nodeBin = process.execPath;
const node = (args: string[], env: Record<string, string>): SpawnSyncReturns<string> =>
  spawnSync(nodeBin, args, { cwd: app, env, encoding: 'utf8', timeout: 120_000, ...user });
const dataDir = (name: string): string => {
  const d = path.join(work, name);
  mkdirSync(d);
  if (asRoot) chownSync(d, NOBODY, NOBODY);
  return d;
};

beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'cl-prod-'));
  chmodSync(work, 0o755);
  if (asRoot) {
    nodeBin = path.join(work, 'node');
    cpSync(process.execPath, nodeBin);
    chmodSync(nodeBin, 0o755);
  }
  app = path.join(work, 'app');
  const buildDir = path.join(work, 'build');
  const build = spawnSync(
    process.execPath,
    [path.join(ROOT, 'scripts/build.mjs'), '--out-dir', path.join(buildDir, 'dist')],
    { cwd: ROOT, encoding: 'utf8', timeout: 300_000 },
  );
  expect(build.stderr + build.stdout).toContain('built');
  // The runtime stage of deploy/Dockerfile, COPY by COPY: build output from the build stage, the rest from the
  // repository; the deps stage is the `npm ci --omit=dev` below.
  const dockerfile = readFileSync(path.join(ROOT, 'deploy/Dockerfile'), 'utf8');
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  for (const line of runtime.split('\n').filter((l) => l.startsWith('COPY '))) {
    const parts = line.split(/\s+/).slice(1);
    const from = parts[0]!.startsWith('--from=') ? parts.shift()!.slice(7) : null;
    const dest = parts.pop()!;
    if (from === 'deps') continue;
    for (const src of parts) {
      const source = from === 'build' ? path.join(buildDir, path.relative('/src', src)) : path.join(ROOT, src);
      const target = dest.endsWith('/') ? path.join(app, dest, path.basename(src)) : path.join(app, dest);
      cpSync(source, target, { recursive: true });
    }
  }
  cpSync(path.join(ROOT, 'package-lock.json'), path.join(app, 'package-lock.json'));
  const install = spawnSync('npm', ['ci', '--omit=dev', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: app,
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (install.status !== 0)
    throw new Error(`npm ci --omit=dev --offline failed (is the npm cache populated?):\n${install.stderr}`);
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

test('the build holds only JavaScript, migrations and the signal weights, and the install has no devDependencies', () => {
  expect(readdirSync(path.join(app, 'dist')).sort()).toEqual(['connectors', 'migrations', 'src']);
  expect(readdirSync(app).sort()).toEqual([
    'bin',
    'dist',
    'node_modules',
    'package-lock.json',
    'package.json',
    'rules',
  ]);
  expect(existsSync(path.join(app, 'dist/src/main.js'))).toBe(true);
  expect(existsSync(path.join(app, 'dist/src/cli/main.js'))).toBe(true);
  expect(readdirSync(path.join(app, 'dist/migrations'))).toEqual(readdirSync(path.join(ROOT, 'migrations')));
  const weights = 'src/inference/signals/weights';
  expect(readdirSync(path.join(app, 'dist', weights))).toEqual(readdirSync(path.join(ROOT, weights)));
  for (const dev of ['tsx', 'typescript', 'jest', '@swc/core', 'node'])
    expect(existsSync(path.join(app, 'node_modules', dev))).toBe(false);
  expect(existsSync(path.join(app, 'node_modules', 'pg-boss'))).toBe(true);
});

test('migrate, refuse pending migrations, then serve: plain Node, production dependencies, non-root', async () => {
  // The folder the image copies is owned by root and only readable by the app user.
  if (asRoot) expect(statSync(path.join(app, 'dist/src/main.js')).uid).toBe(0);

  // The shipped signal models load from the build (gzipped weights read beside the compiled module).
  const shipped = node(
    [
      '--input-type=module',
      '-e',
      "const m = await import('./dist/src/inference/signals/shipped.js'); console.log(m.SHIPPED_SIGNAL_MODELS_VERSION, Object.keys(m.shippedSignalModels()).length, Object.keys(m.shippedFusedSignalModels()).length);",
    ],
    baseEnv(work),
  );
  expect(shipped.stderr).toBe('');
  expect(shipped.stdout).toMatch(/^signals-v2@\S+ 7 7\n$/);

  const help = node(['bin/closeloop.js', 'migrate', '--help'], baseEnv(work));
  expect(help.status).toBe(0);
  expect(help.stdout).toContain('usage: closeloop migrate');

  // A database nobody migrated: a normal start refuses it.
  const fresh = dataDir('fresh');
  const refused = node(['dist/src/main.js'], baseEnv(fresh, { MIGRATE_ON_START: 'false', PORT: '0' }));
  expect(refused.status).toBe(1);
  expect(refused.stderr).toMatch(/pending migration\(s\) \(0001_init\.sql, .*Run `npx closeloop migrate` first/);

  const data = dataDir('data');
  const check = node(['bin/closeloop.js', 'migrate', '--check'], baseEnv(data));
  expect(check.status).toBe(1);
  const migrated = node(['bin/closeloop.js', 'migrate'], baseEnv(data));
  expect(migrated.stderr).toBe('');
  expect(migrated.status).toBe(0);
  expect(migrated.stdout).toMatch(/^applied 0001_init\.sql \(\d+ ms\)$/m);
  expect(node(['bin/closeloop.js', 'migrate', '--check'], baseEnv(data)).stdout).toBe('up to date\n');

  const port = await freePort();
  const child = spawn(nodeBin, ['dist/src/main.js'], {
    cwd: app,
    env: baseEnv(data, { MIGRATE_ON_START: 'false', PORT: String(port), METRICS_TOKEN: SCRAPER }),
    stdio: ['ignore', 'pipe', 'pipe'],
    ...user,
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += String(d);
  });
  child.stderr.on('data', (d) => {
    out += String(d);
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  try {
    const ready = await waitFor(
      () =>
        out
          .split('\n')
          .map((l) => {
            try {
              return JSON.parse(l);
            } catch {
              return null;
            }
          })
          .find((l) => l?.msg === 'closeloop ready'),
      60_000,
      `start-up:\n${out}`,
    );
    expect(ready).toMatchObject({ role: 'all', engine: 'pglite' });
    const url = `http://127.0.0.1:${port}`;
    expect((await fetch(`${url}/livez`)).status).toBe(200);
    const readyz = await waitFor(
      async () => {
        const r = await fetch(`${url}/readyz`);
        return r.status === 200 ? r : null;
      },
      30_000,
      '/readyz',
    );
    expect(await readyz.json()).toMatchObject({
      ok: true,
      checks: { database: { ok: true }, queue: { ok: true }, migrations: { ok: true }, rules: { ok: true } },
    });
    // /metrics on the public port: the scraper's METRICS_TOKEN, nobody else.
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    expect(await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${SCRAPER}` } })).text()).toContain(
      'closeloop_queue_depth',
    );
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
}, 180_000);
