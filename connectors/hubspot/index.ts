import type { Connector } from '../../src/core/index.js';
import type { HubspotClientOptions } from './client.js';
import { hubspotManifest } from './manifest.js';
import { resolveApp } from './app-settings.js';
import { verifyAppRequest } from './app-requests.js';
import { afterInstall, refreshTokens } from './oauth.js';
import { identifyUser } from './sign-in.js';
import { fetchByIds, listChanges, type HubspotSyncOptions } from './sync.js';
import { parseWebhook, type HubspotWebhookOptions } from './webhooks.js';
import {
  HUBSPOT_TASKS_PER_BATCH,
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

export interface HubspotConnectorOptions extends HubspotClientOptions, HubspotSyncOptions, HubspotWebhookOptions {}

/** Assembles the HubSpot connector; options arrive as arguments (the registry uses the defaults). */
export function createHubspotConnector(opts: HubspotConnectorOptions = {}): Connector {
  return {
    manifest: hubspotManifest,
    resolveApp,
    refreshTokens: (o) => refreshTokens(o, opts),
    afterInstall: (tokens, o) => afterInstall(tokens, o, opts),
    identifyUser: (tokens, o) => identifyUser(tokens, o, opts),
    listChanges: (ctx, kind, since) => listChanges(ctx, kind, since, opts),
    fetchByIds: (ctx, kind, ids) => fetchByIds(ctx, kind, ids, opts),
    parseWebhook: (req, secrets) => parseWebhook(req, secrets, opts),
    verifyAppRequest,
    createTask: (ctx, task) => createTask(ctx, task, opts),
    createTasks: (ctx, tasks) => createTasks(ctx, tasks, opts),
    maxTasksPerCall: HUBSPOT_TASKS_PER_BATCH,
    createDraftEmail: (ctx, draft) => createDraftEmail(ctx, draft, opts),
    createDraftEmails: (ctx, drafts) => createDraftEmails(ctx, drafts, opts),
    maxDraftsPerCall: HUBSPOT_TASKS_PER_BATCH,
    updateTask: (ctx, id, change) => updateTask(ctx, id, change, opts),
    withdrawDraftEmail: (ctx, id, reason, key, previous) => withdrawDraftEmail(ctx, id, reason, key, previous, opts),
    updateDraftEmail: (ctx, id, change) => updateDraftEmail(ctx, id, change, opts),
    lookupOwner: (ctx, ownerId) => lookupOwner(ctx, ownerId, opts),
    stageLabels: (ctx) => stageLabels(ctx, opts),
  };
}

export const hubspotConnector: Connector = createHubspotConnector();
export { hubspotManifest };
