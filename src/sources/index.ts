/** Sources beyond the CRM (closeloop issue 4 item 6): the ingest API and Slack events. */
export { generateIngestKey, hashIngestKey, ingestKeyId, authenticateIngestKey } from './ingest-keys.js';
export { verifySlackSignature, SLACK_TOLERANCE_MS } from './slack-signature.js';
export {
  IngestRequest,
  IngestItem,
  parseIngestRequest,
  ingestInteractions,
  deleteInteraction,
  getInteraction,
  INGEST_PROVIDER,
  type IngestItemResult,
} from './ingest-items.js';
export {
  createSlackEventHandler,
  SLACK_PROVIDER,
  slackPermalink,
  slackToText,
  type SlackOutcome,
} from './slack-events.js';
export { linkInteractions, findCompanyMentions, type LinkInput, type LinkResult } from './link-participants.js';
