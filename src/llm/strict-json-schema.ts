import { z } from 'zod';
import { InvalidPayloadError } from '../core/errors.js';

/**
 * zod -> the JSON Schema subset OpenAI accepts in strict structured outputs
 * (https://platform.openai.com/docs/guides/structured-outputs#supported-schemas): every object has
 * `additionalProperties: false` and lists every property in `required`; "optional" is expressed as a
 * union with null (`type: ["string", "null"]`). Keywords strict mode may reject (minLength, maximum,
 * pattern, ...) are left out: the zod schema checks them after parsing, so they still hold.
 *
 * Handles the shapes our task schemas use: object, string, number/integer, boolean, enum, literal,
 * array, nullable. Anything else (optional, union, record, ...) is a programming error and throws, so a
 * schema that strict mode would refuse fails in our tests rather than at the provider.
 */
export type JsonSchema = { [k: string]: unknown };

type Def = { type: string; [k: string]: unknown };
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;
const isInt = (s: z.ZodType): boolean => (s as z.ZodNumber).isInt === true;

export function toStrictJsonSchema(schema: z.ZodType, path = '$'): JsonSchema {
  const out = convert(schema, path);
  const description = z.globalRegistry.get(schema)?.description;
  return description && out.description === undefined ? { ...out, description } : out;
}

function convert(schema: z.ZodType, path: string): JsonSchema {
  const def = defOf(schema);
  switch (def.type) {
    case 'object': {
      const shape = (schema as z.ZodObject).shape as Record<string, z.ZodType>;
      const properties: Record<string, JsonSchema> = {};
      for (const [k, v] of Object.entries(shape)) properties[k] = toStrictJsonSchema(v, `${path}.${k}`);
      return { type: 'object', properties, required: Object.keys(shape), additionalProperties: false };
    }
    case 'string':
      return { type: 'string' };
    case 'number':
      return { type: isInt(schema) ? 'integer' : 'number' };
    case 'boolean':
      return { type: 'boolean' };
    case 'enum':
      return { type: 'string', enum: Object.values(def.entries as Record<string, string>) };
    case 'literal': {
      const values = def.values as unknown[];
      if (!values.every((v) => typeof v === 'string')) throw unsupported(path, 'non-string literal');
      return { type: 'string', enum: values };
    }
    case 'array':
      return { type: 'array', items: toStrictJsonSchema(def.element as z.ZodType, `${path}[]`) };
    case 'nullable': {
      const inner = toStrictJsonSchema(def.innerType as z.ZodType, path);
      if (typeof inner.type === 'string')
        return {
          ...inner,
          type: [inner.type, 'null'],
          ...(inner.enum ? { enum: [...(inner.enum as unknown[]), null] } : {}),
        };
      return { anyOf: [inner, { type: 'null' }] };
    }
    default:
      throw unsupported(path, def.type);
  }
}

const unsupported = (path: string, what: string) =>
  new InvalidPayloadError(
    `${path}: ${what} has no strict structured-output form; use .nullable() for optional fields`,
    { where: 'strict-json-schema' },
  );

/** A named schema ready for `response_format`. */
export interface StructuredSchema<T> {
  name: string;
  zod: z.ZodType<T>;
  jsonSchema: JsonSchema;
}

export function structuredSchema<T>(name: string, zod: z.ZodType<T>): StructuredSchema<T> {
  return { name, zod, jsonSchema: toStrictJsonSchema(zod) };
}
