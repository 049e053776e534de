import { NotFoundError, type AppSettingSpec, type Connector } from '../src/core/index.js';
import { hubspotConnector } from './hubspot/index.js';
import { salesforceConnector } from './salesforce/index.js';

/**
 * The connector registry: provider id → connector. The only path src/ imports from connectors/.
 * Adding a CRM is one folder plus one line here.
 */
export const connectors: Record<string, Connector> = {
  hubspot: hubspotConnector,
  salesforce: salesforceConnector,
};

/** Each CRM's app settings and their environment variables (src/config validates them), by provider id. */
export const appSettingSpecs: Readonly<Record<string, readonly AppSettingSpec[]>> = Object.fromEntries(
  Object.entries(connectors).map(([id, c]) => [id, c.manifest.appSettings]),
);

/** The connector for a provider id; unknown ids are a NOT_FOUND error, never undefined. */
export function getConnector(id: string): Connector {
  if (!Object.hasOwn(connectors, id)) {
    throw new NotFoundError(`unknown connector "${id}" (known: ${Object.keys(connectors).join(', ')})`, {
      where: 'connectors/index',
    });
  }
  return connectors[id]!;
}
