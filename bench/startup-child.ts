/**
 * One start-up measured in a fresh process (spawned by bench/startup.ts): `pglite <dir>` opens the embedded
 * database folder bare (the baseline), `closeloop <dir>` starts the embedded default on it. Prints one JSON
 * line: milliseconds since this process started at each step.
 */
import path from 'node:path';

const [mode, dir] = process.argv.slice(2);
const at = () => performance.now();
const marks: [string, number][] = [['process start → first line of the script', at()]];
let close: () => Promise<void>;
if (mode === 'pglite') {
  const { PGlite } = await import('@electric-sql/pglite');
  const { vector } = await import('@electric-sql/pglite-pgvector');
  marks.push(['imports', at()]);
  const db = await PGlite.create({ dataDir: path.join(dir!, 'pglite'), extensions: { vector } });
  await db.query('SELECT 1');
  marks.push(['ready', at()]);
  close = () => db.close();
} else {
  // STARTUP_ROOT: another checkout's src/ (a before/after comparison); default this one.
  const root = process.env.STARTUP_ROOT ? `${process.env.STARTUP_ROOT}/src` : '../src';
  const { loadConfig } = await import(`${root}/config/index.js`);
  const { silentLogger } = await import(`${root}/lib/logger.js`);
  const { startCloseloop } = await import(`${root}/main.js`);
  // The CRM settings the connectors declare (older checkouts took none and ignore the argument).
  const { appSettingSpecs } = await import(`${root}/../connectors/index.js`);
  marks.push(['imports', at()]);
  const cfg = loadConfig({ PORT: '0', DATA_DIR: dir!, LOG_LEVEL: 'silent' }, appSettingSpecs ?? {});
  const cl = await startCloseloop(cfg, {
    logger: silentLogger(),
    onPhase: (p: string) => {
      if (p !== 'ready') marks.push([p, at()]);
    },
  });
  marks.push(['ready', at()]);
  close = () => cl.stop();
}
// CPU time to ready (user + system, every thread): a figure the other processes of a busy machine disturb far less
// than the wall clock.
const cpu = process.cpuUsage();
marks.push(['cpu', (cpu.user + cpu.system) / 1000]);
process.stdout.write(`${JSON.stringify(marks)}\n`);
await close();
process.exit(0);
