// lint-as: src/sync/lint-fixture.ts
// expect: the CRM sandboxes are imported only by tests, the demo (src/demo) and benchmarks (imports connectors/hubspot/sandbox/index.ts)
// expect: src/ reaches connectors only through the registry connectors/index.ts (main.ts, the demo and the CLI compose) (imports connectors/hubspot/sandbox/index.ts)
// expect: src/ reaches connectors only through the registry connectors/index.ts (main.ts, the demo and the CLI compose) (imports connectors/salesforce/soql.ts)
// expect: only src/config reads the environment
import { startHubspotSandbox } from '../../connectors/hubspot/sandbox/index.js';
import { soqlLiteral } from '../../connectors/salesforce/soql.js';
import { connectorFor } from '../../connectors/index.js';

export const all = [startHubspotSandbox, soqlLiteral, connectorFor, process.env.PORT];
