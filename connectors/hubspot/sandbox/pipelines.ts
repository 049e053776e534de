/**
 * CRM pipelines v3 for deals (https://developers.hubspot.com/docs/api-reference/crm-pipelines-v3/guide): the one
 * default "Sales Pipeline" every portal starts with, its stage ids (what `dealstage` holds) and the labels the UI
 * shows.
 */
import { Router, type Request, type Response } from 'express';
import { crmError } from './errors.js';
import { authOf, requireScopes } from './oauth.js';
import { DEFAULT_PIPELINE_STAGES, type DealStage } from './object-types.js';

const DEAL_SCOPES = ['crm.objects.deals.read'];

/** Labels of the default sales pipeline's stages as a new portal shows them. */
export const DEFAULT_STAGE_LABELS: Readonly<
  Record<DealStage, { label: string; probability: string; isClosed: string }>
> = {
  appointmentscheduled: { label: 'Appointment Scheduled', probability: '0.2', isClosed: 'false' },
  qualifiedtobuy: { label: 'Qualified To Buy', probability: '0.4', isClosed: 'false' },
  presentationscheduled: { label: 'Presentation Scheduled', probability: '0.6', isClosed: 'false' },
  decisionmakerboughtin: { label: 'Decision Maker Bought-In', probability: '0.8', isClosed: 'false' },
  contractsent: { label: 'Contract Sent', probability: '0.9', isClosed: 'false' },
  closedwon: { label: 'Closed Won', probability: '1.0', isClosed: 'true' },
  closedlost: { label: 'Closed Lost', probability: '0.0', isClosed: 'true' },
};

const EPOCH = '2020-01-01T00:00:00.000Z';

function defaultPipeline(): Record<string, unknown> {
  return {
    id: 'default',
    label: 'Sales Pipeline',
    displayOrder: 0,
    archived: false,
    createdAt: EPOCH,
    updatedAt: EPOCH,
    stages: DEFAULT_PIPELINE_STAGES.map((id, displayOrder) => ({
      id,
      label: DEFAULT_STAGE_LABELS[id].label,
      displayOrder,
      archived: false,
      createdAt: EPOCH,
      updatedAt: EPOCH,
      writePermissions: 'CRM_PERMISSIONS_ENFORCEMENT',
      metadata: { probability: DEFAULT_STAGE_LABELS[id].probability, isClosed: DEFAULT_STAGE_LABELS[id].isClosed },
    })),
  };
}

export function pipelinesRouter(): Router {
  const router = Router();
  router.get('/crm/v3/pipelines/:objectType', (req: Request, res: Response) => {
    requireScopes(authOf(res), DEAL_SCOPES);
    if (!['deals', '0-3'].includes(req.params.objectType as string))
      throw crmError(400, 'VALIDATION_ERROR', `Unable to infer object type from: ${req.params.objectType}`);
    res.json({ results: [defaultPipeline()] });
  });
  router.get('/crm/v3/pipelines/:objectType/:pipelineId', (req: Request, res: Response) => {
    requireScopes(authOf(res), DEAL_SCOPES);
    if (req.params.pipelineId !== 'default')
      throw crmError(404, 'OBJECT_NOT_FOUND', `Pipeline ${req.params.pipelineId} not found.`);
    res.json(defaultPipeline());
  });
  return router;
}
