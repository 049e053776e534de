import { identifyUser } from './sign-in.js';
import type { Connector } from '../../src/core/connector.js';
import { setDispatcher } from 'jsforce/lib/request.js';
import { changeStreamStart, subscribeChanges, type CdcOptions } from './cdc.js';
import { createSalesforceClient } from './client.js';
import { SALESFORCE_LIMITS, salesforceManifest } from './manifest.js';
import { resolveApp } from './app-settings.js';
import { afterInstall, refreshTokens } from './oauth.js';
import { defaultSyncOptions, fetchByIds, listChanges, type SalesforceSyncOptions } from './sync.js';
import { parseWebhook } from './webhooks.js';
import { checkSetup, countRecords, listIds } from './setup.js';
import {
  createDraftEmail,
  createDraftEmails,
  createTask,
  createTasks,
  lookupOwner,
  stageLabels,
  updateTask,
  withdrawDraftEmail,
  updateDraftEmail,
} from './writeback.js';

export interface SalesforceConnectorOptions {
  sync?: Partial<SalesforceSyncOptions>;
  cdc?: CdcOptions;
}

/**
 * Assembles the Salesforce connector. Options exist for tests and tuning; defaults are production values.
 */
export function createSalesforceConnector(options: SalesforceConnectorOptions = {}): Connector {
  const syncOpts: SalesforceSyncOptions = { ...defaultSyncOptions(), ...options.sync };
  const clientFor = (ctx: Parameters<typeof createSalesforceClient>[0]) =>
    createSalesforceClient(ctx, { now: syncOpts.now });
  return {
    manifest: salesforceManifest,
    resolveApp,
    // jsforce sends its requests through its own undici dispatcher, not the global fetch's.
    useDispatcher: (dispatcher) => setDispatcher(dispatcher as Parameters<typeof setDispatcher>[0]),
    refreshTokens,
    afterInstall,
    identifyUser,
    listChanges: async function* (ctx, kind, since) {
      yield* listChanges(await clientFor(ctx), kind, since, syncOpts);
    },
    fetchByIds: async (ctx, kind, ids) => (ids.length === 0 ? [] : fetchByIds(await clientFor(ctx), kind, ids)),
    parseWebhook,
    subscribeChanges: async (ctx, replayFrom, onEvent) =>
      subscribeChanges(await clientFor(ctx), ctx, replayFrom, onEvent, { now: syncOpts.now, ...options.cdc }),
    changeStreamStart,
    checkSetup: async (ctx) => checkSetup(await clientFor(ctx)),
    inventory: {
      count: async (ctx, kind) => countRecords(await clientFor(ctx), kind),
      ids: async function* (ctx, kind) {
        yield* listIds(await clientFor(ctx), kind);
      },
    },
    createTask: async (ctx, task) => createTask(await clientFor(ctx), task),
    createTasks: async (ctx, tasks) => createTasks(await clientFor(ctx), tasks),
    maxTasksPerCall: SALESFORCE_LIMITS.compositeRecords,
    createDraftEmail: async (ctx, draft) => createDraftEmail(await clientFor(ctx), draft),
    createDraftEmails: async (ctx, drafts) => createDraftEmails(await clientFor(ctx), drafts),
    maxDraftsPerCall: SALESFORCE_LIMITS.compositeRecords,
    updateTask: async (ctx, id, change) => updateTask(await clientFor(ctx), id, change),
    withdrawDraftEmail: async (ctx, id, _reason, _key, previous) =>
      withdrawDraftEmail(await clientFor(ctx), id, previous),
    updateDraftEmail: async (ctx, id, change) => updateDraftEmail(await clientFor(ctx), id, change),
    lookupOwner: async (ctx, ownerId) => lookupOwner(await clientFor(ctx), ownerId),
    stageLabels: async (ctx) => stageLabels(await clientFor(ctx)),
  };
}

/** The registry entry: `salesforce: salesforceConnector`. */
export const salesforceConnector: Connector = createSalesforceConnector();

export { salesforceManifest } from './manifest.js';
export { changeStreamStart, decodeReplayPosition, encodeReplayPosition, isReplayIdExpired } from './cdc.js';
