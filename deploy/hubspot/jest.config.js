/**
 * Tests of the app card (tests/*.test.tsx) with @hubspot/ui-extensions/testing. Run from the repository root:
 *   npm install --prefix deploy/hubspot/src/app/cards && npm run test:hubspot-card
 * Kept out of the main jest run: its dependencies live in the card's own package.json (what HubSpot builds).
 */
import { createRequire } from 'node:module';
import path from 'node:path';

const here = import.meta.dirname;
const fromRoot = createRequire(path.join(here, '..', '..', 'package.json'));

export default {
  rootDir: here,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/tests/**/*.test.tsx'],
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  // The card's dependencies (react, @hubspot/ui-extensions) come from the card's own node_modules, one copy of each.
  modulePaths: ['<rootDir>/src/app/cards/node_modules'],
  moduleNameMapper: {
    '^react$': '<rootDir>/src/app/cards/node_modules/react/index.js',
    '^react/jsx-runtime$': '<rootDir>/src/app/cards/node_modules/react/jsx-runtime.js',
  },
  transform: {
    '^.+\\.tsx?$': [
      fromRoot.resolve('@swc/jest'),
      {
        jsc: {
          parser: { syntax: 'typescript', tsx: true },
          target: 'es2022',
          transform: { react: { runtime: 'automatic' } },
        },
        module: { type: 'es6' },
      },
    ],
  },
  testTimeout: 30000,
};
