import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * A worker thread running `entry`. From the TypeScript source (tsx, jest) the thread registers tsx's loader
 * before importing its entry; from the build (dist/*.js) it runs the entry directly.
 */
export function startThread(entry: URL): Worker {
  return entry.pathname.endsWith('.ts')
    ? new Worker(
        `import(${JSON.stringify(pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href)}).then((t) => { t.register(); return import(${JSON.stringify(entry.href)}); })`,
        { eval: true },
      )
    : new Worker(entry);
}

/** `name` beside the calling module, with the caller's extension (.ts from source, .js from the build). */
export function siblingEntry(callerUrl: string, name: string): URL {
  return new URL(`./${name}.${callerUrl.endsWith('.ts') ? 'ts' : 'js'}`, callerUrl);
}
