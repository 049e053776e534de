// lint-as: tests/connectors/lint-fixture.test.ts
// expect: nothing
import { startHubspotSandbox } from '../../connectors/hubspot/sandbox/index.js';
import { soqlLiteral } from '../../connectors/salesforce/soql.js';

export const all = [startHubspotSandbox, soqlLiteral, process.env.DATABASE_URL];
