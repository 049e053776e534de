export {
  findPersonalData,
  personNames,
  luhnValid,
  ibanValid,
  ssnValid,
  PII_KINDS,
  type PiiKind,
  type PiiSpan,
  type KnownPerson,
  type DetectOptions,
} from './detect.js';
export {
  createMasker,
  mapStrings,
  INVISIBLE,
  type Masker,
  type MaskerOptions,
  type PlaceholderKind,
} from './masker.js';
export {
  withPrivacy,
  maskMessage,
  maskMessages,
  type PrivacyOptions,
  type PrivateCompletion,
  type PrivateLlmClient,
  type AuditSink,
} from './with-privacy.js';
export { assertLocalOnly, localOnlyProblems, remoteModelAllowed } from './local-only.js';
export { deleteTenant, deleteRecord, type IndexEraser } from './erase.js';
