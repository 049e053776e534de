export { draftEmail, toDraftEmailPayload, type DraftDeps } from './draft-email.js';
export { templateDraft, templateModel, formatDate, TEMPLATE_VERSION, type TemplateDraft } from './template.js';
export { buildDraftPrompt, SIGNATURE_PLACEHOLDER, type DraftPrompt, type PromptOptions } from './prompt.js';
export {
  encodeCrmData,
  crmDataBlock,
  extractCrmData,
  labelChunks,
  DATA_OPEN,
  DATA_CLOSE,
  type LabelledChunk,
} from './crm-data.js';
export {
  DRAFT_KINDS,
  type DraftKind,
  type DraftInput,
  type DraftInteraction,
  type DraftCitation,
  type DraftResult,
} from './types.js';
