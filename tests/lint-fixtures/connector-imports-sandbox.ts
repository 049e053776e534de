// lint-as: connectors/salesforce/lint-fixture.ts
// expect: a connector never imports its sandbox (imports connectors/salesforce/sandbox/index.ts)
// expect: the CRM sandboxes are imported only by tests, the demo (src/demo) and benchmarks (imports connectors/salesforce/sandbox/index.ts)
import { startSalesforceSandbox } from './sandbox/index.js';

export const start = startSalesforceSandbox;
