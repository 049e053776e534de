// lint-as: connectors/hubspot/lint-fixture.ts
// expect: a connector imports only its own folder, connectors/kit and src/core (never another connector, never src/ beyond core) (imports connectors/salesforce/soql.ts)
// expect: a connector imports only its own folder, connectors/kit and src/core (never another connector, never src/ beyond core) (imports src/store/db.ts)
// expect: a connector imports only its own folder, connectors/kit and src/core (never another connector, never src/ beyond core) (imports src/lib/ids.ts)
// expect: a connector imports only its own folder, connectors/kit and src/core (never another connector, never src/ beyond core) (imports connectors/index.ts)
// expect: a connector imports only its own folder, connectors/kit and src/core (never another connector, never src/ beyond core) (imports src/config/index.ts)
// expect: only src/config reads the environment
import { soqlLiteral } from '../salesforce/soql.js';
import type { Db } from '../../src/store/db.js';
import { stableId } from '../../src/lib/ids.js';
import { connectorFor } from '../index.js';
import { readConfigFromProcess } from '../../src/config/index.js';
// Allowed: its own files, the kit, the core.
import { hubspotManifest } from './manifest.js';
import { constantTimeEqual } from '../kit/constant-time.js';
import { ErrorCode } from '../../src/core/errors.js';

export const token = process.env.HUBSPOT_TOKEN;
export const all = [soqlLiteral, stableId, connectorFor, readConfigFromProcess, hubspotManifest, constantTimeEqual, ErrorCode];
export type D = Db;
