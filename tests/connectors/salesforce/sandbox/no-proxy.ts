// jsforce reads proxy variables when it is first imported; the sandbox lives on loopback.
for (const key of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'HTTP_TIMEOUT', 'LOCATION_BASE_URL'])
  delete process.env[key];
export {};
