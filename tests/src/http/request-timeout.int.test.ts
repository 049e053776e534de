import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Closeloop } from '../../../src/main.js';
import { startHubspotLoop } from '../../helpers/closeloop.js';
import { loadConfig } from '../../../src/config/index.js';
import { appSettingSpecs } from '../../../connectors/index.js';

/**
 * A client that promises more body than it sends (or trickles its headers) must not hold a connection for Node's
 * default 5 minutes: HTTP_REQUEST_TIMEOUT_SECONDS bounds it (408, connection closed). Set to 1 s here.
 */
const run = promisify(execFile);

describe('HTTP request timeout', () => {
  let cl: Closeloop;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ cl, stop } = await startHubspotLoop({ env: { HTTP_REQUEST_TIMEOUT_SECONDS: '1' } }));
  }, 90_000);
  afterAll(async () => {
    await stop();
  }, 60_000);

  // The client runs in a process of its own: the test process's sockets are wrapped by nock's interceptors, which
  // hold a raw socket's close back.
  const CLIENT = `
    const { connect } = require('node:net');
    const [port, host, head] = process.argv.slice(1);
    let data = '';
    const s = connect(Number(port), host, () => s.write(head));
    s.on('data', (d) => (data += d));
    s.on('error', () => undefined);
    s.on('close', () => { process.stdout.write(JSON.stringify({ data, closed: true })); process.exit(0); });
    setTimeout(() => { process.stdout.write(JSON.stringify({ data, closed: false })); process.exit(0); }, 30000);
  `;
  const stalled = async (head: string): Promise<{ data: string; closed: boolean }> => {
    const u = new URL(cl.url);
    const { stdout } = await run(process.execPath, ['-e', CLIENT, u.port, u.hostname, head]);
    return JSON.parse(stdout) as { data: string; closed: boolean };
  };

  test('a body shorter than its Content-Length: 408 and the connection closed', async () => {
    const r = await stalled(
      'POST /webhooks/hubspot HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[{',
    );
    expect(r.closed).toBe(true);
    expect(r.data).toMatch(/^HTTP\/1\.1 408/);
  }, 60_000);

  test('headers that never end: the connection is closed', async () => {
    const r = await stalled('GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: a');
    expect(r.closed).toBe(true);
    expect(r.data).not.toMatch(/^HTTP\/1\.1 200/);
  }, 60_000);

  test('HTTP_REQUEST_TIMEOUT_SECONDS: 30 by default, 1 to 300, a clear error otherwise', () => {
    const load = (v?: string) =>
      loadConfig(
        { DATA_DIR: 'memory://', ...(v === undefined ? {} : { HTTP_REQUEST_TIMEOUT_SECONDS: v }) },
        appSettingSpecs,
      );
    expect(load().requestTimeoutMs).toBe(30_000);
    expect(load('120').requestTimeoutMs).toBe(120_000);
    for (const bad of ['0', '301', 'soon']) expect(() => load(bad)).toThrow(/HTTP_REQUEST_TIMEOUT_SECONDS/);
  });
});
