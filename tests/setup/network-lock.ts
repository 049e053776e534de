import nock from 'nock';
// A test that reaches the internet is a failing test: only loopback is allowed.
nock.disableNetConnect();
nock.enableNetConnect((host) => /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(host));
// Undone after the file even when it fails to load (tests/setup/node-environment.cjs).
(globalThis as { __restoreNetworkLock?: () => void }).__restoreNetworkLock = () => nock.restore();
