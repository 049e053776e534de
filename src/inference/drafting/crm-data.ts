import type { RetrievedChunk } from '../../context/index.js';
import { visibleEmailText } from '../signals/email-text.js';
import { pointsToInlineAnswers } from '../signals/inline-answers.js';
import type { DraftCitation } from './types.js';

export const DATA_OPEN = '<crm_data>';
export const DATA_CLOSE = '</crm_data>';

/**
 * CRM text as a prompt data block: JSON, with `<`, `>` and `&` (and the JS line separators) written as
 * \u escapes. The result is still valid JSON that decodes to the same strings, but no CRM text can
 * spell `</crm_data>` or any other tag, so an email cannot close the block and talk to the model as
 * if it were us.
 */
export function encodeCrmData(value: unknown): string {
  const json = JSON.stringify(value, null, 2);
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function crmDataBlock(value: unknown): string {
  return `${DATA_OPEN}\n${encodeCrmData(value)}\n${DATA_CLOSE}`;
}

/** The JSON inside the (single) data block of a prompt; for tests and audits. */
export function extractCrmData(prompt: string): unknown {
  const start = prompt.indexOf(DATA_OPEN);
  const end = prompt.lastIndexOf(DATA_CLOSE);
  if (start < 0 || end < start) return undefined;
  return JSON.parse(prompt.slice(start + DATA_OPEN.length, end));
}

export interface LabelledChunk {
  label: string;
  chunk: RetrievedChunk;
}

/** c1, c2, ... in retrieval order. */
export const labelChunks = (chunks: readonly RetrievedChunk[]): LabelledChunk[] =>
  chunks.map((chunk, i) => ({ label: `c${i + 1}`, chunk }));

/**
 * What the sender of a chunk wrote themselves, as every drafter (template and model) reads it: an email's visible part
 * (`visibleEmailText`), without the quoted history below it ("On … wrote:", "-----Original Message-----", "> " lines),
 * which holds the rep's own questions and older concerns; a draft answers only what the customer said in it. An email
 * whose writer says their answers are inline ("see my answers below in red") is kept whole: the answers are in it.
 */
export function ownWords(chunk: RetrievedChunk): string {
  if (chunk.source.kind !== 'email') return chunk.text;
  const visible = visibleEmailText(chunk.text);
  return pointsToInlineAnswers(visible) ? chunk.text : visible;
}

export const toCitation = ({ label, chunk }: LabelledChunk): DraftCitation => ({
  label,
  chunkId: chunk.id,
  recordKind: chunk.source.kind,
  recordId: chunk.source.recordId,
  url: chunk.source.url,
});

/** Chunk `occurredAt` is epoch seconds (see context/chunker.ts). */
export const chunkDate = (c: RetrievedChunk): string | null =>
  c.source.occurredAt === null ? null : new Date(c.source.occurredAt * 1000).toISOString();
