/**
 * Validates and normalizes property writes the way HubSpot does: every value becomes a string, dates become ISO-8601,
 * enumerations must name an option, unknown and read-only properties are refused, "" clears a value.
 */
import type { ObjectTypeDef, PropertyDef } from './object-types.js';
import { invalidProperties, type PropertyProblem } from './errors.js';

export interface NormalizeOptions {
  mode: 'create' | 'update';
  /** The seed and the sandbox itself may set read-only stamps; API callers may not. */
  allowReadOnly?: boolean;
}

const NUMBER = /^-?\d+(\.\d+)?$/;
/**
 * Text property values hold at most 65,536 characters (documented for `hs_note_body`: "The note's text content,
 * limited to 65,536 characters", https://developers.hubspot.com/docs/api-reference/crm-notes-v3/guide); the sandbox
 * applies it to every string property (task bodies included). A longer value refuses the whole write with the
 * usual `Property values were not valid` 400 (the per-property error code is a guess).
 */
export const STRING_MAX_LENGTH = 65_536;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Parses epoch ms, ISO-8601 or a bare date into epoch ms; undefined when unparseable. */
export function parseDateValue(raw: string): number | undefined {
  if (/^-?\d+$/.test(raw)) return Number(raw);
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? undefined : ms;
}

function normalizeOne(name: string, def: PropertyDef, raw: string): string | PropertyProblem {
  if (raw === '') return raw;
  switch (def.type) {
    case 'number':
      return NUMBER.test(raw.trim())
        ? raw.trim()
        : { name, error: 'INVALID_INTEGER', message: `${raw} is not a valid number.` };
    case 'datetime':
    case 'date': {
      const ms = parseDateValue(raw);
      if (ms === undefined)
        return { name, error: 'INVALID_DATE', message: `${raw} is not a valid date or epoch millisecond value.` };
      return new Date(ms).toISOString();
    }
    case 'enumeration':
      return def.options === undefined || def.options.includes(raw)
        ? raw
        : {
            name,
            error: 'INVALID_OPTION',
            message: `${raw} was not one of the allowed options: [${(def.options ?? []).join(', ')}]`,
          };
    case 'bool':
      return raw === 'true' || raw === 'false'
        ? raw
        : { name, error: 'INVALID_OPTION', message: `${raw} was not one of the allowed options: [true, false]` };
    case 'string':
      return raw.length <= STRING_MAX_LENGTH
        ? raw
        : {
            name,
            error: 'INVALID_STRING_LENGTH',
            message: `${name} is ${raw.length} characters long; the maximum is ${STRING_MAX_LENGTH}.`,
          };
  }
}

/** Returns the normalized string map or throws a HubSpot 400 listing every bad property at once. */
export function normalizeProperties(
  type: ObjectTypeDef,
  input: Record<string, unknown>,
  opts: NormalizeOptions,
): Record<string, string> {
  const out: Record<string, string> = {};
  const problems: PropertyProblem[] = [];
  for (const [name, value] of Object.entries(input)) {
    const def = type.properties[name];
    if (def === undefined) {
      problems.push({ name, error: 'PROPERTY_DOESNT_EXIST', message: `Property "${name}" does not exist` });
      continue;
    }
    if (def.readOnly === true && opts.allowReadOnly !== true) {
      problems.push({
        name,
        error: 'READ_ONLY_VALUE',
        message: `"${name}" is a read only property; its value cannot be set.`,
      });
      continue;
    }
    const raw = value === null || value === undefined ? '' : String(value);
    const normalized = normalizeOne(name, def, raw);
    if (typeof normalized === 'string') out[name] = normalized;
    else problems.push(normalized);
  }
  if (type.name === 'contacts' && out.email !== undefined && out.email !== '' && !EMAIL.test(out.email)) {
    problems.push({ name: 'email', error: 'INVALID_EMAIL', message: `Email address ${out.email} is invalid` });
  }
  if (opts.mode === 'create') {
    for (const required of type.requiredOnCreate) {
      if (out[required] === undefined || out[required] === '') {
        problems.push({ name: required, error: 'REQUIRED', message: `${required} is required.` });
      }
    }
  }
  if (problems.length > 0) throw invalidProperties(problems);
  return out;
}
