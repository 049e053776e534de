/** Jest runs TypeScript as native ESM through swc; see package.json "test". */
export default {
  testEnvironment: '<rootDir>/tests/setup/node-environment.cjs',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  // Browser tests drive Chromium: `npm run test:browser` (jest.browser.config.js), run by .ci/run.
  testPathIgnorePatterns: ['/node_modules/', '/tests/browser/'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
        module: { type: 'es6' },
      },
    ],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  setupFiles: ['<rootDir>/tests/setup/network-lock.ts'],
  // nock patches modules shared by every file of a worker: undo it after each file.
  setupFilesAfterEnv: ['<rootDir>/tests/setup/nock-restore.ts'],
  testTimeout: 60000,
  maxWorkers: 2,
  // Each test file gets a fresh worker process: WebAssembly instances (PGlite databases, the sentence model) and
  // worker threads a file leaves behind cannot pile up and starve a later file of address space or memory (a late
  // file once failed to load the sentence model in a thread after ~700 s of other files in the same worker).
  workerIdleMemoryLimit: 0,
};
