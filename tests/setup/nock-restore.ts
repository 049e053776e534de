import nock from 'nock';
// jest.config.js `setupFilesAfterEnv`: the network lock activates nock in every test file, and an
// active nock left behind patches shared Node internals (net.Socket) for the next file in the same worker.
afterAll(() => nock.restore());
