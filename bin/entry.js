import { existsSync } from 'node:fs';

/** Import `<entry>.ts` through tsx when tsx is installed, else `dist/<entry>.js`; then call `then` on the module. */
export async function runEntry(entry, then) {
  let tsx = null;
  try {
    tsx = await import('tsx/esm/api');
  } catch {
    // A production install has no devDependencies: run the build.
  }
  if (tsx) {
    tsx.register();
    return then(await import(new URL(`../${entry}.ts`, import.meta.url).href));
  }
  const built = new URL(`../dist/${entry}.js`, import.meta.url);
  if (!existsSync(built)) {
    process.stderr.write(
      'closeloop: tsx is not installed and dist/ is missing; run `npm run build` (or install devDependencies)\n',
    );
    process.exit(1);
  }
  return then(await import(built.href));
}
