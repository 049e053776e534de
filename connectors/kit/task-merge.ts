import type { TaskChange } from '../../src/core/connector.js';

type Priority = NonNullable<TaskChange['priority']>;

/** The task as the CRM holds it now: its subject, its body as stored (plain text or HTML), its priority. */
export interface CurrentTask {
  subject: string | null;
  body: string | null;
  /** Mapped back to closeloop's priority; null when the CRM holds a value closeloop never writes. */
  priority: Priority | null;
  /** The due date as `TaskCodec.due` compares it (HubSpot: the instant; Salesforce: the day); null or absent: unknown. */
  due?: string | null;
}

/** How a CRM stores what closeloop writes, so a stored value can be compared with what closeloop wrote. */
export interface TaskCodec {
  /** The subject as stored when closeloop writes `s` (cut to the field length). */
  subject(s: string): string;
  /** The body as stored when closeloop writes the text `s` (plain text or HTML). */
  body(s: string): string;
  /** What a reader sees of a stored body, on one line (whitespace collapsed): the basis of every comparison. */
  visible(stored: string): string;
  /** The stored body with the text `block` below it. */
  append(stored: string, block: string): string;
  /** The due date as stored when closeloop writes `iso` in `timeZone` (the form `CurrentTask.due` holds). */
  due?(iso: string, timeZone?: string | null): string;
}

/** The fields to write, in stored form, and which ones were left as the rep edited them. */
export interface TaskMerge {
  subject?: string;
  body?: string;
  priority?: Priority;
  /** The new due date (ISO 8601) when the rep did not move the task's due date themselves. */
  dueAt?: string;
  /** Fields the rep changed since closeloop last wrote them: kept (the body may have had the update appended). */
  keptForRep: ('subject' | 'body' | 'priority' | 'dueAt')[];
  /** The update was appended below the rep's text. */
  appended: boolean;
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * Closeloop's update of its own task, without destroying what the rep wrote. For each field: one the rep did not touch
 * since closeloop last wrote it (`change.previous`) takes the new value; one the rep changed keeps the rep's value;
 * a rep-edited body gets `change.append` below the rep's text, unless that block is there already (a retried write).
 * A field already holding the new value is written again (harmless, and a retry after a write that landed looks like
 * that). Without `previous` (or when completing the task) everything is written as given.
 */
export function mergeTaskChange(change: TaskChange, current: CurrentTask, codec: TaskCodec): TaskMerge {
  const out: TaskMerge = { keptForRep: [], appended: false };
  const prev = change.complete ? undefined : change.previous;
  const same = (a: string, b: string) => oneLine(a) === oneLine(b);

  if (change.subject !== undefined) {
    const next = codec.subject(change.subject);
    const now = current.subject ?? '';
    const repEdited = prev?.subject !== undefined && !same(now, codec.subject(prev.subject)) && !same(now, next);
    if (repEdited) out.keptForRep.push('subject');
    else out.subject = next;
  }

  if (change.priority !== undefined) {
    const repEdited =
      prev?.priority !== undefined && current.priority !== prev.priority && current.priority !== change.priority;
    if (repEdited) out.keptForRep.push('priority');
    else out.priority = change.priority;
  }

  if (change.dueAt !== undefined) {
    // A due date the rep moved since closeloop set it stays where the rep put it.
    const key = (iso: string) => (codec.due ? codec.due(iso, change.timeZone) : iso);
    const now = current.due ?? null;
    const repEdited = prev?.dueAt !== undefined && now !== null && now !== key(prev.dueAt) && now !== key(change.dueAt);
    if (repEdited) out.keptForRep.push('dueAt');
    else out.dueAt = change.dueAt;
  }

  if (change.body !== undefined) {
    const next = codec.body(change.body);
    const stored = current.body ?? '';
    const seen = codec.visible(stored);
    const repEdited =
      prev?.body !== undefined && seen !== codec.visible(codec.body(prev.body)) && seen !== codec.visible(next);
    if (!repEdited) out.body = next;
    else {
      out.keptForRep.push('body');
      const block = change.append?.trim();
      if (block && !seen.includes(codec.visible(codec.body(block)))) {
        out.body = seen === '' ? codec.body(block) : codec.append(stored, block);
        out.appended = true;
      }
    }
  }
  return out;
}
