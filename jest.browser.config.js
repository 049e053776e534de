/**
 * Browser tests (tests/browser): playwright-core driving Debian's Chromium. `npm run test:browser`; .ci/run runs them.
 */
import base from './jest.config.js';

export default {
  ...base,
  testMatch: ['**/tests/browser/**/*.browser.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 180000,
  maxWorkers: 1,
};
