// jest.config.js `testEnvironment`: Node's environment, plus one duty at teardown. Every test file activates nock
// (tests/setup/network-lock.ts), and nock patches Node internals (http, net.Socket) that all files of a worker share.
// The `afterAll` in nock-restore.ts undoes that, but jest runs no hooks for a file that fails while loading, so a
// broken file used to leave nock active and the next files of that worker failed with ECONNRESET on loopback.
// Teardown always runs, so the restore happens here as well.
const { TestEnvironment } = require('jest-environment-node');

class NetworkLockedEnvironment extends TestEnvironment {
  async teardown() {
    try {
      const restore = this.global.__restoreNetworkLock;
      if (typeof restore === 'function') restore();
    } finally {
      await super.teardown();
    }
  }
}

module.exports = NetworkLockedEnvironment;
